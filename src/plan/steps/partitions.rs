//! Partitions attached and detached in place: [`Change::AttachPartition`],
//! [`Change::DetachPartition`]. Their SQL and hazards are made in `plan/partition.rs`, with
//! the rest of what the planner says about partitioning changes.

use std::fmt;

use crate::catalog::Catalog;
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::partition::{attach_hazards, attach_sql, detach_hazards, detach_sql};
use crate::plan::sql::Statement;

use super::shared::{foreign, tx};
use super::{Family, HazardInput, SqlInput};

/// `ALTER TABLE parent ATTACH|DETACH PARTITION child`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::AttachPartition {
            parent,
            child,
            bound,
        } => vec![tx(attach_sql(parent, child, bound))],
        Change::DetachPartition { parent, child } => vec![tx(detach_sql(parent, child))],
        other => foreign(other, Family::Partitions, Vec::new()),
    }
}

/// The scans and locks of attaching, the lock of detaching.
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, .. } = *input;
    match change {
        Change::AttachPartition {
            parent,
            child,
            bound,
        } => attach_hazards(current, parent, child, bound),
        Change::DetachPartition { parent, child } => detach_hazards(parent, child),
        other => foreign(other, Family::Partitions, Vec::new()),
    }
}

/// Detached before the tables change, attached once both are as desired.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DetachPartition { parent, .. } => {
            format!("detached from {parent} before the tables and columns change, keeping its rows")
        }
        Change::AttachPartition { parent, .. } => format!(
            "attached to {parent} once both tables have their desired columns, keeping its rows"
        ),
        other => foreign(other, Family::Partitions, String::new()),
    }
}

/// Detached before the parent or the table itself changes; attached once both are as
/// desired (columns included: a partition has exactly its parent's).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DetachPartition { .. } => 2,
        Change::AttachPartition { .. } => 18,
        other => foreign(other, Family::Partitions, 32),
    }
}

/// `attach table c to p FOR VALUES …`, `detach table c from p`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::AttachPartition { parent, bound, .. } => {
            write!(f, "attach {obj} to {parent} {bound}")
        }
        Change::DetachPartition { parent, .. } => write!(f, "detach {obj} from {parent}"),
        other => foreign(other, Family::Partitions, Ok(())),
    }
}

/// `attach-partition`, `detach-partition`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::AttachPartition { .. } => "attach-partition",
        Change::DetachPartition { .. } => "detach-partition",
        other => foreign(other, Family::Partitions, "unsupported"),
    }
}

/// The partition (the child table).
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::AttachPartition { child, .. } | Change::DetachPartition { child, .. } => {
            ObjectRef::Table(child.clone())
        }
        other => foreign(other, Family::Partitions, ObjectRef::Schema(String::new())),
    }
}
