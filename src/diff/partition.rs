//! Partitioning changes: which tables are dropped and created again, and which are attached to
//! or detached from a partitioned table in place.
//!
//! PostgreSQL cannot change a table's `PARTITION BY` (adding, removing or changing the key): the
//! table is dropped and created again, and with it every partition it has now and every table
//! that becomes one of its partitions (a table cannot be attached to a parent that is created in
//! the same plan while it holds rows of the old one's shape: it is created `PARTITION OF` the new
//! parent). A partition whose parent is dropped goes with it, so it is created again too.
//!
//! Otherwise the data is kept: a partition whose bound changes is detached and attached again
//! with the new bound, a standalone table that becomes a partition is attached, and a partition
//! that becomes standalone is detached, when PostgreSQL's result is predictable (its parent has
//! no keys, CHECK or foreign keys and no indexes, which `DETACH` would leave behind as the
//! table's own under names the catalog does not know); when it is not, the table is created
//! again.

use std::collections::{BTreeMap, BTreeSet};

use super::DiffOptions;
use crate::catalog::normalize::bare_literals;
use crate::catalog::{Catalog, Column, QualifiedName, Table};

/// Deepest partitioning followed up to the root (PostgreSQL has no limit; real schemas use a
/// few levels).
const MAX_DEPTH: usize = 32;

/// What happens to the tables whose partitioning changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partitioning {
    /// Tables of both sides that are dropped and created again, with the reason.
    pub recreated: BTreeMap<QualifiedName, String>,
    /// Tables detached from their current parent (child, parent).
    pub detached: BTreeSet<(QualifiedName, QualifiedName)>,
    /// Tables attached to their desired parent (child, parent, bound).
    pub attached: BTreeSet<(QualifiedName, QualifiedName, String)>,
}

impl Partitioning {
    /// Whether `table` is dropped and created again.
    pub fn is_recreated(&self, table: &QualifiedName) -> bool {
        self.recreated.contains_key(table)
    }

    /// Whether `table` is attached to a parent by the plan.
    pub fn is_attached(&self, table: &QualifiedName) -> bool {
        self.attached.iter().any(|(c, _, _)| c == table)
    }
}

/// Whether two partition bounds are the same once PostgreSQL's spelling is undone (`IN ('1')`
/// for `IN (1)`, `'2024-01-01 00:00:00'` for `'2024-01-01'`).
pub fn same_bound(a: &str, b: &str) -> bool {
    a == b || bare_literals(a) == bare_literals(b)
}

/// Whether two `PARTITION OF` clauses (parent and bound) are the same.
pub fn same_partition_of(
    a: Option<&(QualifiedName, String)>,
    b: Option<&(QualifiedName, String)>,
) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((p, x)), Some((q, y))) => p == q && same_bound(x, y),
        _ => false,
    }
}

/// Whether a partitioned table leaves nothing of its own on a partition it detaches but the
/// columns (with their defaults and NOT NULL): no keys, CHECK or foreign keys, no indexes.
fn detach_is_predictable(current: &Catalog, parent: &QualifiedName) -> bool {
    current
        .tables
        .get(parent)
        .is_some_and(|t| t.constraints.is_empty())
        && !current.indexes.values().any(|i| &i.table == parent)
}

/// Decides, for every table of both sides, whether its partitioning change is planned by
/// dropping and creating it again, or by attaching or detaching it.
pub fn partitioning(current: &Catalog, desired: &Catalog, opts: &DiffOptions) -> Partitioning {
    let both: Vec<(&Table, &Table)> = current
        .tables
        .values()
        .filter_map(|o| desired.tables.get(&o.name).map(|n| (o, n)))
        .filter(|(o, _)| {
            !opts.ignores(&o.name)
                && !desired.externals.contains_key(&o.name)
                && !current.externals.contains_key(&o.name)
        })
        .collect();
    let mut recreated: BTreeMap<QualifiedName, String> = BTreeMap::new();
    for (o, n) in &both {
        if o.partition_by != n.partition_by {
            let what = match (&o.partition_by, &n.partition_by) {
                (None, Some(k)) => format!("it becomes partitioned (PARTITION BY {k})"),
                (Some(_), None) => "it stops being partitioned".to_owned(),
                (Some(a), Some(b)) => format!("its partition key changes ({a} → {b})"),
                (None, None) => continue,
            };
            recreated.insert(
                o.name.clone(),
                format!("{what}, which PostgreSQL cannot change in place"),
            );
        }
    }
    // A parent dropped or created again takes its partitions along; a table that becomes a
    // partition of a parent created again is created with it.
    loop {
        let mut grew = false;
        for (o, n) in &both {
            if recreated.contains_key(&o.name) {
                continue;
            }
            let old_parent = o.partition_of.as_ref().map(|(p, _)| p);
            let new_parent = n.partition_of.as_ref().map(|(p, _)| p);
            let reason = if let Some(p) = old_parent.filter(|p| recreated.contains_key(*p)) {
                Some(format!("its partitioned table {p} is created again"))
            } else if let Some(p) = old_parent.filter(|p| !desired.tables.contains_key(*p)) {
                Some(format!("its partitioned table {p} is dropped"))
            } else if let Some(p) = new_parent.filter(|p| recreated.contains_key(*p)) {
                Some(format!(
                    "it becomes a partition of {p}, which is created again"
                ))
            } else if let Some(p) = old_parent.filter(|_| {
                !same_partition_of(o.partition_of.as_ref(), n.partition_of.as_ref())
                    && old_parent != new_parent
            }) {
                (!detach_is_predictable(current, p)).then(|| {
                    format!(
                        "it leaves the partitioned table {p}, whose keys, constraints or indexes DETACH PARTITION would leave on it"
                    )
                })
            } else {
                None
            };
            if let Some(r) = reason {
                recreated.insert(o.name.clone(), r);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let mut out = Partitioning {
        recreated,
        ..Partitioning::default()
    };
    for (o, n) in &both {
        if out.recreated.contains_key(&o.name)
            || same_partition_of(o.partition_of.as_ref(), n.partition_of.as_ref())
        {
            continue;
        }
        if let Some((p, _)) = &o.partition_of {
            out.detached.insert((o.name.clone(), p.clone()));
        }
        if let Some((p, bound)) = &n.partition_of {
            out.attached
                .insert((o.name.clone(), p.clone(), bound.clone()));
        }
    }
    out
}

/// The columns a table has in PostgreSQL: a partition has its parent's (the ones it declares
/// itself in their place).
fn effective_columns(cat: &Catalog, t: &Table) -> Vec<Column> {
    effective_columns_within(cat, t, 0)
}

/// [`effective_columns`], `depth` levels of partitioning down (a desired state may declare a
/// cycle of parents, which PostgreSQL would refuse: it stops there).
fn effective_columns_within(cat: &Catalog, t: &Table, depth: usize) -> Vec<Column> {
    let parent = t
        .partition_of
        .as_ref()
        .and_then(|(p, _)| cat.tables.get(p))
        .filter(|_| depth < MAX_DEPTH);
    let Some(parent) = parent else {
        return t.columns.clone();
    };
    let mut out: Vec<Column> = effective_columns_within(cat, parent, depth + 1)
        .into_iter()
        .map(|c| t.column(&c.name).cloned().unwrap_or(c))
        .collect();
    out.extend(
        t.columns
            .iter()
            .filter(|c| parent.column(&c.name).is_none())
            .cloned(),
    );
    out
}

/// A partition's columns without those it has from its parent with the same type, as PostgreSQL
/// records a partition whether or not its file repeats them.
fn own_columns(cat: &Catalog, t: &Table) -> Vec<Column> {
    let Some(parent) = t.partition_of.as_ref().and_then(|(p, _)| cat.tables.get(p)) else {
        return t.columns.clone();
    };
    let parent_columns = effective_columns(cat, parent);
    t.columns
        .iter()
        .filter(|c| {
            !parent_columns
                .iter()
                .any(|p| p.name == c.name && p.ty == c.ty)
        })
        .cloned()
        .collect()
}

/// The columns to compare for a table on both sides: a partition on both sides compares only
/// what is its own; a table that becomes or stops being a partition compares the columns it
/// has in PostgreSQL (its parent's) with the other side's.
pub fn compared_columns(
    current: &Catalog,
    desired: &Catalog,
    old: &Table,
    new: &Table,
) -> (Vec<Column>, Vec<Column>) {
    match (&old.partition_of, &new.partition_of) {
        (None, None) => (old.columns.clone(), new.columns.clone()),
        (Some(_), Some(_)) => (own_columns(current, old), own_columns(desired, new)),
        _ => (
            effective_columns(current, old),
            effective_columns(desired, new),
        ),
    }
}
