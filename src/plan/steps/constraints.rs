//! Table constraints: [`Change::AddConstraint`], [`Change::DropConstraint`],
//! [`Change::ValidateConstraint`]. Foreign keys are dropped before and added after the
//! other constraints; a key or CHECK added to an existing table is validated by a later step.

use std::fmt;

use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, ConstraintKind, QualifiedName};
use crate::ddl;
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::{Explainer, fk_path};
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{alter_table, foreign, lock, tx};
use super::{Family, HazardInput, SqlInput};

/// `ALTER TABLE … ADD|DROP|VALIDATE CONSTRAINT`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::AddConstraint { table, constraint } => {
            vec![tx(ddl::add_constraint(table, constraint))]
        }
        Change::DropConstraint { table, name } => vec![tx(format!(
            "{} DROP CONSTRAINT {};",
            alter_table(table),
            quote_ident(name)
        ))],
        Change::ValidateConstraint { table, name } => vec![tx(format!(
            "{} VALIDATE CONSTRAINT {};",
            alter_table(table),
            quote_ident(name)
        ))],
        other => foreign(other, Family::Constraints, Vec::new()),
    }
}

/// The index built by a key on an existing table, the scans of validation.
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, .. } = *input;
    use HazardKind as H;
    let mut out = Vec::new();
    match change {
        Change::AddConstraint { table, constraint } => {
            let existing = current.tables.contains_key(table);
            match &constraint.kind {
                ConstraintKind::PrimaryKey { .. }
                | ConstraintKind::Unique { .. }
                | ConstraintKind::Exclude { .. }
                    if existing =>
                {
                    out.push(Hazard::new(
                        H::IndexBuild,
                        format!("the index of constraint {} is built on {table} while writes are blocked", constraint.name),
                    ));
                    out.push(lock(table, "while the index is built"));
                }
                ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. }
                    if existing && !constraint.not_valid =>
                {
                    out.push(Hazard::new(
                        H::ValidationScan,
                        format!("every row of {table} is checked against {} while the table is locked", constraint.name),
                    ));
                }
                _ => {}
            }
        }
        Change::ValidateConstraint { table, name } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every row of {table} is checked against {name} (SHARE UPDATE EXCLUSIVE: writes continue, unless the same transaction already locked {table} more strongly, as when this plan also added the constraint); fails, changing nothing, if a row violates it"),
        )),
        Change::DropConstraint { .. } => {}
        other => return foreign(other, Family::Constraints, Vec::new()),
    }
    out
}

/// Whether constraint `name` of `table` is a foreign key in `catalog`.
fn is_foreign_key(catalog: &Catalog, table: &QualifiedName, name: &str) -> bool {
    catalog
        .tables
        .get(table)
        .and_then(|t| t.constraints.get(name))
        .is_some_and(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }))
}

/// The explanation's tail for a constraint added `NOT VALID`.
const ADDED_NOT_VALID: &str =
    "; added NOT VALID (no scan under a strong lock) and validated by a later step";

/// Foreign keys once every table exists (and why a cycle needs no order), others once
/// their table's columns and indexes do.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropConstraint { table, name } => {
            let fk = is_foreign_key(e.current, table, name);
            let again = e
                .desired
                .tables
                .get(table)
                .is_some_and(|t| t.constraints.contains_key(name));
            let base = if fk {
                "foreign keys are dropped before other constraints and tables, so no reference blocks a later drop"
            } else {
                "dropped before the indexes, columns and tables it uses"
            };
            if again {
                format!("{base}; added again later with its new definition")
            } else {
                base.to_owned()
            }
        }
        Change::AddConstraint { table, constraint } => {
            let mut why = match &constraint.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    let mut why = format!(
                        "foreign keys are added once every table exists, so {ref_table} is there"
                    );
                    if let Some(path) = fk_path(e.desired, ref_table, table) {
                        let names: Vec<String> = std::iter::once(table)
                            .chain(path.iter())
                            .map(ToString::to_string)
                            .collect();
                        why.push_str(&format!(
                            ", and the cycle {} needs no order among the tables",
                            names.join(" → ")
                        ));
                    }
                    why
                }
                _ => format!("after {table}'s columns and indexes exist in their desired form"),
            };
            if constraint.not_valid {
                why.push_str(ADDED_NOT_VALID);
            }
            why
        }
        Change::ValidateConstraint { .. } => {
            "validated after it was added NOT VALID, without blocking writes".to_owned()
        }
        other => foreign(other, Family::Constraints, String::new()),
    }
}

/// Phase 2 (drop foreign keys), 4 (drop others), 24 (add others), 25 (add foreign keys),
/// 26 (validate).
pub(super) fn phase(change: &Change, current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropConstraint { table, name } => {
            if is_foreign_key(current, table, name) {
                2
            } else {
                4
            }
        }
        Change::AddConstraint { constraint, .. } => {
            if matches!(constraint.kind, ConstraintKind::ForeignKey { .. }) {
                25
            } else {
                24
            }
        }
        Change::ValidateConstraint { .. } => 26,
        other => foreign(other, Family::Constraints, 32),
    }
}

fn constraint_kind(k: &ConstraintKind) -> &'static str {
    match k {
        ConstraintKind::PrimaryKey { .. } => "primary key",
        ConstraintKind::Unique { .. } => "unique",
        ConstraintKind::ForeignKey { .. } => "foreign key",
        ConstraintKind::Check { .. } => "check",
        ConstraintKind::Exclude { .. } => "exclude",
    }
}

/// `add foreign key constraint … not valid`, `drop constraint …`, `validate constraint …`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::DropConstraint { .. } => write!(f, "drop {obj}"),
        Change::AddConstraint { constraint, .. } => {
            let nv = if constraint.not_valid {
                " not valid"
            } else {
                ""
            };
            write!(f, "add {} {obj}{nv}", constraint_kind(&constraint.kind))
        }
        Change::ValidateConstraint { .. } => write!(f, "validate {obj}"),
        other => foreign(other, Family::Constraints, Ok(())),
    }
}

/// `add-constraint`, `drop-constraint`, `validate-constraint`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::AddConstraint { .. } => "add-constraint",
        Change::DropConstraint { .. } => "drop-constraint",
        Change::ValidateConstraint { .. } => "validate-constraint",
        other => foreign(other, Family::Constraints, "unsupported"),
    }
}

/// The constraint.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::AddConstraint { table, constraint } => {
            ObjectRef::Constraint(table.clone(), constraint.name.clone())
        }
        Change::DropConstraint { table, name } | Change::ValidateConstraint { table, name } => {
            ObjectRef::Constraint(table.clone(), name.clone())
        }
        other => foreign(other, Family::Constraints, ObjectRef::Schema(String::new())),
    }
}
