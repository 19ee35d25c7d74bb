//! Renames from hints, and names that alone changed: [`Change::Rename`] (tables, views,
//! materialized views, indexes), [`Change::RenameColumn`], [`Change::RenameConstraint`],
//! [`Change::RenameIndex`]. They run before every other step, since every later step names
//! objects by their desired names.

use std::fmt;

use crate::catalog::names::{display_ident, quote_ident};
use crate::catalog::{Catalog, QualifiedName};
use crate::ddl::qualified;
use crate::diff::{Change, ObjectRef, RenameKind};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::sql::Statement;

use super::indexes::rename_index;
use super::shared::{alter_table, foreign, tx};
use super::{Family, HazardInput, SqlInput};

/// `ALTER … SET SCHEMA` and/or `RENAME TO`, `RENAME COLUMN`, `RENAME CONSTRAINT`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::Rename { kind, from, to } => {
            let keyword = match kind {
                RenameKind::Table => "TABLE",
                RenameKind::View => "VIEW",
                RenameKind::MaterializedView => "MATERIALIZED VIEW",
                RenameKind::Index => "INDEX",
            };
            let mut out = Vec::new();
            if from.schema != to.schema {
                out.push(tx(format!(
                    "ALTER {keyword} {} SET SCHEMA {};",
                    qualified(from),
                    quote_ident(&to.schema)
                )));
            }
            if from.name != to.name {
                let moved = QualifiedName::new(&to.schema, &from.name);
                out.push(tx(format!(
                    "ALTER {keyword} {} RENAME TO {};",
                    qualified(&moved),
                    quote_ident(&to.name)
                )));
            }
            out
        }
        Change::RenameColumn { table, from, to } => vec![tx(format!(
            "{} RENAME COLUMN {} TO {};",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Change::RenameConstraint { table, from, to } => vec![tx(format!(
            "{} RENAME CONSTRAINT {} TO {};",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Change::RenameIndex { from, to } => vec![rename_index(from, to)],
        other => foreign(other, Family::Renames, Vec::new()),
    }
}

/// None: a rename is a catalog update.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    match change {
        Change::Rename { .. }
        | Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. } => Vec::new(),
        other => foreign(other, Family::Renames, Vec::new()),
    }
}

/// Renamed first, so the data stays and later steps use the new name.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::Rename { from, to, .. } => format!(
            "renamed before any other change, so {from} keeps its data and every later step uses {to}"
        ),
        Change::RenameColumn { table, from, to } => format!(
            "renamed after {table} has its desired name and before any other change to it, so {from} keeps its data and later steps use {to}"
        ),
        Change::RenameConstraint { table, from, to } => format!(
            "renamed after {table} has its desired name: {from} is unchanged but for its name, so it is renamed to {to} rather than dropped and built again"
        ),
        Change::RenameIndex { from, to } => format!(
            "renamed before any other change: {from} is unchanged but for its name, so it is renamed to {} rather than built again",
            to.name
        ),
        other => foreign(other, Family::Renames, String::new()),
    }
}

/// Phase 16 (named in explanations; [`order`] puts renames before every phase).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::Rename { .. }
        | Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. } => 16,
        other => foreign(other, Family::Renames, 32),
    }
}

/// Where a rename goes: relations first of all, then the columns, constraints and indexes
/// of relations that have their desired names.
pub(super) fn order(change: &Change) -> u8 {
    match change {
        Change::Rename { .. } => 0,
        Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. } => 1,
        other => foreign(other, Family::Renames, 1),
    }
}

/// `rename <from> to <object>`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::Rename { from, .. } => write!(f, "rename {from} to {obj}"),
        Change::RenameConstraint { from, .. } => {
            write!(f, "rename constraint {} to {obj}", display_ident(from))
        }
        Change::RenameColumn { from, .. } => {
            write!(f, "rename column {} to {obj}", display_ident(from))
        }
        Change::RenameIndex { from, .. } => write!(f, "rename {from} to {obj}"),
        other => foreign(other, Family::Renames, Ok(())),
    }
}

/// `rename`, `rename-column`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::Rename { .. } => "rename",
        Change::RenameColumn { .. } => "rename-column",
        Change::RenameConstraint { .. } => "rename-constraint",
        Change::RenameIndex { .. } => "rename-index",
        other => foreign(other, Family::Renames, "unsupported"),
    }
}

/// The renamed object, by its desired name.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::Rename { kind, to, .. } => match kind {
            RenameKind::Table => ObjectRef::Table(to.clone()),
            RenameKind::View => ObjectRef::View(to.clone()),
            RenameKind::MaterializedView => ObjectRef::MaterializedView(to.clone()),
            RenameKind::Index => ObjectRef::Index(to.clone()),
        },
        Change::RenameColumn { table, to, .. } => ObjectRef::Column(table.clone(), to.clone()),
        Change::RenameConstraint { table, to, .. } => {
            ObjectRef::Constraint(table.clone(), to.clone())
        }
        Change::RenameIndex { to, .. } => ObjectRef::Index(to.clone()),
        other => foreign(other, Family::Renames, ObjectRef::Schema(String::new())),
    }
}
