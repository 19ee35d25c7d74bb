//! `schema-apply` against real throwaway PostgreSQL clusters: the binary is run as a deployment
//! would run it, and each test proves one of the safety properties README.md lists.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{cluster, fresh_database};
use postgres::Client;

const APPLY: &str = env!("CARGO_BIN_EXE_schema-apply");
const PLAN: &str = env!("CARGO_BIN_EXE_schema-plan");

/// A directory holding `schema.sql` with `sql`.
fn schema_dir(sql: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), sql).unwrap();
    dir
}

fn apply_cmd(url: &str, schema: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(APPLY);
    c.arg(schema.join("schema.sql"))
        .arg("--database-url")
        .arg(url)
        .args(extra)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .current_dir(schema)
        .stdin(Stdio::null());
    c
}

fn apply(url: &str, schema: &Path, extra: &[&str]) -> Output {
    apply_cmd(url, schema, extra).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

fn url(db: &str) -> String {
    cluster().url(db)
}

/// Relations, columns, indexes (with validity) and constraints of the user's schemas, as one
/// sorted text: two states are equal when their texts are.
fn state(client: &mut Client) -> String {
    let rows = client
        .query(
            "SELECT format('%s.%s %s', n.nspname, c.relname, c.relkind) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'schema_tool') \
                AND c.relkind IN ('r', 'v', 'm', 'S', 'p') \
             UNION ALL \
             SELECT format('%s.%s.%s %s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull) \
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r' \
                AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'schema_tool') \
             UNION ALL \
             SELECT format('index %s.%s valid=%s', n.nspname, c.relname, i.indisvalid) \
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'schema_tool') \
             UNION ALL \
             SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint \
              WHERE connamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'schema_tool') \
             ORDER BY 1",
            &[],
        )
        .unwrap();
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

fn history(client: &mut Client) -> Vec<(String, bool)> {
    client
        .query(
            "SELECT outcome, transactional_done FROM schema_tool.apply_history ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

const BASE: &str = "CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric(12,2));";

fn seed(client: &mut Client) {
    client.batch_execute(BASE).unwrap();
    client
        .batch_execute(
            "INSERT INTO account SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 200) g;
             INSERT INTO invoice SELECT g, 1 + g % 200, g * 1.5 FROM generate_series(1, 1000) g;",
        )
        .unwrap();
}

/// A multi-step change of [`BASE`]: new tables, a new column, a foreign key (transactional),
/// and two indexes on existing tables, built CONCURRENTLY (outside the transaction).
const EVOLVED: &str = "CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL, name text);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES account (id), total numeric(12,2));
CREATE TABLE payment (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoice (id), amount numeric(12,2));
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE INDEX invoice_account_idx ON invoice (account_id);
CREATE INDEX account_email_idx ON account (email);
CREATE INDEX payment_invoice_idx ON payment (invoice_id);";

#[test]
fn apply_creates_verifies_records_history_and_is_idempotent() {
    let (db, mut client) = fresh_database("apply_basic");
    seed(&mut client);
    let dir = schema_dir(EVOLVED);
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Verified"), "{}", text(&o));
    assert!(out.contains("committed the transaction"), "{}", text(&o));
    let s = state(&mut client);
    assert!(s.contains("index public.account_email_idx valid=t"), "{s}");
    assert!(s.contains("public.payment r"), "{s}");
    let again = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&again, 0);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("No changes"),
        "{}",
        text(&again)
    );
    assert_eq!(history(&mut client), vec![("succeeded".to_owned(), true)]);
    let n: i64 = client
        .query_one("SELECT count(*) FROM invoice", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1000);
}

#[test]
fn without_a_terminal_yes_is_required_and_dry_run_changes_nothing() {
    let (db, mut client) = fresh_database("apply_yes");
    seed(&mut client);
    let before = state(&mut client);
    let dir = schema_dir(EVOLVED);
    let o = apply(&url(&db), dir.path(), &[]);
    assert_code(&o, 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--yes"),
        "{}",
        text(&o)
    );
    let o = apply(&url(&db), dir.path(), &["--dry-run"]);
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("CREATE TABLE") && out.contains("Dry run"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
    let exists: bool = client
        .query_one("SELECT to_regnamespace('schema_tool') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(!exists, "a dry run created the history schema");
}

#[test]
fn bad_flags_and_unknown_hazard_kinds_exit_2() {
    let (db, _client) = fresh_database("apply_flags");
    let dir = schema_dir(BASE);
    for args in [
        &["--yes", "--allow-hazard", "data_loss"][..],
        &["--yes", "--lock-timeout", "five seconds"][..],
    ] {
        let o = apply(&url(&db), dir.path(), args);
        assert_code(&o, 2);
    }
    let o = apply(
        &url(&db),
        dir.path(),
        &["--yes", "--allow-hazard", "data_loss"],
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("known kinds: data-loss"),
        "{}",
        text(&o)
    );
    let o = apply(
        "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2",
        dir.path(),
        &["--yes"],
    );
    assert_code(&o, 2);
}

#[test]
fn schema_tool_settings_come_from_schema_toml() {
    let (db, mut client) = fresh_database("apply_toml");
    seed(&mut client);
    let dir = schema_dir(EVOLVED);
    std::fs::write(
        dir.path().join("schema.toml"),
        "[apply]\nlock-timeout = \"nonsense\"\n",
    )
    .unwrap();
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&o, 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("lock-timeout"),
        "{}",
        text(&o)
    );
    std::fs::write(
        dir.path().join("schema.toml"),
        "[apply]\nlock-timeout = \"2s\"\nstatement-timeout = \"1min\"\nretries = 2\nallow-hazards = [\"index-build\"]\n",
    )
    .unwrap();
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&o, 0);
}
