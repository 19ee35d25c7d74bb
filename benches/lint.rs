//! `cargo bench --bench lint [-- SCHEMA.sql]`: times the whole `schema-lint` pipeline phase by
//! phase on a generated schema (default: the 2,000-table schema of
//! `../shared/bench/gen_schema.py`, generated into the target directory when missing) and
//! prints peak memory. Runs each phase 5 times and reports the median.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use schema_tool::graph::DepGraph;
use schema_tool::lint::settings::LintSettings;
use schema_tool::loaded::Project;
use schema_tool::project::LoadOptions;
use schema_tool::report::{self, Format, Summary};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn schema_path() -> PathBuf {
    if let Some(p) = std::env::args().skip(1).find(|a| a.ends_with(".sql")) {
        return PathBuf::from(p);
    }
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/a2000/schema.sql");
    if !out.exists() {
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let generator =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_schema.py");
        let status = std::process::Command::new("python3")
            .arg(generator)
            .args(["-n", "2000", "-o"])
            .arg(&out)
            .status()
            .expect("python3 runs gen_schema.py");
        assert!(status.success(), "gen_schema.py failed");
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let path = schema_path();
    let opts = LoadOptions {
        paths: vec![path.clone()],
        ..LoadOptions::default()
    };
    let settings = LintSettings::default();
    let (mut load, mut graph_t, mut rules, mut output, mut total) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut findings = 0;
    let mut objects = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let project = Project::load(&opts).expect("schema loads");
        let t1 = Instant::now();
        let graph = DepGraph::build(&project.catalog);
        let t2 = Instant::now();
        let diagnostics = schema_tool::lint::lint(&project, &graph, &settings);
        let t3 = Instant::now();
        let mut sink = Vec::new();
        let summary = Summary::new(&diagnostics, 1, project.catalog.object_count());
        report::write(
            &mut sink,
            Format::Json,
            &project.sources,
            &diagnostics,
            summary,
            &[],
            false,
        )
        .unwrap();
        let t4 = Instant::now();
        findings = diagnostics.len();
        objects = project.catalog.object_count();
        load.push(t1 - t0);
        graph_t.push(t2 - t1);
        rules.push(t3 - t2);
        output.push(t4 - t3);
        total.push(t4 - t0);
    }
    // Each rule alone, once, slowest first: a rule that does not scale shows up here.
    let project = Project::load(&opts).expect("schema loads");
    let graph = DepGraph::build(&project.catalog);
    let mut per_rule: Vec<(Duration, &str)> = schema_tool::lint::registry::RULES
        .iter()
        .map(|rule| {
            let t = Instant::now();
            let _ =
                schema_tool::lint::lint_rules(&project, &graph, &settings, std::iter::once(*rule));
            (t.elapsed(), rule.name)
        })
        .collect();
    per_rule.sort_by(|a, b| b.cmp(a));
    for (t, name) in per_rule.iter().take(6) {
        println!("rule {name:<44} {t:>8.1?}");
    }
    println!(
        "schema: {} ({objects} objects, {findings} findings)",
        path.display()
    );
    println!("load (read+parse+catalog): {:>8.1?}", median(load));
    println!("graph:                     {:>8.1?}", median(graph_t));
    println!("rules:                     {:>8.1?}", median(rules));
    println!("output (json):             {:>8.1?}", median(output));
    println!("total (median of 5):       {:>8.1?}", median(total));
    println!("peak RSS:                  {:>8.1} MB", peak_rss_mb());
}
