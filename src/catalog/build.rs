//! Lowering: parsed statements → [`Catalog`].
//!
//! Declarative files may spread an object over several statements (`CREATE TABLE`, then
//! `ALTER TABLE … ADD CONSTRAINT`, `CREATE INDEX`, `COMMENT ON`, `GRANT`), in any file order.
//! Statements are therefore applied in three phases: definitions, then attachments
//! (alterations, indexes, policies, triggers), then annotations (comments, grants, owners).
//! Within a phase, file order is kept. Nothing here fails: what cannot be understood becomes a
//! diagnostic with the statement's location.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use pg_query::NodeEnum;
use pg_query::protobuf::{
    self, AlterTableType, ConstrType, Node, ObjectType, RangeVar, RoleSpecType,
};

use super::names::{QualifiedName, choose_name, column_name_addition};
use super::typename::{base_name, format_type_name};
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::{Statement, deparse_expr, deparse_stmt};
use crate::source::{FileId, Span};

/// Rule name for statement kinds (or parts) the catalog does not model.
pub const UNSUPPORTED_STATEMENT: &str = "unsupported-statement";
/// Rule name for statements that refer to an object no file declares.
pub const UNKNOWN_OBJECT: &str = "unknown-object";
/// Rule name for a second declaration of a non-relation object.
pub const DUPLICATE_OBJECT: &str = "duplicate-object";

/// One file's statements, ready to be lowered.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The file.
    pub file: FileId,
    /// Its text (for leading-comment hints and body locations).
    pub text: &'a str,
    /// Its statements in order.
    pub statements: &'a [Statement],
    /// `Some(service)` when the file declares external tables owned by that service.
    pub external_owner: Option<&'a str>,
}

/// Builds a catalog from parsed files. Never fails.
pub fn build_catalog(inputs: &[Input<'_>], default_schema: &str) -> (Catalog, Vec<Diagnostic>) {
    let mut builder = CatalogBuilder::new(default_schema);
    for input in inputs {
        for stmt in input.statements {
            builder.push(input.file, input.text, input.external_owner, stmt.clone());
        }
    }
    builder.finish()
}

/// Incremental lowering: statements are pushed in file order as they are parsed; definitions
/// are applied at once (and their trees dropped), attachments and annotations are queued until
/// every file has been read. This keeps only a fraction of the parse trees alive at any time.
pub struct CatalogBuilder<'a> {
    b: Builder,
    queue: [Vec<Item<'a>>; 2],
    current: Option<FileId>,
    search_path: SearchPath,
    default_schema: String,
}

impl<'a> CatalogBuilder<'a> {
    /// A builder resolving unqualified names to `default_schema`.
    pub fn new(default_schema: &str) -> Self {
        CatalogBuilder {
            b: Builder {
                data_statements: BTreeMap::new(),
                catalog: Catalog::new(),
                diags: Vec::new(),
                taken_relations: BTreeSet::new(),
                default_schema: default_schema.to_owned(),
                adopted_keys: partition_index::AdoptedKeys::new(),
            },
            queue: [Vec::new(), Vec::new()],
            current: None,
            search_path: Arc::from(vec![default_schema.to_owned()]),
            default_schema: default_schema.to_owned(),
        }
    }

    /// Adds the next statement of `file` (statements of one file must come in order).
    pub fn push(
        &mut self,
        file: FileId,
        text: &'a str,
        external_owner: Option<&'a str>,
        stmt: Statement,
    ) {
        if self.current != Some(file) {
            self.current = Some(file);
            self.search_path = Arc::from(vec![self.default_schema.clone()]);
        }
        if let Some(sp) = search_path_change(&stmt.node, &self.default_schema) {
            self.search_path = sp;
            return;
        }
        let ctx = Ctx {
            file,
            text,
            span: stmt.span,
            raw_start: stmt.raw_start as usize,
            base: stmt.base as usize,
            search_path: self.search_path.clone(),
            external_owner,
        };
        match phase(&stmt.node) {
            0 => self.b.apply(&stmt.node, &ctx),
            p => {
                use prost::Message;
                let encoded = Node {
                    node: Some(stmt.node),
                }
                .encode_to_vec();
                self.queue[p - 1].push(Item { encoded, ctx });
            }
        }
    }

    /// Applies the queued statements and returns the catalog with the loader's findings.
    pub fn finish(mut self) -> (Catalog, Vec<Diagnostic>) {
        for items in std::mem::take(&mut self.queue) {
            for item in items {
                use prost::Message;
                if let Some(node) = Node::decode(item.encoded.as_slice())
                    .ok()
                    .and_then(|n| n.node)
                {
                    self.b.apply(&node, &item.ctx);
                }
            }
        }
        self.b.finish();
        (self.b.catalog, self.b.diags)
    }
}

/// A queued statement, kept protobuf-encoded until it is applied (see [`Expr`] for why).
struct Item<'a> {
    encoded: Vec<u8>,
    ctx: Ctx<'a>,
}

/// Where a statement came from.
#[derive(Clone)]
struct Ctx<'a> {
    file: FileId,
    text: &'a str,
    span: Span,
    raw_start: usize,
    base: usize,
    search_path: SearchPath,
    external_owner: Option<&'a str>,
}

impl Ctx<'_> {
    fn schema(&self) -> &str {
        self.search_path.first().map_or("public", String::as_str)
    }

    fn qualify(&self, rv: &RangeVar) -> QualifiedName {
        if rv.schemaname.is_empty() {
            QualifiedName::new(self.schema(), rv.relname.clone())
        } else {
            QualifiedName::new(rv.schemaname.clone(), rv.relname.clone())
        }
    }

    fn qualify_list(&self, names: &[Node]) -> QualifiedName {
        let parts = strings(names);
        match parts.as_slice() {
            [] => QualifiedName::new(self.schema(), ""),
            [one] => QualifiedName::new(self.schema(), one.clone()),
            [.., s, n] => QualifiedName::new(s.clone(), n.clone()),
        }
    }

    /// The statement's leading comments (between the previous statement and its keyword).
    fn leading_comments(&self) -> &str {
        self.text
            .get(self.raw_start..self.span.start as usize)
            .unwrap_or("")
    }

    fn meta(&self) -> Meta {
        Meta {
            span: Some(self.span),
            renamed_from: rename_hint(self.leading_comments()),
            location_base: u32::try_from(self.base).unwrap_or(0),
            ..Meta::default()
        }
    }

    fn statement_text(&self) -> &str {
        self.text
            .get(self.span.start as usize..self.span.end as usize)
            .unwrap_or("")
    }
}

/// `-- schema: renamed from old_name` in a statement's leading comments.
fn rename_hint(comments: &str) -> Option<String> {
    comments.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("--")?.trim();
        let rest = rest.strip_prefix("schema:")?.trim();
        let old = rest.strip_prefix("renamed from")?.trim();
        let old = old.trim_end_matches(';').trim();
        (!old.is_empty()).then(|| old.trim_matches('"').to_owned())
    })
}

/// A rename hint in the comment lines right above a column definition (inside the statement:
/// only whitespace may precede the column on its own line).
fn column_rename_hint(ctx: &Ctx<'_>, location: i32) -> Option<String> {
    let at = ctx.base + usize::try_from(location).ok()?;
    let before = ctx.text.get(ctx.span.start as usize..at)?;
    let mut lines = before.lines().rev();
    if !before.ends_with('\n') && !lines.next()?.trim().is_empty() {
        return None;
    }
    let comments: Vec<&str> = lines
        .take_while(|l| l.trim_start().starts_with("--"))
        .collect();
    rename_hint(&comments.join("\n"))
}

/// 0: definitions, 1: attachments, 2: annotations.
fn phase(node: &NodeEnum) -> usize {
    match node {
        NodeEnum::AlterTableStmt(_)
        | NodeEnum::IndexStmt(_)
        | NodeEnum::CreatePolicyStmt(_)
        | NodeEnum::AlterPolicyStmt(_)
        | NodeEnum::CreateTrigStmt(_)
        | NodeEnum::AlterSeqStmt(_)
        | NodeEnum::AlterEnumStmt(_)
        | NodeEnum::AlterFunctionStmt(_) => 1,
        NodeEnum::CommentStmt(_) | NodeEnum::GrantStmt(_) | NodeEnum::AlterOwnerStmt(_) => 2,
        _ => 0,
    }
}

/// `SET search_path …` or pg_dump's `SELECT pg_catalog.set_config('search_path', …)`.
/// Returns the schemas to search for unqualified names (`"$user"` and `pg_catalog` left out).
pub fn search_path_change(node: &NodeEnum, default_schema: &str) -> Option<SearchPath> {
    let list = match node {
        NodeEnum::VariableSetStmt(v) if v.name == "search_path" => {
            if v.kind == protobuf::VariableSetKind::VarSetValue as i32 {
                v.args.iter().filter_map(const_string).collect::<Vec<_>>()
            } else {
                vec![default_schema.to_owned()]
            }
        }
        NodeEnum::SelectStmt(s) if s.target_list.len() == 1 && s.from_clause.is_empty() => {
            let NodeEnum::ResTarget(t) = s.target_list[0].node.as_ref()? else {
                return None;
            };
            let NodeEnum::FuncCall(f) = t.val.as_ref()?.node.as_ref()? else {
                return None;
            };
            if strings(&f.funcname).last().map(String::as_str) != Some("set_config") {
                return None;
            }
            if f.args.first().and_then(const_string).as_deref() != Some("search_path") {
                return None;
            }
            let value = f.args.get(1).and_then(const_string)?;
            value
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        }
        _ => return None,
    };
    let list: Vec<String> = list
        .into_iter()
        .filter(|s| s != "$user" && s != "\"$user\"" && s != "pg_catalog")
        .collect();
    Some(Arc::from(list))
}

struct Builder {
    /// Data statements seen, per file and kind: first location and count.
    data_statements: BTreeMap<(FileId, String), (Span, usize)>,
    catalog: Catalog,
    diags: Vec<Diagnostic>,
    /// Relation names in use per schema (tables, views, sequences, indexes incl. constraint
    /// indexes), for PostgreSQL's implicit-name choice.
    taken_relations: BTreeSet<QualifiedName>,
    default_schema: String,
    /// Partition keys whose index a parent index adopted.
    adopted_keys: partition_index::AdoptedKeys,
}

impl Builder {
    fn warn(&mut self, ctx: &Ctx<'_>, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(
            UNSUPPORTED_STATEMENT,
            Severity::Warning,
            message,
            Some(ctx.span),
        ));
    }

    fn unknown(&mut self, ctx: &Ctx<'_>, what: &str, name: &dyn std::fmt::Display) {
        self.diags.push(
            Diagnostic::new(
                UNKNOWN_OBJECT,
                Severity::Error,
                format!("{what} {name} is not declared in any schema file"),
                Some(ctx.span),
            )
            .with_object(name)
            .with_help(
                "declare the object (or, for another service's table, declare it as external)",
            ),
        );
    }

    fn apply(&mut self, node: &NodeEnum, ctx: &Ctx<'_>) {
        match node {
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(s, ctx),
            NodeEnum::CreateExtensionStmt(s) => self.create_extension(s, ctx),
            NodeEnum::CreateStmt(s) => self.create_table(s, ctx),
            NodeEnum::ViewStmt(s) => self.create_view(s, ctx),
            NodeEnum::CreateTableAsStmt(s) => self.create_table_as(s, ctx),
            NodeEnum::CreateFunctionStmt(s) => self.create_function(s, ctx),
            NodeEnum::CreateSeqStmt(s) => self.create_sequence(s, ctx),
            NodeEnum::AlterSeqStmt(s) => self.alter_sequence(s, ctx),
            NodeEnum::CreateEnumStmt(s) => self.create_enum(s, ctx),
            NodeEnum::AlterEnumStmt(s) => self.alter_enum(s, ctx),
            NodeEnum::CreateDomainStmt(s) => self.create_domain(s, ctx),
            NodeEnum::CompositeTypeStmt(s) => self.create_composite(s, ctx),
            NodeEnum::CreateRangeStmt(s) => self.create_range(s, ctx),
            NodeEnum::AlterTableStmt(s) => self.alter_table(s, ctx),
            NodeEnum::IndexStmt(s) => self.create_index(s, ctx),
            NodeEnum::CreatePolicyStmt(s) => self.create_policy(s, ctx),
            NodeEnum::AlterPolicyStmt(s) => self.alter_policy(s, ctx),
            NodeEnum::CreateTrigStmt(s) => self.create_trigger(s, ctx),
            NodeEnum::CommentStmt(s) => self.comment(s, ctx),
            NodeEnum::GrantStmt(s) => self.grant(s, ctx),
            NodeEnum::AlterOwnerStmt(s) => self.alter_owner(s, ctx),
            NodeEnum::AlterFunctionStmt(s) => self.alter_function(s, ctx),
            // Session and transaction control have no effect on the schema's shape.
            NodeEnum::VariableSetStmt(_) | NodeEnum::TransactionStmt(_) => {}
            NodeEnum::InsertStmt(_)
            | NodeEnum::UpdateStmt(_)
            | NodeEnum::DeleteStmt(_)
            | NodeEnum::MergeStmt(_)
            | NodeEnum::CopyStmt(_)
            | NodeEnum::SelectStmt(_) => {
                // One finding per file and kind (a seed file may hold thousands of INSERTs).
                let key = (ctx.file, statement_kind(node));
                let entry = self.data_statements.entry(key).or_insert((ctx.span, 0));
                entry.1 += 1;
            }
            NodeEnum::DropStmt(_) => self.warn(
                ctx,
                "DROP in a declarative schema is ignored: remove the object's declaration instead",
            ),
            other => self.record_other(other, ctx),
        }
    }

    fn record_other(&mut self, node: &NodeEnum, ctx: &Ctx<'_>) {
        let kind = statement_kind(node);
        if let NodeEnum::DefineStmt(d) = node
            && let Some((name, sql)) = operator::canonical(d, ctx.schema())
        {
            self.warn(
                ctx,
                format!("{kind} is not modelled by the catalog: it is compared as text and never planned (create or change it by hand)"),
            );
            self.catalog.others.push(OtherObject {
                kind,
                name,
                sql,
                meta: ctx.meta(),
            });
            return;
        }
        self.warn(
            ctx,
            format!(
                "{kind} is not modelled by the catalog: it is kept as text, never linted or planned"
            ),
        );
        self.catalog.others.push(OtherObject {
            kind,
            name: other_name(node),
            sql: deparse_stmt(node).unwrap_or_else(|| ctx.statement_text().to_owned()),
            meta: ctx.meta(),
        });
    }

    fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt, ctx: &Ctx<'_>) {
        let name = s.schemaname.clone();
        let mut meta = ctx.meta();
        meta.owner = s.authrole.as_ref().and_then(role_name);
        if self
            .catalog
            .schemas
            .get(&name)
            .is_some_and(|e| e.meta.span.is_some())
            && !s.if_not_exists
        {
            self.duplicate("schema", &name, ctx);
        } else {
            self.catalog.schemas.insert(
                name.clone(),
                Schema {
                    name: name.clone(),
                    meta,
                },
            );
        }
        if !s.schema_elts.is_empty() {
            let mut inner = ctx.clone();
            inner.search_path = Arc::from(vec![name]);
            let mut elts: Vec<&NodeEnum> = s
                .schema_elts
                .iter()
                .filter_map(|n| n.node.as_ref())
                .collect();
            elts.sort_by_key(|n| phase(n));
            for n in elts {
                self.apply(n, &inner);
            }
        }
    }

    fn duplicate(&mut self, kind: &'static str, name: &str, ctx: &Ctx<'_>) {
        self.diags.push(
            Diagnostic::new(
                DUPLICATE_OBJECT,
                Severity::Error,
                format!(
                    "{kind} {name} is declared more than once; the later declaration is ignored"
                ),
                Some(ctx.span),
            )
            .with_object(name),
        );
    }

    fn create_extension(&mut self, s: &protobuf::CreateExtensionStmt, ctx: &Ctx<'_>) {
        let mut ext = Extension {
            name: s.extname.clone(),
            schema: None,
            version: None,
            meta: ctx.meta(),
        };
        for opt in def_elems(&s.options) {
            match opt.defname.as_str() {
                "schema" => ext.schema = opt.arg.as_deref().and_then(const_string),
                "new_version" => ext.version = opt.arg.as_deref().and_then(const_string),
                _ => {}
            }
        }
        self.catalog
            .extensions
            .entry(ext.name.clone())
            .or_insert(ext);
    }

    // ----- tables -------------------------------------------------------------------------

    fn create_table(&mut self, s: &protobuf::CreateStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let name = ctx.qualify(rv);
        if rv.relpersistence == "t" {
            self.warn(
                ctx,
                format!("temporary table {name} is not part of a schema and is ignored"),
            );
            return;
        }
        let mut table = Table::new(name.clone());
        table.meta = ctx.meta();
        table.unlogged = rv.relpersistence == "u";
        table.external_owner = ctx.external_owner.map(str::to_owned);
        if let Some(of) = &s.of_typename {
            self.warn(
                ctx,
                format!(
                    "typed table (OF {}) is read without the type's columns",
                    format_type_name(of)
                ),
            );
        }
        let mut pending: Vec<(protobuf::Constraint, Option<String>)> = Vec::new();
        for elt in s.table_elts.iter().filter_map(|n| n.node.as_ref()) {
            match elt {
                NodeEnum::ColumnDef(c) => {
                    let col_constraints = self.add_column(&mut table, c, ctx);
                    pending.extend(
                        col_constraints
                            .into_iter()
                            .map(|k| (k, Some(c.colname.clone()))),
                    );
                }
                NodeEnum::Constraint(c) => pending.push(((**c).clone(), None)),
                NodeEnum::TableLikeClause(l) => {
                    let src = l
                        .relation
                        .as_ref()
                        .map(|r| ctx.qualify(r).to_string())
                        .unwrap_or_default();
                    self.warn(
                        ctx,
                        format!(
                            "LIKE {src} is not expanded: the copied columns are not in the catalog"
                        ),
                    );
                }
                other => self.warn(
                    ctx,
                    format!("table element {} is not modelled", statement_kind(other)),
                ),
            }
        }
        if let Some(spec) = &s.partspec {
            table.partition_by = Some(partition_text(spec));
        }
        if let Some(bound) = &s.partbound {
            let parent = s
                .inh_relations
                .iter()
                .find_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::RangeVar(r)) => Some(ctx.qualify(r)),
                    _ => None,
                })
                .unwrap_or_else(|| QualifiedName::new(ctx.schema(), ""));
            table.partition_of = Some((parent, bound_text(bound)));
        } else {
            table.inherits = s
                .inh_relations
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::RangeVar(r)) => Some(ctx.qualify(r)),
                    _ => None,
                })
                .collect();
        }
        table.options = reloptions(&s.options);
        let exists =
            self.catalog.tables.contains_key(&name) || self.catalog.externals.contains_key(&name);
        if exists {
            if !s.if_not_exists {
                self.catalog.duplicates.push(Duplicate {
                    kind: "table",
                    name: name.to_string(),
                    first: self.catalog.any_table(&name).and_then(|t| t.meta.span),
                    second: Some(ctx.span),
                });
            }
            return;
        }
        self.taken_relations.insert(name.clone());
        for (c, col) in drop_redundant_indexes(pending) {
            self.add_constraint(&mut table, &c, col.as_deref(), ctx);
        }
        if ctx.external_owner.is_some() {
            self.catalog.externals.insert(name, table);
        } else {
            // No adoption here: `CREATE TABLE … PARTITION OF` copies the parent's indexes
            // before the partition's own keys exist, so those stay separate.
            self.catalog.tables.insert(name, table);
        }
    }

    /// Adds a column; returns the column's constraints that become table constraints.
    fn add_column(
        &mut self,
        table: &mut Table,
        c: &protobuf::ColumnDef,
        ctx: &Ctx<'_>,
    ) -> Vec<protobuf::Constraint> {
        let Some(tn) = &c.type_name else {
            return Vec::new();
        };
        let mut ty = format_type_name(tn);
        let mut column = Column {
            name: c.colname.clone(),
            ty: String::new(),
            not_null: c.is_not_null,
            default: c.raw_default.as_deref().map(|n| Expr::new(n.clone())),
            identity: None,
            generated: None,
            collation: c
                .coll_clause
                .as_ref()
                .map(|cc| strings(&cc.collname).join(".")),
            comment: None,
            span: Some(node_span(ctx, c.location)),
            renamed_from: column_rename_hint(ctx, c.location),
        };
        let serial = match ty.as_str() {
            "serial" => Some("integer"),
            "bigserial" => Some("bigint"),
            "smallserial" => Some("smallint"),
            _ => None,
        };
        if let Some(int_type) = serial {
            ty = int_type.to_owned();
            let seq_name = QualifiedName::new(
                table.name.schema.clone(),
                choose_name(&table.name.name, Some(&c.colname), "seq", |n| {
                    self.taken_relations
                        .contains(&QualifiedName::new(table.name.schema.clone(), n))
                }),
            );
            self.taken_relations.insert(seq_name.clone());
            let mut seq = Sequence::new(seq_name.clone());
            seq.data_type = int_type.to_owned();
            seq.owned_by = Some((table.name.clone(), c.colname.clone()));
            seq.meta.span = Some(ctx.span);
            column.default = parse_expr(&format!(
                "nextval('{}'::regclass)",
                seq_name.to_string().replace('\'', "''")
            ));
            column.not_null = true;
            self.catalog.sequences.insert(seq_name, seq);
        }
        column.ty = ty;
        let mut table_level = Vec::new();
        for k in c.constraints.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::Constraint(k)) => Some(k),
            _ => None,
        }) {
            match ConstrType::try_from(k.contype).unwrap_or(ConstrType::Undefined) {
                ConstrType::ConstrNotnull => column.not_null = true,
                ConstrType::ConstrNull => column.not_null = false,
                ConstrType::ConstrDefault => {
                    column.default = k.raw_expr.as_deref().map(|n| Expr::new(n.clone()));
                }
                ConstrType::ConstrIdentity => {
                    column.identity = Some(Identity {
                        always: k.generated_when == "a",
                        options: def_elems(&k.options)
                            .map(|d| {
                                (
                                    d.defname.clone(),
                                    d.arg.as_deref().map(value_text).unwrap_or_default(),
                                )
                            })
                            .collect(),
                    });
                    column.not_null = true;
                }
                ConstrType::ConstrGenerated => {
                    column.generated = k.raw_expr.as_deref().map(|n| Expr::new(n.clone()));
                }
                ConstrType::ConstrAttrDeferrable
                | ConstrType::ConstrAttrNotDeferrable
                | ConstrType::ConstrAttrDeferred
                | ConstrType::ConstrAttrImmediate => {
                    if let Some(last) = table_level.last_mut() {
                        apply_attr(last, k.contype);
                    }
                }
                ConstrType::ConstrPrimary => {
                    column.not_null = true;
                    table_level.push((**k).clone());
                }
                _ => table_level.push((**k).clone()),
            }
        }
        if table.column(&column.name).is_some() {
            self.warn(
                ctx,
                format!("column {} is declared twice in {}", column.name, table.name),
            );
        } else {
            table.columns.push(column);
        }
        table_level
    }

    /// Adds a constraint from a table- or column-level `Constraint` node.
    fn add_constraint(
        &mut self,
        table: &mut Table,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let contype = ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined);
        // `… PRIMARY KEY / UNIQUE USING INDEX i`: the index becomes the constraint's (PostgreSQL
        // renames it to the constraint's name), and its columns are the keys.
        let mut c = c.clone();
        if !c.indexname.is_empty() {
            let index_name = QualifiedName::new(table.name.schema.clone(), c.indexname.clone());
            match self.catalog.indexes.remove(&index_name) {
                Some(index) => {
                    let node = |s: &str| Node {
                        node: Some(NodeEnum::String(protobuf::String { sval: s.to_owned() })),
                    };
                    c.keys = index
                        .keys
                        .iter()
                        .filter_map(|k| k.column.as_deref())
                        .map(node)
                        .collect();
                    c.including = index.include.iter().map(|s| node(s)).collect();
                    c.nulls_not_distinct = index.nulls_not_distinct;
                    if c.conname.is_empty() {
                        c.conname.clone_from(&c.indexname);
                    }
                }
                None => self.unknown(ctx, "index", &index_name),
            }
        }
        let c = &c;
        let keys = |list: &[Node]| -> Vec<String> {
            let k = strings(list);
            if k.is_empty() {
                column.map(|c| vec![c.to_owned()]).unwrap_or_default()
            } else {
                k
            }
        };
        let kind = match contype {
            ConstrType::ConstrPrimary => {
                let columns = keys(&c.keys);
                for col in &columns {
                    if let Some(column) = table.column_mut(col) {
                        column.not_null = true;
                    }
                }
                ConstraintKind::PrimaryKey {
                    columns,
                    include: strings(&c.including),
                }
            }
            ConstrType::ConstrUnique => ConstraintKind::Unique {
                columns: keys(&c.keys),
                include: strings(&c.including),
                nulls_not_distinct: c.nulls_not_distinct,
            },
            ConstrType::ConstrForeign => {
                let Some(pk) = &c.pktable else { return };
                ConstraintKind::ForeignKey {
                    columns: keys(&c.fk_attrs),
                    ref_table: ctx.qualify(pk),
                    ref_columns: strings(&c.pk_attrs),
                    on_delete: FkAction::from_code(&c.fk_del_action),
                    on_update: FkAction::from_code(&c.fk_upd_action),
                    match_full: c.fk_matchtype == "f",
                }
            }
            ConstrType::ConstrCheck => {
                let Some(expr) = c.raw_expr.as_deref() else {
                    return;
                };
                ConstraintKind::Check {
                    expr: Expr::new(expr.clone()),
                    no_inherit: c.is_no_inherit,
                }
            }
            ConstrType::ConstrExclusion => {
                let elements = c
                    .exclusions
                    .iter()
                    .filter_map(|n| match n.node.as_ref() {
                        Some(NodeEnum::List(pair)) => {
                            let elem = match pair.items.first()?.node.as_ref()? {
                                NodeEnum::IndexElem(e) => index_key(e, ctx).text(),
                                _ => return None,
                            };
                            let op = match pair.items.get(1)?.node.as_ref()? {
                                NodeEnum::List(ops) => strings(&ops.items).join("."),
                                _ => String::new(),
                            };
                            Some((elem, op))
                        }
                        _ => None,
                    })
                    .collect();
                ConstraintKind::Exclude {
                    method: if c.access_method.is_empty() {
                        "btree".to_owned()
                    } else {
                        c.access_method.clone()
                    },
                    elements,
                    predicate: c.where_clause.as_deref().map(|n| Expr::new(n.clone())),
                }
            }
            ConstrType::ConstrNotnull => {
                for col in keys(&c.keys) {
                    if let Some(column) = table.column_mut(&col) {
                        column.not_null = true;
                    }
                }
                return;
            }
            other => {
                self.warn(ctx, format!("constraint kind {other:?} is not modelled"));
                return;
            }
        };
        let name = if c.conname.is_empty() {
            self.implicit_constraint_name(table, &kind)
        } else {
            c.conname.clone()
        };
        if matches!(
            kind,
            ConstraintKind::PrimaryKey { .. }
                | ConstraintKind::Unique { .. }
                | ConstraintKind::Exclude { .. }
        ) {
            self.taken_relations
                .insert(QualifiedName::new(table.name.schema.clone(), name.clone()));
        }
        if table.constraints.contains_key(&name) {
            self.duplicate("constraint", &format!("{} on {}", name, table.name), ctx);
            return;
        }
        let mut constraint = Constraint {
            name: name.clone(),
            kind,
            deferrable: c.deferrable,
            initially_deferred: c.initdeferred,
            not_valid: c.skip_validation,
            span: Some(if c.location >= 0 {
                node_span(ctx, c.location)
            } else {
                ctx.span
            }),
        };
        if constraint.initially_deferred {
            constraint.deferrable = true;
        }
        table.constraints.insert(name, constraint);
    }

    fn implicit_constraint_name(&self, table: &Table, kind: &ConstraintKind) -> String {
        let schema = &table.name.schema;
        let relation_taken = |n: &str| {
            self.taken_relations
                .contains(&QualifiedName::new(schema.clone(), n))
                || table.constraints.contains_key(n)
        };
        // CHECK and FOREIGN KEY names must be free among all constraints of the schema
        // (ChooseConstraintName looks in pg_constraint by namespace), not only the table's.
        let constraint_taken = |n: &str| {
            table.constraints.contains_key(n)
                || self
                    .catalog
                    .tables
                    .values()
                    .chain(self.catalog.externals.values())
                    .any(|t| t.name.schema == *schema && t.constraints.contains_key(n))
        };
        let tname = &table.name.name;
        match kind {
            ConstraintKind::PrimaryKey { .. } => choose_name(tname, None, "pkey", relation_taken),
            ConstraintKind::Unique { columns, .. } => {
                let add = column_name_addition(columns.iter().map(String::as_str));
                choose_name(tname, Some(&add), "key", relation_taken)
            }
            ConstraintKind::Exclude { elements, .. } => {
                let cols: Vec<&str> = elements
                    .iter()
                    .map(|(e, _)| {
                        if e.starts_with('(') {
                            "expr"
                        } else {
                            e.as_str()
                        }
                    })
                    .collect();
                let add = column_name_addition(cols);
                choose_name(tname, Some(&add), "excl", relation_taken)
            }
            ConstraintKind::ForeignKey { columns, .. } => {
                let add = column_name_addition(columns.iter().map(String::as_str));
                choose_name(tname, Some(&add), "fkey", constraint_taken)
            }
            ConstraintKind::Check { expr, .. } => {
                let col = only_column_ref(&expr.node());
                choose_name(tname, col.as_deref(), "check", constraint_taken)
            }
        }
    }

    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        if self.catalog.tables.contains_key(name) {
            self.catalog.tables.get_mut(name)
        } else {
            self.catalog.externals.get_mut(name)
        }
    }

    fn alter_table(&mut self, s: &protobuf::AlterTableStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let name = ctx.qualify(rv);
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        if objtype != ObjectType::ObjectTable || self.table_mut(&name).is_none() {
            self.alter_other_relation(s, &name, ctx);
            return;
        }
        // Detach the table while it is changed, so `self` stays usable for naming.
        let external = !self.catalog.tables.contains_key(&name);
        let Some(mut table) = (if external {
            self.catalog.externals.remove(&name)
        } else {
            self.catalog.tables.remove(&name)
        }) else {
            return;
        };
        let keys_before: BTreeSet<String> = table.constraints.keys().cloned().collect();
        for cmd in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(c),
            _ => None,
        }) {
            self.alter_table_cmd(&mut table, cmd, ctx);
        }
        if external {
            self.catalog.externals.insert(name, table);
            return;
        }
        let new_keys: Vec<partition_index::IndexShape> = if table.partition_by.is_some() {
            table
                .constraints
                .values()
                .filter(|c| !keys_before.contains(&c.name))
                .filter_map(|c| partition_index::IndexShape::of_key(&c.kind))
                .collect()
        } else {
            Vec::new()
        };
        self.catalog.tables.insert(name.clone(), table);
        for shape in new_keys {
            partition_index::adopt_in_partitions(
                &mut self.catalog,
                &mut self.adopted_keys,
                &name,
                &shape,
                true,
            );
        }
        for child in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c))
                if AlterTableType::try_from(c.subtype).ok()
                    == Some(AlterTableType::AtAttachPartition) =>
            {
                match c.def.as_deref().and_then(|d| d.node.as_ref()) {
                    Some(NodeEnum::PartitionCmd(p)) => p.name.as_ref().map(|r| ctx.qualify(r)),
                    _ => None,
                }
            }
            _ => None,
        }) {
            partition_index::adopt_parent_indexes(
                &mut self.catalog,
                &mut self.adopted_keys,
                &name,
                &child,
            );
        }
    }

    fn alter_table_cmd(&mut self, table: &mut Table, cmd: &protobuf::AlterTableCmd, ctx: &Ctx<'_>) {
        let subtype = AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
        let def = cmd.def.as_deref().and_then(|n| n.node.as_ref());
        match (subtype, def) {
            (AlterTableType::AtAddColumn, Some(NodeEnum::ColumnDef(c))) => {
                if cmd.missing_ok && table.column(&c.colname).is_some() {
                    return;
                }
                let pending = self.add_column(table, c, ctx);
                for k in pending {
                    self.add_constraint(table, &k, Some(&c.colname), ctx);
                }
            }
            (AlterTableType::AtColumnDefault, def) => {
                let expr = cmd
                    .def
                    .as_deref()
                    .filter(|_| def.is_some())
                    .map(|n| Expr::new(n.clone()));
                self.with_column(table, &cmd.name, ctx, |col| col.default = expr);
            }
            (AlterTableType::AtSetNotNull, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.not_null = true);
            }
            (AlterTableType::AtDropNotNull, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.not_null = false);
            }
            (AlterTableType::AtAlterColumnType, Some(NodeEnum::ColumnDef(c))) => {
                if let Some(tn) = &c.type_name {
                    let ty = format_type_name(tn);
                    self.with_column(table, &cmd.name, ctx, |col| col.ty = ty);
                }
            }
            (AlterTableType::AtAddConstraint, Some(NodeEnum::Constraint(c))) => {
                self.add_constraint(table, c, None, ctx);
            }
            (AlterTableType::AtAddIndexConstraint, _) => {
                self.warn(ctx, "ADD CONSTRAINT … USING INDEX is not modelled");
            }
            (AlterTableType::AtValidateConstraint, _) => {
                if let Some(c) = table.constraints.get_mut(&cmd.name) {
                    c.not_valid = false;
                }
            }
            (AlterTableType::AtDropConstraint, _) => {
                table.constraints.remove(&cmd.name);
            }
            (AlterTableType::AtDropColumn, _) => table.columns.retain(|c| c.name != cmd.name),
            (AlterTableType::AtEnableRowSecurity, _) => {
                table.rls_enabled = true;
                table.rls_span.get_or_insert(ctx.span);
            }
            (AlterTableType::AtDisableRowSecurity, _) => table.rls_enabled = false,
            (AlterTableType::AtForceRowSecurity, _) => table.rls_forced = true,
            (AlterTableType::AtNoForceRowSecurity, _) => table.rls_forced = false,
            (AlterTableType::AtChangeOwner, _) => {
                table.meta.owner = cmd.newowner.as_ref().and_then(role_name)
            }
            (AlterTableType::AtSetRelOptions, Some(NodeEnum::List(l))) => {
                table.options.extend(reloptions(&l.items));
            }
            (AlterTableType::AtResetRelOptions, Some(NodeEnum::List(l))) => {
                for d in def_elems(&l.items) {
                    table.options.remove(&d.defname);
                }
            }
            (AlterTableType::AtAddIdentity, Some(NodeEnum::Constraint(k))) => {
                let always = k.generated_when == "a";
                self.with_column(table, &cmd.name, ctx, |col| {
                    col.identity = Some(Identity {
                        always,
                        options: Vec::new(),
                    });
                    col.not_null = true;
                });
            }
            (AlterTableType::AtDropIdentity, _) => {
                self.with_column(table, &cmd.name, ctx, |col| col.identity = None);
            }
            (AlterTableType::AtSetLogged, _) => table.unlogged = false,
            (AlterTableType::AtSetUnLogged, _) => table.unlogged = true,
            (AlterTableType::AtAttachPartition, Some(NodeEnum::PartitionCmd(cmd))) => {
                let (Some(child), Some(bound)) = (&cmd.name, &cmd.bound) else {
                    return;
                };
                let child = ctx.qualify(child);
                let bound = bound_text(bound);
                match self.table_mut(&child) {
                    Some(t) => t.partition_of = Some((table.name.clone(), bound)),
                    None => self.unknown(ctx, "table", &child),
                }
            }
            (other, _) => self.warn(
                ctx,
                format!(
                    "ALTER TABLE subcommand {} is not modelled",
                    alter_name(other)
                ),
            ),
        }
    }

    fn with_column(
        &mut self,
        table: &mut Table,
        column: &str,
        ctx: &Ctx<'_>,
        f: impl FnOnce(&mut Column),
    ) {
        match table.column_mut(column) {
            Some(col) => f(col),
            None => {
                let name = format!("{}.{}", table.name, column);
                self.unknown(ctx, "column", &name);
            }
        }
    }

    /// `ALTER TABLE/VIEW/SEQUENCE/INDEX …` on something that is not an own table.
    fn alter_other_relation(
        &mut self,
        s: &protobuf::AlterTableStmt,
        name: &QualifiedName,
        ctx: &Ctx<'_>,
    ) {
        for cmd in s.cmds.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(c),
            _ => None,
        }) {
            let subtype =
                AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
            if subtype == AlterTableType::AtAttachPartition
                && ObjectType::try_from(s.objtype).ok() == Some(ObjectType::ObjectIndex)
            {
                self.attach_partition_index(name, cmd, ctx);
                continue;
            }
            let meta = self.meta_of_relation(name);
            let Some(meta) = meta else {
                if s.missing_ok {
                    return;
                }
                self.unknown(ctx, "relation", name);
                return;
            };
            match subtype {
                AlterTableType::AtChangeOwner => {
                    meta.owner = cmd.newowner.as_ref().and_then(role_name)
                }
                AlterTableType::AtSetRelOptions | AlterTableType::AtResetRelOptions => {
                    let reset = subtype == AlterTableType::AtResetRelOptions;
                    let items = match cmd.def.as_deref().and_then(|n| n.node.as_ref()) {
                        Some(NodeEnum::List(l)) => l.items.clone(),
                        _ => Vec::new(),
                    };
                    if let Some(view) = self.catalog.views.get_mut(name) {
                        if reset {
                            for d in def_elems(&items) {
                                view.options.remove(&d.defname);
                            }
                        } else {
                            view.options.extend(reloptions(&items));
                        }
                    }
                }
                AlterTableType::AtColumnDefault => {
                    self.warn(ctx, "a default on a view column is not modelled");
                }
                other => self.warn(
                    ctx,
                    format!(
                        "ALTER subcommand {} is not modelled here",
                        alter_name(other)
                    ),
                ),
            }
        }
    }

    /// `ALTER INDEX parent ATTACH PARTITION child`: the partition's index (or, when the parent
    /// is a PK/UNIQUE key, the key the index backs) becomes the parent's copy on that
    /// partition. PostgreSQL then treats it exactly like the copies it makes itself, which
    /// belong to the parent, so it leaves the partition's own objects.
    fn attach_partition_index(
        &mut self,
        parent: &QualifiedName,
        cmd: &protobuf::AlterTableCmd,
        ctx: &Ctx<'_>,
    ) {
        let Some(NodeEnum::PartitionCmd(part)) = cmd.def.as_deref().and_then(|n| n.node.as_ref())
        else {
            return;
        };
        let Some(child) = &part.name else { return };
        let child = ctx.qualify(child);
        let backs_constraint = |t: &Table, name: &str| {
            t.constraints.get(name).is_some_and(|c| {
                matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclude { .. }
                )
            })
        };
        let parent_is_constraint = self
            .catalog
            .tables
            .values()
            .any(|t| t.name.schema == parent.schema && backs_constraint(t, &parent.name));
        if !parent_is_constraint && !self.catalog.indexes.contains_key(parent) {
            self.unknown(ctx, "index", parent);
            return;
        }
        if self.catalog.indexes.remove(&child).is_some() {
            return;
        }
        // A partition's key attached to a plain index of the parent stays the partition's own
        // constraint (only its index is attached); attached to the parent's key, it becomes
        // the parent's copy.
        if !parent_is_constraint {
            return;
        }
        let owner = self
            .catalog
            .tables
            .values_mut()
            .find(|t| t.name.schema == child.schema && backs_constraint(t, &child.name));
        match owner {
            Some(t) => {
                t.constraints.remove(&child.name);
            }
            None => self.unknown(ctx, "index", &child),
        }
    }

    fn meta_of_relation(&mut self, name: &QualifiedName) -> Option<&mut Meta> {
        let c = &mut self.catalog;
        if let Some(t) = c.tables.get_mut(name) {
            return Some(&mut t.meta);
        }
        if let Some(t) = c.externals.get_mut(name) {
            return Some(&mut t.meta);
        }
        if let Some(v) = c.views.get_mut(name) {
            return Some(&mut v.meta);
        }
        if let Some(v) = c.materialized_views.get_mut(name) {
            return Some(&mut v.meta);
        }
        if let Some(s) = c.sequences.get_mut(name) {
            return Some(&mut s.meta);
        }
        if let Some(i) = c.indexes.get_mut(name) {
            return Some(&mut i.meta);
        }
        None
    }

    // ----- indexes ------------------------------------------------------------------------

    fn create_index(&mut self, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let table = ctx.qualify(rv);
        let on_known = self.catalog.any_table(&table).is_some()
            || self.catalog.materialized_views.contains_key(&table);
        if !on_known {
            self.unknown(ctx, "table", &table);
            return;
        }
        let keys: Vec<IndexKey> = s
            .index_params
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::IndexElem(e)) => Some(index_key(e, ctx)),
                _ => None,
            })
            .collect();
        let name = if s.idxname.is_empty() {
            let cols: Vec<String> = s
                .index_params
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::IndexElem(e)) => Some(index_column_name(e)),
                    _ => None,
                })
                .collect();
            let add = column_name_addition(cols.iter().map(String::as_str));
            let label = if s.primary {
                "pkey"
            } else if s.unique && s.isconstraint {
                "key"
            } else {
                "idx"
            };
            let taken = &self.taken_relations;
            QualifiedName::new(
                table.schema.clone(),
                choose_name(
                    &table.name,
                    (!s.primary).then_some(add.as_str()),
                    label,
                    |n| taken.contains(&QualifiedName::new(table.schema.clone(), n)),
                ),
            )
        } else {
            QualifiedName::new(table.schema.clone(), s.idxname.clone())
        };
        if self.catalog.indexes.contains_key(&name) {
            if !s.if_not_exists {
                self.catalog.duplicates.push(Duplicate {
                    kind: "index",
                    name: name.to_string(),
                    first: self.catalog.indexes[&name].meta.span,
                    second: Some(ctx.span),
                });
            }
            return;
        }
        self.taken_relations.insert(name.clone());
        let index = Index {
            name: name.clone(),
            table,
            unique: s.unique,
            nulls_not_distinct: s.nulls_not_distinct,
            method: if s.access_method.is_empty() {
                "btree".to_owned()
            } else {
                s.access_method.clone()
            },
            keys,
            include: s
                .index_including_params
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
                    _ => None,
                })
                .collect(),
            predicate: s.where_clause.as_deref().map(|n| Expr::new(n.clone())),
            options: reloptions(&s.options),
            meta: ctx.meta(),
        };
        let recurse = rv.inh
            && self
                .catalog
                .tables
                .get(&index.table)
                .is_some_and(|t| t.partition_by.is_some());
        let shape = recurse.then(|| partition_index::IndexShape::of_index(&index));
        let parent = index.table.clone();
        self.catalog.indexes.insert(name, index);
        if let Some(shape) = shape {
            partition_index::adopt_in_partitions(
                &mut self.catalog,
                &mut self.adopted_keys,
                &parent,
                &shape,
                false,
            );
        }
    }

    // ----- views --------------------------------------------------------------------------

    fn create_view(&mut self, s: &protobuf::ViewStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.view else { return };
        let Some(query) = s.query.as_deref().and_then(|n| n.node.clone()) else {
            return;
        };
        if rv.relpersistence == "t" {
            self.warn(ctx, "temporary view is not part of a schema and is ignored");
            return;
        }
        if ctx.external_owner.is_some() {
            self.warn(
                ctx,
                "only tables can be declared external; this view is ignored",
            );
            return;
        }
        let name = ctx.qualify(rv);
        let mut options = reloptions(&s.options);
        let check_option = match protobuf::ViewCheckOption::try_from(s.with_check_option) {
            Ok(protobuf::ViewCheckOption::LocalCheckOption) => Some("local".to_owned()),
            Ok(protobuf::ViewCheckOption::CascadedCheckOption) => Some("cascaded".to_owned()),
            _ => options.remove("check_option"),
        };
        let view = View {
            name: name.clone(),
            query: Expr::from_enum(query),
            column_names: strings(&s.aliases),
            options,
            check_option,
            materialized: false,
            with_no_data: false,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.insert_view(view, s.replace, false, ctx);
    }

    /// Adds a view or materialized view; a second declaration is recorded as a duplicate unless
    /// it replaces (`OR REPLACE`) or yields (`IF NOT EXISTS`).
    fn insert_view(&mut self, view: View, replace: bool, if_not_exists: bool, ctx: &Ctx<'_>) {
        let (map, kind) = if view.materialized {
            (&mut self.catalog.materialized_views, "materialized view")
        } else {
            (&mut self.catalog.views, "view")
        };
        if let Some(old) = map.get(&view.name) {
            if !replace {
                if !if_not_exists {
                    self.catalog.duplicates.push(Duplicate {
                        kind,
                        name: view.name.to_string(),
                        first: old.meta.span,
                        second: Some(ctx.span),
                    });
                }
                return;
            }
        }
        self.taken_relations.insert(view.name.clone());
        map.insert(view.name.clone(), view);
    }

    fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt, ctx: &Ctx<'_>) {
        let Some(into) = &s.into else { return };
        let Some(rv) = &into.rel else { return };
        let name = ctx.qualify(rv);
        if ObjectType::try_from(s.objtype).ok() != Some(ObjectType::ObjectMatview) {
            self.warn(
                ctx,
                format!("CREATE TABLE {name} AS … is not modelled: declare the table's columns with CREATE TABLE"),
            );
            return;
        }
        let Some(query) = s.query.as_deref().and_then(|n| n.node.clone()) else {
            return;
        };
        let view = View {
            name: name.clone(),
            query: Expr::from_enum(query),
            column_names: strings(&into.col_names),
            options: reloptions(&into.options),
            check_option: None,
            materialized: true,
            with_no_data: into.skip_data,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.insert_view(view, false, s.if_not_exists, ctx);
    }

    // ----- functions ----------------------------------------------------------------------

    fn create_function(&mut self, s: &protobuf::CreateFunctionStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.funcname);
        let mut args = Vec::new();
        let mut table_columns = Vec::new();
        for p in s.parameters.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::FunctionParameter(p)) => Some(p),
            _ => None,
        }) {
            let mode = match protobuf::FunctionParameterMode::try_from(p.mode) {
                Ok(protobuf::FunctionParameterMode::FuncParamOut) => "OUT",
                Ok(protobuf::FunctionParameterMode::FuncParamInout) => "INOUT",
                Ok(protobuf::FunctionParameterMode::FuncParamVariadic) => "VARIADIC",
                Ok(protobuf::FunctionParameterMode::FuncParamTable) => "TABLE",
                _ => "IN",
            };
            let ty = p
                .arg_type
                .as_ref()
                .map(format_type_name)
                .unwrap_or_default();
            if mode == "TABLE" {
                table_columns.push(format!("{} {ty}", p.name));
            }
            args.push(FunctionArg {
                name: (!p.name.is_empty()).then(|| p.name.clone()),
                ty,
                mode: mode.to_owned(),
                default: p.defexpr.as_deref().map(|n| Expr::new(n.clone())),
            });
        }
        let returns = if table_columns.is_empty() {
            s.return_type.as_ref().map(format_type_name)
        } else {
            Some(format!("TABLE({})", table_columns.join(", ")))
        };
        let mut f = Function {
            name: name.clone(),
            args,
            returns: if s.is_procedure { None } else { returns },
            is_procedure: s.is_procedure,
            language: "sql".to_owned(),
            body: String::new(),
            volatility: "volatile".to_owned(),
            security_definer: false,
            strict: false,
            leakproof: false,
            parallel: "unsafe".to_owned(),
            config: BTreeMap::new(),
            references: Vec::new(),
            body_error: None,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        for d in def_elems(&s.options) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "as" => {
                    f.body = match arg.and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::List(l)) => strings(&l.items).join(", "),
                        Some(NodeEnum::String(s)) => s.sval.clone(),
                        _ => String::new(),
                    };
                }
                "language" => {
                    f.language = arg
                        .and_then(const_string)
                        .unwrap_or_default()
                        .to_lowercase()
                }
                "volatility" => f.volatility = arg.and_then(const_string).unwrap_or_default(),
                "security" => f.security_definer = arg.is_some_and(bool_value),
                "strict" => f.strict = arg.is_some_and(bool_value),
                "leakproof" => f.leakproof = arg.is_some_and(bool_value),
                "parallel" => f.parallel = arg.and_then(const_string).unwrap_or_default(),
                "set" => {
                    if let Some(NodeEnum::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        let value: Vec<String> = v.args.iter().map(value_text).collect();
                        f.config.insert(v.name.to_lowercase(), value.join(", "));
                    }
                }
                _ => {}
            }
        }
        if let Some(body) = s.sql_body.as_deref() {
            f.body = body_text(body);
        }
        crate::analyze::function_body::analyze(&mut f, s, ctx.statement_text(), ctx.span);
        f.meta.grants.push(Grant {
            grantee: "PUBLIC".to_owned(),
            privilege: "EXECUTE".to_owned(),
            column: None,
            with_grant_option: false,
        });
        let key = f.identity();
        if let Some(old) = self.catalog.functions.get(&key) {
            if !s.replace {
                let first = old.meta.span;
                self.diags.push(
                    Diagnostic::new(
                        DUPLICATE_OBJECT,
                        Severity::Error,
                        format!("function {key} is declared more than once; the later declaration is ignored"),
                        Some(ctx.span),
                    )
                    .with_object(&key),
                );
                let _ = first;
                return;
            }
        }
        self.catalog.functions.insert(key, f);
    }

    fn alter_function(&mut self, s: &protobuf::AlterFunctionStmt, ctx: &Ctx<'_>) {
        let Some(func) = &s.func else { return };
        let Some(key) = self.find_function(func, ctx) else {
            self.unknown(ctx, "function", &ctx.qualify_list(&func.objname));
            return;
        };
        let Some(f) = self.catalog.functions.get_mut(&key) else {
            return;
        };
        for d in def_elems(&s.actions) {
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "volatility" => f.volatility = arg.and_then(const_string).unwrap_or_default(),
                "security" => f.security_definer = arg.is_some_and(bool_value),
                "strict" => f.strict = arg.is_some_and(bool_value),
                "leakproof" => f.leakproof = arg.is_some_and(bool_value),
                "parallel" => f.parallel = arg.and_then(const_string).unwrap_or_default(),
                "set" => {
                    if let Some(NodeEnum::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        if v.kind == protobuf::VariableSetKind::VarReset as i32 {
                            f.config.remove(&v.name.to_lowercase());
                        } else {
                            let value: Vec<String> = v.args.iter().map(value_text).collect();
                            f.config.insert(v.name.to_lowercase(), value.join(", "));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Finds a function by `ObjectWithArgs` (by name alone when the name is unique or no
    /// argument list was given).
    fn find_function(&self, o: &protobuf::ObjectWithArgs, ctx: &Ctx<'_>) -> Option<String> {
        let name = ctx.qualify_list(&o.objname);
        let candidates: Vec<&String> = self
            .catalog
            .functions
            .iter()
            .filter(|(_, f)| f.name == name)
            .map(|(k, _)| k)
            .collect();
        if candidates.len() == 1 {
            return Some(candidates[0].clone());
        }
        let types: Vec<String> = o
            .objargs
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::TypeName(t)) => Some(format_type_name(t)),
                _ => None,
            })
            .collect();
        let key = format!("{name}({})", types.join(", "));
        candidates.into_iter().find(|k| **k == key).cloned()
    }

    // ----- sequences and types ------------------------------------------------------------

    fn create_sequence(&mut self, s: &protobuf::CreateSeqStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.sequence else { return };
        let name = ctx.qualify(rv);
        if self.catalog.sequences.contains_key(&name) {
            if !s.if_not_exists {
                self.catalog.duplicates.push(Duplicate {
                    kind: "sequence",
                    name: name.to_string(),
                    first: self.catalog.sequences[&name].meta.span,
                    second: Some(ctx.span),
                });
            }
            return;
        }
        let mut seq = Sequence::new(name.clone());
        seq.meta = ctx.meta();
        apply_sequence_options(&mut seq, &s.options, ctx);
        self.taken_relations.insert(name.clone());
        self.catalog.sequences.insert(name, seq);
    }

    fn alter_sequence(&mut self, s: &protobuf::AlterSeqStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.sequence else { return };
        let name = ctx.qualify(rv);
        match self.catalog.sequences.get_mut(&name) {
            Some(seq) => apply_sequence_options(seq, &s.options, ctx),
            None if s.missing_ok => {}
            None => self.unknown(ctx, "sequence", &name),
        }
    }

    fn insert_type(&mut self, name: QualifiedName, kind: TypeKind, ctx: &Ctx<'_>) {
        if self.catalog.types.contains_key(&name) {
            self.duplicate("type", &name.to_string(), ctx);
            return;
        }
        // Like EXECUTE on routines, USAGE on a new type is PostgreSQL's default for PUBLIC.
        let mut meta = ctx.meta();
        meta.grants.push(Grant {
            grantee: "PUBLIC".to_owned(),
            privilege: "USAGE".to_owned(),
            column: None,
            with_grant_option: false,
        });
        self.catalog
            .types
            .insert(name.clone(), TypeDef { name, kind, meta });
    }

    fn create_enum(&mut self, s: &protobuf::CreateEnumStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let values = strings(&s.vals);
        let renamed = enum_hints::label_renames(ctx.statement_text(), &values);
        self.insert_type(name, TypeKind::Enum { values, renamed }, ctx);
    }

    fn alter_enum(&mut self, s: &protobuf::AlterEnumStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let Some(TypeDef {
            kind: TypeKind::Enum { values, .. },
            ..
        }) = self.catalog.types.get_mut(&name)
        else {
            self.unknown(ctx, "enum type", &name);
            return;
        };
        if !s.old_val.is_empty() {
            if let Some(v) = values.iter_mut().find(|v| **v == s.old_val) {
                v.clone_from(&s.new_val);
            }
            return;
        }
        if values.contains(&s.new_val) {
            return;
        }
        let at = if s.new_val_neighbor.is_empty() {
            values.len()
        } else {
            values
                .iter()
                .position(|v| *v == s.new_val_neighbor)
                .map_or(values.len(), |i| if s.new_val_is_after { i + 1 } else { i })
        };
        values.insert(at, s.new_val.clone());
    }

    fn create_domain(&mut self, s: &protobuf::CreateDomainStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.domainname);
        let mut not_null = false;
        let mut default = None;
        let mut checks = Vec::new();
        for k in s.constraints.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::Constraint(k)) => Some(k),
            _ => None,
        }) {
            match ConstrType::try_from(k.contype).unwrap_or(ConstrType::Undefined) {
                ConstrType::ConstrNotnull => not_null = true,
                ConstrType::ConstrDefault => {
                    default = k.raw_expr.as_deref().map(|n| Expr::new(n.clone()))
                }
                ConstrType::ConstrCheck => {
                    if let Some(e) = k.raw_expr.as_deref() {
                        let cname = if k.conname.is_empty() {
                            let taken: Vec<&String> = checks.iter().map(|(n, _)| n).collect();
                            choose_name(&name.name, None, "check", |n| {
                                taken.iter().any(|t| *t == n)
                            })
                        } else {
                            k.conname.clone()
                        };
                        checks.push((cname, Expr::new(e.clone())));
                    }
                }
                _ => {}
            }
        }
        let kind = TypeKind::Domain {
            base: s
                .type_name
                .as_ref()
                .map(format_type_name)
                .unwrap_or_default(),
            not_null,
            default,
            checks,
            collation: s
                .coll_clause
                .as_ref()
                .map(|c| strings(&c.collname).join(".")),
        };
        self.insert_type(name, kind, ctx);
    }

    fn create_composite(&mut self, s: &protobuf::CompositeTypeStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.typevar else { return };
        let name = ctx.qualify(rv);
        let attributes = s
            .coldeflist
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::ColumnDef(c)) => Some((
                    c.colname.clone(),
                    c.type_name
                        .as_ref()
                        .map(format_type_name)
                        .unwrap_or_default(),
                )),
                _ => None,
            })
            .collect();
        self.insert_type(name, TypeKind::Composite { attributes }, ctx);
    }

    fn create_range(&mut self, s: &protobuf::CreateRangeStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let subtype = def_elems(&s.params)
            .find(|d| d.defname == "subtype")
            .and_then(|d| match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::TypeName(t)) => Some(format_type_name(t)),
                _ => None,
            })
            .unwrap_or_default();
        self.insert_type(name, TypeKind::Range { subtype }, ctx);
    }

    // ----- policies and triggers ----------------------------------------------------------

    fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.table else { return };
        let table = ctx.qualify(rv);
        if self.catalog.any_table(&table).is_none() {
            self.unknown(ctx, "table", &table);
            return;
        }
        let mut roles: Vec<String> = s
            .roles
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::RoleSpec(r)) => role_name(r),
                _ => None,
            })
            .collect();
        if roles.is_empty() {
            roles.push("PUBLIC".to_owned());
        }
        let key = (table.clone(), s.policy_name.clone());
        if self.catalog.policies.contains_key(&key) {
            self.duplicate("policy", &format!("{} on {}", s.policy_name, table), ctx);
            return;
        }
        let policy = Policy {
            name: s.policy_name.clone(),
            table,
            permissive: s.permissive,
            command: if s.cmd_name.is_empty() {
                "ALL".to_owned()
            } else {
                s.cmd_name.to_uppercase()
            },
            roles,
            using: s.qual.as_deref().map(|n| Expr::new(n.clone())),
            with_check: s.with_check.as_deref().map(|n| Expr::new(n.clone())),
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.catalog.policies.insert(key, policy);
    }

    fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.table else { return };
        let table = ctx.qualify(rv);
        let key = (table.clone(), s.policy_name.clone());
        let Some(p) = self.catalog.policies.get_mut(&key) else {
            self.unknown(ctx, "policy", &format!("{} on {}", s.policy_name, table));
            return;
        };
        let roles: Vec<String> = s
            .roles
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::RoleSpec(r)) => role_name(r),
                _ => None,
            })
            .collect();
        if !roles.is_empty() {
            p.roles = roles;
        }
        if let Some(q) = s.qual.as_deref() {
            p.using = Some(Expr::new(q.clone()));
        }
        if let Some(q) = s.with_check.as_deref() {
            p.with_check = Some(Expr::new(q.clone()));
        }
    }

    fn create_trigger(&mut self, s: &protobuf::CreateTrigStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let table = ctx.qualify(rv);
        if self.catalog.relation(&table).is_none() {
            self.unknown(ctx, "table", &table);
            return;
        }
        let timing = if s.timing & 2 != 0 {
            "BEFORE"
        } else if s.timing & 64 != 0 {
            "INSTEAD OF"
        } else {
            "AFTER"
        };
        let mut events = Vec::new();
        if s.events & 4 != 0 {
            events.push("INSERT".to_owned());
        }
        if s.events & 16 != 0 {
            let cols = strings(&s.columns);
            events.push(if cols.is_empty() {
                "UPDATE".to_owned()
            } else {
                format!("UPDATE OF {}", cols.join(", "))
            });
        }
        if s.events & 8 != 0 {
            events.push("DELETE".to_owned());
        }
        if s.events & 32 != 0 {
            events.push("TRUNCATE".to_owned());
        }
        let key = (table.clone(), s.trigname.clone());
        if self.catalog.triggers.contains_key(&key) && !s.replace {
            self.duplicate("trigger", &format!("{} on {}", s.trigname, table), ctx);
            return;
        }
        let trigger = Trigger {
            name: s.trigname.clone(),
            table,
            timing: timing.to_owned(),
            events,
            for_each_row: s.row,
            function: ctx.qualify_list(&s.funcname),
            args: s.args.iter().map(value_text).collect(),
            when: s.when_clause.as_deref().map(|n| Expr::new(n.clone())),
            constraint: s.isconstraint,
            meta: ctx.meta(),
        };
        self.catalog.triggers.insert(key, trigger);
    }

    // ----- annotations --------------------------------------------------------------------

    fn comment(&mut self, s: &protobuf::CommentStmt, ctx: &Ctx<'_>) {
        let text = (!s.comment.is_empty()).then(|| s.comment.clone());
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        let object = s.object.as_deref().and_then(|n| n.node.as_ref());
        let list = match object {
            Some(NodeEnum::List(l)) => strings(&l.items),
            Some(NodeEnum::String(s)) => vec![s.sval.clone()],
            Some(NodeEnum::TypeName(t)) => t
                .names
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let qualify = |parts: &[String]| -> QualifiedName {
            match parts {
                [one] => QualifiedName::new(ctx.schema(), one.clone()),
                [.., s, n] => QualifiedName::new(s.clone(), n.clone()),
                [] => QualifiedName::new(ctx.schema(), ""),
            }
        };
        let found = match objtype {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectIndex
            | ObjectType::ObjectSequence
            | ObjectType::ObjectForeignTable => {
                let name = qualify(&list);
                match self.meta_of_relation(&name) {
                    Some(meta) => {
                        meta.comment = text;
                        true
                    }
                    None => {
                        self.unknown(ctx, "relation", &name);
                        return;
                    }
                }
            }
            ObjectType::ObjectColumn => {
                let (rel, col) = list.split_at(list.len().saturating_sub(1));
                let name = qualify(rel);
                let col = col.first().cloned().unwrap_or_default();
                if let Some(t) = self.table_mut(&name) {
                    if let Some(c) = t.column_mut(&col) {
                        c.comment = text;
                        true
                    } else {
                        false
                    }
                } else {
                    // Comments on view columns are accepted but not modelled.
                    self.catalog.views.contains_key(&name)
                        || self.catalog.materialized_views.contains_key(&name)
                }
            }
            ObjectType::ObjectSchema => match self
                .catalog
                .schemas
                .get_mut(list.first().map_or("", String::as_str))
            {
                Some(s) => {
                    s.meta.comment = text;
                    true
                }
                None => false,
            },
            ObjectType::ObjectExtension => match self
                .catalog
                .extensions
                .get_mut(list.first().map_or("", String::as_str))
            {
                Some(e) => {
                    e.meta.comment = text;
                    true
                }
                None => false,
            },
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                match self.catalog.types.get_mut(&qualify(&list)) {
                    Some(t) => {
                        t.meta.comment = text;
                        true
                    }
                    None => false,
                }
            }
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(NodeEnum::ObjectWithArgs(o)) = object else {
                    return;
                };
                match self.find_function(o, ctx) {
                    Some(key) => {
                        if let Some(f) = self.catalog.functions.get_mut(&key) {
                            f.meta.comment = text;
                        }
                        true
                    }
                    None => false,
                }
            }
            ObjectType::ObjectPolicy
            | ObjectType::ObjectTrigger
            | ObjectType::ObjectTabconstraint => {
                let (rel, obj) = list.split_at(list.len().saturating_sub(1));
                let key = (qualify(rel), obj.first().cloned().unwrap_or_default());
                match objtype {
                    ObjectType::ObjectPolicy => self
                        .catalog
                        .policies
                        .get_mut(&key)
                        .map(|p| p.meta.comment = text)
                        .is_some(),
                    ObjectType::ObjectTrigger => self
                        .catalog
                        .triggers
                        .get_mut(&key)
                        .map(|t| t.meta.comment = text)
                        .is_some(),
                    _ => self
                        .table_mut(&key.0)
                        .is_some_and(|t| t.constraints.contains_key(&key.1)),
                }
            }
            _ => {
                self.warn(
                    ctx,
                    format!("COMMENT ON {} is not modelled", object_type_name(objtype)),
                );
                return;
            }
        };
        if !found {
            self.unknown(ctx, object_type_name(objtype), &list.join("."));
        }
    }

    fn grant(&mut self, s: &protobuf::GrantStmt, ctx: &Ctx<'_>) {
        if s.targtype != protobuf::GrantTargetType::AclTargetObject as i32 {
            self.warn(
                ctx,
                "GRANT/REVOKE ON ALL … IN SCHEMA and default privileges are not modelled",
            );
            return;
        }
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        let grantees: Vec<String> = s
            .grantees
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::RoleSpec(r)) => role_name(r),
                _ => None,
            })
            .collect();
        let mut privileges: Vec<(String, Option<String>)> = Vec::new();
        for p in s.privileges.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AccessPriv(p)) => Some(p),
            _ => None,
        }) {
            let name = p.priv_name.to_uppercase();
            let cols = strings(&p.cols);
            if cols.is_empty() {
                privileges.push((name, None));
            } else {
                privileges.extend(cols.into_iter().map(|c| (name.clone(), Some(c))));
            }
        }
        let all: &[&str] = match objtype {
            ObjectType::ObjectTable => &[
                "SELECT",
                "INSERT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
            ],
            ObjectType::ObjectSequence => &["USAGE", "SELECT", "UPDATE"],
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => &["EXECUTE"],
            ObjectType::ObjectSchema => &["USAGE", "CREATE"],
            ObjectType::ObjectType | ObjectType::ObjectDomain => &["USAGE"],
            _ => {
                self.warn(
                    ctx,
                    format!("GRANT on {} is not modelled", object_type_name(objtype)),
                );
                return;
            }
        };
        if privileges.is_empty() {
            privileges = all.iter().map(|p| ((*p).to_owned(), None)).collect();
        }
        for obj in s.objects.iter().filter_map(|n| n.node.as_ref()) {
            let meta: Option<&mut Meta> = match (objtype, obj) {
                (ObjectType::ObjectTable | ObjectType::ObjectSequence, NodeEnum::RangeVar(rv)) => {
                    let name = ctx.qualify(rv);
                    let m = self.meta_of_relation(&name);
                    if m.is_none() {
                        self.unknown(ctx, "relation", &name);
                        continue;
                    }
                    m
                }
                (_, NodeEnum::ObjectWithArgs(o)) => match self.find_function(o, ctx) {
                    Some(key) => self.catalog.functions.get_mut(&key).map(|f| &mut f.meta),
                    None => {
                        self.unknown(ctx, "function", &ctx.qualify_list(&o.objname));
                        continue;
                    }
                },
                (ObjectType::ObjectSchema, NodeEnum::String(name)) => self
                    .catalog
                    .schemas
                    .get_mut(&name.sval)
                    .map(|s| &mut s.meta),
                (_, NodeEnum::List(l)) => {
                    let name = ctx.qualify_list(&l.items);
                    self.catalog.types.get_mut(&name).map(|t| &mut t.meta)
                }
                _ => None,
            };
            let Some(meta) = meta else {
                self.warn(ctx, "GRANT target is not modelled");
                continue;
            };
            for grantee in &grantees {
                for (privilege, column) in &privileges {
                    let entry = Grant {
                        grantee: grantee.clone(),
                        privilege: privilege.clone(),
                        column: column.clone(),
                        with_grant_option: s.grant_option,
                    };
                    meta.grants.retain(|g| {
                        !(g.grantee == entry.grantee
                            && g.privilege == entry.privilege
                            && g.column == entry.column)
                    });
                    if s.is_grant {
                        meta.grants.push(entry);
                    }
                }
            }
            meta.grants.sort();
        }
    }

    fn alter_owner(&mut self, s: &protobuf::AlterOwnerStmt, ctx: &Ctx<'_>) {
        let owner = s.newowner.as_ref().and_then(role_name);
        let objtype = ObjectType::try_from(s.object_type).unwrap_or(ObjectType::Undefined);
        let object = s.object.as_deref().and_then(|n| n.node.as_ref());
        match (objtype, object) {
            (ObjectType::ObjectSchema, Some(NodeEnum::String(n))) => {
                if let Some(sc) = self.catalog.schemas.get_mut(&n.sval) {
                    sc.meta.owner = owner;
                }
            }
            (
                ObjectType::ObjectFunction | ObjectType::ObjectProcedure,
                Some(NodeEnum::ObjectWithArgs(o)),
            ) => {
                if let Some(key) = self.find_function(o, ctx) {
                    if let Some(f) = self.catalog.functions.get_mut(&key) {
                        f.meta.owner = owner;
                    }
                }
            }
            (ObjectType::ObjectType | ObjectType::ObjectDomain, Some(NodeEnum::List(l))) => {
                if let Some(t) = self.catalog.types.get_mut(&ctx.qualify_list(&l.items)) {
                    t.meta.owner = owner;
                }
            }
            _ => self.warn(
                ctx,
                format!("ALTER {} OWNER is not modelled", object_type_name(objtype)),
            ),
        }
    }

    /// Cross-object fix-ups once everything is read.
    fn finish(&mut self) {
        for ((_, kind), (span, count)) in std::mem::take(&mut self.data_statements) {
            let what = if count == 1 {
                format!("{kind} is a data statement")
            } else {
                format!(
                    "{count} {kind} statements in this file are data statements (the first is here)"
                )
            };
            self.diags.push(Diagnostic::new(
                UNSUPPORTED_STATEMENT,
                Severity::Warning,
                format!(
                    "{what}; the declarative schema describes structure only, so they are ignored"
                ),
                Some(span),
            ));
        }
        // FK targets written unqualified resolve to the referenced table's schema when the
        // default schema has no such table but exactly one other schema does.
        let default_schema = self.default_schema.clone();
        let names: std::collections::BTreeSet<QualifiedName> =
            self.catalog.tables.keys().cloned().collect();
        for t in self.catalog.tables.values_mut() {
            for c in t.constraints.values_mut() {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &mut c.kind {
                    if ref_table.schema == default_schema && !names.contains(ref_table) {
                        let matches: Vec<&QualifiedName> =
                            names.iter().filter(|n| n.name == ref_table.name).collect();
                        if let [one] = matches.as_slice() {
                            *ref_table = (*one).clone();
                        }
                    }
                }
            }
        }
        // `REFERENCES t` without columns names `t`'s primary key, which PostgreSQL records
        // (and prints back) as the columns themselves.
        crate::catalog::normalize::foreign_key_targets(&mut self.catalog);
    }
}

// ----- helpers --------------------------------------------------------------------------------

/// PostgreSQL's `transformIndexConstraints`: in one CREATE TABLE, a PRIMARY KEY or UNIQUE
/// constraint whose index would equal an earlier one (the primary key first) is dropped, so
/// `id int PRIMARY KEY UNIQUE` makes one constraint. A name given to the dropped one passes to
/// the kept one when that has none.
fn drop_redundant_indexes(
    pending: Vec<(protobuf::Constraint, Option<String>)>,
) -> Vec<(protobuf::Constraint, Option<String>)> {
    let is_index = |c: &protobuf::Constraint| {
        matches!(
            ConstrType::try_from(c.contype),
            Ok(ConstrType::ConstrPrimary | ConstrType::ConstrUnique)
        ) && c.indexname.is_empty()
    };
    let signature = |c: &protobuf::Constraint, col: Option<&String>| {
        let mut keys = strings(&c.keys);
        if keys.is_empty() {
            keys.extend(col.cloned());
        }
        (
            keys,
            strings(&c.including),
            c.nulls_not_distinct,
            c.deferrable,
            c.initdeferred,
        )
    };
    let (primary, others): (Vec<_>, Vec<_>) = pending
        .into_iter()
        .enumerate()
        .partition(|(_, (c, _))| ConstrType::try_from(c.contype) == Ok(ConstrType::ConstrPrimary));
    // Keep the primary key in preference to the others, then file order.
    let mut kept: Vec<(usize, (protobuf::Constraint, Option<String>))> = Vec::new();
    for (i, (c, col)) in primary.into_iter().chain(others) {
        if is_index(&c) {
            let sig = signature(&c, col.as_ref());
            if let Some((_, (prior, _))) = kept
                .iter_mut()
                .find(|(_, (p, pcol))| is_index(p) && signature(p, pcol.as_ref()) == sig)
            {
                if prior.conname.is_empty() {
                    prior.conname.clone_from(&c.conname);
                }
                continue;
            }
        }
        kept.push((i, (c, col)));
    }
    kept.sort_by_key(|(i, _)| *i);
    kept.into_iter().map(|(_, k)| k).collect()
}

fn apply_attr(c: &mut protobuf::Constraint, contype: i32) {
    match ConstrType::try_from(contype).unwrap_or(ConstrType::Undefined) {
        ConstrType::ConstrAttrDeferrable => c.deferrable = true,
        ConstrType::ConstrAttrNotDeferrable => c.deferrable = false,
        ConstrType::ConstrAttrDeferred => c.initdeferred = true,
        ConstrType::ConstrAttrImmediate => c.initdeferred = false,
        _ => {}
    }
}

fn apply_sequence_options(seq: &mut Sequence, options: &[Node], ctx: &Ctx<'_>) {
    for d in def_elems(options) {
        let arg = d.arg.as_deref();
        let int = || arg.and_then(int_value);
        match d.defname.as_str() {
            "as" => {
                if let Some(NodeEnum::TypeName(t)) = arg.and_then(|a| a.node.as_ref()) {
                    seq.data_type = format_type_name(t);
                }
            }
            "increment" => seq.increment = int().unwrap_or(1),
            "start" => seq.start = int(),
            "minvalue" => seq.min_value = int(),
            "maxvalue" => seq.max_value = int(),
            "cache" => seq.cache = int().unwrap_or(1),
            "cycle" => seq.cycle = arg.is_none_or(bool_value),
            "owned_by" => {
                let parts = match arg.and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::List(l)) => strings(&l.items),
                    _ => Vec::new(),
                };
                seq.owned_by = match parts.as_slice() {
                    [n] if n == "none" => None,
                    [t, c] => Some((QualifiedName::new(ctx.schema(), t.clone()), c.clone())),
                    [.., s, t, c] => Some((QualifiedName::new(s.clone(), t.clone()), c.clone())),
                    _ => None,
                };
            }
            _ => {}
        }
    }
}

fn index_key(e: &protobuf::IndexElem, _ctx: &Ctx<'_>) -> IndexKey {
    let opclass = strings(&e.opclass);
    IndexKey {
        column: (!e.name.is_empty()).then(|| e.name.clone()),
        expr: e.expr.as_deref().map(|n| Expr::new(n.clone())),
        opclass: (!opclass.is_empty()).then(|| opclass.join(".")),
        collation: {
            let c = strings(&e.collation);
            (!c.is_empty()).then(|| c.join("."))
        },
        descending: e.ordering == protobuf::SortByDir::SortbyDesc as i32,
        nulls_first: match protobuf::SortByNulls::try_from(e.nulls_ordering) {
            Ok(protobuf::SortByNulls::SortbyNullsFirst) => Some(true),
            Ok(protobuf::SortByNulls::SortbyNullsLast) => Some(false),
            _ => None,
        },
    }
}

/// The column-name part PostgreSQL uses for an index key when choosing an index name.
fn index_column_name(e: &protobuf::IndexElem) -> String {
    if !e.indexcolname.is_empty() {
        return e.indexcolname.clone();
    }
    if !e.name.is_empty() {
        return e.name.clone();
    }
    match e.expr.as_deref().and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::FuncCall(f)) => strings(&f.funcname)
            .last()
            .cloned()
            .unwrap_or_else(|| "expr".to_owned()),
        Some(NodeEnum::TypeCast(c)) => c
            .arg
            .as_deref()
            .and_then(|a| match a.node.as_ref() {
                Some(NodeEnum::FuncCall(f)) => strings(&f.funcname).last().cloned(),
                Some(NodeEnum::ColumnRef(c)) => strings(&c.fields).last().cloned(),
                _ => None,
            })
            .or_else(|| c.type_name.as_ref().map(|t| base_name(t).to_owned()))
            .unwrap_or_else(|| "expr".to_owned()),
        Some(NodeEnum::ColumnRef(c)) => strings(&c.fields)
            .last()
            .cloned()
            .unwrap_or_else(|| "expr".to_owned()),
        _ => "expr".to_owned(),
    }
}

/// The column an unnamed CHECK is named after: PostgreSQL's `AddRelationNewConstraints` uses
/// the column when the expression references exactly one distinct column (`t_a_check`), and no
/// column otherwise (`t_check`).
fn only_column_ref(node: &Node) -> Option<String> {
    let n = node.node.as_ref()?;
    let mut columns = BTreeSet::new();
    for (r, _, _, _) in n.nodes() {
        if let pg_query::NodeRef::ColumnRef(c) = r {
            if let Some(name) = strings(&c.fields).last() {
                columns.insert(name.clone());
            }
        }
    }
    match columns.len() {
        1 => columns.into_iter().next(),
        _ => None,
    }
}

fn partition_text(spec: &protobuf::PartitionSpec) -> String {
    let stmt = protobuf::CreateStmt {
        relation: Some(RangeVar {
            relname: "x".to_owned(),
            inh: true,
            relpersistence: "p".to_owned(),
            ..Default::default()
        }),
        partspec: Some(spec.clone()),
        oncommit: protobuf::OnCommitAction::OncommitNoop as i32,
        ..Default::default()
    };
    deparse_stmt(&NodeEnum::CreateStmt(stmt))
        .and_then(|s| s.split_once("PARTITION BY ").map(|(_, r)| r.to_owned()))
        .unwrap_or_default()
}

fn bound_text(bound: &protobuf::PartitionBoundSpec) -> String {
    let stmt = protobuf::CreateStmt {
        relation: Some(RangeVar {
            relname: "x".to_owned(),
            inh: true,
            relpersistence: "p".to_owned(),
            ..Default::default()
        }),
        inh_relations: vec![Node {
            node: Some(NodeEnum::RangeVar(RangeVar {
                relname: "p".to_owned(),
                inh: true,
                relpersistence: "p".to_owned(),
                ..Default::default()
            })),
        }],
        partbound: Some(bound.clone()),
        oncommit: protobuf::OnCommitAction::OncommitNoop as i32,
        ..Default::default()
    };
    deparse_stmt(&NodeEnum::CreateStmt(stmt))
        .and_then(|s| s.split_once(" PARTITION OF p ").map(|(_, r)| r.to_owned()))
        .unwrap_or_default()
}

/// A SQL-standard body as text: `RETURN expr`, or `BEGIN ATOMIC stmt; …; END`.
fn body_text(node: &Node) -> String {
    match node.node.as_ref() {
        Some(NodeEnum::List(l)) => {
            let stmts = l
                .items
                .iter()
                .filter_map(|n| n.node.as_ref())
                .flat_map(|n| match n {
                    NodeEnum::List(inner) => inner
                        .items
                        .iter()
                        .filter_map(|i| i.node.as_ref())
                        .filter_map(|n| deparse_stmt(&without_implied_aliases(n)))
                        .collect::<Vec<_>>(),
                    other => deparse_stmt(&without_implied_aliases(other))
                        .into_iter()
                        .collect(),
                })
                .collect::<Vec<_>>();
            if stmts.is_empty() {
                "BEGIN ATOMIC END".to_owned()
            } else {
                format!("BEGIN ATOMIC {}; END", stmts.join("; "))
            }
        }
        // `RETURN expr`: the deparser has no statement form for it, so print it here.
        Some(NodeEnum::ReturnStmt(r)) => r
            .returnval
            .as_deref()
            .and_then(deparse_expr)
            .map(|e| format!("RETURN {e}"))
            .unwrap_or_default(),
        Some(other) => deparse_stmt(other)
            .or_else(|| deparse_expr(node))
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// A statement of a `BEGIN ATOMIC` body without the output names PostgreSQL would give
/// anyway: it prints `SELECT f(a)` back as `SELECT f(a) AS f`, which means the same.
fn without_implied_aliases(node: &NodeEnum) -> NodeEnum {
    let mut node = node.clone();
    if let NodeEnum::SelectStmt(s) = &mut node {
        for t in &mut s.target_list {
            if let Some(NodeEnum::ResTarget(r)) = t.node.as_mut() {
                if !r.name.is_empty() && implied_name(r.val.as_deref()).as_deref() == Some(&r.name)
                {
                    r.name.clear();
                }
            }
        }
    }
    node
}

/// The output name PostgreSQL gives an unnamed select-list item, where it is a name
/// (a column reference's, a function's, through casts); `None` for `?column?`.
fn implied_name(node: Option<&Node>) -> Option<String> {
    match node?.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::FuncCall(f) => strings(&f.funcname).pop(),
        NodeEnum::TypeCast(c) => implied_name(c.arg.as_deref()).or_else(|| {
            let names = strings(&c.type_name.as_ref()?.names);
            names.last().cloned()
        }),
        _ => None,
    }
}

/// Parses a standalone expression.
pub fn parse_expr(sql: &str) -> Option<Expr> {
    let r = pg_query::parse(&format!("SELECT {sql}"), 0).ok()?;
    let stmt = r.protobuf.stmts.into_iter().next()?.stmt?.node?;
    let NodeEnum::SelectStmt(s) = stmt else {
        return None;
    };
    let target = s.target_list.into_iter().next()?.node?;
    let NodeEnum::ResTarget(t) = target else {
        return None;
    };
    Some(Expr::new(*t.val?))
}

/// Span of a node inside the statement, from its pg_query `location`, running to the next
/// comma or line end (a column definition, a constraint).
fn node_span(ctx: &Ctx<'_>, location: i32) -> Span {
    let Ok(loc) = usize::try_from(location) else {
        return ctx.span;
    };
    let stmt_end = ctx.span.end as usize;
    let start = (ctx.base + loc).clamp(ctx.span.start as usize, stmt_end);
    let end = ctx
        .text
        .get(start..stmt_end)
        .and_then(|rest| rest.find([',', '\n']))
        .map_or(stmt_end, |i| start + i);
    Span::new(ctx.file, start, end.max(start + 1).min(stmt_end))
}

fn def_elems(nodes: &[Node]) -> impl Iterator<Item = &protobuf::DefElem> {
    nodes.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::DefElem(d)) => Some(&**d),
        _ => None,
    })
}

fn reloptions(nodes: &[Node]) -> BTreeMap<String, String> {
    def_elems(nodes)
        .map(|d| {
            let key = if d.defnamespace.is_empty() {
                d.defname.clone()
            } else {
                format!("{}.{}", d.defnamespace, d.defname)
            };
            (
                key,
                d.arg
                    .as_deref()
                    .map_or_else(|| "true".to_owned(), value_text),
            )
        })
        .collect()
}

/// String values of a list of `String` nodes.
pub fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

fn const_string(n: &Node) -> Option<String> {
    match n.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.clone()),
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
            protobuf::a_const::Val::Ival(i) => Some(i.ival.to_string()),
            protobuf::a_const::Val::Fval(f) => Some(f.fval.clone()),
            protobuf::a_const::Val::Boolval(b) => Some(b.boolval.to_string()),
            protobuf::a_const::Val::Bsval(b) => Some(b.bsval.clone()),
        },
        NodeEnum::TypeName(t) => Some(format_type_name(t)),
        _ => None,
    }
}

/// Text of a DefElem argument or similar scalar node.
fn value_text(n: &Node) -> String {
    match n.node.as_ref() {
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::List(l)) => l
            .items
            .iter()
            .map(value_text)
            .collect::<Vec<_>>()
            .join(", "),
        Some(NodeEnum::TypeName(t)) => format_type_name(t),
        _ => const_string(n).unwrap_or_else(|| deparse_expr(n).unwrap_or_default()),
    }
}

fn bool_value(n: &Node) -> bool {
    match n.node.as_ref() {
        Some(NodeEnum::Boolean(b)) => b.boolval,
        Some(NodeEnum::Integer(i)) => i.ival != 0,
        Some(NodeEnum::String(s)) => matches!(s.sval.as_str(), "true" | "on" | "yes" | "1"),
        _ => true,
    }
}

fn int_value(n: &Node) -> Option<i64> {
    match n.node.as_ref()? {
        NodeEnum::Integer(i) => Some(i64::from(i.ival)),
        NodeEnum::Float(f) => f.fval.parse().ok(),
        NodeEnum::String(s) => s.sval.parse().ok(),
        _ => None,
    }
}

fn role_name(r: &protobuf::RoleSpec) -> Option<String> {
    match RoleSpecType::try_from(r.roletype).ok()? {
        RoleSpecType::RolespecCstring => Some(r.rolename.clone()),
        RoleSpecType::RolespecPublic => Some("PUBLIC".to_owned()),
        RoleSpecType::RolespecCurrentUser => Some("CURRENT_USER".to_owned()),
        RoleSpecType::RolespecCurrentRole => Some("CURRENT_ROLE".to_owned()),
        RoleSpecType::RolespecSessionUser => Some("SESSION_USER".to_owned()),
        RoleSpecType::Undefined => None,
    }
}

fn alter_name(t: AlterTableType) -> String {
    t.as_str_name()
        .trim_start_matches("AT_")
        .replace('_', " ")
        .to_uppercase()
}

fn object_type_name(t: ObjectType) -> &'static str {
    match t {
        ObjectType::ObjectTable => "table",
        ObjectType::ObjectView => "view",
        ObjectType::ObjectMatview => "materialized view",
        ObjectType::ObjectIndex => "index",
        ObjectType::ObjectSequence => "sequence",
        ObjectType::ObjectColumn => "column",
        ObjectType::ObjectFunction => "function",
        ObjectType::ObjectProcedure => "procedure",
        ObjectType::ObjectSchema => "schema",
        ObjectType::ObjectType => "type",
        ObjectType::ObjectDomain => "domain",
        ObjectType::ObjectExtension => "extension",
        ObjectType::ObjectPolicy => "policy",
        ObjectType::ObjectTrigger => "trigger",
        ObjectType::ObjectTabconstraint => "constraint",
        ObjectType::ObjectForeignTable => "foreign table",
        ObjectType::ObjectAggregate => "aggregate",
        ObjectType::ObjectCollation => "collation",
        ObjectType::ObjectOperator => "operator",
        ObjectType::ObjectLanguage => "language",
        ObjectType::ObjectRole => "role",
        ObjectType::ObjectDatabase => "database",
        ObjectType::ObjectTablespace => "tablespace",
        ObjectType::ObjectEventTrigger => "event trigger",
        ObjectType::ObjectRule => "rule",
        ObjectType::ObjectTsconfiguration => "text search configuration",
        ObjectType::ObjectTsdictionary => "text search dictionary",
        _ => "object",
    }
}

/// Readable kind of a statement node (`CreateOpClassStmt` → `CREATE OPERATOR CLASS`).
pub fn statement_kind(node: &NodeEnum) -> String {
    let raw = format!("{node:?}");
    let name = raw.split(['(', ' ']).next().unwrap_or("statement");
    let known = match name {
        "InsertStmt" => "INSERT",
        "UpdateStmt" => "UPDATE",
        "DeleteStmt" => "DELETE",
        "MergeStmt" => "MERGE",
        "CopyStmt" => "COPY",
        "SelectStmt" => "SELECT",
        "DoStmt" => "DO block",
        "DefineStmt" => define_kind(node),
        "CreateOpClassStmt" => "CREATE OPERATOR CLASS",
        "CreateOpFamilyStmt" => "CREATE OPERATOR FAMILY",
        "CreateCastStmt" => "CREATE CAST",
        "RuleStmt" => "CREATE RULE",
        "CreateEventTrigStmt" => "CREATE EVENT TRIGGER",
        "CreateForeignTableStmt" => "CREATE FOREIGN TABLE",
        "CreateFdwStmt" => "CREATE FOREIGN DATA WRAPPER",
        "CreateForeignServerStmt" => "CREATE SERVER",
        "CreateUserMappingStmt" => "CREATE USER MAPPING",
        "CreateStatsStmt" => "CREATE STATISTICS",
        "CreatePublicationStmt" => "CREATE PUBLICATION",
        "CreateSubscriptionStmt" => "CREATE SUBSCRIPTION",
        "CreateRoleStmt" => "CREATE ROLE",
        "AlterRoleStmt" => "ALTER ROLE",
        "GrantRoleStmt" => "GRANT role",
        "AlterDefaultPrivilegesStmt" => "ALTER DEFAULT PRIVILEGES",
        "CreateTableSpaceStmt" => "CREATE TABLESPACE",
        "CreateConversionStmt" => "CREATE CONVERSION",
        "CreateTransformStmt" => "CREATE TRANSFORM",
        "CreatePlangStmt" => "CREATE LANGUAGE",
        "CreateAmStmt" => "CREATE ACCESS METHOD",
        "AlterExtensionStmt" => "ALTER EXTENSION",
        "AlterExtensionContentsStmt" => "ALTER EXTENSION ADD/DROP",
        "AlterDomainStmt" => "ALTER DOMAIN",
        "AlterTsconfigurationStmt" => "ALTER TEXT SEARCH CONFIGURATION",
        "RenameStmt" => "ALTER … RENAME",
        "AlterObjectSchemaStmt" => "ALTER … SET SCHEMA",
        "SecLabelStmt" => "SECURITY LABEL",
        "CreatedbStmt" => "CREATE DATABASE",
        "DropdbStmt" => "DROP DATABASE",
        "DropRoleStmt" => "DROP ROLE",
        "DropOwnedStmt" => "DROP OWNED",
        "ReassignOwnedStmt" => "REASSIGN OWNED",
        "AlterTableSpaceOptionsStmt" => "ALTER TABLESPACE",
        "AlterSystemStmt" => "ALTER SYSTEM",
        "ListenStmt" | "UnlistenStmt" => "LISTEN/UNLISTEN",
        "LoadStmt" => "LOAD",
        "ConstraintsSetStmt" => "SET CONSTRAINTS",
        "CreateEnumStmt" => "CREATE TYPE … AS ENUM",
        "ImportForeignSchemaStmt" => "IMPORT FOREIGN SCHEMA",
        "AlterEventTrigStmt" => "ALTER EVENT TRIGGER",
        "AlterCollationStmt" => "ALTER COLLATION",
        "AlterOperatorStmt" => "ALTER OPERATOR",
        "AlterTypeStmt" => "ALTER TYPE",
        "AlterStatsStmt" => "ALTER STATISTICS",
        "AlterPublicationStmt" => "ALTER PUBLICATION",
        "AlterSubscriptionStmt" => "ALTER SUBSCRIPTION",
        "AlterFdwStmt" => "ALTER FOREIGN DATA WRAPPER",
        "AlterForeignServerStmt" => "ALTER SERVER",
        "AlterUserMappingStmt" => "ALTER USER MAPPING",
        "AlterRoleSetStmt" => "ALTER ROLE … SET",
        "CreateSchemaStmt" => "CREATE SCHEMA",
        "AlterDatabaseSetStmt" | "AlterDatabaseStmt" => "ALTER DATABASE",
        "ExplainStmt" => "EXPLAIN",
        "VacuumStmt" => "VACUUM/ANALYZE",
        "RefreshMatViewStmt" => "REFRESH MATERIALIZED VIEW",
        "LockStmt" => "LOCK",
        "NotifyStmt" => "NOTIFY",
        "CallStmt" => "CALL",
        "ClusterStmt" => "CLUSTER",
        "ReindexStmt" => "REINDEX",
        "CheckPointStmt" => "CHECKPOINT",
        "DiscardStmt" => "DISCARD",
        "PrepareStmt" | "ExecuteStmt" | "DeallocateStmt" => "PREPARE/EXECUTE",
        "TruncateStmt" => "TRUNCATE",
        "CommentStmt" => "COMMENT",
        _ => "",
    };
    if known.is_empty() {
        name.trim_end_matches("Stmt").to_owned()
    } else {
        known.to_owned()
    }
}

/// `CREATE OPERATOR`, `CREATE AGGREGATE`, …: which object a `DefineStmt` defines.
fn define_kind(node: &NodeEnum) -> &'static str {
    use pg_query::protobuf::ObjectType;
    let NodeEnum::DefineStmt(d) = node else {
        return "CREATE";
    };
    match ObjectType::try_from(d.kind) {
        Ok(ObjectType::ObjectOperator) => "CREATE OPERATOR",
        Ok(ObjectType::ObjectAggregate) => "CREATE AGGREGATE",
        Ok(ObjectType::ObjectCollation) => "CREATE COLLATION",
        Ok(ObjectType::ObjectType) => "CREATE TYPE (base type)",
        Ok(ObjectType::ObjectTsparser) => "CREATE TEXT SEARCH PARSER",
        Ok(ObjectType::ObjectTsdictionary) => "CREATE TEXT SEARCH DICTIONARY",
        Ok(ObjectType::ObjectTstemplate) => "CREATE TEXT SEARCH TEMPLATE",
        Ok(ObjectType::ObjectTsconfiguration) => "CREATE TEXT SEARCH CONFIGURATION",
        _ => "CREATE (definition)",
    }
}

fn other_name(node: &NodeEnum) -> String {
    match node {
        NodeEnum::DefineStmt(d) => strings(&d.defnames).join("."),
        NodeEnum::RuleStmt(r) => r.rulename.clone(),
        NodeEnum::CreateEventTrigStmt(e) => e.trigname.clone(),
        NodeEnum::CreateForeignTableStmt(f) => f
            .base_stmt
            .as_ref()
            .and_then(|b| b.relation.as_ref())
            .map(|r| r.relname.clone())
            .unwrap_or_default(),
        NodeEnum::CreateStatsStmt(s) => strings(&s.defnames).join("."),
        NodeEnum::CreateRoleStmt(r) => r.role.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;

mod enum_hints;
mod operator;
pub(crate) mod partition_index;
