//! `schema-plan` against a real throwaway PostgreSQL: plans are applied, the database is read
//! again and planned again, which must give an empty plan (no perpetual differences). Every
//! plan is made as `schema-plan` makes it: the desired definitions are elaborated on the target
//! first.

mod common;

use std::path::Path;
use std::process::Command;

use common::{apply_plan, describe, error_chain, fresh_database};
use postgres::Client;
use schema_tool::catalog::Catalog;
use schema_tool::db::temporary::Shadow;
use schema_tool::elaborate::{
    ElaborateError, ElaborateOptions, Limits, elaborate, elaborate_with_fallback,
};
use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::loaded::Project;
use schema_tool::plan::{Plan, PlanOptions, plan};
use schema_tool::project::LoadOptions;
use schema_tool::target::{TargetOptions, create_externals, plan_against_target};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn live(client: &mut Client) -> Catalog {
    introspect(client, &IntrospectOptions::default())
        .unwrap_or_else(|e| panic!("introspect: {}", error_chain(&e)))
}

/// Plans `desired` against the database behind `client`, read already as `current`, the way
/// `schema-plan` does ([`plan_against_target`]: elaborated on the target, rows checked).
fn make_plan(client: &mut Client, current: &Catalog, desired: &Catalog) -> Plan {
    plan_against_target(
        client,
        desired,
        Some(current.clone()),
        &TargetOptions::default(),
    )
    .unwrap_or_else(|e| panic!("plan: {}", error_chain(&e)))
    .plan
}

/// Plans `desired` against what the database holds now, the way `schema-plan` does.
fn plan_now(client: &mut Client, desired: &Catalog) -> Plan {
    plan_against_target(client, desired, None, &TargetOptions::default())
        .unwrap_or_else(|e| panic!("plan: {}", error_chain(&e)))
        .plan
}

/// Plans `desired` against the database, applies it, plans again: the second plan must be
/// empty (no perpetual differences).
fn round_trip(client: &mut Client, desired: &Catalog) -> Plan {
    let first = plan_now(client, desired);
    apply_plan(client, &first).unwrap_or_else(|e| panic!("{e}"));
    let again = plan_now(client, desired);
    assert!(
        again.steps.is_empty(),
        "plan after apply is not empty:\n{}",
        describe(&again)
    );
    first
}

fn analytics() -> Project {
    Project::load(&LoadOptions {
        paths: vec![root().join("schema")],
        external: vec![root().join("schema/external")],
        external_owners: Vec::new(),
        default_schema: "public".to_owned(),
    })
    .unwrap()
}

#[test]
fn analytics_schema_from_empty_round_trips() {
    let (_, mut client) = fresh_database("plan_analytics");
    let desired = analytics().catalog;
    create_externals(&mut client, &desired).unwrap_or_else(|e| panic!("{}", error_chain(&e)));
    let p = round_trip(&mut client, &desired);
    assert!(p.steps.len() > 100, "{} steps", p.steps.len());
}

fn pair(base: &str, desired: &str) -> Plan {
    let (_, mut client) = fresh_database("plan_pair");
    client.batch_execute(base).unwrap();
    let desired = Project::from_sql(desired, &[]).catalog;
    round_trip(&mut client, &desired)
}

const BASE: &str = "create table t (id int primary key, name text, qty int default 1);
insert into t values (1, 'a', 2);
create view v as select id, name from t;";

#[test]
fn add_column_round_trips() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text, qty int default 1, note text);
         create view v as select id, name from t;",
    );
    assert!(
        describe(&p).contains("ADD COLUMN \"note\" text"),
        "{}",
        describe(&p)
    );
}

/// `REFERENCES t` without columns is the primary key; PostgreSQL prints the columns back, and
/// the plan must not drop and add the key again every time.
#[test]
fn a_foreign_key_to_the_primary_key_without_columns_is_settled() {
    let schema = "create table parent (id int primary key);
                  create table child (id int primary key, parent_id int references parent);
                  create table child2 (parent_id int, foreign key (parent_id) references public.parent);";
    let p = pair(schema, schema);
    assert!(p.steps.is_empty(), "{}", describe(&p));
}

#[test]
fn change_default_round_trips() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text, qty int default 5);
         create view v as select id, name from t;",
    );
    assert!(describe(&p).contains("SET DEFAULT 5"), "{}", describe(&p));
}

#[test]
fn add_index_round_trips_concurrently() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text, qty int default 1);
         create index t_name on t (name);
         create view v as select id, name from t;",
    );
    let step = p
        .steps
        .iter()
        .find(|s| s.sql.contains("CREATE INDEX CONCURRENTLY"))
        .unwrap_or_else(|| panic!("{}", describe(&p)));
    assert!(!step.transactional);
    assert!(
        step.hazards
            .iter()
            .any(|h| h.kind.name() == "non-transactional")
    );
}

#[test]
fn change_view_round_trips() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text, qty int default 1);
         create view v as select id, name, qty from t;",
    );
    assert!(
        describe(&p).contains("CREATE OR REPLACE VIEW"),
        "{}",
        describe(&p)
    );
}

#[test]
fn add_policy_round_trips() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text, qty int default 1);
         alter table t enable row level security;
         create policy own on t using (name = current_user);
         create view v as select id, name from t;",
    );
    let sql = describe(&p);
    let rls = sql.find("ENABLE ROW LEVEL SECURITY").unwrap();
    let policy = sql.find("CREATE POLICY").unwrap();
    assert!(rls < policy, "{sql}");
}

#[test]
fn drop_column_round_trips_with_data_loss() {
    let p = pair(
        BASE,
        "create table t (id int primary key, name text);
         create view v as select id, name from t;",
    );
    let step = p
        .steps
        .iter()
        .find(|s| s.sql.contains("DROP COLUMN \"qty\""))
        .unwrap_or_else(|| panic!("{}", describe(&p)));
    assert!(step.hazards.iter().any(|h| h.kind.name() == "data-loss"));
}

#[test]
fn dropped_partition_trees_tied_by_foreign_keys_round_trip() {
    // a and b reference each other (b through a's partition a1); the view kv reads a and is
    // kept, reading another table: the keys on the cycle go first, then the view, then the
    // trees, each by its root (a1 goes with a).
    let p = pair(
        "create table a (id int, k int, b_id int, primary key (id, k)) partition by list (k);
         create table a1 partition of a for values in (1);
         create table b (id int primary key, a_id int, k int);
         alter table b add foreign key (a_id, k) references a1 (id, k);
         alter table a add foreign key (b_id) references b;
         create table other (id int);
         create view kv as select id from a;",
        "create table other (id int);
         create view kv as select id from other;",
    );
    let sql = describe(&p);
    assert!(!sql.contains("DROP TABLE \"public\".\"a1\""), "{sql}");
    let at = |s: &str| sql.find(s).unwrap_or_else(|| panic!("no {s} in\n{sql}"));
    assert!(at("DROP VIEW") < at("DROP TABLE"), "{sql}");
    assert!(at("DROP CONSTRAINT") < at("DROP TABLE"), "{sql}");
}

#[test]
fn partition_indexes_taken_by_a_column_or_a_parent_index_round_trip() {
    // p1's own index on id goes with the column id: dropped inside the transaction, before
    // the column. q1's own unique index matches the index q gains: PostgreSQL adopts it
    // instead of building a copy, so it is not dropped. q1's other index does not match: it
    // is dropped inside the transaction, before q's new index could adopt anything.
    let p = pair(
        "create table p (id int, foo text) partition by list (foo);
         create table p1 partition of p for values in ('a');
         create unique index p1_local on p1 (foo, id);
         create table q (id int, foo text) partition by list (foo);
         create table q1 partition of q for values in ('a');
         create unique index q1_foo_id_idx on q1 (foo, id);
         create index q1_id on q1 (id);",
        "create table p (foo text) partition by list (foo);
         create table p1 partition of p for values in ('a');
         create table q (id int, foo text) partition by list (foo);
         create table q1 partition of q for values in ('a');
         create unique index q_unique on q (foo, id);",
    );
    let sql = describe(&p);
    assert!(p.steps.iter().all(|s| s.transactional), "{sql}");
    assert!(!sql.contains("q1_foo_id_idx"), "{sql}");
    assert!(sql.contains("DROP INDEX \"public\".\"q1_id\""), "{sql}");
}

fn schema_plan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_schema-plan"))
        .current_dir(root())
        .env_remove("DATABASE_URL")
        .args(args)
        .output()
        .expect("run schema-plan")
}

#[test]
fn a_type_change_without_a_cast_is_refused_with_the_way_out() {
    // bigint to timestamp: PostgreSQL has no cast, and only the user knows whether the
    // numbers are seconds or milliseconds; the plan says so instead of a failing statement.
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("from"), dir.path().join("to"));
    for (d, ty) in [(&from, "bigint"), (&to, "timestamp")] {
        std::fs::create_dir(d).unwrap();
        std::fs::write(
            d.join("t.sql"),
            format!("create table t (id int primary key, at {ty});"),
        )
        .unwrap();
    }
    let out = schema_plan(&["--from", from.to_str().unwrap(), to.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no cast from bigint to timestamp without time zone")
            && stderr.contains("USING"),
        "{stderr}"
    );
}

#[test]
fn from_dir_plans_without_a_database() {
    let out = schema_plan(&["--from", "fixtures/as-documented", "schema"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 2),
        "{stderr}"
    );
    let text = format!(
        "exit: {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr
    );
    insta::assert_snapshot!(text);
}

#[test]
fn fail_on_changes_exit_codes() {
    let same = schema_plan(&["--from", "schema", "--fail-on-changes", "schema"]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    assert!(String::from_utf8_lossy(&same.stdout).contains("No changes"));
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("none.sql"), "").unwrap();
    let from_empty = schema_plan(&[
        "--from",
        empty.path().to_str().unwrap(),
        "--fail-on-changes",
        "schema",
    ]);
    assert_eq!(
        from_empty.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&from_empty.stderr)
    );
    let without = schema_plan(&["--from", empty.path().to_str().unwrap(), "schema"]);
    assert_eq!(without.status.code(), Some(0));
    let bad = schema_plan(&["--database-url", "postgresql://u:secret@127.0.0.1:1/x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("secret"));
}

#[test]
fn no_arguments_plans_against_an_embedded_cluster() {
    let out = schema_plan(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("embedded throwaway PostgreSQL"), "{stdout}");
    assert!(stdout.contains("CREATE TABLE"), "{stdout}");
}

/// Definitions a person writes one way and PostgreSQL prints another: an `IN` list, a view
/// over `*` with implicit casts, a policy casting `current_setting(...)`, defaults `now()` and
/// `'x'::text`.
const PRINTED_DIFFERENTLY: &str = "
create table t (
    id int primary key,
    tenant_id uuid not null,
    status varchar(20) not null default 'new' check (status in ('new', 'done')),
    label text default 'x'::text,
    created_at timestamptz not null default now(),
    qty smallint default 1
);
create index t_lower_label on t (lower(label)) where status in ('new');
create view v as select *, qty + 1 as next_qty, label || 1 as tagged from t where status = 'new';
alter table t enable row level security;
create policy tenant on t using (tenant_id = current_setting('app.current_tenant')::uuid);
";

fn loaded(sql: &str) -> Client {
    let (_, mut client) = fresh_database("plan_elab");
    client.batch_execute(sql).unwrap();
    client
}

#[test]
fn printed_differently_plans_nothing() {
    let mut client = loaded(PRINTED_DIFFERENTLY);
    let desired = Project::from_sql(PRINTED_DIFFERENTLY, &[]).catalog;
    let current = live(&mut client);
    let without = plan(&current, &desired, &PlanOptions::default()).unwrap();
    assert!(
        !without.steps.is_empty(),
        "the tree comparison alone should see print-back differences"
    );
    let p = make_plan(&mut client, &current, &desired);
    assert!(p.steps.is_empty(), "{}", describe(&p));
    // Nothing is left behind: the elaboration was rolled back.
    let temp: i64 = client
        .query_one(
            "select count(*) from pg_class where relnamespace = pg_my_temp_schema()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(temp, 0);
}

#[test]
fn real_changes_survive_elaboration() {
    let mut client = loaded(PRINTED_DIFFERENTLY);
    let changed = PRINTED_DIFFERENTLY
        .replace("in ('new', 'done')", "in ('new', 'done', 'gone')")
        .replace("qty + 1 as next_qty", "qty + 2 as next_qty")
        .replace("default 'x'::text", "default 'y'::text")
        .replace("app.current_tenant", "app.tenant");
    let desired = Project::from_sql(&changed, &[]).catalog;
    let current = live(&mut client);
    let p = make_plan(&mut client, &current, &desired);
    let sql = describe(&p);
    for expected in [
        "CREATE OR REPLACE VIEW",
        "DROP CONSTRAINT \"t_status_check\"",
        "'gone'",
        "SET DEFAULT 'y'",
        "ALTER POLICY \"tenant\"",
    ] {
        assert!(sql.contains(expected), "{expected} missing from:\n{sql}");
    }
    assert_eq!(p.steps.len(), 6, "{sql}");
    apply_plan(&mut client, &p).unwrap_or_else(|e| panic!("{e}"));
    let again = plan_now(&mut client, &desired);
    assert!(again.steps.is_empty(), "{}", describe(&again));
}

#[test]
fn a_view_over_a_table_the_plan_creates_stays_a_change() {
    let mut client = loaded("create table t (id int); create view v as select id from t;");
    let desired = Project::from_sql(
        "create table t (id int); create table u (id int);
         create view v as select t.id from t join u using (id);",
        &[],
    )
    .catalog;
    let current = live(&mut client);
    let mut elaborated = desired.clone();
    let report = elaborate(
        &mut client,
        &mut elaborated,
        &current,
        &ElaborateOptions::default(),
    )
    .unwrap();
    assert_eq!((report.in_doubt, report.rejected), (1, 1), "{report:?}");
    let p = plan(&current, &elaborated, &PlanOptions::default()).unwrap();
    apply_plan(&mut client, &p).unwrap_or_else(|e| panic!("{e}"));
    assert!(plan_now(&mut client, &desired).steps.is_empty());
}

/// A database holding `PRINTED_DIFFERENTLY` and a role that may read it but not create
/// temporary objects in it (reading the catalog is all a plan needs); returns the database, the role and a connection as the role.
fn without_temp_privilege(prefix: &str) -> (String, String, Client) {
    let (db, mut client) = fresh_database(prefix);
    let role = format!("{db}_reader");
    client
        .batch_execute(&format!(
            "{PRINTED_DIFFERENTLY}
             CREATE ROLE {role} LOGIN;
             REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC;"
        ))
        .unwrap();
    let mut config = common::cluster().config(&db);
    config.user(&role);
    let limited = config.connect(postgres::NoTls).unwrap();
    (db, role, limited)
}

#[test]
fn a_target_without_temp_privilege_elaborates_in_a_shadow() {
    let (_, _, mut limited) = without_temp_privilege("plan_notemp");
    let desired = Project::from_sql(PRINTED_DIFFERENTLY, &[]).catalog;
    let current = live(&mut limited);
    let opts = ElaborateOptions::default();
    let refused = elaborate(&mut limited, &mut desired.clone(), &current, &opts);
    assert!(
        matches!(refused, Err(ElaborateError::Unusable(_))),
        "{refused:?}"
    );
    let dev_url = common::cluster().url("postgres");
    for shadow in [Shadow::DevUrl(dev_url), Shadow::Embedded] {
        let mut elaborated = desired.clone();
        let report =
            elaborate_with_fallback(&mut limited, &shadow, &mut elaborated, &current, &opts)
                .unwrap_or_else(|e| panic!("{shadow:?}: {}", error_chain(&e)));
        assert!(report.server.contains("refused"), "{report:?}");
        assert!(report.settled_by_server > 0, "{report:?}");
        let p = plan(&current, &elaborated, &PlanOptions::default()).unwrap();
        assert!(p.steps.is_empty(), "{shadow:?}:\n{}", describe(&p));
    }
    // The temporary database made on the --dev-url server is gone.
    let mut admin = common::cluster().connect("postgres").unwrap();
    let left: i64 = admin
        .query_one(
            "select count(*) from pg_database where datname like 'schema_tool_shadow_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

#[test]
fn schema_plan_takes_dev_url_for_a_target_without_temp_privilege() {
    let (db, role, _) = without_temp_privilege("plan_devurl");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), PRINTED_DIFFERENTLY).unwrap();
    let cluster = common::cluster();
    let target = cluster.url(&db).replacen(
        "postgresql://postgres@",
        &format!("postgresql://{role}@"),
        1,
    );
    let out = schema_plan(&[
        "--config",
        "/dev/null",
        "--database-url",
        &target,
        "--dev-url",
        &cluster.url("postgres"),
        "--fail-on-changes",
        dir.path().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("No changes"), "{stdout}");
    assert!(stdout.contains("a temporary database on"), "{stdout}");
}

#[test]
fn a_locked_table_leaves_its_definitions_unsettled_after_the_lock_timeout() {
    let (db, mut client) = fresh_database("plan_locked");
    client.batch_execute(PRINTED_DIFFERENTLY).unwrap();
    let desired = Project::from_sql(PRINTED_DIFFERENTLY, &[]).catalog;
    let current = live(&mut client);
    let mut holder = common::cluster().connect(&db).unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.batch_execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let opts = ElaborateOptions {
        limits: Limits {
            lock_timeout: std::time::Duration::from_millis(200),
            ..Limits::default()
        },
        ..ElaborateOptions::default()
    };
    let mut elaborated = desired.clone();
    let started = std::time::Instant::now();
    let report = elaborate(&mut client, &mut elaborated, &current, &opts).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(report.rejected, report.in_doubt, "{report:?}");
    assert!(report.in_doubt > 0);
    lock.rollback().unwrap();
    // Once the lock is gone, the same elaboration settles everything.
    let mut elaborated = desired.clone();
    let report = elaborate(&mut client, &mut elaborated, &current, &opts).unwrap();
    assert_eq!(report.rejected, 0, "{report:?}");
}

#[test]
fn a_read_only_target_elaborates_in_a_shadow() {
    let (db, mut client) = fresh_database("plan_readonly");
    client
        .batch_execute(&format!(
            "{PRINTED_DIFFERENTLY}
             ALTER DATABASE {db} SET default_transaction_read_only = on;"
        ))
        .unwrap();
    let mut read_only = common::cluster().connect(&db).unwrap();
    let desired = Project::from_sql(PRINTED_DIFFERENTLY, &[]).catalog;
    let current = live(&mut read_only);
    let opts = ElaborateOptions::default();
    let refused = elaborate(&mut read_only, &mut desired.clone(), &current, &opts);
    assert!(
        matches!(refused, Err(ElaborateError::Unusable(_))),
        "{refused:?}"
    );
    let shadow = Shadow::DevUrl(common::cluster().url("postgres"));
    let mut elaborated = desired.clone();
    let report = elaborate_with_fallback(&mut read_only, &shadow, &mut elaborated, &current, &opts)
        .unwrap_or_else(|e| panic!("{}", error_chain(&e)));
    assert!(report.server.contains("read-only"), "{report:?}");
    let p = plan(&current, &elaborated, &PlanOptions::default()).unwrap();
    assert!(p.steps.is_empty(), "{}", describe(&p));
}

/// Loads `base`, plans `desired`, applies, plans again (empty) and returns the connection.
fn applied(base: &str, desired: &str) -> (Plan, Client) {
    let (_, mut client) = fresh_database("plan_partition");
    client.batch_execute(base).unwrap();
    let desired = Project::from_sql(desired, &[]).catalog;
    let p = round_trip(&mut client, &desired);
    (p, client)
}

fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn partition_moves_keep_their_rows() {
    // m_1's bound grows (detach, attach again), s becomes a partition (attach), m_old stops
    // being one (detach): the rows stay where they are.
    let base = "create table m (id int, at date not null) partition by range (at);
        create table m_1 partition of m for values from ('2024-01-01') to ('2024-07-01');
        create table m_old partition of m for values from ('2023-01-01') to ('2024-01-01');
        create table s (id int, at date not null);
        insert into m values (1, '2024-02-01'), (2, '2023-05-01');
        insert into s values (3, '2024-08-01');";
    let desired = "create table m (id int, at date not null) partition by range (at);
        create table m_1 partition of m for values from ('2024-01-01') to ('2024-08-01');
        create table m_old (id int, at date not null);
        create table s partition of m for values from ('2024-08-01') to ('2025-01-01');";
    let (p, mut client) = applied(base, desired);
    let sql = describe(&p);
    for expected in [
        "ALTER TABLE \"public\".\"m\" DETACH PARTITION \"public\".\"m_1\";",
        "ALTER TABLE \"public\".\"m\" ATTACH PARTITION \"public\".\"m_1\" FOR VALUES FROM ('2024-01-01') TO ('2024-08-01');",
        "ALTER TABLE \"public\".\"m\" DETACH PARTITION \"public\".\"m_old\";",
        "ALTER TABLE \"public\".\"m\" ATTACH PARTITION \"public\".\"s\" FOR VALUES FROM ('2024-08-01') TO ('2025-01-01');",
    ] {
        assert!(sql.contains(expected), "{sql}");
    }
    assert!(!sql.contains("DROP TABLE"), "{sql}");
    let attach = p
        .steps
        .iter()
        .find(|s| s.sql.contains("ATTACH PARTITION \"public\".\"s\""))
        .unwrap();
    assert!(attach.hazards.iter().any(|h| {
        h.kind.name() == "validation-scan"
            && h.message
                .contains("SHARE UPDATE EXCLUSIVE lock on public.m")
    }));
    assert_eq!(count(&mut client, "select count(*) from m"), 2);
    assert_eq!(count(&mut client, "select count(*) from m_1"), 1);
    assert_eq!(count(&mut client, "select count(*) from m_old"), 1);
    assert_eq!(count(&mut client, "select count(*) from m where id = 3"), 1);
}

#[test]
fn a_table_that_becomes_partitioned_is_created_again_around_its_dependents() {
    let base = "create table t (id serial, k text not null, note text);
        create view v as select id, k from t;
        create materialized view mv as select k, count(*) as n from t group by k;
        create index mv_k on mv (k);
        create table c (id int, k text, unique (id, k));
        alter table c add foreign key (id, k) references c (id, k);
        insert into t (k) values ('a'), ('a'), ('b');";
    let desired = "create table t (id serial, k text not null, note text, unique (id, k)) partition by list (k);
        create table t_a partition of t for values in ('a');
        create table t_rest partition of t default;
        create view v as select id, k from t;
        create materialized view mv as select k, count(*) as n from t group by k;
        create index mv_k on mv (k);
        create table c (id int, k text, unique (id, k));
        alter table c add foreign key (id, k) references t (id, k);";
    let (p, mut client) = applied(base, desired);
    let drop = p
        .steps
        .iter()
        .find(|s| s.sql == "DROP TABLE \"public\".\"t\";")
        .unwrap_or_else(|| panic!("{}", describe(&p)));
    assert!(drop.hazards.iter().any(|h| {
        h.kind.name() == "data-loss"
            && h.message
                .contains("table public.t is dropped and created again")
            && h.message.contains("every row of it is lost")
    }));
    // The rows are gone, the sequence kept its position, the views are back.
    assert_eq!(count(&mut client, "select count(*) from t"), 0);
    client
        .batch_execute("insert into t (k) values ('a'), ('z')")
        .unwrap();
    assert_eq!(count(&mut client, "select max(id)::bigint from t"), 5);
    assert_eq!(count(&mut client, "select count(*) from t_rest"), 1);
    assert_eq!(count(&mut client, "select count(*) from v"), 2);
    client
        .batch_execute("refresh materialized view mv")
        .unwrap();
    assert_eq!(count(&mut client, "select count(*) from mv"), 2);
}

#[test]
fn routines_calling_routines_round_trip() {
    // SQL-standard bodies depend on what they call (created after, dropped before it) and
    // print back qualified, with output names, an INSERT's columns and parameters qualified by
    // the routine's name (settled by the server); argument types of the default schema print
    // back qualified.
    let base = "create schema s;
        create type priority as enum ('low', 'high');
        create function s.add(a int, b int) returns int language sql immutable return a + b;
        create function twice(a int) returns int language sql
          begin atomic select s.add(a, a); end;
        create function calls(a int, p priority default 'low', sep text default '-')
          returns int language sql set timezone = 'UTC' return twice(a) + s.add(a, 1);
        create table t (id int, name text);
        create procedure put(a int) language sql
          begin atomic insert into t values (a, 'x'); update t set name = 'y' where id = a; end;
        create function n(a int) returns bigint language sql
          begin atomic select count(*) from t where id = a; end;";
    let p = pair("", base);
    let sql = describe(&p);
    let at = |needle: &str| {
        sql.find(needle)
            .unwrap_or_else(|| panic!("{needle}:\n{sql}"))
    };
    assert!(at("\"s\".\"add\"") < at("\"public\".\"twice\""), "{sql}");
    assert!(
        at("\"public\".\"twice\"") < at("\"public\".\"calls\""),
        "{sql}"
    );
    // Dropping them all: callers first.
    let (_, mut client) = fresh_database("plan_routines_drop");
    client.batch_execute(base).unwrap();
    round_trip(
        &mut client,
        &Project::from_sql("create schema s;", &[]).catalog,
    );
}

#[test]
fn enum_labels_added_used_renamed_and_removed_round_trip() {
    // A label added and used by a default in the same plan: ADD VALUE runs before the
    // transaction. A renamed label keeps the rows that hold it.
    let p = pair(
        "create type mood as enum ('sad', 'pending');
         create type unused as enum ('a', 'b', 'c');
         create table t (m mood default 'sad');
         insert into t values ('pending');",
        "create type mood as enum ('sad', 'meh', 'waiting' /* @renamed from=pending */);
         create type unused as enum ('c', 'a');
         create table t (m mood default 'meh');",
    );
    let sql = describe(&p);
    assert!(
        sql.contains("ADD VALUE IF NOT EXISTS 'meh' AFTER 'sad'"),
        "{sql}"
    );
    assert!(sql.contains("RENAME VALUE 'pending' TO 'waiting'"), "{sql}");
    assert!(sql.contains("DROP TYPE \"public\".\"unused\""), "{sql}");
    assert!(p.steps.iter().any(|s| s.runs_before_transaction()), "{sql}");
}

#[test]
fn a_read_only_target_settles_routine_bodies_in_a_shadow() {
    // No view to probe: the routine body alone finds out that the target refuses temporary
    // objects, and the shadow prints it instead.
    let sql = "create table t (id int, name text);
        create function n(a int) returns bigint language sql
          begin atomic select count(*) from t where id = a; end;";
    let (db, mut client) = fresh_database("plan_readonly_routine");
    client
        .batch_execute(&format!(
            "{sql} ALTER DATABASE {db} SET default_transaction_read_only = on;"
        ))
        .unwrap();
    let mut read_only = common::cluster().connect(&db).unwrap();
    let desired = Project::from_sql(sql, &[]).catalog;
    let current = live(&mut read_only);
    let opts = ElaborateOptions::default();
    let shadow = Shadow::DevUrl(common::cluster().url("postgres"));
    let mut elaborated = desired.clone();
    elaborate_with_fallback(&mut read_only, &shadow, &mut elaborated, &current, &opts)
        .unwrap_or_else(|e| panic!("{}", error_chain(&e)));
    let p = plan(&current, &elaborated, &PlanOptions::default()).unwrap();
    assert!(p.steps.is_empty(), "{}", describe(&p));
}
