//! What the benchmarks share: the measuring switch, medians, the generated 2,000-table schema
//! and loading SQL into a throwaway cluster.
#![allow(
    dead_code,
    reason = "each bench compiles this module and uses a different part of it"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schema_tool::shadow::Cluster;

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs a bench without it, and
/// then gets a quick smoke run instead of the measurement.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The median of some timings.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median time of `runs` runs of `pg_dump --schema-only` (to `/dev/null`) of the database
/// `conninfo` names, with the cluster's own `pg_dump` from `bindir`.
pub fn pg_dump_median(bindir: &Path, conninfo: &str, runs: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let status = Command::new(bindir.join("pg_dump"))
            .args(["--schema-only", "-f", "/dev/null", "-d", conninfo])
            .status()
            .expect("run pg_dump");
        assert!(status.success(), "pg_dump failed");
        times.push(t.elapsed());
    }
    median(times)
}

/// `../shared/bench/gen_schema.py`: beside the repository, or two levels up from a worktree.
fn generator() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "../shared/bench/gen_schema.py",
        "../../shared/bench/gen_schema.py",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.is_file())
    .expect("../shared/bench/gen_schema.py")
}

/// Variant A of the generated schema with `tables` tables (or `SCHEMA_TOOL_BENCH_SQL`),
/// generated once into the temporary directory.
pub fn schema_file(tables: usize) -> PathBuf {
    if let Some(path) = std::env::var_os("SCHEMA_TOOL_BENCH_SQL") {
        return PathBuf::from(path);
    }
    let out = std::env::temp_dir().join(format!("schema-tool-bench/a{tables}/schema.sql"));
    if !out.exists() {
        generate(tables, &out, None);
    }
    out
}

/// Variant A and variant B (about 5% of the objects changed) of the generated schema.
pub fn schema_files(tables: usize) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("schema-tool-bench/plan{tables}"));
    let (a, b) = (dir.join("a.sql"), dir.join("b.sql"));
    if !a.exists() || !b.exists() {
        generate(tables, &a, Some(&b));
    }
    (a, b)
}

fn generate(tables: usize, a: &Path, b: Option<&Path>) {
    std::fs::create_dir_all(a.parent().expect("has a parent")).expect("create bench dir");
    let mut cmd = Command::new("python3");
    cmd.arg(generator())
        .args(["-n", &tables.to_string(), "-o"])
        .arg(a);
    if let Some(b) = b {
        cmd.arg("--b")
            .arg(b)
            .arg("--manifest")
            .arg(b.with_file_name("changes.json"));
    }
    let status = cmd.status().expect("run python3");
    assert!(status.success(), "gen_schema.py failed");
}

/// Loads `sql` into database `db` of `cluster` with `psql -1` (stopping at the first error);
/// returns how long it took.
pub fn psql_load(cluster: &Cluster, db: &str, sql: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(cluster.binaries().bindir().join("psql"))
        .args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"])
        .args(["-d", &cluster.connection_string(db), "-f"])
        .arg(sql)
        .status()
        .expect("run psql");
    assert!(status.success(), "loading {} failed", sql.display());
    started.elapsed()
}
