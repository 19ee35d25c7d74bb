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

/// The run succeeded and its verification (a new plan of the target) was empty.
fn assert_verified(o: &Output) {
    assert_code(o, 0);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Verified"),
        "{}",
        text(o)
    );
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
fn a_dry_run_exits_1_exactly_when_the_apply_would_be_refused() {
    // `--dry-run` is a CI check: 0 when the gate lets the plan through (or nothing to do),
    // 1 when the real apply would be refused (hazards not allowed, drift); nothing changes.
    let (db, mut client) = fresh_database("apply_dry_gate");
    seed(&mut client);
    let before = state(&mut client);
    let help = Command::new(APPLY).arg("--help").output().unwrap();
    // Words only: clap wraps the help to the terminal's width.
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains("1 when it would be refused") && !help.contains("or a dry run)"),
        "{help}"
    );
    let allowed = schema_dir(&format!(
        "{BASE}\nCREATE TABLE audit (id bigint PRIMARY KEY);"
    ));
    let o = apply(&url(&db), allowed.path(), &["--dry-run"]);
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Plan: 1 step\n") && out.contains("Dry run"),
        "{}",
        text(&o)
    );
    let nothing = schema_dir(BASE);
    assert_code(&apply(&url(&db), nothing.path(), &["--dry-run"]), 0);
    let dropping = schema_dir("CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL);");
    let o = apply(&url(&db), dropping.path(), &["--dry-run"]);
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("refused") && err.contains("--allow-hazard data-loss"),
        "{}",
        text(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("DROP TABLE"),
        "{}",
        text(&o)
    );
    let o = apply(
        &url(&db),
        dropping.path(),
        &["--dry-run", "--allow-hazard", "data-loss"],
    );
    assert_code(&o, 0);
    assert_eq!(state(&mut client), before);
    // A plan file the database drifted from.
    let file: PathBuf = allowed.path().join("plan.json");
    plan_file(&db, allowed.path(), &file);
    client
        .batch_execute("CREATE TABLE newcomer (id int);")
        .unwrap();
    let drifted = state(&mut client);
    let o = apply_plan(&db, &file, &["--dry-run"]);
    assert_code(&o, 1);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("drift"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), drifted);
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

/// Ends every other session on database `db` (what the server does to the session of a
/// killed client once it notices) and waits until they are gone.
fn end_other_sessions(client: &mut Client, keep: &[i32]) {
    let keep: Vec<i32> = keep.to_vec();
    client
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY($1)",
            &[&keep],
        )
        .unwrap();
    let start = Instant::now();
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY($1)",
                &[&keep],
            )
            .unwrap()
            .get(0);
        if n == 0 || start.elapsed() > Duration::from_secs(10) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads the child's standard error until a line contains `needle`; panics after 30 s.
fn wait_for_stderr(child: &mut Child, needle: &str) -> Vec<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
    }
    panic!("`{needle}` never appeared on stderr: {seen:?}");
}

fn pid_of(client: &mut Client) -> i32 {
    client
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0)
}

/// The state after the whole of [`EVOLVED`], and after its transactional part only.
fn evolved_states() -> (String, String) {
    let (db, mut client) = fresh_database("apply_ref");
    seed(&mut client);
    let dir = schema_dir(EVOLVED);
    assert_code(&apply(&url(&db), dir.path(), &["--yes"]), 0);
    let after = state(&mut client);
    let after_tx = without_concurrent_indexes(&after);
    (after, after_tx)
}

/// A state without the two indexes [`EVOLVED`] builds CONCURRENTLY.
fn without_concurrent_indexes(state: &str) -> String {
    state
        .lines()
        .filter(|l| !l.contains("invoice_account_idx") && !l.contains("account_email_idx"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sigkill_at_every_step_leaves_before_or_after_the_transaction_and_the_next_apply_completes() {
    let (after, after_tx) = evolved_states();
    let (db, mut client) = fresh_database("apply_kill_count");
    seed(&mut client);
    let before = state(&mut client);
    let dir = schema_dir(EVOLVED);
    let dry = apply(&url(&db), dir.path(), &["--dry-run"]);
    let steps = String::from_utf8_lossy(&dry.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Plan: ")?
                .strip_suffix(" steps")?
                .parse::<usize>()
                .ok()
        })
        .unwrap_or_else(|| panic!("no step count: {}", text(&dry)));
    assert!(steps >= 8, "{}", text(&dry));
    for k in 1..=steps {
        let (db, mut client) = fresh_database("apply_kill");
        seed(&mut client);
        let mut child = apply_cmd(&url(&db), dir.path(), &["--yes"])
            .env("SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP", k.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_stderr(&mut child, &format!("test pause before step {k}"));
        child.kill().unwrap();
        child.wait().unwrap();
        end_other_sessions(&mut client, &[]);
        let now = state(&mut client);
        // The CONCURRENTLY steps run one by one after the commit: each is done or not started.
        let tx_part = without_concurrent_indexes(&now);
        assert!(
            (now == before || tx_part == after_tx) && !now.contains("valid=f"),
            "killed before step {k}: the database is half applied:\n{now}"
        );
        let o = apply(&url(&db), dir.path(), &["--yes"]);
        assert_code(&o, 0);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("did not finish"),
            "the killed apply is not reported: {}",
            text(&o)
        );
        assert_eq!(state(&mut client), after, "after resuming from step {k}");
    }
}

/// A seeded database, a desired state that adds an index (built `CONCURRENTLY`), and a
/// session holding a writing transaction open, which keeps such a build waiting:
/// (database, connection, schema directory, the writer).
fn index_build_held_up(prefix: &str) -> (String, Client, tempfile::TempDir, Client) {
    let (db, mut client) = fresh_database(prefix);
    seed(&mut client);
    let dir = schema_dir(&format!(
        "{BASE}\nCREATE INDEX invoice_total_idx ON invoice (total);"
    ));
    let mut writer = cluster().connect(&db).unwrap();
    writer
        .batch_execute("BEGIN; INSERT INTO invoice VALUES (100000, 1, 1);")
        .unwrap();
    (db, client, dir, writer)
}

#[test]
fn sigkill_during_a_concurrent_index_build_leaves_an_invalid_index_that_the_next_apply_rebuilds() {
    // An open writing transaction makes CREATE INDEX CONCURRENTLY wait after it has
    // registered the (still invalid) index.
    let (db, mut client, dir, mut writer) = index_build_held_up("apply_kill_cic");
    let writer_pid = pid_of(&mut writer);
    let mut child = apply_cmd(&url(&db), dir.path(), &["--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()",
                &[],
            )
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no index build started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    end_other_sessions(&mut client, &[writer_pid]);
    writer.batch_execute("COMMIT").unwrap();
    assert!(
        state(&mut client).contains("index public.invoice_total_idx valid=f"),
        "{}",
        state(&mut client)
    );
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&o, 0);
    assert!(
        state(&mut client).contains("index public.invoice_total_idx valid=t"),
        "{}\n{}",
        state(&mut client),
        text(&o)
    );
}

fn hold_lock(db: &str, table: &str) -> Client {
    let mut holder = cluster().connect(db).unwrap();
    holder
        .batch_execute(&format!(
            "BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE;"
        ))
        .unwrap();
    holder
}

const ADD_COLUMN: &str =
    "CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL, name text);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric(12,2));";

#[test]
fn a_lock_held_by_another_session_makes_the_apply_retry_and_succeed_once_released() {
    let (db, mut client) = fresh_database("apply_retry_ok");
    seed(&mut client);
    let mut holder = hold_lock(&db, "account");
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        holder.batch_execute("COMMIT").unwrap();
    });
    let dir = schema_dir(ADD_COLUMN);
    let o = apply(
        &url(&db),
        dir.path(),
        &["--yes", "--lock-timeout", "200ms", "--retries", "10"],
    );
    releaser.join().unwrap();
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("lock timeout") && out.contains("retrying"),
        "{}",
        text(&o)
    );
    assert!(state(&mut client).contains("public.account.name text"));
}

#[test]
fn a_lock_held_for_longer_than_the_retries_fails_with_nothing_changed() {
    let (db, mut client) = fresh_database("apply_retry_fail");
    seed(&mut client);
    let before = state(&mut client);
    let _holder = hold_lock(&db, "account");
    let dir = schema_dir(&format!(
        "{ADD_COLUMN}\nCREATE TABLE extra (id int PRIMARY KEY);"
    ));
    let o = apply(
        &url(&db),
        dir.path(),
        &["--yes", "--lock-timeout", "100ms", "--retries", "2"],
    );
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("after 3 attempts") && err.contains("nothing was changed"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
    assert_eq!(
        history(&mut client),
        vec![("lock-timeout".to_owned(), false)]
    );
}

/// `--statement-timeout` bounds every statement, whatever it waits for: here a lock held
/// longer than the statement timeout but shorter than the lock timeout. The transaction rolls
/// back and nothing changes.
#[test]
fn a_statement_over_the_statement_timeout_fails_with_nothing_changed() {
    let (db, mut client) = fresh_database("apply_statement_timeout");
    seed(&mut client);
    let before = state(&mut client);
    let _holder = hold_lock(&db, "account");
    let dir = schema_dir(ADD_COLUMN);
    let o = apply(
        &url(&db),
        dir.path(),
        &[
            "--yes",
            "--lock-timeout",
            "30s",
            "--statement-timeout",
            "300ms",
            "--retries",
            "0",
        ],
    );
    assert_code(&o, 1);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("statement timeout"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
}

#[test]
fn two_applies_at_once_exactly_one_runs_the_other_waits_or_refuses() {
    let (db, mut client) = fresh_database("apply_two");
    seed(&mut client);
    // The first apply stalls on a table lock held by the test, holding the apply lock.
    let holder = hold_lock(&db, "account");
    let dir = schema_dir(ADD_COLUMN);
    let first = apply_cmd(&url(&db), dir.path(), &["--yes", "--lock-timeout", "30s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE%'",
                &[],
            )
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "first apply never blocked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let refused = apply(&url(&db), dir.path(), &["--yes", "--wait", "300ms"]);
    assert_code(&refused, 1);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("another schema-apply is running"),
        "{}",
        text(&refused)
    );
    let waiter = apply_cmd(&url(&db), dir.path(), &["--yes", "--wait", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    drop(holder);
    let first = first.wait_with_output().unwrap();
    let waiter = waiter.wait_with_output().unwrap();
    assert_code(&first, 0);
    assert_code(&waiter, 0);
    assert!(
        String::from_utf8_lossy(&waiter.stdout).contains("No changes"),
        "{}",
        text(&waiter)
    );
    assert!(
        String::from_utf8_lossy(&waiter.stderr).contains("holds the apply lock"),
        "{}",
        text(&waiter)
    );
    assert_eq!(history(&mut client), vec![("succeeded".to_owned(), true)]);
}

#[test]
fn ctrl_c_cancels_the_running_statement_and_rolls_back() {
    let (db, mut client) = fresh_database("apply_sigint");
    seed(&mut client);
    let before = state(&mut client);
    let holder = hold_lock(&db, "invoice");
    let dir = schema_dir(EVOLVED);
    let child = apply_cmd(&url(&db), dir.path(), &["--yes", "--lock-timeout", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "apply never blocked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The shell's own `kill`: a minimal Debian has no /bin/kill (procps).
    let status = Command::new("/bin/sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    drop(holder);
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("interrupted") && err.contains("rolled back"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
    assert_eq!(
        history(&mut client),
        vec![("interrupted".to_owned(), false)]
    );
}

fn plan_file(db: &str, schema: &Path, out: &Path) {
    let o = Command::new(PLAN)
        .arg(schema.join("schema.sql"))
        .arg("--database-url")
        .arg(url(db))
        .arg("--out")
        .arg(out)
        .env_remove("DATABASE_URL")
        .current_dir(schema)
        .output()
        .unwrap();
    assert_code(&o, 0);
}

fn apply_plan(db: &str, file: &Path, extra: &[&str]) -> Output {
    Command::new(APPLY)
        .arg("--plan")
        .arg(file)
        .arg("--database-url")
        .arg(url(db))
        .args(extra)
        .env_remove("DATABASE_URL")
        .current_dir(file.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_plan_file_is_applied_and_verified_and_refused_after_the_database_changed() {
    let (db, mut client) = fresh_database("apply_planfile");
    seed(&mut client);
    let dir = schema_dir(EVOLVED);
    let file: PathBuf = dir.path().join("plan.json");
    plan_file(&db, dir.path(), &file);
    client
        .batch_execute("ALTER TABLE invoice ADD COLUMN sneaky int; CREATE TABLE newcomer (id int);")
        .unwrap();
    let before = state(&mut client);
    let o = apply_plan(&db, &file, &["--yes"]);
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("drift") && err.contains("changed: ") && err.contains("invoice"),
        "{}",
        text(&o)
    );
    assert!(
        err.contains("added: ") && err.contains("newcomer"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
    client
        .batch_execute("ALTER TABLE invoice DROP COLUMN sneaky; DROP TABLE newcomer;")
        .unwrap();
    let o = apply_plan(&db, &file, &["--yes"]);
    assert_verified(&o);
}

#[test]
fn a_plan_file_interrupted_after_its_commit_is_resumed() {
    let (db, mut client) = fresh_database("apply_planfile_resume");
    seed(&mut client);
    let dir = schema_dir(EVOLVED);
    let file: PathBuf = dir.path().join("plan.json");
    plan_file(&db, dir.path(), &file);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let first_non_tx = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["transactional"] == false)
        .unwrap()
        + 1;
    let mut child = Command::new(APPLY)
        .args(["--yes", "--plan"])
        .arg(&file)
        .arg("--database-url")
        .arg(url(&db))
        .env(
            "SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP",
            first_non_tx.to_string(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_stderr(&mut child, "test pause before step");
    child.kill().unwrap();
    child.wait().unwrap();
    end_other_sessions(&mut client, &[]);
    let o = apply_plan(&db, &file, &["--yes"]);
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Resuming") && out.contains("Verified"),
        "{}",
        text(&o)
    );
}

/// Row count and a digest of every table's rows (by its first column and the columns every
/// state keeps), to prove that rows survive.
fn rows(client: &mut Client) -> Vec<(String, i64, String)> {
    ["account", "invoice", "line_item"]
        .iter()
        .map(|t| {
            let r = client
                .query_one(
                    &format!(
                        "SELECT count(*), coalesce(md5(string_agg(id::text, ',' ORDER BY id)), '') FROM {t}"
                    ),
                    &[],
                )
                .unwrap();
            ((*t).to_owned(), r.get(0), r.get(1))
        })
        .collect()
}

#[test]
fn rows_survive_every_plan_without_an_allowed_data_loss_hazard() {
    let (db, mut client) = fresh_database("apply_rows");
    seed(&mut client);
    client
        .batch_execute(
            "CREATE TABLE line_item (id bigint PRIMARY KEY, invoice_id bigint, qty int);
             INSERT INTO line_item SELECT g, 1 + g % 1000, g % 7 FROM generate_series(1, 3000) g;",
        )
        .unwrap();
    let seeded = rows(&mut client);
    let line = "CREATE TABLE line_item (id bigint PRIMARY KEY, invoice_id bigint, qty int);";
    let states = [
        // New columns, tables, foreign keys and indexes.
        format!("{EVOLVED}\n{line}"),
        // Types widened, NOT NULL where no NULL is, a UNIQUE constraint, an index dropped.
        "CREATE TABLE account (id bigint PRIMARY KEY, email varchar(320) NOT NULL UNIQUE, name text);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES account (id), total numeric(14,2) NOT NULL);
CREATE TABLE payment (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoice (id), amount numeric(12,2));
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE INDEX invoice_account_idx ON invoice (account_id);
CREATE TABLE line_item (id bigint PRIMARY KEY, invoice_id bigint REFERENCES invoice (id), qty bigint);"
            .to_owned(),
        // A foreign key and a UNIQUE constraint dropped, an index on the new type.
        "CREATE TABLE account (id bigint PRIMARY KEY, email varchar(320) NOT NULL, name text);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric(14,2) NOT NULL);
CREATE TABLE payment (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoice (id), amount numeric(12,2));
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE INDEX line_item_qty_idx ON line_item (qty);
CREATE TABLE line_item (id bigint PRIMARY KEY, invoice_id bigint REFERENCES invoice (id), qty bigint);"
            .to_owned(),
    ];
    let allow = [
        "--yes",
        "--allow-hazard",
        "table-rewrite",
        "--allow-hazard",
        "index-build",
        "--allow-hazard",
        "security-weakened",
    ];
    for (i, sql) in states.iter().enumerate() {
        let dir = schema_dir(sql);
        let o = apply(&url(&db), dir.path(), &allow);
        assert_code(&o, 0);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Verified"),
            "state {i}: {}",
            text(&o)
        );
        assert_eq!(rows(&mut client), seeded, "rows changed by state {i}");
    }
    // Dropping a column or a table loses data: refused by default, nothing changed.
    let drop = "CREATE TABLE account (id bigint PRIMARY KEY, email varchar(320) NOT NULL);
CREATE TABLE invoice (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric(14,2) NOT NULL);
CREATE TABLE line_item (id bigint PRIMARY KEY, invoice_id bigint, qty bigint);";
    let dir = schema_dir(drop);
    let before = state(&mut client);
    let o = apply(&url(&db), dir.path(), &allow);
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("data-loss") && err.contains("--allow-hazard data-loss"),
        "{}",
        text(&o)
    );
    assert_eq!(state(&mut client), before);
    assert_eq!(rows(&mut client), seeded);
    let mut with_loss = allow.to_vec();
    with_loss.extend(["--allow-hazard", "data-loss"]);
    assert_code(&apply(&url(&db), dir.path(), &with_loss), 0);
    assert_eq!(
        rows(&mut client),
        seeded,
        "rows of the tables that were kept"
    );
}

const ODD_NAMES: &str = r#"CREATE SCHEMA "Weird ""S"" é";
CREATE TABLE "Weird ""S"" é"."select" ("from" int PRIMARY KEY, "Quoted ""col""" text, "naïve col" text);
CREATE TABLE "Weird ""S"" é"."Order Items" (
    "ID" bigint PRIMARY KEY,
    "select_from" int NOT NULL CONSTRAINT "fk ""x"" ü" REFERENCES "Weird ""S"" é"."select" ("from")
);
CREATE INDEX "My Index ü" ON "Weird ""S"" é"."Order Items" ("select_from");
CREATE TABLE public."ÜberTable" ("user" text, "Group" int, "table" text);
COMMENT ON TABLE public."ÜberTable" IS 'it''s "über"';
"#;

#[test]
fn names_with_quotes_spaces_case_reserved_words_and_non_ascii_round_trip() {
    let (db, mut client) = fresh_database("apply_names");
    let evolved = format!(
        "{ODD_NAMES}\nCREATE INDEX \"idx \"\"q\"\" ñ\" ON \"Weird \"\"S\"\" é\".\"select\" (\"naïve col\", \"Quoted \"\"col\"\"\");\n\
         ALTER TABLE public.\"ÜberTable\" ADD COLUMN \"New Col ✓\" int;"
    );
    for sql in [ODD_NAMES.to_owned(), evolved, ODD_NAMES.to_owned()] {
        let dir = schema_dir(&sql);
        let o = apply(
            &url(&db),
            dir.path(),
            &["--yes", "--allow-hazard", "data-loss"],
        );
        assert_verified(&o);
        let again = apply(&url(&db), dir.path(), &["--yes"]);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("No changes"),
            "{}",
            text(&again)
        );
    }
    let s = state(&mut client);
    for needle in [
        "Weird \"S\" é.select.from integer",
        "Weird \"S\" é.select.Quoted \"col\" text",
        "index Weird \"S\" é.My Index ü valid=t",
        "constraint fk \"x\" ü FOREIGN KEY",
        "public.ÜberTable.user text",
    ] {
        assert!(s.contains(needle), "`{needle}` missing:\n{s}");
    }
}

#[test]
fn no_password_appears_in_any_output_or_error() {
    use schema_tool::shadow::{Cluster, ClusterOptions};
    const SECRET: &str = "Sup3r-Secr3t-pw";
    let cluster = Cluster::start(&ClusterOptions {
        tcp: true,
        ..ClusterOptions::default()
    })
    .unwrap();
    let db = cluster.create_database("apply_pw").unwrap();
    let mut admin = cluster.connect(&db).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE app LOGIN SUPERUSER PASSWORD '{SECRET}'"
        ))
        .unwrap();
    // Password authentication for `app` over TCP, before the cluster's `trust` lines.
    let hba = cluster.dir().join("data").join("pg_hba.conf");
    let old = std::fs::read_to_string(&hba).unwrap();
    std::fs::write(
        &hba,
        format!("host all app 127.0.0.1/32 scram-sha-256\n{old}"),
    )
    .unwrap();
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    seed(&mut admin);
    let port = cluster.port();
    let good = format!("postgresql://app:{SECRET}@127.0.0.1:{port}/{db}?sslmode=disable");
    let wrong_pw = format!("postgresql://app:{SECRET}x@127.0.0.1:{port}/{db}?sslmode=disable");
    let no_db = format!("postgresql://app:{SECRET}@127.0.0.1:{port}/missing_db?sslmode=disable");
    let keywords = format!(
        "host=127.0.0.1 port={port} user=app password={SECRET} dbname={db} sslmode=disable"
    );
    let evolved = schema_dir(EVOLVED);
    let dropping = schema_dir("CREATE TABLE account (id bigint PRIMARY KEY);");
    let duplicate = schema_dir(&format!(
        "{EVOLVED}\nCREATE UNIQUE INDEX invoice_total_key ON invoice ((total::int % 3));"
    ));
    let runs: Vec<(String, Output)> = vec![
        (
            "dry run".into(),
            apply(&good, evolved.path(), &["--dry-run"]),
        ),
        (
            "wrong password".into(),
            apply(&wrong_pw, evolved.path(), &["--yes"]),
        ),
        (
            "missing database".into(),
            apply(&no_db, evolved.path(), &["--yes"]),
        ),
        (
            "refused hazard".into(),
            apply(&good, dropping.path(), &["--yes"]),
        ),
        ("apply".into(), apply(&keywords, evolved.path(), &["--yes"])),
        (
            "failing step".into(),
            apply(&good, duplicate.path(), &["--yes"]),
        ),
        (
            "no changes".into(),
            apply(&good, evolved.path(), &["--yes"]),
        ),
    ];
    for (what, o) in &runs {
        let all = text(o);
        assert!(!all.contains(SECRET), "{what} printed the password:\n{all}");
    }
    assert_eq!(runs[1].1.status.code(), Some(2), "{}", text(&runs[1].1));
    assert!(
        text(&runs[1].1).contains("rejected the credentials"),
        "{}",
        text(&runs[1].1)
    );
    assert_eq!(runs[4].1.status.code(), Some(0), "{}", text(&runs[4].1));
    assert_eq!(runs[5].1.status.code(), Some(1), "{}", text(&runs[5].1));
    let recorded: String = admin
        .query_one(
            "SELECT string_agg(coalesce(message, '') || steps::text || fingerprint::text, ' ') FROM schema_tool.apply_history",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!recorded.contains(SECRET));
}

#[test]
fn an_index_build_that_takes_long_shows_progress() {
    // A writing transaction open for 2.5 s keeps the concurrent build waiting in a phase that
    // pg_stat_progress_create_index reports.
    let (db, _client, dir, mut writer) = index_build_held_up("apply_progress");
    let committer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(2500));
        writer.batch_execute("COMMIT").unwrap();
    });
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    committer.join().unwrap();
    assert_code(&o, 0);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("step 1: building an index on invoice: waiting for"),
        "{}",
        text(&o)
    );
}

#[test]
fn on_a_terminal_the_plan_is_shown_and_a_no_changes_nothing() {
    let (db, mut client) = fresh_database("apply_tty");
    seed(&mut client);
    let before = state(&mut client);
    let dir = schema_dir(EVOLVED);
    let command = format!(
        "printf 'n\\n' | script -qec \"'{APPLY}' '{}' --database-url '{}'\" /dev/null",
        dir.path().join("schema.sql").display(),
        url(&db)
    );
    let o = Command::new("/bin/sh")
        .args(["-c", &command])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = text(&o);
    assert!(
        all.contains("Apply these 9 steps? [y/N]") && all.contains("CREATE TABLE"),
        "{all}"
    );
    assert!(all.contains("not confirmed"), "{all}");
    assert_eq!(state(&mut client), before);
}

#[test]
fn a_database_that_differs_after_applying_fails_verification() {
    let (db, mut client) = fresh_database("apply_verify");
    seed(&mut client);
    // An event trigger outside the managed schema adds a column to every new table, so the
    // database never matches the desired state.
    client
        .batch_execute(
            "CREATE SCHEMA ops;
             CREATE FUNCTION ops.add_column() RETURNS event_trigger LANGUAGE plpgsql AS $$
             DECLARE r record;
             BEGIN
               FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' LOOP
                 EXECUTE format('ALTER TABLE %s ADD COLUMN sneaky int', r.object_identity);
               END LOOP;
             END $$;
             CREATE EVENT TRIGGER sneaky ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
               EXECUTE FUNCTION ops.add_column();",
        )
        .unwrap();
    let dir = schema_dir(&format!("{BASE}\nCREATE TABLE extra (id int PRIMARY KEY);"));
    std::fs::write(dir.path().join("schema.toml"), "schemas = [\"public\"]\n").unwrap();
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_code(&o, 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("verification failed") && err.contains("sneaky"),
        "{}",
        text(&o)
    );
    assert_eq!(
        history(&mut client),
        vec![("verification-failed".to_owned(), true)]
    );
}

#[test]
fn more_object_kinds_with_odd_names_round_trip() {
    let (db, mut client) = fresh_database("apply_names_more");
    client
        .batch_execute(
            r#"DO $$ BEGIN CREATE ROLE "Odd Role ü"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"#,
        )
        .unwrap();
    let base = r#"CREATE SCHEMA "App ""Core""";
CREATE TYPE "App ""Core"""."Mood ""x""" AS ENUM ('it''s ok', 'Sad "face"', 'ünïcode');
CREATE SEQUENCE "App ""Core"""."Seq ü" START 10;
CREATE TABLE "App ""Core"""."Table" (
    "Id" int PRIMARY KEY,
    "mood" "App ""Core"""."Mood ""x""",
    "where" text
);
COMMENT ON COLUMN "App ""Core"""."Table"."where" IS 'a ''quoted'' comment — ü';
CREATE FUNCTION "App ""Core"""."Fn ""q"""("a b" int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT "a b" + 1 $$;
GRANT SELECT ON "App ""Core"""."Table" TO "Odd Role ü";
"#;
    let evolved = format!(
        "{base}\nALTER TYPE \"App \"\"Core\"\"\".\"Mood \"\"x\"\"\" ADD VALUE 'new ''v''';\n\
         CREATE TABLE \"App \"\"Core\"\"\".\"Group\" (\"Order\" int PRIMARY KEY);\n\
         CREATE INDEX \"Where Idx\" ON \"App \"\"Core\"\"\".\"Table\" (\"where\");"
    );
    for sql in [base.to_owned(), evolved] {
        let dir = schema_dir(&sql);
        let o = apply(&url(&db), dir.path(), &["--yes"]);
        assert_verified(&o);
    }
}

/// The bundled analytics schema (views, materialized views, IN-list CHECKs, policies) applies
/// and verifies: verification elaborates definitions on the target exactly as `schema-plan`
/// does, so PostgreSQL's own spelling of them is no difference.
#[test]
fn the_analytics_schema_applies_and_verifies_with_no_perpetual_differences() {
    let (db, mut client) = fresh_database("apply_analytics");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = schema_tool::loaded::Project::load(&schema_tool::project::LoadOptions {
        paths: vec![root.join("schema")],
        external: vec![root.join("schema/external")],
        external_owners: Vec::new(),
        default_schema: "public".to_owned(),
    })
    .unwrap();
    let externals: String = project
        .catalog
        .externals
        .values()
        .map(|t| schema_tool::ddl::create_table(t, false))
        .collect();
    client.batch_execute(&externals).unwrap();
    let run = || {
        Command::new(APPLY)
            .args(["--database-url", &url(&db), "--yes"])
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .current_dir(root)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let first = run();
    assert_verified(&first);
    let again = run();
    assert_code(&again, 0);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("No changes"),
        "{}",
        text(&again)
    );
}

#[test]
fn an_enum_label_added_and_used_in_one_apply_is_committed_first() {
    // `ADD VALUE` inside the transaction would make the default using the new label fail
    // ("unsafe use of new value"): the label is added before it.
    let (db, mut client) = fresh_database("apply_enum_label");
    client
        .batch_execute(
            "CREATE TYPE mood AS ENUM ('sad', 'ok');
             CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'ok');
             INSERT INTO t (id) VALUES (1);",
        )
        .unwrap();
    let dir = schema_dir(
        "CREATE TYPE mood AS ENUM ('sad', 'meh', 'ok');
         CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'meh' CHECK (m <> 'meh' OR id > 0));",
    );
    let o = apply(&url(&db), dir.path(), &["--yes"]);
    assert_verified(&o);
    client
        .batch_execute("INSERT INTO t (id) VALUES (2)")
        .unwrap();
    let m: String = client
        .query_one("SELECT m::text FROM t WHERE id = 2", &[])
        .unwrap()
        .get(0);
    assert_eq!(m, "meh");
}
