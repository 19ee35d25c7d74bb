//! `schema-plan --validate`: the real binary proves plans on a copy of throwaway databases.

mod common;

use std::path::Path;

use common::{cluster, error_chain, fresh_database};
use postgres::Client;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `schema-plan` from the repository root: (exit code, stdout, stderr).
fn schema_plan(args: &[&str]) -> (Option<i32>, String, String) {
    schema_plan_in(root(), args)
}

/// Runs `schema-plan` in `dir` (its own `schema.toml`, if any): (exit code, stdout, stderr).
fn schema_plan_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    common::run_in(env!("CARGO_BIN_EXE_schema-plan"), dir, args)
}

/// A database loaded with `sql`, its URL, and a connection.
fn loaded(prefix: &str, sql: &str) -> (String, Client) {
    let (db, mut client) = fresh_database(prefix);
    client
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{}", error_chain(&e)));
    (cluster().url(&db), client)
}

/// A directory holding `schema.sql` with `sql`.
fn desired(sql: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), sql).unwrap();
    dir
}

/// `schema-plan . --database-url URL --validate --format FORMAT` in `dir`.
fn validate_as(dir: &Path, url: &str, format: &str) -> (Option<i32>, String, String) {
    schema_plan_in(
        dir,
        &[".", "--database-url", url, "--validate", "--format", format],
    )
}

fn validation(json: &str) -> Value {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["validation"].clone()
}

const USERS: &str =
    "CREATE TABLE public.users (id int PRIMARY KEY, email varchar(40), score int);\n";
const ROWS: &str = "INSERT INTO public.users VALUES (1, 'secret-a@example.com', 10), (2, 'secret-a@example.com', NULL), (3, 'c@example.com', 30);\n";

#[test]
fn a_plan_that_validates_keeps_rows_through_a_type_change() {
    let (url, _client) = loaded("validate_ok", &format!("{USERS}{ROWS}"));
    let dir = desired(
        "CREATE TABLE public.users (id bigint PRIMARY KEY, email text, score int, note text);\n\
         CREATE INDEX users_email ON public.users (email);\n",
    );
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(dir, &[path, "--database-url", &url, "--validate"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("Validated on a copy") && out.contains("re-plan empty"),
        "{out}"
    );
    assert!(
        out.contains("3 of 3 sampled rows in 1 table survived"),
        "{out}"
    );
    assert!(!out.contains("secret-a"), "row data printed:\n{out}");

    let (code, json, err) = validate_as(dir, &url, "json");
    assert_eq!(code, Some(0), "{err}");
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    assert_eq!(v["rows"]["survived"], 3, "{v:#}");
    assert!(v["failed_step"].is_null());
    assert_eq!(v["remaining_steps"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_step_that_fails_on_the_copy_is_named_and_the_target_is_untouched() {
    let (url, mut client) = loaded("validate_unique", &format!("{USERS}{ROWS}"));
    let dir = desired(
        "CREATE TABLE public.users (id int PRIMARY KEY, email varchar(40) UNIQUE, score int);\n",
    );
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(dir, &[path, "--database-url", &url, "--validate"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("Validation FAILED"), "{out}");
    assert!(out.contains("step 1 failed"), "{out}");
    assert!(out.contains("users_email_key"), "{out}");
    assert!(!out.contains("secret-a"), "row data printed:\n{out}");
    let constraints: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND contype = 'u'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(constraints, 0, "the target was changed");

    let (code, json, _) = validate_as(dir, &url, "json");
    assert_eq!(code, Some(1));
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(false));
    assert_eq!(v["failed_step"]["step"], 1, "{v:#}");
    assert!(
        v["failed_step"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("23505")),
        "{v:#}"
    );
}

#[test]
fn set_not_null_over_null_rows_fails_on_the_copy() {
    let (url, _client) = loaded("validate_notnull", &format!("{USERS}{ROWS}"));
    let dir = desired(
        "CREATE TABLE public.users (id int PRIMARY KEY, email varchar(40), score int NOT NULL);\n",
    );
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(dir, &[path, "--database-url", &url, "--validate"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("Validation FAILED"), "{out}");
    assert!(out.contains("failed after"), "{out}");
}

#[test]
fn planned_data_loss_explains_the_rows_it_loses() {
    let (url, _client) = loaded(
        "validate_loss",
        &format!(
            "{USERS}{ROWS}CREATE TABLE public.old (id int);\nINSERT INTO public.old VALUES (1);\n"
        ),
    );
    let dir = desired("CREATE TABLE public.users (id int PRIMARY KEY, score int);\n");
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(dir, &[path, "--database-url", &url, "--validate"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("Validated on a copy"), "{out}");
    assert!(out.contains("public.old: dropped by the plan"), "{out}");

    let (code, md, err) = validate_as(dir, &url, "markdown");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        md.contains("### Validation") && md.contains("Validated on a copy"),
        "{md}"
    );
    let (code, sql, err) = validate_as(dir, &url, "sql");
    assert_eq!(code, Some(0), "{err}");
    assert!(sql.contains("\n-- Validated on a copy"), "{sql}");
}

#[test]
fn sampled_rows_bring_the_rows_their_foreign_keys_reference() {
    let mut sql = String::from(
        "CREATE TABLE public.parent (id int PRIMARY KEY, name text);\n\
         CREATE TABLE public.child (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int NOT NULL REFERENCES public.parent, twice int GENERATED ALWAYS AS (parent_id * 2) STORED);\n\
         INSERT INTO public.parent SELECT g, 'p' || g FROM generate_series(1, 50) g;\n\
         INSERT INTO public.child (parent_id) SELECT 51 - g FROM generate_series(1, 50) g;\n",
    );
    sql.push_str(
        "ALTER TABLE public.child ADD CONSTRAINT child_parent_positive CHECK (parent_id > 0);\n",
    );
    let (url, _client) = loaded("validate_fk", &sql);
    // Adding a second foreign key validates it over the copied rows.
    let dir = desired(
        "CREATE TABLE public.parent (id int PRIMARY KEY, name text);\n\
         CREATE TABLE public.child (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int NOT NULL REFERENCES public.parent (id), twice int GENERATED ALWAYS AS (parent_id * 2) STORED, CONSTRAINT child_parent_positive CHECK (parent_id > 0), CONSTRAINT child_parent_again FOREIGN KEY (parent_id) REFERENCES public.parent (id));\n",
    );
    let (code, json, err) = validate_as(dir.path(), &url, "json");
    assert_eq!(code, Some(0), "{json}\n{err}");
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    // 3 children, 3 sampled parents and the (up to 3) parents the children reference.
    let sampled = v["rows"]["sampled"].as_u64().unwrap_or(0);
    assert!(sampled >= 7, "{v:#}");
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v:#}");
}

#[test]
fn validate_conflicts_with_from() {
    let dir = desired("CREATE TABLE public.t (id int);\n");
    let (code, _, err) = schema_plan_in(dir.path(), &[".", "--from", ".", "--validate"]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn the_legacy_plan_validates_on_a_copy() {
    let (db, mut client) = fresh_database("validate_legacy");
    common::build_legacy(&mut client);
    let url = cluster().url(&db);
    let started = std::time::Instant::now();
    let (code, json, err) = schema_plan(
        &[
            &common::LEGACY_PLAN_FLAGS[..],
            &["--database-url", &url, "--validate", "--format", "json"],
        ]
        .concat(),
    );
    let v = validation(&json);
    eprintln!(
        "legacy: schema-plan --validate took {} ms, validation {} ms ({})",
        started.elapsed().as_millis(),
        v["elapsed_ms"],
        v["phases_ms"]
    );
    assert_eq!(code, Some(0), "{v:#}\n{err}");
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    assert!(v["rows"]["sampled"].as_u64().unwrap_or(0) > 0, "{v:#}");
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v:#}");
    let text = json.to_lowercase();
    assert!(!text.contains("password"), "{json}");
}

#[test]
fn the_analytics_schema_validates_from_an_empty_database() {
    let started = std::time::Instant::now();
    let (code, json, err) = schema_plan(&["--validate", "--format", "json"]);
    let v = validation(&json);
    eprintln!(
        "analytics: schema-plan --validate took {} ms, validation {} ms ({})",
        started.elapsed().as_millis(),
        v["elapsed_ms"],
        v["phases_ms"]
    );
    assert_eq!(code, Some(0), "{v:#}\n{err}");
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v:#}");
}

/// A table owned by a role, with row-level security, a policy and grants naming other roles.
const SECURED: &str = "DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'validate_owner') THEN CREATE ROLE validate_owner NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'validate_reader') THEN CREATE ROLE validate_reader NOLOGIN; END IF;
END $$;
CREATE TABLE public.notes (id int PRIMARY KEY, tenant text NOT NULL, body text);
ALTER TABLE public.notes OWNER TO validate_owner;
GRANT SELECT ON public.notes TO validate_reader;
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON public.notes TO validate_reader USING (tenant = current_setting('app.tenant', true));
INSERT INTO public.notes VALUES (1, 'a', 'x'), (2, 'b', 'y');
";

const SECURED_DESIRED: &str = "CREATE TABLE public.notes (id int PRIMARY KEY, tenant text NOT NULL, body text, created date);
ALTER TABLE public.notes OWNER TO validate_owner;
GRANT SELECT ON public.notes TO validate_reader;
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON public.notes TO validate_reader USING (tenant = current_setting('app.tenant', true));
";

#[test]
fn roles_policies_and_forced_row_security_are_copied_to_an_embedded_cluster() {
    let (url, _client) = loaded("validate_rls", SECURED);
    let dir = desired(SECURED_DESIRED);
    let (code, json, err) = validate_as(dir.path(), &url, "json");
    assert_eq!(code, Some(0), "{json}\n{err}");
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    assert_eq!(v["rows"]["survived"], 2, "{v:#}");
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v:#}");
}

#[test]
fn dev_url_makes_the_copy_in_a_temporary_database_it_drops() {
    let (url, mut client) = loaded("validate_devurl", SECURED);
    let dir = desired(SECURED_DESIRED);
    let (path, dir) = (".", dir.path());
    let dev = cluster().url("postgres");
    let (code, out, err) = schema_plan_in(
        dir,
        &[
            path,
            "--database-url",
            &url,
            "--dev-url",
            &dev,
            "--validate",
        ],
    );
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("a temporary database on"), "{out}");
    assert!(
        out.contains("2 of 2 sampled rows in 1 table survived"),
        "{out}"
    );
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'schema_tool_validate_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the temporary database was not dropped");
}

#[test]
fn rows_a_step_deletes_without_a_data_loss_hazard_fail_validation() {
    let (url, _client) = loaded("validate_lost", &format!("{USERS}{ROWS}"));
    let dir = desired(
        "CREATE TABLE public.users (id int PRIMARY KEY, email varchar(40), score int, tenant text NOT NULL);\n",
    );
    // A careless data step: it fills the new column but also deletes a row.
    let steps = tempfile::tempdir().unwrap();
    let fill = steps.path().join("fill.sql");
    std::fs::write(
        &fill,
        "DELETE FROM public.users WHERE id = 2;\nUPDATE public.users SET tenant = 'x';\n",
    )
    .unwrap();
    let backfill = format!("public.users.tenant={}", fill.display());
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(
        dir,
        &[
            path,
            "--database-url",
            &url,
            "--backfill",
            &backfill,
            "--validate",
        ],
    );
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("Validation FAILED"), "{out}");
    assert!(
        out.contains("public.users: 1 of 3 sampled rows lost (matched on primary key (id)"),
        "{out}"
    );
    assert!(!out.contains("secret-a"), "row data printed:\n{out}");
}

#[test]
fn partitions_and_inherited_columns_are_sampled() {
    let schema = "CREATE TABLE public.measures (id int NOT NULL, at date NOT NULL, v numeric(10,2), PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.measures_2024 PARTITION OF public.measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.measures_2025 PARTITION OF public.measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.base (id int NOT NULL, name text NOT NULL);
CREATE TABLE public.special (extra text) INHERITS (public.base);
CREATE TABLE public.readings (id int PRIMARY KEY, m_id int NOT NULL, m_at date NOT NULL, FOREIGN KEY (m_id, m_at) REFERENCES public.measures (id, at));
";
    let (url, _client) = loaded(
        "validate_parts",
        &format!(
            "{schema}INSERT INTO public.measures SELECT g, date '2024-01-01' + g * 10, g / 4.0 FROM generate_series(1, 60) g;
INSERT INTO public.readings SELECT g, 61 - g, date '2024-01-01' + (61 - g) * 10 FROM generate_series(1, 10) g;
INSERT INTO public.special VALUES (1, 'n', 'e');
INSERT INTO public.base VALUES (2, 'm');
"
        ),
    );
    let dir = desired(&format!(
        "{schema}CREATE INDEX measures_at ON public.measures (at);\n"
    ));
    let (code, json, err) = validate_as(dir.path(), &url, "json");
    assert_eq!(code, Some(0), "{json}\n{err}");
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    // 3 rows of each partition, 3 readings and the (up to 3) measures they reference, and the
    // inherited rows.
    let sampled = v["rows"]["sampled"].as_u64().unwrap_or(0);
    assert!((11..=14).contains(&sampled), "{v:#}");
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v:#}");
}

#[test]
fn rows_are_found_under_the_names_a_rename_gives_them() {
    let (url, _client) = loaded("validate_rename", &format!("{USERS}{ROWS}"));
    let dir = desired(
        "-- schema: renamed from users\n\
         CREATE TABLE public.accounts (\n\
           id bigint PRIMARY KEY,\n\
           -- schema: renamed from email\n\
           mail varchar(40),\n\
           score int\n\
         );\n",
    );
    let (code, json, err) = validate_as(dir.path(), &url, "json");
    assert_eq!(code, Some(0), "{json}\n{err}");
    let v = validation(&json);
    assert_eq!(v["ok"], Value::Bool(true), "{v:#}");
    assert_eq!(v["rows"]["survived"], 3, "{v:#}");
    assert_eq!(v["tables"][0]["dropped"], Value::Bool(false), "{v:#}");
    assert_eq!(v["tables"][0]["changed"], 0, "{v:#}");
}

#[test]
fn a_type_change_the_rows_cannot_take_fails_without_printing_them() {
    let (url, _client) = loaded(
        "validate_cast",
        "CREATE TABLE public.codes (id int PRIMARY KEY, code text);\n\
         INSERT INTO public.codes VALUES (1, '12'), (2, 'secret-x');\n",
    );
    let dir = desired("CREATE TABLE public.codes (id int PRIMARY KEY, code int);\n");
    let (path, dir) = (".", dir.path());
    let (code, out, err) = schema_plan_in(dir, &[path, "--database-url", &url, "--validate"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("Validation FAILED"), "{out}");
    assert!(out.contains("step 1 failed"), "{out}");
    assert!(!out.contains("secret-x"), "row data printed:\n{out}");
}
