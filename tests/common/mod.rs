//! Support shared by the integration tests: one throwaway cluster per test binary and a fresh
//! database per test.
//!
//! Tests never skip when PostgreSQL is missing: [`cluster`] panics with the error, which says what
//! to install.
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

use std::sync::OnceLock;

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

/// An error and all its sources on one line, for panic messages.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Applies a plan as `schema-apply` does: the transactional steps in one transaction, then the
/// others one by one. The error names the failing step's SQL.
pub fn apply_plan(
    client: &mut postgres::Client,
    p: &schema_tool::plan::Plan,
) -> Result<(), String> {
    let mut tx = client.transaction().map_err(|e| error_chain(&e))?;
    for s in p.steps.iter().filter(|s| s.transactional) {
        tx.batch_execute(&s.sql)
            .map_err(|e| format!("{}\n    in: {}", error_chain(&e), s.sql))?;
    }
    tx.commit().map_err(|e| error_chain(&e))?;
    for s in p.steps.iter().filter(|s| !s.transactional) {
        client
            .batch_execute(&s.sql)
            .map_err(|e| format!("{}\n    in: {}", error_chain(&e), s.sql))?;
    }
    Ok(())
}

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
