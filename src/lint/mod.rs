//! The linter: runs every enabled rule over the catalog and the dependency graph.
//!
//! Rules are plain functions registered in [`registry::RULES`]; each reports findings through
//! a [`LintContext`]. Levels come from `schema.toml`, suppressions from comments in the SQL.

pub mod registry;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod suppress;
/// Test helpers shared with the integration tests (`tests/common/lint.rs`): one file, so the
/// unit tests of the rules and the fixture and documentation tests lint the same way.
#[cfg(test)]
#[path = "../../tests/common/lint.rs"]
pub(crate) mod test_utils;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Index, QualifiedName, Table};
use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::DepGraph;
use crate::lint::settings::{Level, LintSettings, RuleOptions};
use crate::loaded::Project;
use crate::source::Span;

pub use rule::RuleDef;

/// What a rule sees, and where it reports.
pub struct LintContext<'a> {
    /// The project (sources and statements).
    pub project: &'a Project,
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The dependency graph.
    pub graph: &'a DepGraph,
    /// Tenant settings and every rule's options.
    pub settings: &'a LintSettings,
    indexes_by_table: &'a BTreeMap<&'a QualifiedName, Vec<&'a Index>>,
    rule: &'static RuleDef,
    options: RuleOptions,
    severity: Severity,
    out: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    /// Indexes on one table or materialized view, in name order (grouped once per run:
    /// `Catalog::indexes_on` scans every index).
    pub fn indexes_on(&self, relation: &QualifiedName) -> &'a [&'a Index] {
        self.indexes_by_table
            .get(relation)
            .map_or(&[], Vec::as_slice)
    }

    /// Reports a finding of the running rule and returns it for labels, help and objects.
    pub fn report(&mut self, span: Option<Span>, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic::new(
            self.rule.name,
            self.severity,
            message,
            span,
        ));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// The project's own tables, in name order (declared external tables are not among them).
    /// The iterator does not borrow the context, so a rule can report while it walks them.
    pub fn tables(&self) -> impl Iterator<Item = &'a Table> + use<'a> {
        self.catalog.tables.values()
    }

    /// Reports a finding about a table's row-level security at the statement that enabled it
    /// (the table's declaration when the declaration did), labelling the declaration when the
    /// two differ.
    pub fn report_row_security(
        &mut self,
        table: &Table,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = self.report(table.rls_span.or(table.meta.span), message);
        if table.rls_span.is_some() {
            d.label(
                table.meta.span,
                format!("table {} declared here", table.name),
            );
        }
        d
    }

    /// An integer option of the running rule from `schema.toml`, `default` when not set. The
    /// key must be one of the rule's declared [`RuleDef::options`].
    pub fn option_usize(&self, key: &str, default: usize) -> usize {
        self.debug_assert_declared(key);
        self.options.usize(key, default)
    }

    /// A list-of-strings option of the running rule from `schema.toml`, empty when not set.
    /// The key must be one of the rule's declared [`RuleDef::options`].
    pub fn option_strings(&self, key: &str) -> Vec<String> {
        self.debug_assert_declared(key);
        self.options.strings(key)
    }

    /// An option read but not declared would be rejected in `schema.toml`: caught by the
    /// rule's tests.
    fn debug_assert_declared(&self, key: &str) {
        debug_assert!(
            self.rule.options.contains(&key),
            "rule {} reads option `{key}` but does not declare it in RuleDef::options",
            self.rule.name
        );
    }

    /// The tenant column name (`tenant_id` by default).
    pub fn tenant_column(&self) -> &str {
        &self.settings.tenant.column
    }

    /// The tenant setting name (`app.current_tenant` by default).
    pub fn tenant_setting(&self) -> &str {
        &self.settings.tenant.setting
    }
}

/// The level a rule runs at after configuration.
pub fn effective_level(rule: &RuleDef, settings: &LintSettings) -> Level {
    settings.rule(rule.name).level.unwrap_or(rule.default_level)
}

/// Runs the loader's findings and every enabled rule, applies suppressions and sorts.
pub fn lint(project: &Project, graph: &DepGraph, settings: &LintSettings) -> Vec<Diagnostic> {
    lint_rules(project, graph, settings, registry::RULES.iter().copied())
}

/// Like [`lint`], restricted to the given rules (loader findings are always kept).
pub fn lint_rules(
    project: &Project,
    graph: &DepGraph,
    settings: &LintSettings,
    rules: impl Iterator<Item = &'static RuleDef>,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = project
        .diagnostics
        .iter()
        .filter_map(|d| {
            let level = registry::loader_rule(d.rule)
                .map_or(Some(Level::Error), |r| Some(effective_level(r, settings)))?;
            let mut d = d.clone();
            d.severity = match level {
                Level::Off => return None,
                Level::Warning => Severity::Warning,
                Level::Error => d.severity.max(Severity::Warning),
            };
            if level == Level::Error
                && registry::loader_rule(d.rule).is_some_and(|r| r.default_level != Level::Error)
            {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect();
    let mut indexes_by_table: BTreeMap<&QualifiedName, Vec<&Index>> = BTreeMap::new();
    for index in project.catalog.indexes.values() {
        indexes_by_table
            .entry(&index.table)
            .or_default()
            .push(index);
    }
    let run = |rule: &'static RuleDef| -> Vec<Diagnostic> {
        let severity = match effective_level(rule, settings) {
            Level::Off => return Vec::new(),
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        };
        let mut ctx = LintContext {
            project,
            catalog: &project.catalog,
            graph,
            settings,
            indexes_by_table: &indexes_by_table,
            rule,
            options: settings.rule(rule.name),
            severity,
            out: Vec::new(),
        };
        (rule.check)(&mut ctx);
        ctx.out
    };
    // Rules are independent: spread them over the cores (the findings are sorted below, so
    // the output does not depend on which thread ran what).
    let rules: Vec<&'static RuleDef> = rules.collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, rules.len().max(1));
    let run = &run;
    let rules = &rules;
    let found: Vec<Vec<Diagnostic>> = std::thread::scope(|scope| {
        let share = move |t: usize| -> Vec<Diagnostic> {
            rules
                .iter()
                .skip(t)
                .step_by(threads)
                .flat_map(|r| run(r))
                .collect()
        };
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let spawned = std::thread::Builder::new()
                    .stack_size(crate::stack::DEEP_STACK)
                    .spawn_scoped(scope, move || share(t));
                (t, spawned)
            })
            .collect();
        handles
            .into_iter()
            .map(|(t, h)| match h {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: run this share here rather than skip it.
                Err(_) => share(t),
            })
            .collect()
    });
    for mut f in found {
        out.append(&mut f);
    }
    let mut out = suppress::apply(project, out);
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup();
    out
}
