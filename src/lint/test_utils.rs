//! Helpers for rule tests: lint SQL with one rule and look at the findings or their rendering.

use crate::diagnostic::Diagnostic;
use crate::graph::DepGraph;
use crate::lint::settings::LintSettings;
use crate::loaded::Project;

use super::registry;

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
    super::lint_rules(&project, &graph, &settings, std::iter::once(def))
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
    let found = lint_one_rule(sql, rule);
    assert!(
        found.is_empty(),
        "{rule} should not fire, found: {found:#?}"
    );
}

/// Rendered findings (plain text, fixed width) for snapshots; asserts there is at least one.
pub fn lint_errors(sql: &str, rule: &str) -> String {
    let project = Project::from_sql(sql, &[]);
    let found = lint_one_rule(sql, rule);
    assert!(!found.is_empty(), "{rule} should fire");
    crate::report::human::render_plain(&project.sources, &found)
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
        let (schema, externals) = super::fixture::split_externals(sql);
        let externals: Vec<(&str, &str)> = externals
            .iter()
            .map(|(o, s)| (o.as_str(), s.as_str()))
            .collect();
        let live = super::fixture::split_live(sql).1;
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
