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

/// The `data-loss` message of `DROP TABLE table`: the partitions that go with it and, for a
/// table the plan creates again (`recreated` gives why), what comes back around it.
pub(super) fn loss_message(
    current: &Catalog,
    table: &QualifiedName,
    recreated: Option<&str>,
) -> String {
    let partitions: Vec<String> = super::tables::partitions(current, table)
        .iter()
        .map(|p| p.to_string())
        .collect();
    let with = if partitions.is_empty() {
        String::new()
    } else {
        format!(" with its partitions {}", partitions.join(", "))
    };
    match recreated {
        Some(reason) => format!(
            "table {table}{with} is dropped and created again ({reason}): every row of it is lost; its indexes, triggers, policies and the views that read it are created again around it, and the foreign keys that reference it are added back (validating them fails, changing nothing, while rows still reference lost rows)"
        ),
        None => format!("every row of table {table}{with} is deleted"),
    }
}

/// The first words of the `why` of a step about a table the plan creates again.
pub(super) fn recreated_why(parts: &Partitioning, change: &crate::diff::Change) -> Option<String> {
    use crate::diff::Change;
    match change {
        Change::DropTable(t) => parts
            .recreated
            .get(t)
            .map(|r| format!("dropped to be created again because {r}")),
        Change::CreateTable(t) => parts
            .recreated
            .get(&t.name)
            .map(|r| format!("created again because {r}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::loaded::Project;
    use crate::plan::{Plan, PlanOptions, plan};

    fn planned(current: &str, desired: &str) -> Plan {
        let current = Project::from_sql(current, &[]).catalog;
        let desired = Project::from_sql(desired, &[]).catalog;
        plan(&current, &desired, &PlanOptions::default()).expect("plan")
    }

    fn sql(p: &Plan) -> Vec<&str> {
        p.steps.iter().map(|s| s.sql.as_str()).collect()
    }

    /// Position of the first step whose SQL starts with `prefix`.
    fn at(p: &Plan, prefix: &str) -> usize {
        p.steps
            .iter()
            .position(|s| s.sql.starts_with(prefix))
            .unwrap_or_else(|| panic!("no step {prefix}: {:#?}", sql(p)))
    }

    #[test]
    fn a_table_that_becomes_partitioned_is_created_again_with_its_dependents() {
        // Everything around t, the same on both sides.
        let around = "create view v as select id, k from t;
             create index t_k on t (k);
             create function f() returns trigger language plpgsql as $$ begin return new; end $$;
             create trigger tr before update on t for each row execute function f();
             alter table t enable row level security;
             create policy p on t using (k = 'a');
             create table r (id int, k text, unique (id, k));
             create table o (id int, k text, foreign key (id, k) references r (id, k));
             create table u (id int primary key);
             create table w (t_id int references u);";
        let current = format!("create table t (id serial, k text, note text); {around}");
        let desired = format!(
            "create table t (id serial, k text, note text) partition by list (k);
             create table t_a partition of t for values in ('a'); {around}"
        );
        let p = planned(&current, &desired);
        let drop = at(&p, "DROP TABLE \"public\".\"t\"");
        let loss = &p.steps[drop].hazards;
        assert!(
            loss.iter().any(|h| h.kind.name() == "data-loss"
                && h.message
                    .contains("table public.t is dropped and created again")
                && h.message.contains("every row of it is lost")
                && h.message.contains("PARTITION BY LIST (k)")),
            "{loss:?}"
        );
        assert!(at(&p, "DROP VIEW \"public\".\"v\"") < drop);
        assert!(at(&p, "ALTER SEQUENCE \"public\".\"t_id_seq\" OWNED BY NONE") < drop);
        let create = at(&p, "CREATE TABLE \"public\".\"t\" (");
        assert!(p.steps[create].sql.contains("PARTITION BY LIST (k)"));
        assert!(drop < create);
        let partition = at(
            &p,
            "CREATE TABLE \"public\".\"t_a\" PARTITION OF \"public\".\"t\"",
        );
        assert!(create < partition);
        for later in [
            "CREATE VIEW \"public\".\"v\"",
            "CREATE INDEX \"t_k\"",
            "CREATE TRIGGER \"tr\"",
            "CREATE POLICY \"p\"",
            "ALTER TABLE \"public\".\"t\" ENABLE ROW LEVEL SECURITY",
            "ALTER SEQUENCE \"public\".\"t_id_seq\" OWNED BY \"public\".\"t\".\"id\"",
        ] {
            assert!(create < at(&p, later), "{later}: {:#?}", sql(&p));
        }
        // The new, empty table's index is built in the transaction, not CONCURRENTLY.
        assert!(sql(&p).iter().all(|s| !s.contains("CONCURRENTLY")));
        // Nothing else is touched.
        assert!(
            sql(&p)
                .iter()
                .all(|s| !s.contains("\"o\"") && !s.contains("\"w\""))
        );
    }

    #[test]
    fn a_foreign_key_to_a_table_created_again_is_dropped_and_added_back() {
        let p = planned(
            "create table t (id int primary key) partition by range (id);
             create table c (t_id int references t);",
            "create table t (id int primary key);
             create table c (t_id int references t);",
        );
        let drop_fk = at(
            &p,
            "ALTER TABLE \"public\".\"c\" DROP CONSTRAINT \"c_t_id_fkey\"",
        );
        let drop = at(&p, "DROP TABLE \"public\".\"t\"");
        let add_fk = at(
            &p,
            "ALTER TABLE \"public\".\"c\" ADD CONSTRAINT \"c_t_id_fkey\"",
        );
        assert!(drop_fk < drop && drop < add_fk, "{:#?}", sql(&p));
    }

    #[test]
    fn a_partition_whose_bound_changes_is_detached_and_attached_again() {
        let p = planned(
            "create table m (id int, at date not null) partition by range (at);
             create table m_1 partition of m for values from ('2024-01-01') to ('2024-07-01');
             create table m_d partition of m default;",
            "create table m (id int, at date not null) partition by range (at);
             create table m_1 partition of m for values from ('2024-01-01') to ('2025-01-01');
             create table m_d partition of m default;",
        );
        assert_eq!(
            sql(&p),
            [
                "ALTER TABLE \"public\".\"m\" DETACH PARTITION \"public\".\"m_1\";",
                "ALTER TABLE \"public\".\"m\" ATTACH PARTITION \"public\".\"m_1\" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
            ]
        );
        let kinds: Vec<&str> = p.steps[1].hazards.iter().map(|h| h.kind.name()).collect();
        assert_eq!(kinds, ["validation-scan", "access-exclusive-lock"]);
        let scan = &p.steps[1].hazards[0].message;
        assert!(
            scan.contains("every row of public.m_1 is scanned")
                && scan.contains("SHARE UPDATE EXCLUSIVE lock on public.m")
                && scan.contains("the default partition public.m_d is scanned too"),
            "{scan}"
        );
        assert!(
            p.steps
                .iter()
                .flat_map(|s| &s.hazards)
                .all(|h| h.kind.name() != "data-loss")
        );
    }

    #[test]
    fn bounds_spelled_as_postgresql_prints_them_are_no_change() {
        let p = planned(
            "create table l (k text, at timestamp) partition by list (k);
             create table l_1 partition of l for values in ('1');
             create table r (at timestamp) partition by range (at);
             create table r_1 partition of r for values from ('2024-01-01 00:00:00') to ('2024-02-01 00:00:00');",
            "create table l (k text, at timestamp) partition by list (k);
             create table l_1 partition of l for values in (1);
             create table r (at timestamp) partition by range (at);
             create table r_1 partition of r for values from ('2024-01-01') to ('2024-02-01');",
        );
        assert!(p.steps.is_empty(), "{:#?}", sql(&p));
    }

    #[test]
    fn a_standalone_table_is_attached_after_its_columns_match_and_keeps_its_own_index() {
        let p = planned(
            "create table a (id int, k int) partition by list (k);
             create index a_id on a (id);
             create table p1 (id int, k int, junk text);
             create index p1_id on p1 (id);",
            "create table a (id int, k int) partition by list (k);
             create index a_id on a (id);
             create table p1 partition of a for values in (1);
             create index p1_id on p1 (id);",
        );
        let drop_column = at(&p, "ALTER TABLE \"public\".\"p1\" DROP COLUMN \"junk\"");
        let drop_index = at(&p, "DROP INDEX \"public\".\"p1_id\"");
        let attach = at(
            &p,
            "ALTER TABLE \"public\".\"a\" ATTACH PARTITION \"public\".\"p1\" FOR VALUES IN (1);",
        );
        let create_index = at(&p, "CREATE INDEX CONCURRENTLY \"p1_id\"");
        assert!(drop_column < attach && drop_index < attach && attach < create_index);
        // ATTACH would adopt p1_id as a_id's: it is dropped inside the transaction.
        assert!(p.steps[drop_index].transactional);
        assert!(!p.steps[create_index].transactional);
    }

    #[test]
    fn a_partition_leaving_its_parent_is_detached_unless_the_parent_leaves_objects_on_it() {
        let plain = planned(
            "create table m (id int, k int) partition by list (k);
             create table m_1 partition of m for values in (1);",
            "create table m (id int, k int) partition by list (k);
             create table m_1 (id int, k int);",
        );
        assert_eq!(
            sql(&plain),
            ["ALTER TABLE \"public\".\"m\" DETACH PARTITION \"public\".\"m_1\";"]
        );
        let indexed = planned(
            "create table m (id int, k int) partition by list (k);
             create index m_id on m (id);
             create table m_1 partition of m for values in (1);",
            "create table m (id int, k int) partition by list (k);
             create index m_id on m (id);
             create table m_1 (id int, k int);",
        );
        let drop = at(&indexed, "DROP TABLE \"public\".\"m_1\"");
        assert!(indexed.steps[drop].hazards.iter().any(|h| {
            h.kind.name() == "data-loss"
                && h.message
                    .contains("it leaves the partitioned table public.m")
        }));
        at(&indexed, "CREATE TABLE \"public\".\"m_1\" (");
    }

    #[test]
    fn a_dropped_partitioned_table_names_its_partitions_and_a_recreated_one_says_why() {
        let p = planned(
            "create table old (k int) partition by list (k);
             create table old_1 partition of old for values in (1);
             create table t (k int);",
            "create table t (k int) partition by list (k);",
        );
        let old = &p.steps[at(&p, "DROP TABLE \"public\".\"old\"")];
        assert_eq!(
            old.hazards[0].message,
            "every row of table public.old with its partitions public.old_1 is deleted"
        );
        let t = &p.steps[at(&p, "DROP TABLE \"public\".\"t\"")];
        assert!(
            t.why
                .starts_with("dropped to be created again because it becomes partitioned"),
            "{}",
            t.why
        );
    }

    #[test]
    fn a_new_partitioned_table_is_created_before_its_partitions_whatever_their_names() {
        let p = planned(
            "",
            "create table z_parent (k int) partition by list (k);
             create table a_part partition of z_parent for values in (1);",
        );
        assert!(
            at(&p, "CREATE TABLE \"public\".\"z_parent\"")
                < at(&p, "CREATE TABLE \"public\".\"a_part\"")
        );
    }
}
