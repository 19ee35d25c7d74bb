//! `schema-plan` speed on the 2,000-table benchmark schema, next to `pg_dump --schema-only` of
//! the same database in the same run.
//!
//! `cargo bench --bench plan` generates variant A of `../shared/bench/gen_schema.py -n 2000`
//! and its 5%-changed variant B (`--b`), loads B with `psql -1` into a throwaway cluster, then
//! reports the median of five runs of:
//! - the release `schema-plan --database-url … A` end to end (process start to exit, human
//!   output to a pipe), and with `--format json`;
//! - `pg_dump --schema-only` of the database;
//! - the phases in process, through the pipeline `schema-plan` uses
//!   (`schema_tool::target`): load (read, parse, catalog), introspect (`read_target`), then
//!   the phases `plan_against_target` reports: elaborate (the target's fingerprint taken
//!   meanwhile), diff, plan (the row check, ordering, SQL, hazards), changed definitions,
//!   human rendering. The binary overlaps load and introspect (two threads), so its end-to-end time
//!   is less than the sum of the phases.
//!
//! Target (issue 4): end to end under 2 s and no more than pg_dump + 1 s.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use schema_tool::cli::plan_output::{self, Rendering, definition_diff::definitions_of};
use schema_tool::loaded::Project;
use schema_tool::project::LoadOptions;
use schema_tool::shadow::{Cluster, ClusterOptions};
use schema_tool::target::{TargetOptions, plan_against_target, read_target};

use common::{measuring, median, pg_dump_median, psql_load, schema_files};

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn main() {
    let (tables, runs) = if measuring() { (2000, 5) } else { (50, 1) };
    let (a, b) = schema_files(tables);
    let cluster = Cluster::start(&ClusterOptions::default()).expect("start a throwaway cluster");
    let db = cluster.create_database("bench").expect("create database");
    let conninfo = cluster.connection_string(&db);
    let bindir = cluster.binaries().bindir().to_path_buf();

    let loaded = psql_load(&cluster, &db, &b);
    println!(
        "loaded variant B ({}) in {:.1} s",
        b.display(),
        loaded.as_secs_f64()
    );

    // End to end: the binary Cargo built with this bench's profile (release under `cargo bench`).
    let binary = env!("CARGO_BIN_EXE_schema-plan");
    let end_to_end = |format: &str| {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(binary)
                .args(["--config", "/dev/null", "--format", format])
                .args(["--database-url", &conninfo])
                .arg(&a)
                .env_remove("DATABASE_URL")
                .stdin(Stdio::null())
                .output()
                .expect("run schema-plan");
            times.push(t.elapsed());
            assert!(
                out.status.success(),
                "schema-plan failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            bytes = out.stdout.len();
        }
        (median(times), bytes)
    };
    let (human_e2e, human_bytes) = end_to_end("human");
    let (json_e2e, _) = end_to_end("json");

    let dump = pg_dump_median(&bindir, &conninfo, runs);

    // Phases in process, through the pipeline schema-plan uses.
    let mut client = cluster.connect(&db).expect("connect");
    let opts = TargetOptions::default();
    let (mut load_t, mut intro_t, mut elab_t, mut diff_t, mut plan_t, mut defs_t, mut render_t) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut steps, mut changes, mut definitions) = (0, 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let desired = Project::load(&LoadOptions {
            paths: vec![a.clone()],
            ..LoadOptions::default()
        })
        .expect("load")
        .catalog;
        load_t.push(t.elapsed());
        let t = Instant::now();
        let current = read_target(&mut client, &desired, &opts.schemas).expect("introspect");
        intro_t.push(t.elapsed());
        let planned =
            plan_against_target(&mut client, &desired, Some(current), &opts).expect("plan");
        let phase = |name: &str| {
            planned
                .phases
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Duration::ZERO, |(_, d)| *d)
        };
        elab_t.push(phase("elaborate"));
        diff_t.push(phase("diff"));
        plan_t.push(phase("rows") + phase("plan"));
        changes = planned.changes.len();
        let p = &planned.plan;
        steps = p.steps.len();
        let t = Instant::now();
        let renamed = planned.renamed_current.as_ref().unwrap_or(&planned.current);
        let defs = definitions_of(&planned.changes, renamed);
        defs_t.push(t.elapsed());
        definitions = defs.len();
        let t = Instant::now();
        let mut text = Vec::new();
        plan_output::human::write(
            &mut text,
            &Rendering {
                plan: p,
                definitions: &defs,
                note: None,
                explain: false,
                color: false,
            },
        )
        .expect("render");
        render_t.push(t.elapsed());
    }

    println!(
        "plan: {changes} changes, {steps} steps, {definitions} changed definitions, {human_bytes} bytes of human output"
    );
    println!(
        "schema-plan end to end, human output: {} (median of {runs})",
        secs(human_e2e)
    );
    println!(
        "schema-plan end to end, --format json: {} (median of {runs})",
        secs(json_e2e)
    );
    println!(
        "pg_dump --schema-only:               {} (median of {runs})",
        secs(dump)
    );
    println!(
        "phases in process (median of {runs}): load {}, introspect {}, elaborate {}, diff {}, plan {} (row check, ordering, SQL, hazards), changed definitions {}, human rendering {}",
        secs(median(load_t)),
        secs(median(intro_t)),
        secs(median(elab_t)),
        secs(median(diff_t)),
        secs(median(plan_t)),
        secs(median(defs_t)),
        secs(median(render_t)),
    );
    if measuring() {
        let verdict =
            if human_e2e < Duration::from_secs(2) && human_e2e <= dump + Duration::from_secs(1) {
                "met"
            } else {
                "NOT met"
            };
        println!("target (< 2 s and <= pg_dump + 1 s): {verdict}");
    }
}
