//! Indexes: [`Change::CreateIndex`], [`Change::DropIndex`], [`Change::ReplaceIndex`]. Built
//! and dropped `CONCURRENTLY` where the planner allows it; a changed index is built under a
//! temporary name and swapped in, so its table is never without it.

use std::fmt;

use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, Index, QualifiedName};
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::{Hazard, index_hazards};
use crate::plan::sql::Statement;

use super::shared::{foreign, lock, non_tx, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE INDEX`, `CONCURRENTLY` when asked.
pub fn create_index(i: &Index, concurrently: bool) -> Statement {
    let sql = ddl::index(i);
    if concurrently {
        let sql = sql
            .replacen(
                "CREATE UNIQUE INDEX ",
                "CREATE UNIQUE INDEX CONCURRENTLY ",
                1,
            )
            .replacen("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1);
        non_tx(sql)
    } else {
        tx(sql)
    }
}

fn drop_index(i: &Index, concurrently: bool) -> Statement {
    if concurrently {
        non_tx(format!("DROP INDEX CONCURRENTLY {};", qualified(&i.name)))
    } else {
        tx(format!("DROP INDEX {};", qualified(&i.name)))
    }
}

/// `ALTER INDEX from RENAME TO to` (same schema).
pub(super) fn rename_index(from: &QualifiedName, to: &QualifiedName) -> Statement {
    tx(format!(
        "ALTER INDEX {} RENAME TO {};",
        qualified(from),
        quote_ident(&to.name)
    ))
}

/// `CREATE|DROP INDEX [CONCURRENTLY]`; a replacement is built as `<name>_new`, the old one
/// dropped, the new one renamed.
pub(super) fn sql(change: &Change, input: &SqlInput<'_>) -> Vec<Statement> {
    let SqlInput { concurrent, .. } = *input;
    match change {
        Change::CreateIndex(i) => vec![create_index(i, concurrent)],
        Change::DropIndex(i) => vec![drop_index(i, concurrent)],
        Change::ReplaceIndex { from, to } => {
            let mut tmp = (**to).clone();
            tmp.name.name = format!("{}_new", to.name.name);
            vec![
                create_index(&tmp, concurrent),
                drop_index(from, concurrent),
                rename_index(&tmp.name, &to.name),
            ]
        }
        other => foreign(other, Family::Indexes, Vec::new()),
    }
}

/// A build blocking writes on an existing relation, a brief lock to drop (the planner
/// trades them for `non-transactional` when it goes `CONCURRENTLY`).
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, .. } = *input;
    match change {
        Change::CreateIndex(i) => {
            if current.tables.contains_key(&i.table)
                || current.materialized_views.contains_key(&i.table)
            {
                index_hazards(&i.name, &i.table, false, "built")
            } else {
                Vec::new()
            }
        }
        Change::DropIndex(i) => vec![lock(
            &i.table,
            &format!("briefly, to drop index {}", i.name),
        )],
        Change::ReplaceIndex { from, to } => {
            let mut out = index_hazards(&to.name, &to.table, false, "built (new definition)");
            out.push(lock(
                &from.table,
                &format!("briefly, to drop the old index {}", from.name),
            ));
            out
        }
        other => foreign(other, Family::Indexes, Vec::new()),
    }
}

/// Built once the table's columns are as desired, dropped before them.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    let rebuilt = |n: &QualifiedName| e.rebuild.get(n).cloned();
    match change {
        Change::CreateIndex(i) => match rebuilt(&i.table) {
            Some(_) => format!(
                "recreated with {}, which was dropped and recreated",
                i.table
            ),
            None => format!(
                "built once {} and its columns exist in their desired form",
                i.table
            ),
        },
        Change::ReplaceIndex { to, .. } => format!(
            "built under a temporary name, then swapped with the old index, so {} is never without it",
            to.table
        ),
        Change::DropIndex(i) => match rebuilt(&i.table) {
            Some(_) => format!("dropped with {}, which is recreated", i.table),
            None => "dropped before the columns and tables it uses".to_owned(),
        },
        other => foreign(other, Family::Indexes, String::new()),
    }
}

/// Phase 5 (drop), 23 (create and replace).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropIndex(_) => 5,
        Change::CreateIndex(_) | Change::ReplaceIndex { .. } => 23,
        other => foreign(other, Family::Indexes, 32),
    }
}

/// `create index i on t`, `drop index i on t`, `replace index i (build new, drop old)`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateIndex(i) => write!(f, "create {obj} on {}", i.table),
        Change::DropIndex(i) => write!(f, "drop {obj} on {}", i.table),
        Change::ReplaceIndex { .. } => write!(f, "replace {obj} (build new, drop old)"),
        other => foreign(other, Family::Indexes, Ok(())),
    }
}

/// `create-index`, `drop-index`, `replace-index`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateIndex(_) => "create-index",
        Change::DropIndex(_) => "drop-index",
        Change::ReplaceIndex { .. } => "replace-index",
        other => foreign(other, Family::Indexes, "unsupported"),
    }
}

/// The index (by its desired name).
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateIndex(i) | Change::DropIndex(i) | Change::ReplaceIndex { to: i, .. } => {
            ObjectRef::Index(i.name.clone())
        }
        other => foreign(other, Family::Indexes, ObjectRef::Schema(String::new())),
    }
}
