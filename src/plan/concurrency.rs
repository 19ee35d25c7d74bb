//! Which index steps run `CONCURRENTLY`, outside the apply transaction: only on plain tables
//! that exist before and after the plan, and only when nothing inside the transaction needs
//! the index (a new foreign key) or its name (a key's index), or drops it anyway.

use std::collections::BTreeSet;

use crate::catalog::{Catalog, ConstraintKind, QualifiedName};
use crate::diff::Change;
use crate::diff::partition::Partitioning;

/// What decides, for one plan, whether an index change runs `CONCURRENTLY`.
pub(super) struct Concurrency<'a> {
    /// The current catalog after the rename hints.
    current: &'a Catalog,
    desired: &'a Catalog,
    parts: &'a Partitioning,
    /// Tables losing columns (and their partitions), and partitions whose parent gains an
    /// index: their index drops stay inside the transaction (see `tables`).
    drops_in_transaction: BTreeSet<QualifiedName>,
    /// Tables a new foreign key references: their new unique indexes must exist when the key
    /// is added inside the transaction, so they are not built CONCURRENTLY after it.
    referenced: BTreeSet<QualifiedName>,
}

impl<'a> Concurrency<'a> {
    /// The decision for the plan of `changes`.
    pub(super) fn new<'c>(
        current: &'a Catalog,
        desired: &'a Catalog,
        parts: &'a Partitioning,
        changes: impl Iterator<Item = &'c Change> + Clone,
    ) -> Self {
        let drops_in_transaction =
            super::tables::index_drops_in_transaction(changes.clone(), current);
        let referenced: BTreeSet<QualifiedName> = changes
            .filter_map(|c| match c {
                Change::AddConstraint { constraint, .. } => match &constraint.kind {
                    ConstraintKind::ForeignKey { ref_table, .. } => Some(ref_table.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        Concurrency {
            current,
            desired,
            parts,
            drops_in_transaction,
            referenced,
        }
    }

    /// Whether `change` runs `CONCURRENTLY`.
    pub(super) fn of(&self, change: &Change) -> bool {
        let (current, desired, parts) = (self.current, self.desired, self.parts);
        let (referenced, drops_in_transaction) = (&self.referenced, &self.drops_in_transaction);
        // Whether a table of the plan (by its desired name) exists before the plan runs (a table
        // renamed by a hint does: `current` has it under its new name).
        let existed = |t: &QualifiedName| current.tables.contains_key(t);
        // CONCURRENTLY only on plain tables that exist on both sides: PostgreSQL refuses it
        // on a partitioned table (whose index is built or dropped on every partition at once).
        // Nor on a table created again by the plan (empty, and new in the transaction).
        let plain = |t: &QualifiedName| {
            existed(t)
                && !parts.is_recreated(t)
                && current
                    .tables
                    .get(t)
                    .is_some_and(|t| t.partition_by.is_none())
        };
        // A dropped index whose name the desired state gives to something else (a key's
        // index) is dropped inside the transaction, before that is created.
        let name_reused = |n: &QualifiedName| {
            desired.relation(n).is_some()
                || desired
                    .tables
                    .values()
                    .any(|t| t.name.schema == n.schema && t.constraints.contains_key(&n.name))
        };
        match change {
            Change::CreateIndex(i) => {
                plain(&i.table)
                    && desired.tables.contains_key(&i.table)
                    && !(i.unique && referenced.contains(&i.table))
            }
            Change::DropIndex(i) => {
                plain(&i.table)
                    && desired.tables.contains_key(&i.table)
                    && !name_reused(&i.name)
                    && !drops_in_transaction.contains(&i.table)
                    && !parts.is_attached(&i.table)
            }
            Change::ReplaceIndex { to, .. } => plain(&to.table),
            _ => false,
        }
    }
}
