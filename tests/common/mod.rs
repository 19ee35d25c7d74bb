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
