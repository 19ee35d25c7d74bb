//! Apply overhead: executing a 2,000-statement plan with `schema_tool::apply::execute` (one
//! transaction, one round trip per step, the apply lock and the history row included) next to
//! `psql -f` of the same SQL (each statement in its own transaction, as psql runs a file) and
//! `psql -1 -f` (one transaction), each into a fresh database of the same throwaway cluster.
//!
//! The plan is made by the planner from an empty catalog to 500 tables, each with two indexes
//! and a comment: 2,000 steps. `cargo bench --bench apply` reports the median of five runs;
//! under `cargo test` a 50-statement smoke run. Target: execute ≤ 1.1 × `psql -f`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use schema_tool::apply::{Interrupt, Settings, execute, history, lock};
use schema_tool::catalog::Catalog;
use schema_tool::loaded::Project;
use schema_tool::plan::{PlanOptions, plan};
use schema_tool::shadow::{Cluster, ClusterOptions};

use common::{measuring, median};

fn schema(tables: usize) -> String {
    let mut sql = String::new();
    for i in 0..tables {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL, qty int, created timestamptz);\n\
             CREATE INDEX t{i}_name_idx ON t{i} (name);\n\
             CREATE INDEX t{i}_qty_idx ON t{i} (qty, created);\n\
             COMMENT ON TABLE t{i} IS 'table {i}';\n"
        ));
    }
    sql
}

fn main() {
    let (tables, runs) = if measuring() { (500, 5) } else { (13, 1) };
    let desired = Project::from_sql(&schema(tables), &[]).catalog;
    // The target already has the schema `public`, as every new database does.
    let current = Catalog {
        schemas: desired.schemas.clone(),
        ..Catalog::default()
    };
    let p = plan(&current, &desired, &PlanOptions::default()).expect("plan");
    let statements = p.steps.len();
    let script: String = p.steps.iter().map(|s| format!("{}\n", s.sql)).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plan.sql");
    std::fs::write(&file, &script).expect("write the script");
    let cluster = Cluster::start(&ClusterOptions::default()).expect("start a throwaway cluster");
    let psql = cluster.binaries().bindir().join("psql");

    let psql_run = |single: bool| {
        let db = cluster
            .create_database("bench_psql")
            .expect("create database");
        let conninfo = cluster.connection_string(&db);
        let t = Instant::now();
        let mut cmd = Command::new(&psql);
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"]);
        if single {
            cmd.arg("-1");
        }
        let status = cmd
            .args(["-d", &conninfo, "-f"])
            .arg(&file)
            .status()
            .expect("run psql");
        let took = t.elapsed();
        assert!(status.success(), "psql failed");
        cluster.drop_database(&db).expect("drop database");
        took
    };
    let apply_run = || {
        let db = cluster
            .create_database("bench_apply")
            .expect("create database");
        let t = Instant::now();
        let mut client = cluster.connect(&db).expect("connect");
        lock::acquire(&mut client, Duration::from_secs(5), &mut |_| {}).expect("lock");
        history::ensure(&mut client).expect("history");
        let id = history::start(
            &mut client,
            "bench",
            &serde_json::json!({}),
            &serde_json::json!([]),
        )
        .expect("history row");
        let mut records = Vec::new();
        execute(
            &mut client,
            &p.steps,
            &Settings::default(),
            false,
            Some(id),
            &Interrupt::default(),
            &Default::default(),
            &mut records,
            &mut |_| {},
        )
        .expect("execute");
        history::finish(&mut client, id, "succeeded", &serde_json::json!([]), None)
            .expect("history finish");
        lock::release(&mut client).expect("unlock");
        drop(client);
        let took = t.elapsed();
        cluster.drop_database(&db).expect("drop database");
        took
    };
    let mut psql_times = Vec::new();
    let mut psql1_times = Vec::new();
    let mut apply_times = Vec::new();
    for _ in 0..runs {
        psql_times.push(psql_run(false));
        psql1_times.push(psql_run(true));
        apply_times.push(apply_run());
    }
    let (psql_f, psql_1, applied) = (median(psql_times), median(psql1_times), median(apply_times));
    println!("plan: {statements} statements");
    println!(
        "psql -f:       {:.3} s (median of {runs})",
        psql_f.as_secs_f64()
    );
    println!(
        "psql -1 -f:    {:.3} s (median of {runs})",
        psql_1.as_secs_f64()
    );
    println!(
        "schema-apply execute (lock, history, one transaction): {:.3} s (median of {runs})",
        applied.as_secs_f64()
    );
    let ratio = applied.as_secs_f64() / psql_f.as_secs_f64();
    println!("ratio to psql -f: {ratio:.2}");
    if measuring() {
        println!(
            "target (≤ 1.1 × psql -f): {}",
            if ratio <= 1.1 { "met" } else { "NOT met" }
        );
    }
}
