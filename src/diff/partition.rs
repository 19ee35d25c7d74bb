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

/// A partition key (`LIST (lower((name)::text))`) without what PostgreSQL adds when it prints
/// one back: casts (`::text`), parentheses, double quotes, spaces and letter case.
fn key_shape(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            // The type name: words, dots, quotes, spaces between words (`character varying`).
            while let Some(&n) = chars.peek() {
                if n.is_alphanumeric() || matches!(n, '_' | '.' | '"' | ' ') {
                    chars.next();
                } else {
                    break;
                }
            }
            continue;
        }
        if !matches!(c, '(' | ')' | '"') && !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether two `PARTITION BY` clauses are the same key (see [`key_shape`]).
pub fn same_partition_key(a: Option<&String>, b: Option<&String>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y || key_shape(x) == key_shape(y),
        _ => false,
    }
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
        if !same_partition_key(o.partition_by.as_ref(), n.partition_by.as_ref()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loaded::Project;

    fn cat(sql: &str) -> Catalog {
        Project::from_sql(sql, &[]).catalog
    }

    fn decided(current: &str, desired: &str) -> Partitioning {
        partitioning(&cat(current), &cat(desired), &DiffOptions::default())
    }

    fn q(name: &str) -> QualifiedName {
        QualifiedName::new("public", name)
    }

    #[test]
    fn keys_printed_back_with_casts_are_the_same_key() {
        let k = |s: &str| Some(s.to_owned());
        assert!(same_partition_key(
            k("LIST (lower(name))").as_ref(),
            k("LIST (lower((name)::text))").as_ref()
        ));
        assert!(same_partition_key(
            k("RANGE (\"At\")").as_ref(),
            k("RANGE (\"At\")").as_ref()
        ));
        assert!(!same_partition_key(
            k("RANGE (a)").as_ref(),
            k("RANGE (b)").as_ref()
        ));
        assert!(!same_partition_key(
            k("RANGE (a)").as_ref(),
            k("LIST (a)").as_ref()
        ));
        assert!(!same_partition_key(k("LIST (a)").as_ref(), None));
    }

    #[test]
    fn a_changed_key_recreates_the_table_and_its_partitions_and_future_partitions() {
        let p = decided(
            "create table t (a int, b int) partition by list (a);
             create table t1 partition of t for values in (1);
             create table t11 (a int, b int);
             create table s (a int, b int);",
            "create table t (a int, b int) partition by list (b);
             create table t1 partition of t for values in (1);
             create table s partition of t for values in (2);
             create table t11 (a int, b int);",
        );
        let names: Vec<&str> = p.recreated.keys().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["s", "t", "t1"]);
        assert!(p.recreated[&q("t")].contains("its partition key changes"));
        assert!(p.recreated[&q("t1")].contains("public.t is created again"));
        assert!(p.recreated[&q("s")].contains("becomes a partition of public.t"));
        assert!(p.attached.is_empty() && p.detached.is_empty());
    }

    #[test]
    fn moves_between_parents_keep_the_table() {
        let p = decided(
            "create table a (k int) partition by list (k);
             create table b (k int) partition by list (k);
             create table p1 partition of a for values in (1);
             create table p2 (k int);",
            "create table a (k int) partition by list (k);
             create table b (k int) partition by list (k);
             create table p1 partition of b for values in (1);
             create table p2 partition of a for values in (2);",
        );
        assert!(p.recreated.is_empty());
        assert_eq!(
            p.detached.into_iter().collect::<Vec<_>>(),
            [(q("p1"), q("a"))]
        );
        let attached: Vec<(QualifiedName, QualifiedName)> =
            p.attached.into_iter().map(|(c, p, _)| (c, p)).collect();
        assert_eq!(attached, [(q("p1"), q("b")), (q("p2"), q("a"))]);
    }

    #[test]
    fn a_partition_of_a_dropped_parent_is_created_again() {
        let p = decided(
            "create table old (k int) partition by list (k);
             create table p1 partition of old for values in (1);",
            "create table new (k int) partition by list (k);
             create table p1 partition of new for values in (1);",
        );
        assert!(p.recreated[&q("p1")].contains("public.old is dropped"));
    }
}
