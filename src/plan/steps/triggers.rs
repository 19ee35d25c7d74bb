//! Triggers: [`Change::CreateTrigger`], [`Change::DropTrigger`]. Dropped first of all,
//! created once their table and function exist.

use std::fmt;

use crate::catalog::Catalog;
use crate::catalog::names::quote_ident;
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::sql::Statement;

use super::shared::{foreign, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE TRIGGER`, `DROP TRIGGER … ON …`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::CreateTrigger(t) => vec![tx(ddl::trigger(t))],
        Change::DropTrigger { table, name } => vec![tx(format!(
            "DROP TRIGGER {} ON {};",
            quote_ident(name),
            qualified(table)
        ))],
        other => foreign(other, Family::Triggers, Vec::new()),
    }
}

/// None: a trigger change is a catalog update.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    match change {
        Change::CreateTrigger(_) | Change::DropTrigger { .. } => Vec::new(),
        other => foreign(other, Family::Triggers, Vec::new()),
    }
}

/// Dropped first; created after its table and function.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropTrigger { table, name } => e.dropped_first(table, name),
        Change::CreateTrigger(t) => format!(
            "after {} and the function it calls, {}",
            t.table, t.function
        ),
        other => foreign(other, Family::Triggers, String::new()),
    }
}

/// Phase 0 (drop), 27 (create).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropTrigger { .. } => 0,
        Change::CreateTrigger(_) => 27,
        other => foreign(other, Family::Triggers, 32),
    }
}

/// `create trigger t on tab`, `drop trigger t on tab`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateTrigger(_) => write!(f, "create {obj}"),
        Change::DropTrigger { .. } => write!(f, "drop {obj}"),
        other => foreign(other, Family::Triggers, Ok(())),
    }
}

/// `create-trigger`, `drop-trigger`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateTrigger(_) => "create-trigger",
        Change::DropTrigger { .. } => "drop-trigger",
        other => foreign(other, Family::Triggers, "unsupported"),
    }
}

/// The trigger on its table.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateTrigger(t) => ObjectRef::Trigger(t.table.clone(), t.name.clone()),
        Change::DropTrigger { table, name } => ObjectRef::Trigger(table.clone(), name.clone()),
        other => foreign(other, Family::Triggers, ObjectRef::Schema(String::new())),
    }
}
