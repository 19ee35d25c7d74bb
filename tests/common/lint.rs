//! Helpers for lint tests: lint SQL with one rule and look at the findings or their rendering,
//! run a rule's documentation examples, and read the fixtures `fixtures/lint/<rule>/<case>.sql`.
//!
//! Test code, never part of the library: the integration tests (`tests/tidy.rs`,
//! `tests/lint_fixtures.rs`) use it as `common::lint`, and the library's unit tests include
//! this same file as `crate::lint::test_utils` (which is why it names the crate `schema_tool`).
//!
//! A fixture starts with `-- expect: <rule>` (the rule must fire) or `-- expect: none`. Lines
//! `-- external-file: <service>` start an external declaration file owned by that service; the
//! text before the first such line is the schema. A `-- live-database:` section holds SQL that
//! stands for what the live database contains (for `external-table-mismatch`).
#![allow(
    dead_code,
    reason = "the unit tests and each test binary use a different part of it"
)]

use schema_tool::diagnostic::Diagnostic;
use schema_tool::graph::DepGraph;
use schema_tool::lint::registry;
use schema_tool::lint::settings::LintSettings;
use schema_tool::loaded::Project;

/// Findings of one rule on SQL (plus optional external declarations as `(owner, sql)`).
pub fn lint_one_rule_with(sql: &str, externals: &[(&str, &str)], rule: &str) -> Vec<Diagnostic> {
    lint_one_rule_live(sql, externals, None, rule)
}

/// Like [`lint_one_rule_with`], with `live` SQL standing for the live database's catalog.
pub fn lint_one_rule_live(
    sql: &str,
    externals: &[(&str, &str)],
    live: Option<&str>,
    rule: &str,
) -> Vec<Diagnostic> {
    let project = Project::from_sql(sql, externals);
    let graph = DepGraph::build(&project.catalog);
    let settings = LintSettings {
        live: live.map(|sql| std::sync::Arc::new(Project::from_sql(sql, &[]).catalog)),
        ..LintSettings::default()
    };
    let def = registry::find(rule).unwrap_or_else(|| panic!("no rule named {rule}"));
    schema_tool::lint::lint_rules(&project, &graph, &settings, std::iter::once(def))
        .into_iter()
        .filter(|d| d.rule == rule)
        .collect()
}

/// Findings of one rule on SQL.
pub fn lint_one_rule(sql: &str, rule: &str) -> Vec<Diagnostic> {
    lint_one_rule_with(sql, &[], rule)
}

/// Asserts the rule finds nothing.
pub fn lint_ok(sql: &str, rule: &str) {
    lint_ok_with(sql, &[], rule);
}

/// Asserts the rule finds nothing in SQL plus external declarations `(owner, sql)`.
pub fn lint_ok_with(sql: &str, externals: &[(&str, &str)], rule: &str) {
    let found = lint_one_rule_with(sql, externals, rule);
    assert!(
        found.is_empty(),
        "{rule} should not fire, found: {found:#?}"
    );
}

/// The text a finding points at in the SQL it was found in (panics when it has no span).
pub fn span_text<'s>(sql: &'s str, finding: &Diagnostic) -> &'s str {
    let span = finding
        .span
        .unwrap_or_else(|| panic!("finding has no span: {finding:#?}"));
    &sql[span.start as usize..span.end as usize]
}

/// Rendered findings (plain text, fixed width) for snapshots; asserts there is at least one.
pub fn lint_errors(sql: &str, rule: &str) -> String {
    let project = Project::from_sql(sql, &[]);
    let found = lint_one_rule(sql, rule);
    assert!(!found.is_empty(), "{rule} should fire");
    schema_tool::report::human::render_plain(&project.sources, &found)
}

/// Runs the SQL examples of a rule's documentation: every `sql,expect_diagnostic` block must
/// make the rule fire and every plain `sql` block must not. Returns how many blocks ran.
pub fn assert_doc_examples(rule: &str) -> usize {
    let def = registry::find(rule).unwrap_or_else(|| panic!("no rule named {rule}"));
    let mut ran = 0;
    let mut rest = def.docs;
    while let Some(start) = rest.find("```sql") {
        let after = &rest[start + "```sql".len()..];
        let (info, body) = after.split_once('\n').unwrap_or((after, ""));
        let end = body.find("```").unwrap_or(body.len());
        let sql = &body[..end];
        let expect = match info.trim() {
            "" => false,
            ",expect_diagnostic" => true,
            other => panic!("{rule}: unknown example kind `sql{other}`"),
        };
        let (schema, externals) = split_externals(sql);
        let externals: Vec<(&str, &str)> = externals
            .iter()
            .map(|(o, s)| (o.as_str(), s.as_str()))
            .collect();
        let live = split_live(sql).1;
        let found = lint_one_rule_live(&schema, &externals, live, rule);
        assert_eq!(
            !found.is_empty(),
            expect,
            "{rule}: documentation example disagrees with the rule:\n{sql}\nfound: {found:#?}"
        );
        ran += 1;
        rest = &body[end..];
        rest = rest.get(3..).unwrap_or("");
    }
    ran
}

/// A parsed fixture.
#[derive(Debug)]
pub struct Fixture {
    /// Whether the rule must fire.
    pub expect_findings: bool,
    /// The schema SQL.
    pub schema: String,
    /// External files as (owner, SQL).
    pub externals: Vec<(String, String)>,
    /// What the live database holds, when the fixture says (`-- live-database:` section).
    pub live: Option<String>,
}

/// Splits off a `-- live-database:` section: SQL standing for what a live database holds
/// (for rules that compare the schema with the database).
pub fn split_live(text: &str) -> (&str, Option<&str>) {
    match text.split_once("-- live-database:") {
        Some((before, live)) => (before, Some(live)),
        None => (text, None),
    }
}

/// Splits SQL at `-- external-file: <service>` lines into the schema and external files
/// `(service, sql)`; each external file gets its `-- owner:` line.
pub fn split_externals(text: &str) -> (String, Vec<(String, String)>) {
    let (text, _) = split_live(text);
    let mut parts = text.split("-- external-file:");
    let schema = parts.next().unwrap_or_default().to_owned();
    let externals = parts
        .map(|p| {
            let (owner, sql) = p.split_once('\n').unwrap_or((p, ""));
            (
                owner.trim().to_owned(),
                format!("-- owner: {}\n{sql}", owner.trim()),
            )
        })
        .collect();
    (schema, externals)
}

impl Fixture {
    /// Parses a fixture's text; `None` when the header is missing or malformed.
    pub fn parse(text: &str, rule: &str) -> Option<Fixture> {
        let header = text.lines().next()?.trim();
        let expect = header.strip_prefix("-- expect:")?.trim();
        let expect_findings = match expect {
            "none" => false,
            r if r == rule => true,
            _ => return None,
        };
        let (schema, externals) = split_externals(text);
        let live = split_live(text).1.map(str::to_owned);
        Some(Fixture {
            expect_findings,
            schema,
            externals,
            live,
        })
    }

    /// Lints the fixture with one rule; returns the findings and their plain rendering.
    pub fn run(&self, rule: &str) -> (Vec<Diagnostic>, String) {
        let externals: Vec<(&str, &str)> = self
            .externals
            .iter()
            .map(|(o, s)| (o.as_str(), s.as_str()))
            .collect();
        let found = lint_one_rule_live(&self.schema, &externals, self.live.as_deref(), rule);
        let project = Project::from_sql(&self.schema, &externals);
        let rendered = schema_tool::report::human::render_plain(&project.sources, &found);
        (found, rendered)
    }
}
