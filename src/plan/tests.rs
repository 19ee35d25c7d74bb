//! Planner tests that need no database: step order, SQL and hazard messages.

use super::{PlanOptions, plan};
use crate::loaded::Project;

fn planned(current: &str, desired: &str) -> super::Plan {
    let current = Project::from_sql(current, &[]).catalog;
    let desired = Project::from_sql(desired, &[]).catalog;
    plan(&current, &desired, &PlanOptions::default()).expect("plan")
}

#[test]
fn a_dropped_policy_names_its_replacement() {
    // The legacy tables' tenant_isolation_policy gives way to tenant_isolation: the hazard
    // says what the old policy allowed and what the same transaction creates instead.
    let p = planned(
        "create table t (id int, tenant uuid); alter table t enable row level security;
         create policy old_p on t using (tenant = current_setting('app.t')::uuid);",
        "create table t (id int, tenant uuid); alter table t enable row level security;
         create policy new_p on t using (tenant = nullif(current_setting('app.t', true), '')::uuid);",
    );
    let h = &p.steps[0].hazards[0];
    assert_eq!(h.kind.name(), "security-weakened");
    assert!(
        h.message
            .contains("policy old_p on public.t is dropped (it allowed rows where")
            && h.message
                .contains("the same transaction creates on public.t: new_p FOR ALL USING"),
        "{}",
        h.message
    );
}

#[test]
fn a_rebuilt_materialized_view_blocks_its_readers_but_its_indexes_block_nobody() {
    let p = planned(
        "create table t (a int, b int);
         create materialized view m as select a from t;
         create index m_a on m (a);",
        "create table t (a int, b int);
         create materialized view m as select a, b from t;
         create index m_a on m (a);",
    );
    let kinds = |needle: &str| -> Vec<&'static str> {
        let s = p
            .steps
            .iter()
            .find(|s| s.sql.starts_with(needle))
            .unwrap_or_else(|| panic!("no {needle}: {:?}", p.steps));
        s.hazards.iter().map(|h| h.kind.name()).collect()
    };
    assert_eq!(kinds("CREATE MATERIALIZED VIEW"), ["access-exclusive-lock"]);
    assert!(kinds("CREATE INDEX").is_empty());
}

#[test]
fn a_renamed_table_is_an_existing_table() {
    // Its new index is built CONCURRENTLY and its new NOT NULL column needs a backfill, as on
    // any table that already has rows.
    let p = planned(
        "create table old_t (id int);",
        "-- schema: renamed from old_t
         create table new_t (id int, n int not null);
         create index new_t_id on new_t (id);",
    );
    let find = |needle: &str| {
        p.steps
            .iter()
            .find(|s| s.sql.contains(needle))
            .unwrap_or_else(|| panic!("no {needle}: {:?}", p.steps))
    };
    assert!(!find("CREATE INDEX CONCURRENTLY").transactional);
    let add = find("ADD COLUMN");
    assert_eq!(add.hazards[0].kind.name(), "needs-backfill");
}

#[test]
fn a_view_over_a_dropped_table_is_dropped_before_it_and_created_again() {
    // CREATE OR REPLACE VIEW after the new table would come too late: DROP TABLE refuses
    // while the view still reads the old table.
    let p = planned(
        "create table old_t (id int); create view v as select id from old_t;",
        "create table new_t (id int); create view v as select id from new_t;",
    );
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    let at = |prefix: &str| {
        sql.iter()
            .position(|s| s.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {sql:#?}"))
    };
    assert!(at("DROP VIEW") < at("DROP TABLE"), "{sql:#?}");
    assert!(at("CREATE TABLE") < at("CREATE VIEW"), "{sql:#?}");
    assert!(!sql.iter().any(|s| s.starts_with("CREATE OR REPLACE")));
}

#[test]
fn partitions_are_created_after_their_parent_whatever_their_names() {
    let p = planned(
        "",
        "create table \"Zed\" (a int) partition by list (a);
         create table \"A_1\" partition of \"Zed\" for values in (1);",
    );
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert!(
        sql[0].contains("\"Zed\" (") && sql[1].contains("PARTITION OF"),
        "{sql:#?}"
    );
    assert!(
        p.steps[1]
            .why
            .contains("; after public.\"Zed\", of which it is a partition ["),
        "{}",
        p.steps[1].why
    );
}

#[test]
fn routines_are_created_after_and_dropped_before_the_routines_they_call() {
    let routines = "create schema s;
         create function s.add(a int, b int) returns int language sql return a + b;
         create function a_caller(a int) returns int language sql begin atomic select s.add(a, 1); end;";
    let position = |p: &super::Plan, needle: &str| {
        p.steps
            .iter()
            .position(|s| s.sql.contains(needle))
            .unwrap_or_else(|| panic!("no {needle}: {:?}", p.steps))
    };
    let created = planned("", routines);
    assert!(position(&created, "\"s\".\"add\"") < position(&created, "\"a_caller\""));
    let dropped = planned(routines, "");
    assert!(position(&dropped, "\"a_caller\"") < position(&dropped, "\"s\".\"add\""));
}

#[test]
fn a_not_valid_check_on_a_new_table_is_added_after_it() {
    let p = planned(
        "",
        "create table t (a int); alter table t add constraint c check (a > 0) no inherit not valid;",
    );
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sql.len(), 2, "{sql:?}");
    assert!(
        sql[1].contains("ADD CONSTRAINT \"c\" CHECK (a > 0) NO INHERIT NOT VALID"),
        "{sql:?}"
    );
}

#[test]
fn a_dropped_partitioned_table_takes_its_partitions_and_says_so() {
    let p = planned(
        "create table p (a int) partition by list (a);
         create table p1 partition of p for values in (1);",
        "",
    );
    assert_eq!(p.steps.len(), 1, "{:#?}", p.steps);
    assert_eq!(p.steps[0].sql, "DROP TABLE \"public\".\"p\";");
    assert!(
        p.steps[0].why.contains("; its partitions go with it ["),
        "{}",
        p.steps[0].why
    );
    assert!(
        p.steps[0].hazards[0]
            .message
            .ends_with("every row of table public.p with its partitions public.p1 is deleted"),
        "{:?}",
        p.steps[0].hazards
    );
}

#[test]
fn a_view_is_created_after_the_routine_it_calls() {
    let p = planned(
        "",
        "create table t (a int); create view a_v as select f(1) as x;
         create function f(a int) returns bigint language sql return (select count(*) from t);",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("CREATE FUNCTION") < at("CREATE VIEW"), "{:?}", p.steps);
}

/// The hazards of the step whose SQL starts with `needle`, as `kind: message` lines.
fn hazards_of(p: &super::Plan, needle: &str) -> Vec<String> {
    p.steps
        .iter()
        .find(|s| s.sql.starts_with(needle))
        .unwrap_or_else(|| panic!("no {needle}: {:?}", p.steps))
        .hazards
        .iter()
        .map(|h| format!("{}: {}", h.kind.name(), h.message))
        .collect()
}

#[test]
fn index_steps_name_the_lock_they_take() {
    // DROP INDEX: ACCESS EXCLUSIVE; CREATE INDEX: SHARE; both CONCURRENTLY: SHARE UPDATE
    // EXCLUSIVE, which blocks neither reads nor writes.
    let concurrent = planned(
        "create table t (a int, b int); create index t_a on t (a);",
        "create table t (a int, b int); create index t_b on t (b);",
    );
    let dropped = hazards_of(&concurrent, "DROP INDEX CONCURRENTLY");
    assert!(
        dropped
            .iter()
            .all(|h| !h.contains("ACCESS EXCLUSIVE") && !h.starts_with("access-exclusive-lock"))
            && dropped.iter().any(|h| h.starts_with("non-transactional")
                && h.contains("SHARE UPDATE EXCLUSIVE lock on public.t")),
        "{dropped:#?}"
    );
    let built = hazards_of(&concurrent, "CREATE INDEX CONCURRENTLY");
    assert!(
        built.len() == 1 && built[0].contains("SHARE UPDATE EXCLUSIVE lock on public.t"),
        "{built:#?}"
    );
    // A replaced index: built and the old one dropped CONCURRENTLY, then renamed.
    let replaced = planned(
        "create table t (a int, b int); create index t_a on t (a);",
        "create table t (a int, b int); create index t_a on t (a, b);",
    );
    for needle in ["CREATE INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY"] {
        let h = hazards_of(&replaced, needle);
        assert!(
            h.iter().all(|h| !h.contains("ACCESS EXCLUSIVE")),
            "{needle}: {h:#?}"
        );
    }
    // Inside the transaction (a partitioned table): SHARE to build, ACCESS EXCLUSIVE to drop.
    let plain = planned(
        "create table p (a int, b int) partition by range (a); create index p_a on p (a);",
        "create table p (a int, b int) partition by range (a); create index p_b on p (b);",
    );
    let dropped = hazards_of(&plain, "DROP INDEX \"public\"");
    assert!(
        dropped.len() == 1
            && dropped[0].starts_with("access-exclusive-lock: ACCESS EXCLUSIVE lock on public.p"),
        "{dropped:#?}"
    );
    let built = hazards_of(&plain, "CREATE INDEX \"p_b\"");
    assert!(
        built.len() == 1 && built[0].starts_with("index-build") && built[0].contains("SHARE lock"),
        "{built:#?}"
    );
}

#[test]
fn step_counts_read_as_english() {
    assert_eq!(super::step_count(0), "0 steps");
    assert_eq!(super::step_count(1), "1 step");
    assert_eq!(super::step_count(2), "2 steps");
}
