//! Indexes: renamed in place when only the name changed, created, dropped (unless their table
//! takes them along), replaced when their definition changed, and dropped before an
//! `ATTACH PARTITION` would adopt them.

use std::collections::BTreeSet;

use super::meta::without_meta;
use super::{Differ, pair};
use crate::catalog::{Index, Meta, QualifiedName};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Indexes that only changed name: (current name, desired name), paired in name order.
    fn renamed_indexes(&self) -> Vec<(QualifiedName, QualifiedName)> {
        let same = |a: &Index, b: &Index| {
            a.table == b.table
                && a.unique == b.unique
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.method == b.method
                && a.keys == b.keys
                && a.include == b.include
                && a.predicate == b.predicate
                && a.options == b.options
        };
        let (current, desired) = (&self.current.indexes, &self.desired.indexes);
        let movable = |i: &Index| {
            !self.opts.ignores(&i.name)
                && !self.opts.ignores(&i.table)
                && !self.is_external(&i.table)
                && !self.parent_dropped(&i.table)
                && !self.replaced_matviews.contains(&i.table)
                && !self.recreated(&i.table)
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
                .find(|(_, i)| same(o, i));
            if let Some((to, _)) = found {
                taken.insert(to.clone());
                out.push((from.clone(), to.clone()));
            }
        }
        out
    }

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
                    if !self.parent_dropped(&i.table)
                        && !self.replaced_matviews.contains(&i.table)
                        && !self.recreated(&i.table)
                    {
                        let dropped = without_meta(i);
                        self.push(Change::DropIndex(Box::new(dropped)));
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
                        meta,
                    } = n;
                    let changed = o.table != *table
                        || o.unique != *unique
                        || o.nulls_not_distinct != *nulls_not_distinct
                        || o.method != *method
                        || o.keys != *keys
                        || o.include != *include
                        || o.predicate != *predicate
                        || o.options != *options;
                    if changed {
                        let from = without_meta(o);
                        let to = without_meta(n);
                        self.push(Change::ReplaceIndex {
                            from: Box::new(from),
                            to: Box::new(to),
                        });
                    }
                    self.meta(&target, &o.meta, meta);
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
        let created = without_meta(i);
        self.push(Change::CreateIndex(Box::new(created)));
        self.meta(&ObjectRef::Index(i.name.clone()), &Meta::default(), &i.meta);
    }
}
