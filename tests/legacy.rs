//! The legacy scenario of issue 4: a database built the way knex migrations 001-003 built it
//! in production (`fixtures/legacy/`: 002 hot-patched around the `venue_analytics` collision,
//! rows of two tenants, hand-made drift, knex's bookkeeping tables), planned to `schema/` by
//! the real `schema-plan` binary, applied, and planned again.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{cluster, error_chain, fresh_database};
use postgres::Client;
use schema_tool::catalog::{Catalog, QualifiedName};
use schema_tool::introspect::{IntrospectOptions, introspect};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const TENANT_A: &str = "a0000000-0000-0000-0000-00000000000a";
const TENANT_B: &str = "b0000000-0000-0000-0000-00000000000b";

/// The project's tables that hold rows in the fixture, with each tenant's number of rows
/// after the plan is applied (tenant A, tenant B).
const ROWS: &[(&str, i64, i64)] = &[
    ("analytics_alerts", 1, 1),
    ("analytics_dashboards", 1, 1),
    ("analytics_exports", 1, 0),
    ("analytics_metrics", 2, 1),
    ("analytics_widgets", 1, 1),
    ("customer_segments", 1, 1),
    ("event_analytics", 2, 1),
    ("pending_price_changes", 1, 1),
    ("price_history", 2, 1),
    ("realtime_metrics", 1, 1),
    ("venue_analytics", 2, 1),
];

/// Tables the plan must leave alone: knex's and the other services'.
const UNTOUCHED: &[&str] = &[
    "knex_migrations",
    "knex_migrations_lock",
    "audit_logs",
    "event_capacity",
    "event_schedules",
    "events",
    "marketplace_listings",
    "marketplace_transfers",
    "payment_transactions",
    "platform_fees",
    "ticket_types",
    "tickets",
    "users",
    "venues",
];

fn live(client: &mut Client) -> Catalog {
    introspect(client, &IntrospectOptions::default())
        .unwrap_or_else(|e| panic!("introspect: {}", error_chain(&e)))
}

/// Every row of a table, as JSON without the columns the plan adds or drops on purpose.
fn contents(client: &mut Client, table: &str) -> Vec<String> {
    let sql = format!(
        "SELECT (to_jsonb(t) - 'tenant_id' - 'legacy_segment_code')::text FROM public.{table} t ORDER BY 1"
    );
    client
        .query(sql.as_str(), &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Rows per tenant (`None`: rows without a tenant).
fn per_tenant(client: &mut Client, table: &str) -> BTreeMap<Option<String>, i64> {
    let sql = format!("SELECT tenant_id::text, count(*) FROM public.{table} GROUP BY 1");
    client
        .query(sql.as_str(), &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn snapshot_rows(client: &mut Client) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (t, _, _) in ROWS {
        out.insert((*t).to_owned(), contents(client, t));
    }
    for t in [
        "knex_migrations",
        "knex_migrations_lock",
        "events",
        "venues",
    ] {
        let sql = format!("SELECT to_jsonb(t)::text FROM public.{t} t ORDER BY 1");
        let rows = client
            .query(sql.as_str(), &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        out.insert(t.to_owned(), rows);
    }
    out
}

fn schema_plan(args: &[&str]) -> (Option<i32>, String, String) {
    common::run_in(env!("CARGO_BIN_EXE_schema-plan"), root(), args)
}

fn schema_apply(args: &[&str]) -> (Option<i32>, String, String) {
    common::run_in(env!("CARGO_BIN_EXE_schema-apply"), root(), args)
}

/// Plans the database `db` with the fixture's data steps (two from its schema.toml, one by
/// flag), in `format`.
fn plan_with_data_steps(url: &str, format: &str) -> String {
    let (code, stdout, stderr) = schema_plan(
        &[
            &common::LEGACY_PLAN_FLAGS[..],
            &["--database-url", url, "--format", format],
        ]
        .concat(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    stdout
}

fn steps(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["steps"].as_array().cloned().unwrap_or_default()
}

fn sql(step: &Value) -> &str {
    step["sql"].as_str().unwrap_or_default()
}

fn kinds(step: &Value) -> Vec<&str> {
    step["hazards"]
        .as_array()
        .map(|h| h.iter().filter_map(|h| h["kind"].as_str()).collect())
        .unwrap_or_default()
}

/// The position of the first step whose SQL contains `needle`.
fn pos(steps: &[Value], needle: &str) -> usize {
    steps
        .iter()
        .position(|s| sql(s).contains(needle))
        .unwrap_or_else(|| panic!("no step contains {needle}:\n{}", all_sql(steps)))
}

fn all_sql(steps: &[Value]) -> String {
    steps.iter().map(sql).collect::<Vec<_>>().join("\n")
}

/// Elaborates `desired` on the database (as `schema-plan` does), then plans.
fn elaborated_plan(client: &mut Client, desired: &Catalog) -> schema_tool::plan::Plan {
    use schema_tool::elaborate::{ElaborateOptions, elaborate};
    use schema_tool::plan::{PlanOptions, plan};
    let current = live(client);
    let mut desired = desired.clone();
    elaborate(client, &mut desired, &current, &ElaborateOptions::default())
        .unwrap_or_else(|e| panic!("elaborate: {}", error_chain(&e)));
    plan(&current, &desired, &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn legacy_database_plans_applies_and_replans_empty() {
    let (db, mut client) = fresh_database("legacy");
    common::build_legacy(&mut client);
    let url = cluster().url(&db);
    let before_rows = snapshot_rows(&mut client);
    let before = live(&mut client);

    // 1. Without data steps: the backfills are requested, nothing else is lost.
    let (code, json, stderr) = schema_plan(&[
        "--database-url",
        &url,
        "--ignore",
        "knex_migrations*",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let bare = steps(&json);
    let backfills: Vec<&str> = bare
        .iter()
        .filter(|s| kinds(s).contains(&"needs-backfill"))
        .map(sql)
        .collect();
    assert_eq!(
        backfills,
        [
            "ALTER TABLE \"public\".\"event_analytics\" ADD COLUMN \"tenant_id\" uuid NOT NULL;",
            "ALTER TABLE \"public\".\"venue_analytics\" ADD COLUMN \"tenant_id\" uuid NOT NULL;",
        ],
        "{}",
        all_sql(&bare)
    );
    let message = bare
        .iter()
        .flat_map(|s| s["hazards"].as_array().cloned().unwrap_or_default())
        .find(|h| h["kind"] == "needs-backfill")
        .map(|h| h["message"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    assert!(
        message.contains("has rows")
            && message.contains("--backfill public.event_analytics.tenant_id=FILE"),
        "{message}"
    );
    check_plan(&bare);

    // 2. With the data steps: no backfill left; each column is added nullable, filled by
    // its data step, then made NOT NULL; price_history's NULL tenants are filled first.
    let planned = steps(&plan_with_data_steps(&url, "json"));
    assert!(
        planned
            .iter()
            .all(|s| !kinds(s).contains(&"needs-backfill")),
        "{}",
        all_sql(&planned)
    );
    for (table, file) in [
        ("event_analytics", "UPDATE public.event_analytics AS a"),
        ("venue_analytics", "UPDATE public.venue_analytics AS a"),
    ] {
        let add = pos(
            &planned,
            &format!("ALTER TABLE \"public\".\"{table}\" ADD COLUMN \"tenant_id\" uuid;"),
        );
        let fill = pos(&planned, file);
        let enforce = pos(
            &planned,
            &format!(
                "ALTER TABLE \"public\".\"{table}\" ADD CONSTRAINT \"tenant_id_not_null_tmp\""
            ),
        );
        assert!(
            add + 1 == fill && fill + 1 == enforce,
            "{table}: {add} {fill} {enforce}"
        );
        assert!(sql(&planned[enforce]).contains("SET NOT NULL"));
        assert_eq!(kinds(&planned[enforce]), ["validation-scan"]);
    }
    let fill = pos(&planned, "UPDATE public.price_history AS p");
    let enforce = pos(
        &planned,
        "ALTER TABLE \"public\".\"price_history\" ADD CONSTRAINT \"tenant_id_not_null_tmp\"",
    );
    assert_eq!(fill + 1, enforce);
    check_plan(&planned);

    // 3. Apply the plan file with the real schema-apply: refused, with nothing changed,
    // until data-loss is allowed explicitly; then applied and verified.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    let file = file.to_str().unwrap();
    let (code, _, stderr) = schema_plan(
        &[
            &common::LEGACY_PLAN_FLAGS[..],
            &["--database-url", &url, "--out", file],
        ]
        .concat(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let allow = ["--allow-hazard", "security-weakened"];
    let (code, stdout, stderr) = schema_apply(
        &[
            &["--plan", file, "--database-url", &url, "--yes"][..],
            &allow,
        ]
        .concat(),
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("data-loss") && stderr.contains("legacy_segment_code"),
        "{stderr}"
    );
    assert_eq!(
        snapshot_rows(&mut client),
        before_rows,
        "a refused apply changed rows"
    );
    let (code, stdout, stderr) = schema_apply(
        &[
            &["--plan", file, "--database-url", &url, "--yes"][..],
            &allow,
            &["--allow-hazard", "data-loss"],
        ]
        .concat(),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Verified"), "{stdout}");

    // 4. The rows are intact, each tenant's, and every row now has its tenant.
    let after_rows = snapshot_rows(&mut client);
    assert_eq!(before_rows, after_rows);
    for (table, a, b) in ROWS {
        let mut want = BTreeMap::new();
        want.insert(Some(TENANT_A.to_owned()), *a);
        if *b > 0 {
            want.insert(Some(TENANT_B.to_owned()), *b);
        }
        assert_eq!(per_tenant(&mut client, table), want, "{table}");
    }
    let after = live(&mut client);
    for t in UNTOUCHED {
        let name = QualifiedName::new("public", *t);
        assert_eq!(before.tables.get(&name), after.tables.get(&name), "{t}");
        assert!(after.tables.contains_key(&name), "{t}");
    }
    assert!(after.tables[&QualifiedName::new("public", "realtime_metrics")].rls_enabled);

    // 5. Planning again gives nothing at all.
    let again = steps(&plan_with_data_steps(&url, "json"));
    assert!(again.is_empty(), "plan after apply:\n{}", all_sql(&again));
}

/// What every plan of the legacy database must get right, with or without data steps.
fn check_plan(steps: &[Value]) {
    let text = all_sql(steps);
    // Nothing of knex's is touched, no table is dropped, and the only data lost is the
    // column added by hand.
    assert!(!text.contains("knex_migrations"), "{text}");
    assert!(!text.contains("DROP TABLE"), "{text}");
    let losses: Vec<&str> = steps
        .iter()
        .filter(|s| kinds(s).contains(&"data-loss"))
        .map(sql)
        .collect();
    assert_eq!(
        losses,
        ["ALTER TABLE \"public\".\"customer_segments\" DROP COLUMN \"legacy_segment_code\";"]
    );
    for s in steps {
        let drops_data = sql(s).contains("DROP COLUMN") || sql(s).contains("DROP TABLE");
        assert!(!drops_data || kinds(s).contains(&"data-loss"), "{}", sql(s));
    }
    // The other services' tables are never planned.
    for t in UNTOUCHED {
        assert!(
            !text.contains(&format!("ALTER TABLE \"public\".\"{t}\" ")),
            "{t}"
        );
    }
    // The hot-patched view: venue_analytics_mv reads venue_analytics_view (renamed from
    // venue_analytics by the hot-patch); the desired view is venue_performance_summary. The
    // materialized view goes before the view it reads, the new view comes before the
    // materialized view, which comes before its index and the function that refreshes it.
    let drop_mv = pos(
        steps,
        "DROP MATERIALIZED VIEW \"public\".\"venue_analytics_mv\"",
    );
    let drop_view = pos(steps, "DROP VIEW \"public\".\"venue_analytics_view\"");
    let create_view = pos(
        steps,
        "CREATE VIEW \"public\".\"venue_performance_summary\"",
    );
    let create_mv = pos(
        steps,
        "CREATE MATERIALIZED VIEW \"public\".\"venue_analytics_mv\"",
    );
    let index = pos(steps, "CREATE INDEX \"idx_venue_analytics_mv_venue_id\"");
    let refresh = pos(
        steps,
        "FUNCTION \"public\".\"refresh_venue_analytics_mv\"()",
    );
    assert!(
        drop_mv < drop_view && drop_view < create_view && create_view < create_mv,
        "{drop_mv} {drop_view} {create_view} {create_mv}"
    );
    assert!(
        create_mv < index && create_mv < refresh,
        "{create_mv} {index} {refresh}"
    );
    // Views are created after the tables they read gain their columns.
    let tenant = pos(
        steps,
        "ALTER TABLE \"public\".\"venue_analytics\" ADD COLUMN \"tenant_id\"",
    );
    assert!(tenant < create_view);
    // knex's truncated name of the aggregation key becomes the desired name in place: the
    // unique index is kept, not built again while writes are blocked.
    let key = pos(
        steps,
        "ALTER TABLE \"public\".\"analytics_aggregations\" RENAME CONSTRAINT \"analytics_aggregations_tenant_id_aggregation_type_metric_type_e\" TO \"analytics_aggregations_natural_key_unique\";",
    );
    assert!(kinds(&steps[key]).is_empty());
    assert!(!text.contains("ADD CONSTRAINT \"analytics_aggregations_natural_key_unique\""));
    // The drift: the extra index is dropped (not data), the default restored, RLS switched
    // back on before the new policy is created.
    let extra = pos(
        steps,
        "DROP INDEX CONCURRENTLY \"public\".\"analytics_alerts_entity_id_idx\"",
    );
    assert_eq!(steps[extra]["transactional"], Value::Bool(false));
    pos(
        steps,
        "ALTER TABLE \"public\".\"analytics_exports\" ALTER COLUMN \"format\" SET DEFAULT 'csv'",
    );
    let rls = pos(
        steps,
        "ALTER TABLE \"public\".\"realtime_metrics\" ENABLE ROW LEVEL SECURITY",
    );
    let policy = pos(
        steps,
        "CREATE POLICY \"tenant_isolation\" ON \"public\".\"realtime_metrics\"",
    );
    let old_policy = pos(
        steps,
        "DROP POLICY \"tenant_isolation_policy\" ON \"public\".\"realtime_metrics\"",
    );
    assert!(old_policy < rls && rls < policy);
    // Dropping the old policies weakens security until the new ones exist: flagged.
    assert!(kinds(&steps[old_policy]).contains(&"security-weakened"));
}

#[test]
fn legacy_plan_human_snapshot() {
    let (db, mut client) = fresh_database("legacy_human");
    common::build_legacy(&mut client);
    let human = plan_with_data_steps(&cluster().url(&db), "human");
    // The elaboration line ends with how long the server took: not part of the snapshot.
    let human: String = human
        .lines()
        .map(|l| match l.rfind(" (") {
            Some(i) if l.starts_with("Definitions PostgreSQL prints") && l.ends_with(" ms).") => {
                format!("{} (… ms).\n", &l[..i])
            }
            _ => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!(human);
}

#[test]
fn bad_backfill_arguments_are_bad_input() {
    for flag in [
        "public.t.c",
        "c=fixtures/legacy/backfill/event_analytics_tenant_id.sql",
        "t.c=fixtures/legacy/backfill/no_such_file.sql",
    ] {
        let (code, _, stderr) = schema_plan(&["--from", "schema", "--backfill", flag, "schema"]);
        assert_eq!(code, Some(2), "{flag}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// The other way 002 could have gone: the view `venue_analytics` still has its name, and the
/// desired state renames it (hint) so that the table can take the name. The rename must come
/// before the table is created, keep the materialized view that reads the view, and a second
/// plan must be empty.
#[test]
fn view_renamed_before_a_table_takes_its_name() {
    use schema_tool::loaded::Project;
    let (_, mut client) = fresh_database("legacy_rename");
    client
        .batch_execute(
            "create table venues (id int primary key, name text);
             insert into venues values (1, 'Harbour Hall');
             create view venue_analytics as select id as venue_id, name from venues;
             create materialized view venue_analytics_mv as select venue_id, name from venue_analytics;",
        )
        .unwrap();
    let desired = Project::from_sql(
        "create table public.venues (id int primary key, name text);
         create table public.venue_analytics (id int primary key, venue_id int not null);
         -- schema: renamed from venue_analytics
         create view public.venue_performance_summary as
             select venues.id as venue_id, venues.name from public.venues;
         create materialized view public.venue_analytics_mv as
             select venue_performance_summary.venue_id, venue_performance_summary.name
             from public.venue_performance_summary;",
        &[],
    )
    .catalog;
    let p = elaborated_plan(&mut client, &desired);
    let text: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        text,
        [
            "ALTER VIEW \"public\".\"venue_analytics\" RENAME TO \"venue_performance_summary\";",
            "CREATE TABLE \"public\".\"venue_analytics\" (\n    \"id\" integer NOT NULL,\n    \"venue_id\" integer NOT NULL,\n    CONSTRAINT \"venue_analytics_pkey\" PRIMARY KEY (\"id\")\n);",
        ]
    );
    let mut tx = client.transaction().unwrap();
    for s in &p.steps {
        tx.batch_execute(&s.sql).unwrap();
    }
    tx.commit().unwrap();
    let again = elaborated_plan(&mut client, &desired);
    assert!(again.steps.is_empty(), "{:?}", again.steps);
    let rows: i64 = client
        .query_one("select count(*) from venue_analytics_mv", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

/// The row check behind `needs-backfill`, against a real database: an empty table takes the
/// NOT NULL column directly; a table with rows is reported with the planner's estimate.
#[test]
fn only_tables_with_rows_need_a_backfill() {
    let (db, mut client) = fresh_database("legacy_rows");
    client
        .batch_execute(
            "create table empty_t (id int primary key);
             create table full_t (id int primary key);
             insert into full_t select generate_series(1, 3);
             alter table full_t enable row level security;
             alter table full_t force row level security;
             analyze full_t;",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schema.sql"),
        "create table empty_t (id int primary key, n int not null);
         create table full_t (id int primary key, n int not null);
         alter table full_t enable row level security;
         alter table full_t force row level security;",
    )
    .unwrap();
    let config = dir.path().join("schema.toml");
    std::fs::write(&config, "").unwrap();
    let url = cluster().url(&db);
    let (code, json, stderr) = schema_plan(&[
        "--config",
        config.to_str().unwrap(),
        "--database-url",
        &url,
        "--format",
        "json",
        dir.path().join("schema.sql").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let planned = steps(&json);
    let empty = pos(&planned, "ALTER TABLE \"public\".\"empty_t\" ADD COLUMN");
    assert_eq!(
        sql(&planned[empty]),
        "ALTER TABLE \"public\".\"empty_t\" ADD COLUMN \"n\" integer NOT NULL;"
    );
    assert!(kinds(&planned[empty]).is_empty());
    let full = pos(&planned, "ALTER TABLE \"public\".\"full_t\" ADD COLUMN");
    let message = planned[full]["hazards"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("public.full_t has rows (about 3, by pg_class.reltuples)"),
        "{message}"
    );
}

/// A policy must not make a table look empty to the row check: with `row_security = off` the
/// check fails instead of filtering, and the plan assumes rows.
#[test]
fn a_policy_cannot_hide_rows_from_the_backfill_check() {
    let (db, mut client) = fresh_database("legacy_rls_rows");
    client
        .batch_execute(
            "create role legacy_owner login;
             create table hidden_t (id int primary key);
             insert into hidden_t values (1);
             alter table hidden_t owner to legacy_owner;
             alter table hidden_t enable row level security;
             alter table hidden_t force row level security;
             create policy nobody on hidden_t using (false);",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.sql");
    std::fs::write(
        &schema,
        "create table hidden_t (id int primary key, n int not null);
         alter table hidden_t enable row level security;
         alter table hidden_t force row level security;
         create policy nobody on hidden_t using (false);",
    )
    .unwrap();
    let config = dir.path().join("schema.toml");
    std::fs::write(&config, "").unwrap();
    let url = format!("{} user=legacy_owner", cluster().connection_string(&db));
    let (code, json, stderr) = schema_plan(&[
        "--config",
        config.to_str().unwrap(),
        "--database-url",
        &url,
        "--format",
        "json",
        schema.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let planned = steps(&json);
    let add = pos(&planned, "ADD COLUMN \"n\"");
    assert_eq!(kinds(&planned[add]), ["needs-backfill"], "{json}");
    let message = planned[add]["hazards"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("may have rows"), "{message}");
    assert!(
        stderr.contains("could not check which tables have rows")
            && stderr.contains("row-level security"),
        "{stderr}"
    );
}

/// Adopting a legacy database means its names differ from the declared ones: an index or a
/// constraint that only changed name is renamed on the real server, and a second plan is empty.
#[test]
fn names_that_differ_are_renamed_in_place() {
    use schema_tool::loaded::Project;
    use schema_tool::plan::{PlanOptions, plan};
    let (_, mut client) = fresh_database("legacy_names");
    client
        .batch_execute(
            "create table public.t (a int, b int, constraint t_a_b_unique_knex_name unique (a, b));
             create index t_b_idx on public.t (b);
             insert into public.t values (1, 2);",
        )
        .unwrap();
    let desired = Project::from_sql(
        "create table public.t (a int, b int, constraint t_natural_key unique (a, b));
         create index t_b_index on public.t (b);",
        &[],
    )
    .catalog;
    let p = plan(&live(&mut client), &desired, &PlanOptions::default()).unwrap();
    let text: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        text,
        [
            "ALTER TABLE \"public\".\"t\" RENAME CONSTRAINT \"t_a_b_unique_knex_name\" TO \"t_natural_key\";",
            "ALTER INDEX \"public\".\"t_b_idx\" RENAME TO \"t_b_index\";",
        ]
    );
    assert!(p.steps.iter().all(|s| s.hazards.is_empty()));
    let mut tx = client.transaction().unwrap();
    for s in &p.steps {
        tx.batch_execute(&s.sql).unwrap();
    }
    tx.commit().unwrap();
    let again = plan(&live(&mut client), &desired, &PlanOptions::default()).unwrap();
    assert!(again.steps.is_empty(), "{:?}", again.steps);
}
