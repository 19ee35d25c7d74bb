//! Cost of elaboration (`schema_tool::elaborate`) when re-planning the 2,000-table benchmark
//! schema against a database that holds it: every definition PostgreSQL prints in its own way
//! is settled on the server.
//!
//! `cargo bench --bench elaborate` generates the schema with
//! `python3 ../shared/bench/gen_schema.py -n 2000` (or `SCHEMA_TOOL_BENCH_SQL=<file>`), loads
//! it with `psql -1` into a throwaway cluster, introspects it, and reports the median of three
//! elaborations of the files' catalog against it, and what is left for the plan. Under
//! `cargo test --all-targets` it is a smoke run on 50 tables.

mod common;

use std::time::{Duration, Instant};

use schema_tool::elaborate::{ElaborateOptions, elaborate};
use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::loaded::Project;
use schema_tool::plan::{PlanOptions, plan};
use schema_tool::project::LoadOptions;
use schema_tool::shadow::{Cluster, ClusterOptions};

use common::{measuring, median, psql_load, schema_file};

fn main() {
    let (tables, runs) = if measuring() { (2000, 3) } else { (50, 1) };
    let sql = schema_file(tables);
    let cluster = Cluster::start(&ClusterOptions::default()).expect("start a throwaway cluster");
    let db = cluster.create_database("bench").expect("create database");
    psql_load(&cluster, &db, &sql);
    let mut client = cluster.connect(&db).expect("connect");
    let live = introspect(&mut client, &IntrospectOptions::default()).expect("introspect");
    let desired = Project::load(&LoadOptions {
        paths: vec![sql.clone()],
        external: Vec::new(),
        external_owners: Vec::new(),
        default_schema: "public".to_owned(),
    })
    .expect("load")
    .catalog;
    let before = plan(&live, &desired, &PlanOptions::default()).expect("plan");
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let mut elaborated = desired.clone();
        let t = Instant::now();
        let report = elaborate(
            &mut client,
            &mut elaborated,
            &live,
            &ElaborateOptions::default(),
        )
        .expect("elaborate");
        times.push(t.elapsed());
        last = Some((report, elaborated));
    }
    let median: Duration = median(times);
    let (report, elaborated) = last.expect("at least one run");
    let after = plan(&live, &elaborated, &PlanOptions::default()).expect("plan");
    println!("{tables} tables, {} objects", desired.object_count());
    println!("plan steps without elaboration: {}", before.steps.len());
    println!(
        "elaborate(): {:.3} s (median of {runs}); {} settled by normalisation, {} in doubt {:?}, {} settled by the server, {} rejected, {} round trips",
        median.as_secs_f64(),
        report.settled_by_normalisation,
        report.in_doubt,
        report.in_doubt_by_kind,
        report.settled_by_server,
        report.rejected,
        report.round_trips
    );
    println!(
        "plan steps after elaboration: {} {:?}",
        after.steps.len(),
        after.summary.by_kind
    );
    for s in after
        .steps
        .iter()
        .filter(|s| !s.sql.contains(" INDEX "))
        .take(20)
    {
        println!("  {}", s.sql.lines().next().unwrap_or(""));
    }
}
