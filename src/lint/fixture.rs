//! Lint fixtures: `fixtures/lint/<rule>/<case>.sql` files that state what they expect.
//!
//! A fixture starts with `-- expect: <rule>` (the rule must fire) or `-- expect: none`. Lines
//! `-- external-file: <service>` start an external declaration file owned by that service; the
//! text before the first such line is the schema. A `-- live-database:` section holds SQL that
//! stands for what the live database contains (for `external-table-mismatch`).

use crate::diagnostic::Diagnostic;
use crate::loaded::Project;

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
        let found = super::test_utils::lint_one_rule_live(
            &self.schema,
            &externals,
            self.live.as_deref(),
            rule,
        );
        let project = Project::from_sql(&self.schema, &externals);
        let rendered = crate::report::human::render_plain(&project.sources, &found);
        (found, rendered)
    }
}
