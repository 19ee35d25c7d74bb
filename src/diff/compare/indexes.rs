//! Indexes: renamed in place when only the name changed, created, dropped (unless their table
//! takes them along), replaced when their definition changed, and dropped before an
//! `ATTACH PARTITION` would adopt them.

use std::collections::BTreeSet;

use super::meta::without_meta;
use super::{Differ, pair};
use crate::catalog::{Index, QualifiedName};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Indexes that only changed name: (current name, desired name), paired in name order.
    fn renamed_indexes(&self) -> Vec<(QualifiedName, QualifiedName)> {
        let (current, desired) = (&self.current.indexes, &self.desired.indexes);
        let movable = |i: &Index| {
            !self.opts.ignores(&i.name)
                && !self.opts.ignores(&i.table)
                && !self.is_external(&i.table)
                && !self.goes_with_table(&i.table)
        };
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for (from, o) in current.iter().filter(|(n, _)| !desired.contains_key(*n)) {
            if !movable(o) {
                continue;
            }
            let found = desired
                .iter()
                .filter(|(n, i)| {
                    !current.contains_key(*n)
                        && !taken.contains(*n)
                        && n.schema == from.schema
                        && movable(i)
                })
                .find(|(_, i)| same_definition(o, i));
            if let Some((to, _)) = found {
                taken.insert(to.clone());
                out.push((from.clone(), to.clone()));
            }
        }
        out
    }

    /// Indexes of both sides: renamed, created, dropped or replaced.
    pub(super) fn indexes(&mut self) {
        let renamed = self.renamed_indexes();
        for (from, to) in &renamed {
            self.push(Change::RenameIndex {
                from: from.clone(),
                to: to.clone(),
            });
            let (o, n) = (&self.current.indexes[from], &self.desired.indexes[to]);
            self.meta(&ObjectRef::Index(to.clone()), &o.meta, &n.meta);
        }
        for (name, old, new) in pair(&self.current.indexes, &self.desired.indexes) {
            if renamed.iter().any(|(from, to)| from == name || to == name) {
                continue;
            }
            let table = new.or(old).map(|i| &i.table);
            if self.opts.ignores(name)
                || table.is_some_and(|t| self.opts.ignores(t) || self.is_external(t))
            {
                continue;
            }
            let target = ObjectRef::Index(name.clone());
            match (old, new) {
                (None, Some(i)) => self.create_index(i),
                (Some(i), None) => {
                    if !self.goes_with_table(&i.table) {
                        self.push(Change::DropIndex(Box::new(without_meta(i))));
                    }
                }
                (Some(o), Some(n)) => {
                    // The old index goes with its dropped (or recreated) table or rebuilt
                    // materialized view: the name is free again.
                    if self.replaced_matviews.contains(&n.table)
                        || self.recreated(&n.table)
                        || self.recreated(&o.table)
                        || self.parent_dropped(&o.table)
                    {
                        self.create_index(n);
                        continue;
                    }
                    if self.adopted_on_attach(o) {
                        // ATTACH PARTITION would make it the parent's: it is dropped before and
                        // built again after, as the partition's own.
                        self.push(Change::DropIndex(Box::new(without_meta(o))));
                        self.create_index(n);
                        continue;
                    }
                    if !same_definition(o, n) {
                        self.replace(o, n, |from, to| Change::ReplaceIndex { from, to });
                    }
                    self.meta(&target, &o.meta, &n.meta);
                }
                (None, None) => {}
            }
        }
    }

    /// Whether an index of the current side is on a table the plan attaches as a partition
    /// and has the shape of an index of the desired parent: `ATTACH PARTITION` would adopt it
    /// (it would belong to the parent's index from then on).
    fn adopted_on_attach(&self, i: &Index) -> bool {
        use crate::catalog::build::partition_index::IndexShape;
        let shape = IndexShape::of_index(i);
        self.parts
            .attached
            .iter()
            .filter(|(child, _, _)| *child == i.table)
            .any(|(_, parent, _)| {
                self.desired
                    .indexes
                    .values()
                    .any(|p| &p.table == parent && IndexShape::of_index(p) == shape)
            })
    }

    fn create_index(&mut self, i: &Index) {
        self.create(&ObjectRef::Index(i.name.clone()), i, Change::CreateIndex);
    }

    /// Whether an index of `table` goes with it: the table (or materialized view) is dropped,
    /// or dropped and created again.
    fn goes_with_table(&self, table: &QualifiedName) -> bool {
        self.dropped_with_table(table) || self.replaced_matviews.contains(table)
    }
}

/// Whether two indexes have the same definition (their names aside).
fn same_definition(old: &Index, new: &Index) -> bool {
    let Index {
        name: _,
        table,
        unique,
        nulls_not_distinct,
        method,
        keys,
        include,
        predicate,
        options,
        meta: _, // diffed as changes of their own
    } = new;
    old.table == *table
        && old.unique == *unique
        && old.nulls_not_distinct == *nulls_not_distinct
        && old.method == *method
        && old.keys == *keys
        && old.include == *include
        && old.predicate == *predicate
        && old.options == *options
}
