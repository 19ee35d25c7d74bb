//! What a lint rule is: a name, a default level, documentation, and a check function.

use crate::lint::settings::Level;

use super::LintContext;

/// One lint rule.
///
/// The documentation is Markdown with the sections `## What it flags`, `## Why it matters`
/// and `## Example`; `sql,expect_diagnostic` blocks must trigger the rule and plain `sql`
/// blocks must not (checked by `tests/tidy.rs`). `schema-lint --explain NAME` prints it.
#[derive(Debug)]
pub struct RuleDef {
    /// Stable kebab-case name, read as "ignore NAME" in suppressions.
    pub name: &'static str,
    /// Level when `schema.toml` does not set one.
    pub default_level: Level,
    /// One line for `--list-rules`.
    pub summary: &'static str,
    /// Full documentation.
    pub docs: &'static str,
    /// The options `[rules.NAME]` in `schema.toml` accepts besides `level`; any other key is a
    /// configuration error. A rule reads only these (through [`LintContext::option_usize`] and
    /// [`LintContext::option_strings`], which check it in debug builds).
    ///
    /// [`LintContext::option_usize`]: super::LintContext::option_usize
    /// [`LintContext::option_strings`]: super::LintContext::option_strings
    pub options: &'static [&'static str],
    /// The check.
    pub check: fn(&mut LintContext<'_>),
}
