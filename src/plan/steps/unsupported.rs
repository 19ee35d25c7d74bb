//! Differences the tool does not plan: [`Change::Unsupported`]. The planner refuses a diff
//! that has one (see `PlanError::Unsupported`), so these functions only keep the family
//! complete: no SQL, no hazard, the last phase.

use std::fmt;

use crate::catalog::Catalog;
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::sql::Statement;

use super::shared::foreign;
use super::{Family, HazardInput, SqlInput};

/// None: not planned.
pub(super) fn sql(_change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    Vec::new()
}

/// None: not planned.
pub(super) fn hazards(_change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    Vec::new()
}

/// `not planned`.
pub(super) fn reason(_explainer: &Explainer<'_>, _change: &Change) -> String {
    "not planned".to_owned()
}

/// Phase 32, after everything.
pub(super) fn phase(_change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    32
}

/// `unsupported change to <object>: <reason>`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::Unsupported { reason, .. } => {
            write!(f, "unsupported change to {obj}: {reason}")
        }
        other => foreign(other, Family::Unsupported, Ok(())),
    }
}

/// `unsupported`.
pub(super) fn kind(_change: &Change) -> &'static str {
    "unsupported"
}

/// The object that differs.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::Unsupported { object, .. } => object.clone(),
        other => foreign(other, Family::Unsupported, ObjectRef::Schema(String::new())),
    }
}
