//! Names PostgreSQL chooses for constraints and indexes declared without one (`t_pkey`,
//! `t_a_b_key`, `t_col_fkey`, `t_a_idx`, `t_check`), with its numeric suffixes on collision.

use std::collections::BTreeSet;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::Builder;
use crate::catalog::names::{QualifiedName, choose_name, column_name_addition};
use crate::catalog::typename::base_name;
use crate::catalog::{ConstraintKind, Table};
use crate::parse::nodes::strings;

impl Builder {
    /// The name PostgreSQL gives a constraint declared without one.
    pub(super) fn implicit_constraint_name(&self, table: &Table, kind: &ConstraintKind) -> String {
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
}

/// The column-name part PostgreSQL uses for an index key when choosing an index name.
pub(super) fn index_column_name(e: &protobuf::IndexElem) -> String {
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
pub(super) fn only_column_ref(node: &Node) -> Option<String> {
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
