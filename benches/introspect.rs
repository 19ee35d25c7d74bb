//! Introspection speed on the 2,000-table benchmark schema, next to `pg_dump --schema-only` of
//! the same database in the same run.
//!
//! `cargo bench --bench introspect` generates the schema with
//! `python3 ../shared/bench/gen_schema.py -n 2000` (or `SCHEMA_TOOL_BENCH_SQL=<file>`),
//! loads it with `psql -1` into a throwaway cluster, then reports the median of five runs of
//! `introspect()` (default threads, and one parser thread for comparison) and of `pg_dump`.
//! Target: introspection under 1 s and faster than pg_dump.

mod common;

use std::time::{Duration, Instant};

use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::shadow::{Cluster, ClusterOptions};

use common::{measuring, median, pg_dump_median, psql_load, schema_file};

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let (tables, runs) = if measuring() { (2000, 5) } else { (50, 1) };
    let sql = schema_file(tables);
    let cluster = Cluster::start(&ClusterOptions::default()).expect("start a throwaway cluster");
    let db = cluster.create_database("bench").expect("create database");
    let conninfo = cluster.connection_string(&db);
    let bindir = cluster.binaries().bindir().to_path_buf();

    let loaded = psql_load(&cluster, &db, &sql);
    println!("loaded {} in {:.1} s", sql.display(), loaded.as_secs_f64());

    let mut client = cluster.connect(&db).expect("connect");
    let mut run = |threads: usize| {
        let opts = IntrospectOptions {
            threads,
            ..IntrospectOptions::default()
        };
        let mut times = Vec::new();
        let mut objects = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let catalog = introspect(&mut client, &opts).expect("introspect");
            times.push(t.elapsed());
            objects = catalog.object_count();
        }
        (median(times), objects)
    };
    let (all_cores, objects) = run(0);
    let (one_thread, _) = run(1);

    let dump = pg_dump_median(&bindir, &conninfo, runs);

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("objects read: {objects}");
    println!(
        "introspect(), default ({} parser thread(s) on {cores} cores): {:.3} s (median of {runs})",
        cores.saturating_sub(1).max(1),
        all_cores.as_secs_f64()
    );
    println!(
        "introspect(), 1 parser thread: {:.3} s (median of {runs})",
        one_thread.as_secs_f64()
    );
    println!(
        "pg_dump --schema-only:   {:.3} s (median of {runs})",
        dump.as_secs_f64()
    );
    if measuring() {
        let verdict = if all_cores < Duration::from_secs(1) && all_cores < dump {
            "met"
        } else {
            "NOT met"
        };
        println!("target (< 1 s and faster than pg_dump): {verdict}");
    }
}
