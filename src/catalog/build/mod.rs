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
use pg_query::protobuf::{self, Node};

use self::context::Ctx;
use self::describe::other_name;
use self::values::const_string;
use super::*;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::nodes::strings;
use crate::parse::{Statement, deparse_stmt};
use crate::source::{FileId, Span};

pub use describe::statement_kind;

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
    /// Reports a statement (or part) the catalog does not model.
    fn warn(&mut self, ctx: &Ctx<'_>, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(
            UNSUPPORTED_STATEMENT,
            Severity::Warning,
            message,
            Some(ctx.span),
        ));
    }

    /// Reports a reference to an object no file declares.
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

    /// Reports a second declaration of an object.
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

    /// Lowers one statement.
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

    /// Keeps a statement kind the catalog does not model as an [`OtherObject`], and says so.
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

    /// An own or external table by name.
    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        if self.catalog.tables.contains_key(name) {
            self.catalog.tables.get_mut(name)
        } else {
            self.catalog.externals.get_mut(name)
        }
    }

    /// The metadata of any relation by name (table, view, sequence, index).
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

#[cfg(test)]
mod tests;

mod alter_table;
mod comments;
mod constraints;
mod context;
mod describe;
mod enum_hints;
mod grants;
mod implicit_names;
mod indexes;
mod operator;
pub(crate) mod partition_index;
mod policies;
mod routines;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod values;
mod views;
