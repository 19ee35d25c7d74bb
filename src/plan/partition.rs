//! What the planner says and does about partitioning changes ([`crate::diff::partition`]):
//! the SQL of `ATTACH`/`DETACH PARTITION`, their hazards, and the hazard of a table dropped and
//! created again because its partitioning changes.

use crate::catalog::{Catalog, QualifiedName};
use crate::ddl::qualified;
use crate::diff::partition::Partitioning;

use super::hazard::{Hazard, HazardKind};

/// `ALTER TABLE parent ATTACH PARTITION child FOR VALUES …;`
pub(super) fn attach_sql(parent: &QualifiedName, child: &QualifiedName, bound: &str) -> String {
    format!(
        "ALTER TABLE {} ATTACH PARTITION {} {bound};",
        qualified(parent),
        qualified(child)
    )
}

/// `ALTER TABLE parent DETACH PARTITION child;`
pub(super) fn detach_sql(parent: &QualifiedName, child: &QualifiedName) -> String {
    format!(
        "ALTER TABLE {} DETACH PARTITION {};",
        qualified(parent),
        qualified(child)
    )
}

/// The default partition of `parent`, if it has one: `ATTACH` scans it too.
fn default_partition<'a>(
    current: &'a Catalog,
    parent: &QualifiedName,
) -> Option<&'a QualifiedName> {
    current
        .tables
        .values()
        .find(|t| {
            t.partition_of
                .as_ref()
                .is_some_and(|(p, b)| p == parent && b.trim().eq_ignore_ascii_case("DEFAULT"))
        })
        .map(|t| &t.name)
}

/// `ATTACH PARTITION`: the child's rows are checked against the bound under locks.
pub(super) fn attach_hazards(
    current: &Catalog,
    parent: &QualifiedName,
    child: &QualifiedName,
    bound: &str,
) -> Vec<Hazard> {
    let mut scan = format!(
        "every row of {child} is scanned to check that it fits {bound} (skipped only when a CHECK constraint of {child} proves it), holding a SHARE UPDATE EXCLUSIVE lock on {parent} and an ACCESS EXCLUSIVE lock on {child}; fails, changing nothing, if a row does not fit"
    );
    if let Some(d) = default_partition(current, parent).filter(|d| *d != child) {
        scan.push_str(&format!(
            "; the default partition {d} is scanned too (ACCESS EXCLUSIVE lock), since none of its rows may belong in the new bound"
        ));
    }
    vec![
        Hazard {
            kind: HazardKind::ValidationScan,
            message: scan,
        },
        Hazard {
            kind: HazardKind::AccessExclusiveLock,
            message: format!(
                "ACCESS EXCLUSIVE lock on {child} (blocks reads and writes) while it is attached to {parent} and scanned"
            ),
        },
    ]
}

/// `DETACH PARTITION`: a catalog update, but under the strongest locks on both tables.
pub(super) fn detach_hazards(parent: &QualifiedName, child: &QualifiedName) -> Vec<Hazard> {
    vec![Hazard {
        kind: HazardKind::AccessExclusiveLock,
        message: format!(
            "ACCESS EXCLUSIVE lock on {parent} and {child} (blocks reads and writes of both) while {child} is detached; it waits for every running query on {parent}; the rows of {child} are kept but no longer seen through {parent}"
        ),
    }]
}

/// The `data-loss` message of `DROP TABLE` for a table that the plan creates again, naming the
/// partitions that go with it.
pub(super) fn recreated_loss(
    parts: &Partitioning,
    current: &Catalog,
    table: &QualifiedName,
) -> Option<String> {
    let reason = parts.recreated.get(table)?;
    let mut partitions = Vec::new();
    let mut stack = vec![table.clone()];
    while let Some(p) = stack.pop() {
        for t in current.tables.values() {
            if t.partition_of.as_ref().is_some_and(|(q, _)| *q == p) && partitions.len() < 1000 {
                partitions.push(t.name.to_string());
                stack.push(t.name.clone());
            }
        }
    }
    let with = if partitions.is_empty() {
        String::new()
    } else {
        format!(" with its partitions {}", partitions.join(", "))
    };
    Some(format!(
        "table {table}{with} is dropped and created again ({reason}): every row of it is lost; its indexes, triggers, policies, the foreign keys that reference it and the views that read it are created again around it"
    ))
}

/// How many partitioned tables a table of `desired` is under (0 for one that is no partition),
/// so that a partitioned table is created before its partitions.
pub(super) fn depth(desired: &Catalog, table: &crate::diff::ObjectRef) -> usize {
    let crate::diff::ObjectRef::Table(name) = table else {
        return 0;
    };
    let mut depth = 0;
    let mut at = desired.tables.get(name);
    while let Some((parent, _)) = at.and_then(|t| t.partition_of.as_ref()) {
        depth += 1;
        if depth > desired.tables.len() {
            break;
        }
        at = desired.tables.get(parent);
    }
    depth
}
