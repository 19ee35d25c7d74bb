//! Constraints of a table that stays: renamed in place when only the name changed, dropped
//! and added again when the definition changed, added NOT VALID then validated.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use super::{Differ, pair};
use crate::catalog::{Constraint, ConstraintKind, QualifiedName};
use crate::diff::Change;

impl Differ<'_> {
    /// The constraints of a table that stays: renamed in place when only the name changed,
    /// dropped, added, dropped and added again when the definition changed (or a foreign key's
    /// table is created again), or validated.
    pub(super) fn alter_constraints(
        &mut self,
        name: &QualifiedName,
        old: &BTreeMap<String, Constraint>,
        constraints: &BTreeMap<String, Constraint>,
    ) {
        let renamed = renamed_constraints(old, constraints);
        for (from, to) in &renamed {
            self.push(Change::RenameConstraint {
                table: name.clone(),
                from: from.clone(),
                to: to.clone(),
            });
            if old[from].not_valid && !constraints[to].not_valid {
                self.push(Change::ValidateConstraint {
                    table: name.clone(),
                    name: to.clone(),
                });
            }
        }
        for (cname, o, n) in pair(old, constraints) {
            let is_renamed = renamed
                .iter()
                .any(|(from, to)| from == cname || to == cname);
            if is_renamed {
                continue;
            }
            match (o, n) {
                (Some(_), None) => self.push(Change::DropConstraint {
                    table: name.clone(),
                    name: cname.clone(),
                }),
                (None, Some(c)) => self.add_constraint(name, c),
                (Some(o), Some(c)) => {
                    let Constraint {
                        name: _,
                        kind,
                        deferrable,
                        initially_deferred,
                        not_valid,
                        span: _, // source position
                    } = c;
                    // A foreign key to a table that is dropped and created again goes before
                    // it and comes back after it.
                    let to_recreated = matches!(kind, ConstraintKind::ForeignKey { ref_table, .. } if self.recreated(ref_table));
                    if o.kind != *kind
                        || o.deferrable != *deferrable
                        || o.initially_deferred != *initially_deferred
                        || to_recreated
                    {
                        self.push(Change::DropConstraint {
                            table: name.clone(),
                            name: cname.clone(),
                        });
                        self.add_constraint(name, c);
                    } else if o.not_valid && !not_valid {
                        self.push(Change::ValidateConstraint {
                            table: name.clone(),
                            name: cname.clone(),
                        });
                    }
                    // Desired NOT VALID over a validated constraint: nothing to do, a
                    // constraint cannot be un-validated and the rows satisfy it anyway.
                }
                (None, None) => {}
            }
        }
    }

    /// A constraint added to an existing table: foreign keys and CHECKs go in NOT VALID and
    /// are validated by a separate change, which takes a weaker lock and can be retried.
    pub(super) fn add_constraint(&mut self, table: &QualifiedName, c: &Constraint) {
        // PostgreSQL refuses a NOT VALID foreign key on a partitioned table.
        let partitioned = self
            .desired
            .tables
            .get(table)
            .is_some_and(|t| t.partition_by.is_some());
        let two_step = match c.kind {
            ConstraintKind::ForeignKey { .. } => !partitioned,
            ConstraintKind::Check { .. } => true,
            _ => false,
        } && !c.not_valid;
        let mut added = c.clone();
        added.not_valid |= two_step;
        self.push(Change::AddConstraint {
            table: table.clone(),
            constraint: Box::new(added),
        });
        if two_step {
            self.push(Change::ValidateConstraint {
                table: table.clone(),
                name: c.name.clone(),
            });
        }
    }
}

/// Constraints that only changed name: (current name, desired name) for each current
/// constraint the desired side no longer names whose definition equals that of a desired
/// constraint the current side does not name yet, paired in name order.
fn renamed_constraints(
    old: &BTreeMap<String, Constraint>,
    new: &BTreeMap<String, Constraint>,
) -> Vec<(String, String)> {
    let same = |a: &Constraint, b: &Constraint| {
        a.kind == b.kind
            && a.deferrable == b.deferrable
            && a.initially_deferred == b.initially_deferred
    };
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for (from, o) in old.iter().filter(|(n, _)| !new.contains_key(*n)) {
        let found = new
            .iter()
            .filter(|(n, _)| !old.contains_key(*n) && !taken.contains(*n))
            .find(|(_, c)| same(o, c));
        if let Some((to, _)) = found {
            taken.insert(to.clone());
            out.push((from.clone(), to.clone()));
        }
    }
    out
}
