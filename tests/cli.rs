//! Runs the real `schema-lint` binary: the analytics schema, the schema as its migrations
//! documented it, every output format, and bad input with the exit codes DESIGN.md fixes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("schema-lint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = lint(&all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(&o)));
    (o.status.code().unwrap(), v)
}

/// 1-based line of the first line in `file` containing `needle`.
fn line_of(file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {file}")) as u64
        + 1
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

#[test]
fn the_analytics_schema_lints_clean() {
    let o = lint(&["schema"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_documented_schema_shows_the_four_known_defects_at_their_objects() {
    let (code, v) = json(&["fixtures/as-documented", "--external", "schema/external"]);
    assert_eq!(code, 1);
    let f001 = "fixtures/as-documented/001_analytics_baseline.sql";
    let f002 = "fixtures/as-documented/002_create_external_analytics_tables.sql";

    // 1. The view and the table named venue_analytics.
    let collision = findings(&v, "relation-name-collision");
    assert_eq!(collision.len(), 1);
    assert_eq!(collision[0]["objects"][0], "public.venue_analytics");
    let at = (
        collision[0]["file"].as_str().unwrap(),
        collision[0]["line"].as_u64().unwrap(),
    );
    assert!(
        at == (f001, line_of(f001, "CREATE VIEW public.venue_analytics"))
            || at == (f002, line_of(f002, "CREATE TABLE public.venue_analytics")),
        "{at:?}"
    );

    // 2. Policies of another shape than the majority, on the 002 tables.
    let policies = findings(&v, "inconsistent-tenant-policy");
    let mut on: Vec<&str> = policies
        .iter()
        .map(|d| d["objects"][0].as_str().unwrap())
        .collect();
    on.sort_unstable();
    assert_eq!(policies.len(), 2, "{policies:#?}");
    assert!(
        on[0].contains("event_analytics") && on[1].contains("venue_analytics"),
        "{on:?}"
    );
    for d in &policies {
        assert_eq!(d["file"], f002);
    }
    let venue = policies
        .iter()
        .find(|d| {
            d["objects"][0]
                .as_str()
                .unwrap()
                .contains("venue_analytics")
        })
        .unwrap();
    let message = venue["message"].as_str().unwrap();
    assert!(
        message.contains("venue_id") && message.contains("missing_ok"),
        "{message}"
    );

    // 3. The two tables without tenant_id.
    let tenant = findings(&v, "table-without-tenant-column");
    let mut tables: Vec<&str> = tenant
        .iter()
        .map(|d| d["objects"][0].as_str().unwrap())
        .collect();
    tables.sort_unstable();
    assert_eq!(tables, ["public.event_analytics", "public.venue_analytics"]);
    let event = tenant
        .iter()
        .find(|d| d["objects"][0] == "public.event_analytics")
        .unwrap();
    assert_eq!(
        event["line"].as_u64().unwrap(),
        line_of(f002, "CREATE TABLE public.event_analytics")
    );

    // 4. Heavy external dependencies: the view over five external tables of three services.
    let fanout = findings(&v, "external-dependency-fanout");
    assert!(
        fanout
            .iter()
            .any(|d| d["objects"][0] == "public.event_summary"),
        "{fanout:#?}"
    );

    // And what a careful review also finds.
    for rule in [
        "unguarded-current-setting",
        "policy-per-row-subquery",
        "redundant-index",
        "unindexed-foreign-key",
        "refresh-concurrently-without-unique-index",
        "security-definer-without-search-path",
        "view-bypasses-rls",
        "matview-exposes-tenant-data",
        "rls-not-forced",
    ] {
        assert!(
            !findings(&v, rule).is_empty(),
            "{rule} should fire on the documented schema"
        );
    }
    let refresh = findings(&v, "refresh-concurrently-without-unique-index");
    assert_eq!(refresh[0]["file"], f001);
    assert_eq!(
        refresh[0]["line"].as_u64().unwrap(),
        line_of(
            f001,
            "REFRESH MATERIALIZED VIEW CONCURRENTLY public.compliance_reporting_materialized"
        )
    );
}

#[test]
fn without_external_declarations_every_external_table_is_undeclared() {
    let empty = tempfile::NamedTempFile::new().unwrap();
    let (code, v) = json(&[
        "fixtures/as-documented",
        "--config",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let mut missing: Vec<String> = findings(&v, "undeclared-dependency")
        .iter()
        .filter_map(|d| d["objects"][1].as_str().map(str::to_owned))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for table in [
        "public.events",
        "public.venues",
        "public.tickets",
        "public.users",
        "public.audit_logs",
        "public.platform_fees",
    ] {
        assert!(
            missing
                .iter()
                .any(|m| m == table || m.starts_with(&format!("{table}."))),
            "{table} not reported: {missing:?}"
        );
    }
}

#[test]
fn json_has_the_documented_shape() {
    let (_, v) = json(&["fixtures/as-documented"]);
    let d = &v["diagnostics"][0];
    for key in [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "objects",
    ] {
        assert!(d.get(key).is_some(), "diagnostic lacks {key}: {d}");
    }
    for key in ["errors", "warnings", "files", "objects"] {
        assert!(v["summary"][key].is_u64(), "summary lacks {key}");
    }
    assert_eq!(v["summary"]["files"], 3);
}

#[test]
fn sarif_and_github_formats() {
    let o = lint(&["fixtures/as-documented", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "schema-lint");
    let result = &run["results"][0];
    assert!(result["ruleId"].is_string() && result["ruleIndex"].is_u64());
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert!(region["startLine"].as_u64().unwrap() >= 1);

    let o = lint(&["fixtures/as-documented", "--format", "github"]);
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=fixtures/as-documented/")
            || first.starts_with("::warning file=fixtures/as-documented/"),
        "{first}"
    );
    assert!(
        first.contains(",line=") && first.contains(",title="),
        "{first}"
    );
}

#[test]
fn human_output_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schema.sql"),
        "create table orders (id uuid primary key, tenant_id uuid not null);\nalter table orders enable row level security;\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .arg("schema.sql")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn suppressions_need_a_reason_and_must_be_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schema.sql"),
        "-- schema-lint: ignore table-without-tenant-column -- reference data shared by all tenants\n\
         create table currencies (code text primary key);\n\
         -- schema-lint: ignore table-without-primary-key\n\
         create table t (id int primary key, tenant_id uuid not null);\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .args(["schema.sql", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["unused-suppression"], "{v}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let o = lint(&["no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir does not exist"));

    let o = lint(&["--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));

    let o = lint(&["--explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no rule named `no-such-rule`"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "create table ok (id int primary key);\n\ncreate tabel bad (id int);\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("schema.toml"), "pathz = 1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .args(["a.sql", "--format", "json", "--config", "/dev/null"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "unparsable SQL is bad input");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let syntax = findings(&v, "syntax-error");
    assert_eq!(
        (syntax[0]["line"].as_u64(), syntax[0]["column"].as_u64()),
        (Some(3), Some(8))
    );

    let o = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .arg("a.sql")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "a malformed schema.toml is bad input"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid configuration"));
}

#[test]
fn explain_and_list_rules() {
    let o = lint(&["--explain", "relation-name-collision"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("## What it flags"));
    let o = lint(&["--list-rules"]);
    let out = stdout(&o);
    for rule in schema_tool::lint::registry::RULES {
        assert!(
            out.contains(rule.name),
            "{} missing from --list-rules",
            rule.name
        );
    }
}

/// Runs one of the binaries in `dir` (no database: each reads `schema.toml` first).
fn run_in(binary: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .expect("the binary runs")
}

#[test]
fn schema_toml_rule_mistakes_exit_2_naming_the_key_and_what_is_accepted() {
    let cases = [
        (
            "[rules]\nrls-not-forcd = \"error\"\n",
            "schema.toml: line 2, column 1: unknown rule `rls-not-forcd` in [rules]; \
             did you mean `rls-not-forced`? (`schema-lint --list-rules` lists the rules)",
        ),
        (
            "[rules.external-dependency-fanout]\nlevel = \"warning\"\nmax-table = 6\n",
            "schema.toml: line 3, column 1: unknown option `max-table` for rule \
             `external-dependency-fanout`, expected `level`, `max-tables`, `max-services`",
        ),
        (
            "[rules]\nrls-not-forced = \"fatal\"\n",
            "schema.toml: line 2, column 18: invalid level \"fatal\" for rule `rls-not-forced`, \
             expected error | warning | off",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "create table t (id int primary key);\n",
    )
    .unwrap();
    for (config, message) in cases {
        std::fs::write(dir.path().join("schema.toml"), config).unwrap();
        for (binary, args) in [
            (env!("CARGO_BIN_EXE_schema-lint"), &["a.sql"][..]),
            (
                env!("CARGO_BIN_EXE_schema-plan"),
                &["a.sql", "--from", "."][..],
            ),
            (
                env!("CARGO_BIN_EXE_schema-apply"),
                &["a.sql", "--dry-run"][..],
            ),
        ] {
            let o = run_in(binary, dir.path(), args);
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{binary} with {config:?}: {stderr}"
            );
            assert!(
                stderr.contains(message),
                "{binary} with {config:?}:\n{stderr}\nshould say:\n{message}"
            );
        }
    }
}

#[test]
fn a_correct_schema_toml_with_rule_levels_and_options_still_works() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.sql"),
        "create table audit_log (id int primary key);\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("schema.toml"),
        "[rules]\nrls-not-forced = \"off\"\nunused-suppression = \"warning\"\n\
         [rules.external-dependency-fanout]\nlevel = \"warning\"\nmax-tables = 6\nmax-services = 2\n\
         [rules.table-without-tenant-column]\nexempt = [\"audit_*\"]\n",
    )
    .unwrap();
    let o = run_in(
        env!("CARGO_BIN_EXE_schema-lint"),
        dir.path(),
        &["a.sql", "--format", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        findings(&v, "table-without-tenant-column").is_empty(),
        "the exempt option is applied: {v}"
    );
}

/// Minified SQL: one line of more than 65,535 characters with findings at both ends. miette
/// cannot draw a label past column 65,535 (the formatter's width limit), and its panic used to
/// lose every finding of that rendering worker while the summary still counted them.
#[test]
fn findings_at_the_end_of_a_very_long_line_are_all_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut sql = "create table early (v text);".to_owned();
    for i in 0..2_000 {
        sql.push_str(&format!(
            "create table t{i} (id int primary key, tenant_id uuid not null);"
        ));
    }
    sql.push_str("create table late (v text);");
    assert!(sql.len() > 70_000);
    std::fs::write(dir.path().join("long.sql"), &sql).unwrap();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_schema-lint"))
            .args(["long.sql", "--format", format])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let json: Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let expected = json["diagnostics"].as_array().unwrap();
    let late = expected
        .iter()
        .filter(|d| d["column"].as_u64() > Some(65_535));
    assert!(late.count() >= 2, "{json}");

    let o = run("human");
    let (out, err) = (stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for d in expected {
        let at = format!("long.sql:{}:{}", d["line"], d["column"]);
        let message = d["message"].as_str().unwrap();
        assert!(
            out.contains(&at) && out.contains(message),
            "{at} {message} missing from:\n{out}"
        );
    }
    // The snippet is a window of the line around the finding, not 70,000 characters.
    assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
}
