//! The corpus round trip for `schema-plan` (`shared/corpus/README.md`, "The round-trip
//! protocol"): for every case of `diff/sqldef` and `diff/pg-schema-diff`,
//!
//! 1. database X is loaded with the current state, database Y with the desired one (or the
//!    case's `expected_db.sql`); a case where either side does not load on this server, or
//!    that expects an error, is counted as "does not load" and skipped;
//! 2. the desired files are loaded with [`Project`], planned against X and applied to X the
//!    way `schema-apply` does (transactional steps in one transaction, then the others);
//! 3. X and Y are read back and compared catalog-wise (column order may differ);
//! 4. X is planned again: the plan must be empty.
//!
//! The per-case report and the grouped failure reasons go to `target/plan-corpus.txt`; the
//! pass counts are held to floors so a regression fails the test. Plans are made as
//! `schema-plan` makes them against a database: the desired definitions are first elaborated
//! on the target (`schema_tool::elaborate`). A re-plan that still only restates definitions
//! PostgreSQL prints back in another spelling is classified "print-back that elaboration does
//! not settle".

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::Client;
use schema_tool::catalog::Catalog;
use schema_tool::catalog::names::quote_ident;
use schema_tool::catalog::normalize::normalize;
use schema_tool::elaborate::{ElaborateOptions, elaborate};
use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::loaded::Project;
use schema_tool::plan::{Plan, PlanOptions, plan};

use common::{
    apply_plan, cluster, compare_maps, corpus_dir, describe, error_chain, setup_corpus_roles,
    sorted_dirs,
};

const DEFAULT_SCHEMA: &str = "public";

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn meta(dir: &Path) -> serde_json::Value {
    read(&dir.join("meta.json"))
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// One (current, desired) pair.
struct Case {
    corpus: &'static str,
    name: String,
    current: String,
    /// The desired state the tool plans to.
    desired: String,
    /// What database Y is loaded with (the desired state, or the case's `expected_db.sql`).
    expected: String,
    /// Why the case is not run (it expects an error), if so.
    expects_error: bool,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for dir in sorted_dirs(&corpus_dir().join("diff/sqldef")) {
        let Some(desired) = read(&dir.join("desired.sql")) else {
            continue;
        };
        let m = meta(&dir);
        out.push(Case {
            corpus: "sqldef",
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            current: read(&dir.join("current.sql")).unwrap_or_default(),
            expected: desired.clone(),
            desired,
            expects_error: dir.join("error.txt").exists() || m["kind"] == "error",
        });
    }
    for dir in sorted_dirs(&corpus_dir().join("diff/pg-schema-diff")) {
        let Some(desired) = read(&dir.join("new.sql")) else {
            continue;
        };
        let m = meta(&dir);
        out.push(Case {
            corpus: "pg-schema-diff",
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            current: read(&dir.join("old.sql")).unwrap_or_default(),
            expected: read(&dir.join("expected_db.sql")).unwrap_or_else(|| desired.clone()),
            desired,
            expects_error: m.get("expectedPlanErrorIs").is_some()
                || m.get("expectedPlanErrorContains").is_some(),
        });
    }
    out
}

// ----- databases ---------------------------------------------------------------------------

/// Makes a used database empty again, as a fresh one from `template1` is: every extension but
/// `plpgsql` and every schema are dropped, `public` is created as PostgreSQL 15 creates it.
/// Much cheaper than `DROP DATABASE` and `CREATE DATABASE` (about 0.25 s a pair here).
const CLEAN: &str = r#"DO $clean$ DECLARE r record; BEGIN
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
             AND nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%' LOOP
    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', r.nspname);
  END LOOP;
END $clean$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';"#;

/// Statements whose effects outlive the schemas [`CLEAN`] drops: a case using one gets
/// databases of its own.
const LASTING: [&str; 10] = [
    "DEFAULT PRIVILEGES",
    "ALTER DATABASE",
    "EVENT TRIGGER",
    "PUBLICATION",
    "SUBSCRIPTION",
    "CREATE CAST",
    "LANGUAGE",
    "ACCESS METHOD",
    "FOREIGN DATA WRAPPER",
    "SERVER",
];

/// The two databases (X and Y) of one worker, emptied after each case and made anew when
/// a case may leave something behind that emptying does not remove.
struct Databases {
    admin: Client,
    worker: usize,
    made: usize,
    slots: [Option<(String, Client)>; 2],
}

impl Databases {
    fn new(worker: usize) -> Self {
        Databases {
            admin: cluster().connect("postgres").expect("admin connection"),
            worker,
            made: 0,
            slots: [None, None],
        }
    }

    /// A fresh empty database and a connection to it. `FILE_COPY` copies the template's
    /// files instead of WAL-logging every page: faster on PostgreSQL 15.
    fn create(&mut self) -> (String, Client) {
        self.made += 1;
        let name = format!("plan_corpus_{}_{}", self.worker, self.made);
        self.admin
            .batch_execute(&format!(
                "CREATE DATABASE {} STRATEGY FILE_COPY",
                quote_ident(&name)
            ))
            .unwrap_or_else(|e| panic!("create {name}: {}", error_chain(&e)));
        let client = cluster()
            .connect(&name)
            .unwrap_or_else(|e| panic!("connect {name}: {}", error_chain(&e)));
        (name, client)
    }

    /// The empty database of slot `i` (0: X, 1: Y).
    fn take(&mut self, i: usize) -> (String, Client) {
        let (name, mut client) = self.slots[i].take().unwrap_or_else(|| self.create());
        client
            .batch_execute("SET statement_timeout = '60s'")
            .expect("statement_timeout");
        (name, client)
    }

    /// Gives a used database back: emptied for the next case, or dropped when `lasting`
    /// or when emptying fails.
    fn give_back(&mut self, i: usize, name: String, mut client: Client, lasting: bool) {
        let cleaned = !lasting
            && client.batch_execute("DISCARD ALL").is_ok()
            && client.batch_execute(CLEAN).is_ok();
        if cleaned {
            self.slots[i] = Some((name, client));
            return;
        }
        drop(client);
        let _ = self.admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&name)
        ));
    }
}

// ----- one case ----------------------------------------------------------------------------

/// Time spent per phase over all cases, in milliseconds: databases, loading, introspection,
/// planning, applying.
static PHASE_MS: [std::sync::atomic::AtomicU64; 5] = [
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
];

/// Adds the time since `since` to phase `i` and starts the next measurement.
fn lap(i: usize, since: &mut std::time::Instant) {
    let ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
    PHASE_MS[i].fetch_add(ms, Ordering::Relaxed);
    *since = std::time::Instant::now();
}

enum Outcome {
    /// Does not load on one side, or expects an error.
    Skipped(String),
    Passed,
    /// A short reason (for grouping) and the details.
    Failed(String, String),
}

fn live(client: &mut Client) -> Result<Catalog, String> {
    introspect(client, &IntrospectOptions::default()).map_err(|e| error_chain(&e))
}

/// The desired catalog as `schema-plan` plans it against a database: definitions that differ
/// from the live ones only in how PostgreSQL prints them settled on the target.
fn elaborated(client: &mut Client, desired: &Catalog, live: &Catalog) -> Catalog {
    let mut out = desired.clone();
    // A failed elaboration leaves definitions unsettled: the re-plan shows them.
    let _ = elaborate(client, &mut out, live, &ElaborateOptions::default());
    out
}

/// A message with names and literals blanked, so failures group by what went wrong.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in message.chars() {
        match quote {
            Some(q) if ch == q => {
                quote = None;
                out.push(ch);
            }
            Some(_) => {}
            None => {
                if ch == '"' || ch == '\'' {
                    quote = Some(ch);
                    out.push(ch);
                    out.push('…');
                } else {
                    out.push(ch);
                }
            }
        }
    }
    out.split(" at character").next().unwrap_or(&out).to_owned()
}

/// Whether a re-planned step only restates a definition that PostgreSQL prints back in
/// another spelling (`pg_get_viewdef`, `IN` → `= ANY (ARRAY[…])`, added casts): what
/// elaboration on the target is meant to settle.
fn print_back_only(sql: &str) -> bool {
    sql.starts_with("CREATE OR REPLACE VIEW")
        || sql.starts_with("ALTER POLICY")
        || sql.contains(" SET EXPRESSION AS ")
        || sql.starts_with("DROP MATERIALIZED VIEW")
        || sql.starts_with("CREATE MATERIALIZED VIEW")
        || (sql.starts_with("ALTER DOMAIN")
            && (sql.contains(" DROP CONSTRAINT ") || sql.contains(" CHECK (")))
        || (sql.starts_with("ALTER TABLE")
            && (sql.contains(" SET DEFAULT ")
                || sql.contains(" DROP CONSTRAINT ")
                || sql.contains(" VALIDATE CONSTRAINT ")
                || sql.contains(" CHECK (")))
}

/// Whether a re-plan consists of print-back differences only: each step restates a definition
/// (index rebuilds included: the new index is built beside the old one and swapped in).
fn print_back_plan(p: &Plan) -> bool {
    let rebuilt: BTreeSet<&str> = p
        .steps
        .iter()
        .filter(|s| s.sql.starts_with("CREATE INDEX") || s.sql.starts_with("CREATE UNIQUE INDEX"))
        .flat_map(|s| s.objects.iter().map(String::as_str))
        .collect();
    p.steps.iter().all(|s| {
        print_back_only(&s.sql)
            || s.objects.iter().all(|o| rebuilt.contains(o.as_str()))
                && (s.sql.starts_with("CREATE")
                    || s.sql.starts_with("DROP INDEX")
                    || s.sql.starts_with("ALTER INDEX"))
    })
}

/// The first words of a statement (`ALTER TABLE … SET DEFAULT`), for grouping.
fn statement_kind(sql: &str) -> String {
    let first = sql.lines().next().unwrap_or("");
    let words: Vec<&str> = first.split_whitespace().collect();
    let verb: Vec<&str> = words
        .iter()
        .take_while(|w| !w.starts_with('"') && !w.contains('.'))
        .take(4)
        .copied()
        .collect();
    let action: Vec<&str> = words
        .iter()
        .skip_while(|w| !w.starts_with('"') && !w.contains('.'))
        .skip(1)
        .take_while(|w| !w.starts_with('"') && !w.starts_with('('))
        .take(3)
        .copied()
        .collect();
    format!("{} … {}", verb.join(" "), action.join(" "))
        .trim_end_matches(" … ")
        .to_owned()
}

/// Catalog equality of two live databases, after normalisation; columns by name.
fn differences(x: &Catalog, y: &Catalog) -> Vec<String> {
    let prepare = |c: &Catalog| {
        let mut c = c.clone();
        normalize(&mut c, DEFAULT_SCHEMA);
        for t in c.tables.values_mut() {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        c
    };
    let (x, y) = (prepare(x), prepare(y));
    let mut out = Vec::new();
    compare_maps(
        "schema",
        &x.schemas,
        &y.schemas,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "table",
        &x.tables,
        &y.tables,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "view",
        &x.views,
        &y.views,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "materialized view",
        &x.materialized_views,
        &y.materialized_views,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "index",
        &x.indexes,
        &y.indexes,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "function",
        &x.functions,
        &y.functions,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "trigger",
        &x.triggers,
        &y.triggers,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "policy",
        &x.policies,
        &y.policies,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "sequence",
        &x.sequences,
        &y.sequences,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "type",
        &x.types,
        &y.types,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    compare_maps(
        "extension",
        &x.extensions,
        &y.extensions,
        ("X (planned)", "Y (desired)"),
        &mut out,
    );
    out
}

/// The first reason of a plan error, without the object it is about.
fn plan_error_reason(stage: &str, e: &schema_tool::plan::PlanError) -> String {
    let text = e.to_string();
    let first = text
        .trim_start_matches("cannot plan: ")
        .split("; ")
        .next()
        .unwrap_or("")
        .to_owned();
    let what = first.split_once(": ").map_or(first.as_str(), |(_, r)| r);
    let what = what.split(" (").next().unwrap_or(what);
    format!("{stage}: {}", shape(what))
}

fn run_case(dbs: &mut Databases, case: &Case) -> Outcome {
    if case.expects_error {
        return Outcome::Skipped("expects an error".to_owned());
    }
    let mut t = std::time::Instant::now();
    let (xname, mut x) = dbs.take(0);
    let (yname, mut y) = dbs.take(1);
    lap(0, &mut t);
    let outcome = run_loaded(&mut x, &mut y, case, &mut t);
    let upper = format!("{}\n{}", case.current, case.expected).to_uppercase();
    let lasting = LASTING.iter().any(|l| upper.contains(l));
    dbs.give_back(0, xname, x, lasting);
    dbs.give_back(1, yname, y, lasting);
    lap(0, &mut t);
    outcome
}

fn run_loaded(x: &mut Client, y: &mut Client, case: &Case, t: &mut std::time::Instant) -> Outcome {
    if let Err(e) = x.batch_execute(&case.current) {
        return Outcome::Skipped(format!("current does not load: {}", error_chain(&e)));
    }
    if let Err(e) = y.batch_execute(&case.expected) {
        return Outcome::Skipped(format!("desired does not load: {}", error_chain(&e)));
    }
    lap(1, t);
    let fail = |reason: &str, details: String| Outcome::Failed(reason.to_owned(), details);
    let project = Project::from_sql(&case.desired, &[]);
    if let Some(d) = project
        .diagnostics
        .iter()
        .find(|d| d.rule == schema_tool::parse::SYNTAX_ERROR)
    {
        return fail("desired does not parse", d.message.clone());
    }
    let desired = project.catalog;
    let before = match live(x) {
        Ok(c) => c,
        Err(e) => return fail("introspection failed", e),
    };
    lap(2, t);
    let first = match plan(
        &before,
        &elaborated(x, &desired, &before),
        &PlanOptions::default(),
    ) {
        Ok(p) => p,
        Err(e) => return fail(&plan_error_reason("plan error", &e), e.to_string()),
    };
    lap(3, t);
    let applied = apply_plan(x, &first);
    lap(4, t);
    if let Err(e) = applied {
        let head = e.lines().next().unwrap_or("").to_owned();
        return fail(
            &format!("apply failed: {}", shape(&head)),
            format!("{e}\n  plan:\n{}", describe(&first)),
        );
    }
    let (after, expected) = match (live(x), live(y)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail("introspection failed", e),
    };
    lap(2, t);
    let diffs = differences(&after, &expected);
    let settled = elaborated(x, &desired, &after);
    let again = match plan(&after, &settled, &PlanOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            return fail(&plan_error_reason("re-plan error", &e), e.to_string());
        }
    };
    lap(3, t);
    if !diffs.is_empty() {
        let mut reasons: Vec<String> = diffs.iter().map(|d| common::difference_reason(d)).collect();
        reasons.dedup();
        return fail(
            &format!("differs from Y: {}", reasons[0]),
            format!(
                "{}\n  plan:\n{}\n  re-plan:\n{}",
                diffs.join("\n  "),
                describe(&first),
                describe(&again)
            ),
        );
    }
    if !again.steps.is_empty() {
        // Planning X against Y's own catalog compares two catalogs PostgreSQL printed: a step
        // there is the diff's fault, never a spelling of the desired files.
        let against_y = plan(&after, &expected, &PlanOptions::default())
            .map(|p| p.steps.first().map(|s| statement_kind(&s.sql)))
            .unwrap_or_else(|e| Some(e.to_string()));
        let reason = if let Some(kind) = against_y {
            format!("re-plan against Y itself not empty: {kind}")
        } else if print_back_plan(&again) {
            "re-plan not empty: print-back that elaboration does not settle".to_owned()
        } else {
            let kind = again
                .steps
                .iter()
                .find(|s| !print_back_only(&s.sql))
                .map(|s| statement_kind(&s.sql))
                .unwrap_or_default();
            format!("re-plan not empty: {kind}")
        };
        let changes = schema_tool::diff::diff(&after, &settled, &Default::default()).changes;
        let changes: Vec<String> = changes.iter().take(3).map(|c| format!("{c:?}")).collect();
        return fail(
            &reason,
            format!(
                "  plan:\n{}\n  re-plan:\n{}\n  changes: {}",
                describe(&first),
                describe(&again),
                changes.join("\n    ")
            ),
        );
    }
    Outcome::Passed
}

// ----- the test ----------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    cases: usize,
    skipped: usize,
    passed: usize,
    failed: usize,
    reasons: BTreeMap<String, usize>,
}

/// Runs the round trip over both corpora on two workers, writes `target/plan-corpus.txt`
/// and holds each corpus to a floor of passes. `PLAN_CORPUS_ONLY=a|b` runs only the cases
/// whose name contains `a` or `b`.
#[test]
fn corpus_plan_round_trip() {
    setup_corpus_roles("");
    let started = std::time::Instant::now();
    let cases = cases();
    let only = std::env::var("PLAN_CORPUS_ONLY").ok();
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, Outcome)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (next, results, cases, only) = (&next, &results, &cases, &only);
            std::thread::Builder::new()
                .stack_size(64 * 1024 * 1024)
                .spawn_scoped(scope, move || {
                    let mut dbs = Databases::new(worker);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        if only
                            .as_ref()
                            .is_some_and(|o| !o.split('|').any(|o| case.name.contains(o)))
                        {
                            continue;
                        }
                        let outcome = run_case(&mut dbs, case);
                        results.lock().unwrap().push((i, outcome));
                    }
                })
                .expect("worker thread");
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
                    "SKIP {}/{}: {}\n",
                    case.corpus,
                    case.name,
                    why.lines().next().unwrap_or("")
                ));
            }
            Outcome::Passed => {
                t.passed += 1;
                report.push_str(&format!("PASS {}/{}\n", case.corpus, case.name));
            }
            Outcome::Failed(reason, details) => {
                t.failed += 1;
                *t.reasons.entry(reason.clone()).or_default() += 1;
                report.push_str(&format!(
                    "FAIL {}/{}: {reason}\n  {details}\n",
                    case.corpus, case.name
                ));
            }
        }
    }
    let mut summary = String::from(
        "| corpus | cases | both sides load | pass | fail | pass rate |\n|---|---|---|---|---|---|\n",
    );
    for (corpus, t) in &tallies {
        let loaded = t.cases - t.skipped;
        summary.push_str(&format!(
            "| {corpus} | {} | {loaded} | {} | {} | {:.1}% |\n",
            t.cases,
            t.passed,
            t.failed,
            100.0 * t.passed as f64 / loaded.max(1) as f64
        ));
    }
    summary.push_str("\nFailures by reason:\n");
    for (corpus, t) in &tallies {
        let mut reasons: Vec<(&String, &usize)> = t.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (r, n) in reasons {
            summary.push_str(&format!("  {corpus}: {n} case(s): {r}\n"));
        }
    }
    let ms = |i: usize| PHASE_MS[i].load(Ordering::Relaxed) / 1000;
    summary.push_str(&format!(
        "wall time {:.1} s on 2 workers (summed: databases {} s, load {} s, introspect {} s, plan and compare {} s, apply {} s)\n",
        started.elapsed().as_secs_f64(),
        ms(0),
        ms(1),
        ms(2),
        ms(3),
        ms(4)
    ));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plan-corpus.txt");
    std::fs::write(&out, format!("{summary}\n{report}")).ok();
    eprintln!("{summary}");
    if only.is_some() {
        return;
    }
    let passed = |corpus: &str| tallies.get(corpus).map_or(0, |t| t.passed);
    // Floors at or a little under today's counts on PostgreSQL 15 (README.md, "Corpus
    // regression suites"): a regression in the diff, the planner or the SQL fails the test.
    for (corpus, floor) in [("sqldef", 770), ("pg-schema-diff", 389)] {
        assert!(
            passed(corpus) >= floor,
            "{corpus}: {} round trips pass, expected at least {floor}; see {}",
            passed(corpus),
            out.display()
        );
    }
}
