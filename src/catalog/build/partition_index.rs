//! Index adoption on partitioned tables, as PostgreSQL does it.
//!
//! When an index or a PRIMARY KEY / UNIQUE key is created on a partitioned table, or an
//! existing table is attached as a partition, PostgreSQL gives every partition a copy of each of
//! the parent's indexes, but first looks for an index of the partition that already matches: that one is
//! *adopted* and from then on belongs to the parent, exactly like the copies PostgreSQL makes
//! itself. Introspection leaves such copies out, so the loader must adopt the same indexes in
//! file order, or a schema whose partitions declare "local" indexes would never round-trip.
//!
//! A parent index adopts a plain index of the partition (which then leaves the catalog) or the
//! index behind a key of the partition (the key itself stays the partition's own constraint).
//! A parent key only adopts a partition's key (which leaves the catalog: it is now the
//! parent's copy); a plain index cannot stand in for a key.

use std::collections::BTreeSet;

use crate::catalog::names::QualifiedName;
use crate::catalog::{Catalog, ConstraintKind, Index};

/// One key of an index: column or expression text, operator class, collation, DESC, NULLS
/// FIRST.
type KeyShape = (String, Option<String>, Option<String>, bool, Option<bool>);

/// What PostgreSQL compares when it looks for a partition's index to adopt (its
/// `CompareIndexInfo`, a little stricter: key order options count too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexShape {
    unique: bool,
    nulls_not_distinct: bool,
    method: String,
    keys: Vec<KeyShape>,
    include: Vec<String>,
    predicate: Option<String>,
}

impl IndexShape {
    /// The shape of an index.
    pub fn of_index(i: &Index) -> Self {
        IndexShape {
            unique: i.unique,
            nulls_not_distinct: i.nulls_not_distinct,
            method: i.method.clone(),
            keys: i
                .keys
                .iter()
                .map(|k| {
                    (
                        k.text(),
                        k.opclass.clone(),
                        k.collation.clone(),
                        k.descending,
                        k.nulls_first,
                    )
                })
                .collect(),
            include: i.include.clone(),
            predicate: i.predicate.as_ref().map(|p| p.sql().to_owned()),
        }
    }

    /// The shape of the index behind a PRIMARY KEY or UNIQUE key; `None` for other kinds.
    pub fn of_key(kind: &ConstraintKind) -> Option<Self> {
        let key = kind.key_index()?;
        let (columns, include) = (key.columns, key.include);
        Some(IndexShape {
            unique: true,
            nulls_not_distinct: key.nulls_not_distinct,
            method: "btree".to_owned(),
            keys: columns
                .iter()
                .map(|c| (c.clone(), None, None, false, None))
                .collect(),
            include: include.to_vec(),
            predicate: None,
        })
    }
}

/// Keys of partitions whose index was adopted by a plain parent index: the key stays, but its
/// index cannot be adopted a second time.
pub type AdoptedKeys = BTreeSet<(QualifiedName, String)>;

/// A parent index or key of `shape` now exists on partitioned `table`: every partition adopts a
/// matching index of its own, or gets a copy (which recurses into its own partitions).
pub fn adopt_in_partitions(
    catalog: &mut Catalog,
    adopted: &mut AdoptedKeys,
    table: &QualifiedName,
    shape: &IndexShape,
    parent_is_key: bool,
) {
    let partitions: Vec<QualifiedName> = catalog
        .tables
        .values()
        .filter(|t| t.partition_of.as_ref().is_some_and(|(p, _)| p == table))
        .map(|t| t.name.clone())
        .collect();
    for partition in partitions {
        adopt_in_partition(catalog, adopted, &partition, shape, parent_is_key);
    }
}

/// `partition` was just attached to `parent`: it adopts an index of its own for each of
/// the parent's keys and indexes where one matches.
pub fn adopt_parent_indexes(
    catalog: &mut Catalog,
    adopted: &mut AdoptedKeys,
    parent: &QualifiedName,
    partition: &QualifiedName,
) {
    let Some(parent_table) = catalog.tables.get(parent) else {
        return;
    };
    let mut shapes: Vec<(IndexShape, bool)> = parent_table
        .constraints
        .values()
        .filter_map(|c| IndexShape::of_key(&c.kind).map(|s| (s, true)))
        .collect();
    shapes.extend(
        catalog
            .indexes
            .values()
            .filter(|i| &i.table == parent)
            .map(|i| (IndexShape::of_index(i), false)),
    );
    for (shape, parent_is_key) in shapes {
        adopt_in_partition(catalog, adopted, partition, &shape, parent_is_key);
    }
}

/// One partition adopts a matching index, or (when it is itself partitioned and has none) its
/// own partitions do, since the copy made for it recurses.
fn adopt_in_partition(
    catalog: &mut Catalog,
    adopted: &mut AdoptedKeys,
    partition: &QualifiedName,
    shape: &IndexShape,
    parent_is_key: bool,
) {
    if !parent_is_key {
        let plain = catalog
            .indexes
            .values()
            .find(|i| &i.table == partition && IndexShape::of_index(i) == *shape)
            .map(|i| i.name.clone());
        if let Some(name) = plain {
            catalog.indexes.remove(&name);
            return;
        }
    }
    let Some(table) = catalog.tables.get_mut(partition) else {
        return;
    };
    let key = table
        .constraints
        .values()
        .find(|c| {
            IndexShape::of_key(&c.kind).as_ref() == Some(shape)
                && !adopted.contains(&(partition.clone(), c.name.clone()))
        })
        .map(|c| c.name.clone());
    match key {
        Some(name) if parent_is_key => {
            table.constraints.remove(&name);
        }
        Some(name) => {
            adopted.insert((partition.clone(), name));
        }
        None if table.partition_by.is_some() => {
            let partition = partition.clone();
            adopt_in_partitions(catalog, adopted, &partition, shape, parent_is_key);
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::loaded::Project;

    fn catalog(sql: &str) -> crate::catalog::Catalog {
        Project::from_sql(sql, &[]).catalog
    }

    const PARENT: &str = "CREATE TABLE p (a int NOT NULL, b int NOT NULL) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);";

    #[test]
    fn a_parent_index_adopts_a_matching_local_index_declared_before_it() {
        let c = catalog(&format!(
            "{PARENT} CREATE INDEX p1_local ON p1 (a, b); CREATE INDEX p_ab ON p (a, b);"
        ));
        let names: Vec<String> = c.indexes.keys().map(|n| n.name.clone()).collect();
        assert_eq!(names, ["p_ab"]);
    }

    #[test]
    fn a_local_index_declared_after_the_parent_index_stays_its_own() {
        let c = catalog(&format!(
            "{PARENT} CREATE INDEX p_ab ON p (a, b); CREATE INDEX p1_local ON p1 (a, b);"
        ));
        assert_eq!(c.indexes.len(), 2);
    }

    #[test]
    fn different_shapes_are_not_adopted() {
        let c = catalog(&format!(
            "{PARENT} CREATE INDEX p1_local ON p1 (b, a); CREATE UNIQUE INDEX p1_u ON p1 (a, b);
             CREATE INDEX p_ab ON p (a, b); CREATE INDEX p_on_only ON ONLY p (b);"
        ));
        assert_eq!(c.indexes.len(), 4);
    }

    #[test]
    fn an_attached_partition_key_stands_in_for_the_parent_key() {
        let c = catalog(
            "CREATE TABLE p (a int, b int, UNIQUE (a, b)) PARTITION BY LIST (a);
             CREATE TABLE p1 (a int, b int, PRIMARY KEY (a, b));
             ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);",
        );
        let p1 = &c.tables[&crate::catalog::names::QualifiedName::new("public", "p1")];
        assert!(p1.constraints.is_empty(), "{:?}", p1.constraints);
    }

    #[test]
    fn keys_declared_with_the_partition_stay_its_own() {
        let c = catalog(
            "CREATE TABLE p (a int, b int, UNIQUE (a, b)) PARTITION BY LIST (a);
             CREATE TABLE p1 PARTITION OF p (PRIMARY KEY (a, b)) FOR VALUES IN (1);",
        );
        let p1 = &c.tables[&crate::catalog::names::QualifiedName::new("public", "p1")];
        assert_eq!(p1.constraints.len(), 1);
    }

    #[test]
    fn a_plain_parent_index_adopts_the_index_of_a_partition_key_once() {
        let c = catalog(&format!(
            "{PARENT} ALTER TABLE p1 ADD PRIMARY KEY (a, b);
             CREATE UNIQUE INDEX p_u1 ON p (a, b); CREATE UNIQUE INDEX p_u2 ON p (a, b);"
        ));
        let p1 = &c.tables[&crate::catalog::names::QualifiedName::new("public", "p1")];
        assert_eq!(p1.constraints.len(), 1, "the key stays the partition's own");
        assert_eq!(c.indexes.len(), 2);
    }
}
