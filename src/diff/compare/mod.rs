//! The comparison itself: one file per object family, each destructuring the desired object
//! exhaustively so that a new catalog field stops the build here until someone decides
//! whether it matters to a plan. [`compare`] runs the families in a fixed order over the
//! current catalog after the rename hints, with the partitioning decisions already made.

mod columns;
mod constraints;
mod indexes;
mod meta;
mod others;
mod policies;
mod routines;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;

use std::collections::{BTreeMap, BTreeSet};

use super::partition::Partitioning;
use super::{Change, DiffOptions};
use crate::catalog::normalize::unqualify_type;
use crate::catalog::{Catalog, QualifiedName, Table};
use crate::graph::DepGraph;
pub(crate) use columns::identity_changes;

/// The schema whose names the loader and PostgreSQL's print-back may write bare.
const DEFAULT_SCHEMA: &str = "public";

/// Whether two type names are the same type: `format_type` qualifies a type of the default
/// schema (`public.mood`) that a file writes bare (`mood`), read with `search_path =
/// pg_catalog`.
fn same_type(a: &str, b: &str) -> bool {
    a == b || unqualify_type(a, DEFAULT_SCHEMA) == unqualify_type(b, DEFAULT_SCHEMA)
}

/// Keys of two maps merged, each with the value on either side.
fn pair<'a, K: Ord, V>(
    a: &'a BTreeMap<K, V>,
    b: &'a BTreeMap<K, V>,
) -> Vec<(&'a K, Option<&'a V>, Option<&'a V>)> {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    keys.into_iter().map(|k| (k, a.get(k), b.get(k))).collect()
}

/// The state of one comparison: what it compares, and the changes found so far.
struct Differ<'a> {
    opts: &'a DiffOptions,
    /// The current catalog after the rename hints.
    current: &'a Catalog,
    desired: &'a Catalog,
    out: Vec<Change>,
    /// Materialized views dropped and created again: their indexes come back with them.
    replaced_matviews: BTreeSet<QualifiedName>,
    /// The dependency graphs of both sides, once a view change needed them.
    graphs: Option<(DepGraph, DepGraph)>,
    /// Tables dropped and created again, attached or detached because their partitioning
    /// changes.
    parts: &'a Partitioning,
}

/// Compares `current` (after the rename hints, which `renames` are the changes of) with
/// `desired`, family by family; also returns the dependency graphs of both sides when a view
/// change needed them.
pub(super) fn compare(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
    parts: &Partitioning,
    renames: Vec<Change>,
) -> (Vec<Change>, Option<(DepGraph, DepGraph)>) {
    let mut d = Differ {
        opts,
        current,
        desired,
        out: renames,
        replaced_matviews: BTreeSet::new(),
        graphs: None,
        parts,
    };
    d.schemas();
    d.extensions();
    d.types();
    d.sequences();
    d.tables();
    d.views(false);
    d.views(true);
    d.indexes();
    d.functions();
    d.triggers();
    d.policies();
    d.others();
    (d.out, d.graphs)
}

/// Keys of two string maps: what to set (new or changed) and what to reset.
fn option_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reset = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (set, reset)
}

impl Differ<'_> {
    fn push(&mut self, c: Change) {
        self.out.push(c);
    }

    /// Whether a relation of the current side belongs to someone else: declared external on
    /// either side. Such tables are never planned.
    fn is_external(&self, name: &QualifiedName) -> bool {
        self.desired.externals.contains_key(name) || self.current.externals.contains_key(name)
    }

    /// Whether a table of the current side is a partition of a table that is dropped and created
    /// again, or (when it is created again itself) of one that is dropped: `DROP TABLE` of the
    /// parent takes it along.
    fn goes_with_parent(&self, t: &Table) -> bool {
        t.partition_of.as_ref().is_some_and(|(p, _)| {
            self.parts.is_recreated(p)
                || (self.parts.is_recreated(&t.name) && self.parent_dropped(p))
        })
    }

    /// Whether a table's children (indexes, triggers, policies) are dropped with it and created
    /// again from the desired state.
    fn recreated(&self, table: &QualifiedName) -> bool {
        self.parts.is_recreated(table)
    }

    /// Whether the children of a table (triggers, policies) go with it: it is dropped, or
    /// dropped and created again (they come back from the desired state).
    fn dropped_with_table(&self, table: &QualifiedName) -> bool {
        self.parent_dropped(table) || self.recreated(table)
    }

    /// Whether a table or materialized view is dropped by this diff (its children go with it).
    fn parent_dropped(&self, table: &QualifiedName) -> bool {
        let existed = self.current.tables.contains_key(table)
            || self.current.materialized_views.contains_key(table);
        let stays = self.desired.tables.contains_key(table)
            || self.desired.materialized_views.contains_key(table);
        existed && !stays
    }
}
