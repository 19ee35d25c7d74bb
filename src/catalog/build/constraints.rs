//! Table constraints: PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK, EXCLUDE and NOT NULL, from
//! `CREATE TABLE` or `ALTER TABLE … ADD CONSTRAINT`.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ConstrType, Node};

use super::Builder;
use super::context::{Ctx, node_span};
use super::indexes::{access_method, index_key};
use crate::catalog::names::QualifiedName;
use crate::catalog::{Constraint, ConstraintKind, Expr, FkAction, Table};
use crate::parse::nodes::strings;

impl Builder {
    /// Adds a constraint from a table- or column-level `Constraint` node.
    pub(super) fn add_constraint(
        &mut self,
        table: &mut Table,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let mut c = c.clone();
        if !c.indexname.is_empty() {
            self.take_over_index(table, &mut c, ctx);
        }
        let Some(kind) = self.constraint_kind(table, &c, column, ctx) else {
            return;
        };
        self.insert_constraint(table, &c, kind, ctx);
    }

    /// `… PRIMARY KEY / UNIQUE USING INDEX i`: the index becomes the constraint's (PostgreSQL
    /// renames it to the constraint's name), and its columns are the keys.
    fn take_over_index(&mut self, table: &Table, c: &mut protobuf::Constraint, ctx: &Ctx<'_>) {
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

    /// What the constraint is; `None` when it adds no constraint (`NOT NULL`, which only marks
    /// columns, or a kind the catalog does not model, which is reported).
    fn constraint_kind(
        &mut self,
        table: &mut Table,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) -> Option<ConstraintKind> {
        let keys = |list: &[Node]| constraint_columns(list, column);
        let kind = match ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined) {
            ConstrType::ConstrPrimary => {
                let columns = keys(&c.keys);
                set_not_null(table, &columns);
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
            ConstrType::ConstrForeign => ConstraintKind::ForeignKey {
                columns: keys(&c.fk_attrs),
                ref_table: ctx.qualify(c.pktable.as_ref()?),
                ref_columns: strings(&c.pk_attrs),
                on_delete: FkAction::from_code(&c.fk_del_action),
                on_update: FkAction::from_code(&c.fk_upd_action),
                match_full: c.fk_matchtype == "f",
            },
            ConstrType::ConstrCheck => ConstraintKind::Check {
                expr: Expr::new(c.raw_expr.as_deref()?.clone()),
                no_inherit: c.is_no_inherit,
            },
            ConstrType::ConstrExclusion => ConstraintKind::Exclude {
                method: access_method(&c.access_method),
                elements: exclusion_elements(c, ctx),
                predicate: c.where_clause.as_deref().map(|n| Expr::new(n.clone())),
            },
            ConstrType::ConstrNotnull => {
                set_not_null(table, &keys(&c.keys));
                return None;
            }
            other => {
                self.warn(ctx, format!("constraint kind {other:?} is not modelled"));
                return None;
            }
        };
        Some(kind)
    }

    /// Names the constraint (PostgreSQL's implicit name when it has none) and adds it to the
    /// table, unless the table already has one by that name.
    fn insert_constraint(
        &mut self,
        table: &mut Table,
        c: &protobuf::Constraint,
        kind: ConstraintKind,
        ctx: &Ctx<'_>,
    ) {
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
}

/// A constraint's key columns; a column constraint without a list names its own column.
fn constraint_columns(list: &[Node], column: Option<&str>) -> Vec<String> {
    let k = strings(list);
    if k.is_empty() {
        column.map(|c| vec![c.to_owned()]).unwrap_or_default()
    } else {
        k
    }
}

/// Marks the named columns NOT NULL (those the table has).
fn set_not_null(table: &mut Table, columns: &[String]) {
    for col in columns {
        if let Some(column) = table.column_mut(col) {
            column.not_null = true;
        }
    }
}

/// The `(element, operator)` pairs of an EXCLUDE constraint.
fn exclusion_elements(c: &protobuf::Constraint, ctx: &Ctx<'_>) -> Vec<(String, String)> {
    c.exclusions
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
        .collect()
}

/// PostgreSQL's `transformIndexConstraints`: in one CREATE TABLE, a PRIMARY KEY or UNIQUE
/// constraint whose index would equal an earlier one (the primary key first) is dropped, so
/// `id int PRIMARY KEY UNIQUE` makes one constraint. A name given to the dropped one passes to
/// the kept one when that has none.
pub(super) fn drop_redundant_indexes(
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

/// Applies a `DEFERRABLE` / `INITIALLY …` attribute to the constraint it follows.
pub(super) fn apply_attr(c: &mut protobuf::Constraint, contype: i32) {
    match ConstrType::try_from(contype).unwrap_or(ConstrType::Undefined) {
        ConstrType::ConstrAttrDeferrable => c.deferrable = true,
        ConstrType::ConstrAttrNotDeferrable => c.deferrable = false,
        ConstrType::ConstrAttrDeferred => c.initdeferred = true,
        ConstrType::ConstrAttrImmediate => c.initdeferred = false,
        _ => {}
    }
}
