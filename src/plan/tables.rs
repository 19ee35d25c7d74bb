//! What PostgreSQL drops by itself along with a table or a column, and the order tables are
//! dropped and created in.
//!
//! - A partition goes with its partitioned table: the plan drops only the topmost dropped
//!   table of a partition tree.
//! - Dropped tables go referencing tables first, and `INHERITS` children before their
//!   parents. A foreign key to a partitioned table depends on each of its partitions, and one
//!   on a partition belongs to its tree, so the order is computed over partition trees. Keys
//!   on a cycle among dropped trees are dropped first, since no order of `DROP TABLE`
//!   satisfies them.
//! - An index using a dropped column (of its table or of a partitioned ancestor, whose
//!   columns its partitions share) goes with the column: an index replaced on such a column
//!   is only created, and index drops on such tables stay inside the apply transaction,
//!   before the column drop.
//! - A partition's own index that matches an index built on a partitioned ancestor in the
//!   same plan is adopted by it (PostgreSQL attaches it instead of building a copy): it is
//!   not dropped. Any other index drop on such a partition stays inside the transaction,
//!   before the new index, so that PostgreSQL cannot attach it and a later `DROP INDEX`
//!   cannot fail.
//! - New tables are created parents first (partitions and `INHERITS` children after).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graphmap::DiGraphMap;

use crate::catalog::build::partition_index::IndexShape;
use crate::catalog::{Catalog, ConstraintKind, Index, QualifiedName};
use crate::diff::Change;

/// Deepest partition or inheritance chain followed: a guard against a malformed cycle.
const MAX_DEPTH: usize = 64;

/// The partitioned ancestors of a table in `catalog`, nearest first.
pub(super) fn ancestors<'a>(catalog: &'a Catalog, table: &QualifiedName) -> Vec<&'a QualifiedName> {
    let mut out = Vec::new();
    let mut at = table;
    while let Some((parent, _)) = catalog.tables.get(at).and_then(|t| t.partition_of.as_ref()) {
        if out.len() >= MAX_DEPTH || out.contains(&parent) {
            break;
        }
        out.push(parent);
        at = parent;
    }
    out
}

/// The partitions of a table in `catalog`, at every level, by name: `DROP TABLE` takes
/// them along.
pub(super) fn partitions<'a>(
    catalog: &'a Catalog,
    table: &QualifiedName,
) -> Vec<&'a QualifiedName> {
    catalog
        .tables
        .keys()
        .filter(|t| ancestors(catalog, t).contains(&table))
        .collect()
}

/// How many parents (partition parents or `INHERITS` parents) stand above a table in
/// `catalog`: a new table is created after the tables it is a partition or child of.
pub(super) fn creation_depth(catalog: &Catalog, table: &QualifiedName) -> usize {
    fn depth(catalog: &Catalog, table: &QualifiedName, seen: usize) -> usize {
        let Some(t) = catalog.tables.get(table) else {
            return 0;
        };
        if seen >= MAX_DEPTH {
            return 0;
        }
        t.partition_of
            .iter()
            .map(|(p, _)| p)
            .chain(t.inherits.iter())
            .map(|p| 1 + depth(catalog, p, seen + 1))
            .max()
            .unwrap_or(0)
    }
    depth(catalog, table, 0)
}

/// The changes without the drops PostgreSQL makes by itself (partitions of a dropped table),
/// with indexes replaced on a dropped column only created, and with the foreign keys that tie
/// dropped tables in a cycle dropped first; and the rank of each dropped table (referencing
/// tables first).
pub(super) fn settle_drops(
    changes: Vec<Change>,
    current: &Catalog,
) -> (Vec<Change>, HashMap<QualifiedName, usize>) {
    let dropped: BTreeSet<QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    // The tree a table is dropped with: its topmost dropped ancestor, or itself.
    let tree = |t: &QualifiedName| -> QualifiedName {
        ancestors(current, t)
            .into_iter()
            .rfind(|a| dropped.contains(*a))
            .cloned()
            .unwrap_or_else(|| t.clone())
    };
    let lost = lost_columns(&changes);
    let mut out: Vec<Change> = changes
        .into_iter()
        .filter(|c| !matches!(c, Change::DropTable(t) if tree(t) != *t))
        .map(|c| match c {
            Change::ReplaceIndex { from, to } if uses_lost_column(&from, current, &lost) => {
                Change::CreateIndex(to)
            }
            other => other,
        })
        .collect();
    // Between dropped trees: foreign keys (referencing → referenced) and inheritance
    // (child → parent), each edge meaning "dropped before".
    let trees: Vec<QualifiedName> = dropped.iter().filter(|t| tree(t) == **t).cloned().collect();
    let index: BTreeMap<&QualifiedName, usize> =
        trees.iter().enumerate().map(|(i, t)| (t, i)).collect();
    let mut graph: DiGraphMap<usize, ()> = DiGraphMap::new();
    for i in 0..trees.len() {
        graph.add_node(i);
    }
    let mut keys: Vec<(usize, usize, QualifiedName, String)> = Vec::new();
    let mut inherited: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (name, table) in &current.tables {
        let Some(&a) = index.get(&tree(name)) else {
            continue;
        };
        for (cname, con) in &table.constraints {
            let ConstraintKind::ForeignKey { ref_table, .. } = &con.kind else {
                continue;
            };
            match index.get(&tree(ref_table)) {
                Some(&b) if a != b => {
                    graph.add_edge(a, b, ());
                    keys.push((a, b, name.clone(), cname.clone()));
                }
                _ => {}
            }
        }
        for parent in &table.inherits {
            match index.get(&tree(parent)) {
                Some(&b) if a != b => {
                    graph.add_edge(a, b, ());
                    inherited.insert((a, b));
                }
                _ => {}
            }
        }
    }
    // Keys between trees of one strongly connected component cannot be satisfied by any
    // order of DROP TABLE: they are dropped first, and no longer order the tables.
    let mut component_of = vec![0; trees.len()];
    for (ci, members) in petgraph::algo::tarjan_scc(&graph).into_iter().enumerate() {
        for m in members {
            component_of[m] = ci;
        }
    }
    let mut before: BTreeSet<(usize, usize)> = inherited;
    for (a, b, table, name) in keys {
        if component_of[a] == component_of[b] {
            let drop = Change::DropConstraint { table, name };
            if !out.contains(&drop) {
                out.push(drop);
            }
        } else {
            before.insert((a, b));
        }
    }
    let order = kahn(trees.len(), &before);
    let rank = order
        .into_iter()
        .enumerate()
        .map(|(r, i)| (trees[i].clone(), r))
        .collect();
    (out, rank)
}

/// Nodes `0..n` ordered so that `a` comes before `b` for each edge `(a, b)`, ties (and any
/// nodes left on a cycle) by number.
fn kahn(n: usize, edges: &BTreeSet<(usize, usize)>) -> Vec<usize> {
    let mut waiting = vec![0usize; n];
    for &(_, b) in edges {
        waiting[b] += 1;
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|i| waiting[*i] == 0).collect();
    let mut out = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while let Some(i) = ready.pop_first() {
        done[i] = true;
        out.push(i);
        for &(_, b) in edges.range((i, 0)..=(i, usize::MAX)) {
            waiting[b] -= 1;
            if waiting[b] == 0 {
                ready.insert(b);
            }
        }
    }
    out.extend((0..n).filter(|i| !done[*i]));
    out
}

/// The changes without the drops of partition indexes that a new index on a partitioned
/// ancestor adopts: PostgreSQL attaches a partition's matching index instead of building a
/// copy, and the attached index then belongs to the parent's, as the copy does on the
/// desired side (where it is not listed). Dropping it would fail once it is attached, and
/// dropping it first would only make PostgreSQL build the same index again.
pub(super) fn keep_adopted_indexes(
    changes: Vec<Change>,
    current: &Catalog,
    desired: &Catalog,
) -> Vec<Change> {
    let new_parent_indexes: Vec<(&QualifiedName, IndexShape)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateIndex(i) | Change::ReplaceIndex { to: i, .. } => Some(i),
            _ => None,
        })
        .filter(|i| {
            current
                .tables
                .get(&i.table)
                .is_some_and(|t| t.partition_by.is_some())
        })
        .map(|i| (&i.table, IndexShape::of_index(i)))
        .collect();
    if new_parent_indexes.is_empty() {
        return changes;
    }
    // Each new parent index adopts at most one index of each partition.
    let mut taken: BTreeSet<(usize, QualifiedName)> = BTreeSet::new();
    let mut adopted: BTreeSet<QualifiedName> = BTreeSet::new();
    for c in &changes {
        let Change::DropIndex(i) = c else { continue };
        if desired.relation(&i.name).is_some() {
            continue;
        }
        let (before, after) = (ancestors(current, &i.table), ancestors(desired, &i.table));
        let shape = IndexShape::of_index(i);
        let adopter = new_parent_indexes
            .iter()
            .enumerate()
            .position(|(n, (t, s))| {
                before.contains(t)
                    && after.contains(t)
                    && *s == shape
                    && !taken.contains(&(n, i.table.clone()))
            });
        if let Some(n) = adopter {
            taken.insert((n, i.table.clone()));
            adopted.insert(i.name.clone());
        }
    }
    changes
        .into_iter()
        .filter(|c| !matches!(c, Change::DropIndex(i) if adopted.contains(&i.name)))
        .collect()
}

/// Columns the changes drop, by table.
fn lost_columns(changes: &[Change]) -> BTreeSet<(QualifiedName, String)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::DropColumn { table, column } => Some((table.clone(), column.clone())),
            _ => None,
        })
        .collect()
}

/// Whether an index uses a column the plan drops from its table or from a partitioned
/// ancestor (a partition has its parent's columns): PostgreSQL drops it with the column.
fn uses_lost_column(
    index: &Index,
    current: &Catalog,
    lost: &BTreeSet<(QualifiedName, String)>,
) -> bool {
    let mut tables = vec![&index.table];
    tables.extend(ancestors(current, &index.table));
    lost.iter()
        .filter(|(t, _)| tables.contains(&t))
        .any(|(_, column)| index_uses(index, column))
}

/// Whether an index names a column in a key, in `INCLUDE`, in a key expression or in its
/// predicate.
fn index_uses(index: &Index, column: &str) -> bool {
    index.include.iter().any(|c| c == column)
        || index.keys.iter().any(|k| {
            k.column.as_deref() == Some(column) || super::names_column(k.expr.as_ref(), column)
        })
        || super::names_column(index.predicate.as_ref(), column)
}

/// Tables whose index drops must run inside the apply transaction, before its other steps:
/// tables losing a column (and their partitions), since an index dropped `CONCURRENTLY`
/// after the transaction may be gone with the column already; and partitions under a
/// partitioned table that gains an index or a key, since PostgreSQL attaches a matching
/// index of a partition to the new one instead of building it, and the attached index can
/// no longer be dropped.
pub(super) fn index_drops_in_transaction<'a>(
    changes: impl IntoIterator<Item = &'a Change>,
    current: &Catalog,
) -> BTreeSet<QualifiedName> {
    let mut roots: BTreeSet<&QualifiedName> = BTreeSet::new();
    let mut indexed: BTreeSet<&QualifiedName> = BTreeSet::new();
    for c in changes {
        match c {
            Change::DropColumn { table, .. } => {
                roots.insert(table);
            }
            Change::CreateIndex(i) | Change::ReplaceIndex { to: i, .. } => {
                indexed.insert(&i.table);
            }
            Change::AddConstraint { table, constraint }
                if matches!(
                    constraint.kind,
                    ConstraintKind::PrimaryKey { .. }
                        | ConstraintKind::Unique { .. }
                        | ConstraintKind::Exclude { .. }
                ) =>
            {
                indexed.insert(table);
            }
            _ => {}
        }
    }
    current
        .tables
        .keys()
        .filter(|t| {
            roots.contains(t)
                || ancestors(current, t)
                    .into_iter()
                    .any(|a| roots.contains(a) || indexed.contains(a))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loaded::Project;

    fn catalog(sql: &str) -> Catalog {
        Project::from_sql(sql, &[]).catalog
    }

    fn name(s: &str) -> QualifiedName {
        let (schema, name) = s.split_once('.').unwrap_or(("public", s));
        QualifiedName::new(schema, name)
    }

    /// A partitioned table `p` with its partition `p1`, and a plain table `q`.
    const PARENT_PARTITION_AND_TABLE: &str = "create table p (a int) partition by list (a);
             create table p1 partition of p for values in (1);
             create table q (a int);";

    #[test]
    fn partitions_go_with_their_dropped_parent() {
        let current = catalog(PARENT_PARTITION_AND_TABLE);
        let changes = vec![
            Change::DropTable(name("p1")),
            Change::DropTable(name("p")),
            Change::DropTable(name("q")),
        ];
        let (out, rank) = settle_drops(changes, &current);
        assert!(!out.contains(&Change::DropTable(name("p1"))), "{out:?}");
        assert!(out.contains(&Change::DropTable(name("p"))));
        assert!(rank.contains_key(&name("p")) && !rank.contains_key(&name("p1")));
        assert_eq!(partitions(&current, &name("p")), vec![&name("p1")]);
    }

    #[test]
    fn referencing_trees_are_dropped_first_and_cycles_broken_by_their_keys() {
        // b references a partition of a: b goes first. c and d reference each other: both
        // keys are dropped before the tables.
        let current = catalog(
            "create table a (id int primary key, k int) partition by list (id);
             create table a1 partition of a for values in (1);
             create table b (id int references a1 (id));
             create table c (id int primary key, d int);
             create table d (id int primary key, c int references c);
             alter table c add constraint c_d_fkey foreign key (d) references d;",
        );
        let changes = ["a", "a1", "b", "c", "d"]
            .iter()
            .map(|t| Change::DropTable(name(t)))
            .collect();
        let (out, rank) = settle_drops(changes, &current);
        assert!(rank[&name("b")] < rank[&name("a")], "{rank:?}");
        for (t, k) in [("c", "c_d_fkey"), ("d", "d_c_fkey")] {
            assert!(
                out.contains(&Change::DropConstraint {
                    table: name(t),
                    name: k.to_owned()
                }),
                "{out:?}"
            );
        }
        assert!(
            !out.iter()
                .any(|c| matches!(c, Change::DropConstraint { table, .. } if *table == name("b")))
        );
    }

    #[test]
    fn inheriting_tables_are_dropped_before_their_parents_even_on_a_key_cycle() {
        // z inherits a, and a references z: the key goes first, then z, then a.
        let current = catalog(
            "create table a (id int primary key, z_id int);
             create table z (extra int) inherits (a);
             alter table z add primary key (id);
             alter table a add constraint a_z_fkey foreign key (z_id) references z;",
        );
        let changes = vec![Change::DropTable(name("a")), Change::DropTable(name("z"))];
        let (out, rank) = settle_drops(changes, &current);
        assert!(rank[&name("z")] < rank[&name("a")], "{rank:?}");
        assert!(out.contains(&Change::DropConstraint {
            table: name("a"),
            name: "a_z_fkey".to_owned()
        }));
    }

    #[test]
    fn an_index_replaced_on_a_dropped_column_is_only_created() {
        let current = catalog(
            "create table p (a int, b int) partition by list (a);
             create table p1 partition of p for values in (1);
             create index i on p1 (b);",
        );
        let desired = catalog(
            "create table p (a int, c int) partition by list (a);
             create table p1 partition of p for values in (1);
             create index i on p1 (c);",
        );
        let to = desired.indexes[&name("i")].clone();
        let changes = vec![
            Change::DropColumn {
                table: name("p"),
                column: "b".to_owned(),
            },
            Change::ReplaceIndex {
                from: Box::new(current.indexes[&name("i")].clone()),
                to: Box::new(to.clone()),
            },
        ];
        let in_tx = index_drops_in_transaction(&changes, &current);
        assert!(in_tx.contains(&name("p1")) && in_tx.contains(&name("p")));
        let (out, _) = settle_drops(changes, &current);
        assert!(out.contains(&Change::CreateIndex(Box::new(to))), "{out:?}");
    }

    #[test]
    fn a_partition_index_is_dropped_in_the_transaction_when_its_parent_gains_one() {
        let current = catalog(PARENT_PARTITION_AND_TABLE);
        let desired = catalog(
            "create table p (a int) partition by list (a);
             create index pi on p (a);",
        );
        let changes = vec![Change::CreateIndex(Box::new(
            desired.indexes[&name("pi")].clone(),
        ))];
        let in_tx = index_drops_in_transaction(&changes, &current);
        assert_eq!(in_tx.into_iter().collect::<Vec<_>>(), vec![name("p1")]);
    }

    #[test]
    fn a_matching_partition_index_is_adopted_by_the_new_parent_index_not_dropped() {
        let current = catalog(
            "create table p (a int, b int) partition by list (a);
             create table p1 partition of p for values in (1);
             create unique index p1_a_b on p1 (a, b);
             create index p1_b on p1 (b);",
        );
        let desired = catalog(
            "create table p (a int, b int) partition by list (a);
             create table p1 partition of p for values in (1);
             create unique index p_a_b on p (a, b);",
        );
        let changes = vec![
            Change::DropIndex(Box::new(current.indexes[&name("p1_a_b")].clone())),
            Change::DropIndex(Box::new(current.indexes[&name("p1_b")].clone())),
            Change::CreateIndex(Box::new(desired.indexes[&name("p_a_b")].clone())),
        ];
        let out = keep_adopted_indexes(changes, &current, &desired);
        let dropped: Vec<&QualifiedName> = out
            .iter()
            .filter_map(|c| match c {
                Change::DropIndex(i) => Some(&i.name),
                _ => None,
            })
            .collect();
        assert_eq!(dropped, vec![&name("p1_b")]);
    }

    #[test]
    fn partitions_and_children_are_created_after_their_parents() {
        let desired = catalog(
            "create table p (a int) partition by list (a);
             create table p1 partition of p for values in (1) partition by list (a);
             create table p11 partition of p1 for values in (1);
             create table c () inherits (p);",
        );
        let depths: Vec<usize> = ["p", "p1", "p11", "c"]
            .iter()
            .map(|t| creation_depth(&desired, &name(t)))
            .collect();
        assert_eq!(depths, vec![0, 1, 2, 1]);
    }
}
