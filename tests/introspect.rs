//! Introspection against a real throwaway cluster: every query file runs, and the **round
//! trip** holds: SQL loaded into a fresh database and read back by `introspect` gives the
//! catalog the file loader builds from the same SQL, after the documented normalisation
//! (`catalog::normalize`).
//!
//! Where the two sides still differ only in how PostgreSQL prints an expression (an implicit
//! cast made explicit, a view's `*` expanded, columns qualified), the comparison lets
//! `schema_tool::elaborate` settle them on the server, as `schema-plan` does. Everything else
//! that differs is reported.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use postgres::Client;
use schema_tool::catalog::build::{Input, build_catalog};
use schema_tool::catalog::normalize::{normalize, unspecified_from};
use schema_tool::catalog::{Catalog, QualifiedName};
use schema_tool::elaborate::{ElaborateOptions, elaborate};
use schema_tool::introspect::{IntrospectOptions, QUERY_FILES, introspect, query_text};
use schema_tool::parse::parse_file;
use schema_tool::source::FileId;

use common::{
    cluster, compare_maps, corpus_dir, error_chain, fresh_database, setup_corpus_roles, sorted_dirs,
};

const DEFAULT_SCHEMA: &str = "public";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/introspect")
}

/// One SQL source: its text, and the owning service when it declares external tables.
struct Source {
    text: String,
    external_owner: Option<String>,
}

impl Source {
    fn own(text: String) -> Self {
        Source {
            text,
            external_owner: None,
        }
    }

    fn read(path: &Path) -> Self {
        Source::own(
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
    }
}

/// The catalog the file loader builds.
fn file_catalog(sources: &[Source]) -> Catalog {
    let parsed: Vec<_> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| parse_file(FileId(u32::try_from(i).unwrap()), &s.text))
        .collect();
    let inputs: Vec<Input<'_>> = sources
        .iter()
        .zip(&parsed)
        .enumerate()
        .map(|(i, (s, p))| Input {
            file: FileId(u32::try_from(i).unwrap()),
            text: &s.text,
            statements: &p.statements,
            external_owner: s.external_owner.as_deref(),
        })
        .collect();
    build_catalog(&inputs, DEFAULT_SCHEMA).0
}

fn live_catalog(client: &mut Client) -> Catalog {
    introspect(client, &IntrospectOptions::default())
        .unwrap_or_else(|e| panic!("introspection failed: {}", error_chain(&e)))
}

/// Roles are cluster-wide: the corpora's and the focused fixtures', once per test binary.
fn setup_roles() {
    let fixtures = std::fs::read_to_string(fixtures_dir().join("_roles.sql")).unwrap();
    setup_corpus_roles(&fixtures);
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

// ----- comparison --------------------------------------------------------------------------

/// How differences name the two sides.
const SIDES: (&str, &str) = ("the files", "the database");

/// Every difference between the catalog built from `sources` and the one read from the
/// database, after normalisation; empty when the round trip holds.
fn round_trip(client: &mut Client, sources: &[Source]) -> Vec<String> {
    let mut file = file_catalog(sources);
    let mut live = live_catalog(client);
    // `public` exists in every database; compare it only where a file declares it.
    if file
        .schemas
        .get(DEFAULT_SCHEMA)
        .is_some_and(|s| s.meta.span.is_none())
    {
        file.schemas.remove(DEFAULT_SCHEMA);
        live.schemas.remove(DEFAULT_SCHEMA);
    }
    // Declared external tables are tables like any other in the database: compare own objects.
    let externals: Vec<QualifiedName> = file.externals.keys().cloned().collect();
    for name in &externals {
        live.tables.remove(name);
    }
    live.policies.retain(|(t, _), _| !externals.contains(t));
    live.triggers.retain(|(t, _), _| !externals.contains(t));
    live.indexes.retain(|_, i| !externals.contains(&i.table));
    live.sequences.retain(|_, s| {
        !s.owned_by
            .as_ref()
            .is_some_and(|(t, _)| externals.contains(t))
    });
    file.externals.clear();

    // Differences only the server can settle: elaborated the way `schema-plan` does.
    elaborate(client, &mut file, &live, &ElaborateOptions::default())
        .unwrap_or_else(|e| panic!("elaborate: {}", error_chain(&e)));
    normalize(&mut file, DEFAULT_SCHEMA);
    normalize(&mut live, DEFAULT_SCHEMA);
    unspecified_from(&mut file, &live);

    let mut out = Vec::new();
    compare_maps("schema", &file.schemas, &live.schemas, SIDES, &mut out);
    compare_maps("table", &file.tables, &live.tables, SIDES, &mut out);
    compare_maps("view", &file.views, &live.views, SIDES, &mut out);
    compare_maps(
        "materialized view",
        &file.materialized_views,
        &live.materialized_views,
        SIDES,
        &mut out,
    );
    compare_maps("index", &file.indexes, &live.indexes, SIDES, &mut out);
    compare_maps(
        "function",
        &file.functions,
        &live.functions,
        SIDES,
        &mut out,
    );
    compare_maps("trigger", &file.triggers, &live.triggers, SIDES, &mut out);
    compare_maps("policy", &file.policies, &live.policies, SIDES, &mut out);
    compare_maps(
        "sequence",
        &file.sequences,
        &live.sequences,
        SIDES,
        &mut out,
    );
    compare_maps("type", &file.types, &live.types, SIDES, &mut out);
    compare_maps(
        "extension",
        &file.extensions,
        &live.extensions,
        SIDES,
        &mut out,
    );
    // Operators are kept as text but read back; other unmodelled statements are not.
    let read_back = |o: &&schema_tool::catalog::OtherObject| o.kind == "CREATE OPERATOR";
    let as_map = |others: &[schema_tool::catalog::OtherObject]| {
        others
            .iter()
            .filter(read_back)
            .map(|o| ((o.kind.clone(), o.name.clone()), o.sql.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    compare_maps(
        "other",
        &as_map(&file.others),
        &as_map(&live.others),
        SIDES,
        &mut out,
    );
    for o in file.others.iter().filter(|o| !read_back(o)) {
        out.push(format!(
            "{} {}: not modelled, so not read back",
            o.kind, o.name
        ));
    }
    out
}

fn load(client: &mut Client, sql: &str) -> Result<(), String> {
    client.batch_execute(sql).map_err(|e| error_chain(&e))
}

// ----- tests -------------------------------------------------------------------------------

#[test]
fn every_query_file_runs_and_returns_rows() {
    setup_roles();
    // Each fixture in its own database; every query runs on each, and each query must find
    // rows in at least one of them.
    let mut found: BTreeMap<&str, usize> = QUERY_FILES.iter().map(|(n, _)| (*n, 0)).collect();
    for f in sql_files(&fixtures_dir())
        .iter()
        .filter(|p| !p.ends_with("_roles.sql"))
    {
        let (_, mut client) = fresh_database("introspect_queries");
        load(&mut client, &Source::read(f).text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let version: i32 = client
            .query_one("SELECT current_setting('server_version_num')::int4", &[])
            .unwrap()
            .get(0);
        let schemas: Vec<String> = vec![
            "public".to_owned(),
            "app".to_owned(),
            "reporting".to_owned(),
        ];
        for (name, _) in QUERY_FILES {
            let sql = query_text(name, version).unwrap();
            let rows = if sql.contains("$1") {
                client.query(&sql, &[&schemas])
            } else {
                client.query(&sql, &[])
            }
            .unwrap_or_else(|e| panic!("{name}.sql on {}: {}", f.display(), error_chain(&e)));
            *found.get_mut(name).unwrap() += rows.len();
        }
    }
    let empty: Vec<&str> = found
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(q, _)| *q)
        .collect();
    assert!(
        empty.is_empty(),
        "queries that found nothing in any fixture: {empty:?}"
    );
}

#[test]
fn focused_fixtures_round_trip() {
    setup_roles();
    let mut failures = Vec::new();
    for f in sql_files(&fixtures_dir())
        .iter()
        .filter(|p| !p.ends_with("_roles.sql"))
    {
        let source = Source::read(f);
        let (_, mut client) = fresh_database("introspect_fixture");
        load(&mut client, &source.text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let diffs = round_trip(&mut client, std::slice::from_ref(&source));
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", f.display(), diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "round trip failed:\n{}",
        failures.join("\n")
    );
}

/// The analytics service's own schema, loaded in dependency order: externals, tables, views
/// (several passes, as views read views), materialized views, functions.
fn analytics_case() -> Result<(Vec<Source>, Vec<Vec<usize>>), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let mut sources = Vec::new();
    let mut groups = Vec::new();
    for dir in ["external", "tables", "views", "matviews", "functions"] {
        let mut group = Vec::new();
        for f in sql_files(&root.join(dir)) {
            let mut s = Source::read(&f);
            if dir == "external" {
                s.external_owner = s
                    .text
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("-- owner:"))
                    .map(|o| o.trim().to_owned());
            }
            group.push(sources.len());
            sources.push(s);
        }
        groups.push(group);
    }
    Ok((sources, groups))
}

/// Loads groups of files in order; inside a group, files that fail are retried after the
/// others until a pass makes no progress.
fn load_in_passes(
    client: &mut Client,
    sources: &[Source],
    groups: &[Vec<usize>],
) -> Result<(), String> {
    for group in groups {
        let mut pending: Vec<usize> = group.clone();
        while !pending.is_empty() {
            let mut failed = Vec::new();
            let mut last_error = String::new();
            for &i in &pending {
                let mut tx = client.transaction().map_err(|e| error_chain(&e))?;
                match tx.batch_execute(&sources[i].text) {
                    Ok(()) => tx.commit().map_err(|e| error_chain(&e))?,
                    Err(e) => {
                        last_error = error_chain(&e);
                        failed.push(i);
                    }
                }
            }
            if failed.len() == pending.len() {
                return Err(last_error);
            }
            pending = failed;
        }
    }
    Ok(())
}

/// One round-trip case of a corpus.
struct Case {
    corpus: &'static str,
    name: String,
    sources: Vec<Source>,
    /// Load order when it is not simply the sources in order.
    groups: Option<Vec<Vec<usize>>>,
}

fn corpus_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (sources, groups) = analytics_case().expect("schema/");
    cases.push(Case {
        corpus: "analytics schema/",
        name: "schema".to_owned(),
        sources,
        groups: Some(groups),
    });
    let parse = corpus_dir().join("parse");
    for f in sql_files(&parse.join("chinook"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("_nodb.sql"))
    {
        cases.push(Case {
            corpus: "chinook",
            name: f.display().to_string(),
            sources: vec![Source::read(&f)],
            groups: None,
        });
    }
    let f = parse.join("northwind/northwind.sql");
    cases.push(Case {
        corpus: "northwind",
        name: f.display().to_string(),
        sources: vec![Source::read(&f)],
        groups: None,
    });
    let f = parse.join("danbooru/structure.sql");
    cases.push(Case {
        corpus: "danbooru",
        name: f.display().to_string(),
        sources: vec![Source::read(&f)],
        groups: None,
    });
    for dir in sorted_dirs(&corpus_dir().join("diff/sqldef")) {
        if let Ok(text) = std::fs::read_to_string(dir.join("desired.sql")) {
            cases.push(Case {
                corpus: "sqldef desired.sql",
                name: dir.display().to_string(),
                sources: vec![Source::own(text)],
                groups: None,
            });
        }
    }
    for dir in sorted_dirs(&corpus_dir().join("diff/pg-schema-diff")) {
        if let Ok(text) = std::fs::read_to_string(dir.join("new.sql")) {
            cases.push(Case {
                corpus: "pg-schema-diff new.sql",
                name: dir.display().to_string(),
                sources: vec![Source::own(text)],
                groups: None,
            });
        }
    }
    cases
}

enum Outcome {
    Skipped(String),
    Passed,
    Failed(Vec<String>),
}

/// Time spent per phase over all cases, in milliseconds: creating databases, loading,
/// reading back and comparing.
static PHASE_MS: [std::sync::atomic::AtomicU64; 3] = [
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
];

fn add_phase(i: usize, since: std::time::Instant) -> std::time::Instant {
    let ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
    PHASE_MS[i].fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
    std::time::Instant::now()
}

fn run_case(case: &Case) -> Outcome {
    if case.sources.iter().all(|s| s.text.trim().is_empty()) {
        return Outcome::Skipped("empty".to_owned());
    }
    let t = std::time::Instant::now();
    let (name, mut client) = fresh_database("introspect_corpus");
    let t = add_phase(0, t);
    let loaded = match &case.groups {
        Some(groups) => load_in_passes(&mut client, &case.sources, groups),
        None => case
            .sources
            .iter()
            .try_for_each(|s| load(&mut client, &s.text)),
    };
    let t = add_phase(1, t);
    let outcome = match loaded {
        Err(e) => Outcome::Skipped(e),
        Ok(()) => {
            client.batch_execute("RESET ALL").ok();
            let diffs = round_trip(&mut client, &case.sources);
            if diffs.is_empty() {
                Outcome::Passed
            } else {
                Outcome::Failed(diffs)
            }
        }
    };
    add_phase(2, t);
    drop(client);
    let _ = cluster().drop_database(&name);
    outcome
}

/// A short reason for a difference: a statement the catalog does not model, or the object
/// kind and what differs ([`common::difference_reason`]).
fn reason(diff: &str) -> String {
    if diff.lines().next().unwrap_or("").contains("not modelled") {
        return "statement not modelled by the catalog".to_owned();
    }
    common::difference_reason(diff)
}

#[derive(Default)]
struct Tally {
    cases: usize,
    skipped: usize,
    passed: usize,
    failed: usize,
    reasons: BTreeMap<String, usize>,
}

/// The round trip over every corpus: pass counts per corpus are printed and a per-case report
/// is written to `target/introspect-corpus.txt`. The focused fixtures must all pass; corpus
/// cases are held to the floors below, so a regression fails the test.
#[test]
fn corpus_round_trip() {
    setup_roles();
    let started = std::time::Instant::now();
    let cases = corpus_cases();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, Outcome)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let outcome = run_case(case);
                    results.lock().unwrap().push((i, outcome));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut report = String::new();
    for (i, outcome) in &results {
        let case = &cases[*i];
        let t = tallies.entry(case.corpus).or_default();
        t.cases += 1;
        match outcome {
            Outcome::Skipped(why) => {
                t.skipped += 1;
                report.push_str(&format!(
                    "SKIP {}: {}\n",
                    case.name,
                    why.lines().next().unwrap_or("")
                ));
            }
            Outcome::Passed => t.passed += 1,
            Outcome::Failed(diffs) => {
                t.failed += 1;
                report.push_str(&format!("FAIL {}:\n  {}\n", case.name, diffs.join("\n  ")));
                let mut seen = std::collections::BTreeSet::new();
                for d in diffs {
                    if seen.insert(reason(d)) {
                        *t.reasons.entry(reason(d)).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut summary = String::from(
        "| corpus | cases | loaded | round trip passes | fails |\n|---|---|---|---|---|\n",
    );
    for (corpus, t) in &tallies {
        summary.push_str(&format!(
            "| {corpus} | {} | {} | {} | {} |\n",
            t.cases,
            t.cases - t.skipped,
            t.passed,
            t.failed
        ));
    }
    for (corpus, t) in &tallies {
        let mut reasons: Vec<(&String, &usize)> = t.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (r, n) in reasons.iter().take(8) {
            summary.push_str(&format!("  {corpus}: {n} case(s): {r}\n"));
        }
    }
    let ms = |i: usize| PHASE_MS[i].load(std::sync::atomic::Ordering::Relaxed);
    summary.push_str(&format!(
        "wall time {:.1} s on 2 workers (summed: create database {} s, load {} s, introspect and compare {} s)\n",
        started.elapsed().as_secs_f64(),
        ms(0) / 1000,
        ms(1) / 1000,
        ms(2) / 1000
    ));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/introspect-corpus.txt");
    std::fs::write(&out, format!("{summary}\n{report}")).ok();
    eprintln!("{summary}");
    println!("{summary}");
    let passed = |corpus: &str| tallies.get(corpus).map_or(0, |t| t.passed);
    // Floors at or a little under today's counts on PostgreSQL 15 (README.md, "Corpus
    // regression suites"): a regression in the loader, the queries or the normalisation fails.
    for (corpus, floor) in [
        ("analytics schema/", 1),
        ("chinook", 1),
        ("northwind", 1),
        ("danbooru", 1),
        ("sqldef desired.sql", 756),
        ("pg-schema-diff new.sql", 393),
    ] {
        assert!(
            passed(corpus) >= floor,
            "{corpus}: {} round trips pass, expected at least {floor}; see {}",
            passed(corpus),
            out.display()
        );
    }
}
