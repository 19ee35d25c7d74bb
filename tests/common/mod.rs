//! Support shared by the integration tests: one throwaway cluster per test binary and a fresh
//! database per test.
//!
//! Tests never skip when PostgreSQL is missing: [`cluster`] panics with the error, which says what
//! to install.
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

pub mod lint;

use std::sync::OnceLock;

pub use schema_tool::error_chain::error_chain;
use schema_tool::shadow::{Cluster, ClusterOptions};

/// The cluster of this test binary, started on first use. It is never dropped: its watchdog
/// removes it when the test process exits.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        Cluster::start(&ClusterOptions::default())
            .unwrap_or_else(|err| panic!("cannot start the test cluster: {}", error_chain(&err)))
    })
}

/// A new, empty database on the shared cluster (its name starts with `prefix`), and a
/// connection to it. Safe to call from tests running in parallel.
pub fn fresh_database(prefix: &str) -> (String, postgres::Client) {
    let cluster = cluster();
    let name = cluster
        .create_database(prefix)
        .unwrap_or_else(|err| panic!("cannot create a test database: {}", error_chain(&err)));
    let client = cluster
        .connect(&name)
        .unwrap_or_else(|err| panic!("cannot connect to {name}: {}", error_chain(&err)));
    (name, client)
}

/// Applies a plan as `schema-apply` does: labels added to enums first, the transactional steps
/// in one transaction, then the others one by one. The error names the failing step's SQL.
pub fn apply_plan(
    client: &mut postgres::Client,
    p: &schema_tool::plan::Plan,
) -> Result<(), String> {
    for s in p.steps.iter().filter(|s| s.runs_before_transaction()) {
        client
            .batch_execute(&s.sql)
            .map_err(|e| format!("{}\n    in: {}", error_chain(&e), s.sql))?;
    }
    let mut tx = client.transaction().map_err(|e| error_chain(&e))?;
    for s in p.steps.iter().filter(|s| s.transactional) {
        tx.batch_execute(&s.sql)
            .map_err(|e| format!("{}\n    in: {}", error_chain(&e), s.sql))?;
    }
    tx.commit().map_err(|e| error_chain(&e))?;
    for s in p
        .steps
        .iter()
        .filter(|s| !s.transactional && !s.runs_before_transaction())
    {
        client
            .batch_execute(&s.sql)
            .map_err(|e| format!("{}\n    in: {}", error_chain(&e), s.sql))?;
    }
    Ok(())
}

/// A plan's statements, one after the other (for assertion messages).
pub fn describe(p: &schema_tool::plan::Plan) -> String {
    p.steps
        .iter()
        .map(|s| s.sql.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `schema-plan` flags of the legacy fixture (`fixtures/legacy/`): its schema.toml (two
/// data steps), the knex table ignored, and the third data step by flag.
pub const LEGACY_PLAN_FLAGS: [&str; 6] = [
    "--config",
    "fixtures/legacy/schema.toml",
    "--ignore",
    "knex_migrations*",
    "--backfill",
    "public.event_analytics.tenant_id=fixtures/legacy/backfill/event_analytics_tenant_id.sql",
];

/// Compares one object kind of two catalogs: the keys on one side only (named by `sides`) and
/// the objects that differ (their `{:#?}` lines that differ, `-` first side, `+` second).
pub fn compare_maps<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    kind: &str,
    a: &std::collections::BTreeMap<K, V>,
    b: &std::collections::BTreeMap<K, V>,
    sides: (&str, &str),
    out: &mut Vec<String>,
) {
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("{kind} {k:?}: only in {}", sides.0)),
            Some(w) if w != v => out.push(format!("{kind} {k:?} differs:\n{}", debug_diff(v, w))),
            Some(_) => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(k)) {
        out.push(format!("{kind} {k:?}: only in {}", sides.1));
    }
}

/// The lines of two objects' `{:#?}` that differ (`-` the first, `+` the second).
pub fn debug_diff(a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug) -> String {
    let a = format!("{a:#?}");
    let b = format!("{b:#?}");
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => continue,
        };
        out.push_str(&format!("    {sign}{}", change.value()));
    }
    out
}

/// A short reason for a catalog difference (a [`compare_maps`] line and its [`debug_diff`]):
/// the object kind, and the side it is only on or the first field that differs.
pub fn difference_reason(diff: &str) -> String {
    let first = diff.lines().next().unwrap_or("");
    let kind: String = first.split([' ', '(']).next().unwrap_or("").to_owned();
    if let Some(side) = first
        .rsplit(": ")
        .next()
        .filter(|s| s.starts_with("only in"))
    {
        return format!("{kind}: {side}");
    }
    let field = diff
        .lines()
        .nth(1)
        .map(|l| {
            l.trim()
                .trim_start_matches(['-', '+'])
                .trim()
                .split([':', '('])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    format!("{kind}: {field}")
}

/// Builds the legacy database of `fixtures/legacy/` (the files `load-order.txt` lists, as
/// knex migrations 001-003 and the hand-made drift left it), in one transaction.
pub fn build_legacy(client: &mut postgres::Client) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let order = std::fs::read_to_string(root.join("fixtures/legacy/load-order.txt")).unwrap();
    let mut tx = client.transaction().unwrap();
    for file in order
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let sql = std::fs::read_to_string(root.join(file)).unwrap();
        tx.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{file}: {}", error_chain(&e)));
    }
    tx.commit().unwrap();
}

/// Runs one of the crate's binaries (`env!("CARGO_BIN_EXE_…")`) in `dir` with `args`, without
/// `DATABASE_URL` from the environment, with `NO_COLOR` set and stdin closed:
/// (exit code, stdout, stderr).
pub fn run_in(exe: &str, dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(exe)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {exe}: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `shared/corpus` beside the repository (`../shared`; `../../shared` from a worktree in
/// `wt/<name>`).
pub fn corpus_dir() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| root.join("../shared/corpus"))
}

/// The directories directly under `dir`, sorted.
pub fn sorted_dirs(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Prepares this binary's cluster for the diff corpora, once: the roles their cases grant to
/// (sqldef's `_setup_roles.sql`, the `roles` of pg-schema-diff's `meta.json`), then `extra`
/// SQL; and a WAL budget large enough that creating a database per case does not checkpoint
/// every few databases (about ten times faster on a throwaway cluster).
pub fn setup_corpus_roles(extra: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut client = cluster().connect("postgres").expect("connect");
        for statement in ["ALTER SYSTEM SET max_wal_size = '20GB'", "SELECT pg_reload_conf()"] {
            client.batch_execute(statement).expect("raise max_wal_size");
        }
        let mut roles = std::collections::BTreeSet::new();
        for dir in sorted_dirs(&corpus_dir().join("diff/pg-schema-diff")) {
            let meta = std::fs::read_to_string(dir.join("meta.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .unwrap_or(serde_json::Value::Null);
            for r in meta["roles"].as_array().into_iter().flatten() {
                if let Some(r) = r.as_str() {
                    roles.insert(r.to_owned());
                }
            }
        }
        let mut sql = extra.to_owned();
        sql.push('\n');
        sql.push_str(
            &std::fs::read_to_string(corpus_dir().join("diff/sqldef/_setup_roles.sql"))
                .unwrap_or_default(),
        );
        sql.push('\n');
        for role in roles {
            sql.push_str(&format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit}) THEN CREATE ROLE {id}; END IF; END $$;\n",
                lit = schema_tool::catalog::names::quote_literal(&role),
                id = schema_tool::catalog::names::quote_ident(&role).replace('$', "$$"),
            ));
        }
        client
            .batch_execute(&sql)
            .unwrap_or_else(|e| panic!("roles: {}", error_chain(&e)));
    });
}
