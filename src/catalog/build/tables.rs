//! `CREATE TABLE`: columns (with the sequence a `serial` column implies), table and column
//! constraints, partitioning and inheritance.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ConstrType, Node, RangeVar};

use super::Builder;
use super::constraints::{apply_attr, drop_redundant_indexes};
use super::context::{Ctx, column_rename_hint, node_span};
use super::describe::statement_kind;
use super::values::{reloptions, value_text};
use crate::catalog::expr::parse_expr;
use crate::catalog::names::{QualifiedName, choose_name};
use crate::catalog::typename::format_type_name;
use crate::catalog::{Column, Duplicate, Expr, Identity, Sequence, Table};
use crate::parse::deparse_stmt;
use crate::parse::nodes::{def_elems, strings};

impl Builder {
    /// `CREATE TABLE` (own or external).
    pub(super) fn create_table(&mut self, s: &protobuf::CreateStmt, ctx: &Ctx<'_>) {
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
    pub(super) fn add_column(
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

    /// Changes a column of `table`, or reports it unknown.
    pub(super) fn with_column(
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
}

/// The text of a `PARTITION BY` clause, as the deparser prints it.
pub(super) fn partition_text(spec: &protobuf::PartitionSpec) -> String {
    let stmt = protobuf::CreateStmt {
        partspec: Some(spec.clone()),
        ..create_table_x()
    };
    deparse_stmt(&NodeEnum::CreateStmt(stmt))
        .and_then(|s| s.split_once("PARTITION BY ").map(|(_, r)| r.to_owned()))
        .unwrap_or_default()
}

/// The text of a partition bound (`FOR VALUES …`, `DEFAULT`), as the deparser prints it.
pub(super) fn bound_text(bound: &protobuf::PartitionBoundSpec) -> String {
    let stmt = protobuf::CreateStmt {
        inh_relations: vec![Node {
            node: Some(NodeEnum::RangeVar(plain_range_var("p"))),
        }],
        partbound: Some(bound.clone()),
        ..create_table_x()
    };
    deparse_stmt(&NodeEnum::CreateStmt(stmt))
        .and_then(|s| s.split_once(" PARTITION OF p ").map(|(_, r)| r.to_owned()))
        .unwrap_or_default()
}

/// `CREATE TABLE x ()`: the statement a clause is deparsed in, to print the clause alone.
fn create_table_x() -> protobuf::CreateStmt {
    protobuf::CreateStmt {
        relation: Some(plain_range_var("x")),
        oncommit: protobuf::OnCommitAction::OncommitNoop as i32,
        ..Default::default()
    }
}

/// A permanent relation named `name`, unqualified.
fn plain_range_var(name: &str) -> RangeVar {
    RangeVar {
        relname: name.to_owned(),
        inh: true,
        relpersistence: "p".to_owned(),
        ..Default::default()
    }
}
