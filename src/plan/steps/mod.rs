//! Each kind of change, planned in one place: one file per family of [`Change`] variants
//! holds, for its variants, the SQL, the hazards, the explanation (`why`), the phase, the
//! one-line description, the kind name and the object.
//!
//! [`Change::family`] is the only list saying which family a variant belongs to; the
//! operations below dispatch on it. A new kind of change touches the enum, that list and
//! its family's file. A family's functions handle only their own variants: reaching a
//! family's fallback arm ([`shared::foreign`]) is a planner bug, which fails debug builds and
//! the test that sends one change of every variant through every operation (`tests.rs`); a
//! release build gives it a neutral value (no SQL, no hazard) rather than crash. `Display`,
//! [`Change::kind`] and [`Change::object`] are implemented here too, so `diff` does not
//! depend on the planner.

mod annotations;
mod constraints;
pub(super) mod indexes;
mod partitions;
mod policies;
mod renames;
mod routines;
mod schemas;
mod sequences;
pub(super) mod shared;
mod tables;
#[cfg(test)]
mod tests;
mod triggers;
mod types;
mod unsupported;
mod views;

use std::fmt;

use crate::catalog::Catalog;
use crate::diff::{Change, ObjectRef};
use crate::graph::DepGraph;

use super::explain::Explainer;
use super::hazard::{Hazard, RowCounts};
use super::sql::Statement;

/// A family of changes: the variants one file under `plan/steps/` plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// Schemas and extensions ([`schemas`]).
    Schemas,
    /// Renames of relations, columns, constraints and indexes from hints ([`renames`]).
    Renames,
    /// Tables and their columns ([`tables`]).
    Tables,
    /// Partitions attached and detached ([`partitions`]).
    Partitions,
    /// Table constraints ([`constraints`]).
    Constraints,
    /// Indexes ([`indexes`]).
    Indexes,
    /// Views and materialized views ([`views`]).
    Views,
    /// Functions and procedures ([`routines`]).
    Routines,
    /// Triggers ([`triggers`]).
    Triggers,
    /// Row-level security and policies ([`policies`]).
    Policies,
    /// Sequences ([`sequences`]).
    Sequences,
    /// Types: enums, domains, composite types ([`types`]).
    Types,
    /// Comments, grants and owners ([`annotations`]).
    Annotations,
    /// Differences the tool does not plan ([`unsupported`]).
    Unsupported,
}

impl Change {
    /// The family whose file under `plan/steps/` plans this change.
    pub(crate) fn family(&self) -> Family {
        match self {
            Change::CreateSchema(_)
            | Change::DropSchema(_)
            | Change::CreateExtension { .. }
            | Change::DropExtension(_)
            | Change::AlterExtension { .. } => Family::Schemas,
            Change::Rename { .. }
            | Change::RenameColumn { .. }
            | Change::RenameConstraint { .. }
            | Change::RenameIndex { .. } => Family::Renames,
            Change::CreateTable(_)
            | Change::DropTable(_)
            | Change::AddColumn { .. }
            | Change::DropColumn { .. }
            | Change::AlterColumnType { .. }
            | Change::SetDefault { .. }
            | Change::SetNotNull { .. }
            | Change::SetIdentity { .. }
            | Change::SetGenerated { .. }
            | Change::SetLogged { .. }
            | Change::SetTableOptions { .. } => Family::Tables,
            Change::AttachPartition { .. } | Change::DetachPartition { .. } => Family::Partitions,
            Change::AddConstraint { .. }
            | Change::DropConstraint { .. }
            | Change::ValidateConstraint { .. } => Family::Constraints,
            Change::CreateIndex(_) | Change::DropIndex(_) | Change::ReplaceIndex { .. } => {
                Family::Indexes
            }
            Change::CreateView(_)
            | Change::DropView { .. }
            | Change::ReplaceView { .. }
            | Change::ReplaceMaterializedView(_)
            | Change::SetViewOptions { .. } => Family::Views,
            Change::CreateFunction(_) | Change::DropFunction(_) | Change::ReplaceFunction(_) => {
                Family::Routines
            }
            Change::CreateTrigger(_) | Change::DropTrigger { .. } => Family::Triggers,
            Change::CreatePolicy(_)
            | Change::DropPolicy { .. }
            | Change::AlterPolicy { .. }
            | Change::ReplacePolicy { .. }
            | Change::SetRowSecurity { .. }
            | Change::ForceRowSecurity { .. } => Family::Policies,
            Change::CreateSequence(_) | Change::DropSequence(_) | Change::AlterSequence { .. } => {
                Family::Sequences
            }
            Change::CreateType(_)
            | Change::DropType(_)
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::AlterDomain { .. }
            | Change::AlterCompositeType { .. } => Family::Types,
            Change::Comment { .. }
            | Change::Grant { .. }
            | Change::Revoke { .. }
            | Change::SetOwner { .. } => Family::Annotations,
            Change::Unsupported { .. } => Family::Unsupported,
        }
    }
}

/// Calls `<family>::$operation(args…)` for the family of `$change`: the one place that maps
/// a family to its file.
macro_rules! dispatch {
    ($change:expr, $operation:ident($($arg:expr),* $(,)?)) => {
        match $change.family() {
            Family::Schemas => schemas::$operation($($arg),*),
            Family::Renames => renames::$operation($($arg),*),
            Family::Tables => tables::$operation($($arg),*),
            Family::Partitions => partitions::$operation($($arg),*),
            Family::Constraints => constraints::$operation($($arg),*),
            Family::Indexes => indexes::$operation($($arg),*),
            Family::Views => views::$operation($($arg),*),
            Family::Routines => routines::$operation($($arg),*),
            Family::Triggers => triggers::$operation($($arg),*),
            Family::Policies => policies::$operation($($arg),*),
            Family::Sequences => sequences::$operation($($arg),*),
            Family::Types => types::$operation($($arg),*),
            Family::Annotations => annotations::$operation($($arg),*),
            Family::Unsupported => unsupported::$operation($($arg),*),
        }
    };
}

/// What a family reads to write a change's SQL.
#[derive(Clone, Copy)]
pub(super) struct SqlInput<'a> {
    /// The current catalog (after the hinted renames).
    pub current: &'a Catalog,
    /// The desired catalog.
    pub desired: &'a Catalog,
    /// Whether index builds and drops on the change's table run `CONCURRENTLY` (the table
    /// exists and keeps existing).
    pub concurrent: bool,
}

/// What a family reads to say a change's hazards.
#[derive(Clone, Copy)]
pub(super) struct HazardInput<'a> {
    /// The current catalog (after the hinted renames).
    pub current: &'a Catalog,
    /// The current catalog's dependency graph.
    pub graph: &'a DepGraph,
    /// Rows of the target's tables, when known: they decide `needs-backfill`.
    pub rows: Option<&'a RowCounts>,
}

/// The statements of one change. `concurrent` says whether index builds and drops on this
/// change's table run `CONCURRENTLY` (the table exists and keeps existing).
pub(super) fn sql(
    change: &Change,
    current: &Catalog,
    desired: &Catalog,
    concurrent: bool,
) -> Vec<Statement> {
    let input = SqlInput {
        current,
        desired,
        concurrent,
    };
    dispatch!(change, sql(change, &input))
}

/// The hazards of one change, given the current catalog and its dependency graph.
pub(super) fn hazards(
    change: &Change,
    current: &Catalog,
    graph: &DepGraph,
    rows: Option<&RowCounts>,
) -> Vec<Hazard> {
    let input = HazardInput {
        current,
        graph,
        rows,
    };
    dispatch!(change, hazards(change, &input))
}

/// Why a change is where it is, before its phase is named (see [`Explainer::why`]).
pub(super) fn reason(explainer: &Explainer<'_>, change: &Change) -> String {
    dispatch!(change, reason(explainer, change))
}

/// The phase of a change (see `phase_name` in `plan/explain.rs` for what each does).
pub(super) fn phase(change: &Change, current: &Catalog, desired: &Catalog) -> u8 {
    dispatch!(change, phase(change, current, desired))
}

/// Where a change of `phase` goes: renames first of all (see [`renames::order`]), then the
/// phases in order.
pub(super) fn order(change: &Change, phase: u8) -> u8 {
    match change.family() {
        Family::Renames => renames::order(change),
        _ => phase.saturating_add(2),
    }
}

impl Change {
    /// Short name of the change kind (`add-column`, `create-index`, …), for summaries.
    pub fn kind(&self) -> &'static str {
        dispatch!(self, kind(self))
    }

    /// The object the change is about (plan JSON `objects`).
    pub fn object(&self) -> ObjectRef {
        dispatch!(self, object(self))
    }
}

/// One line per change, written by the change's family.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let object = self.object();
        dispatch!(self, display(self, &object, f))
    }
}
