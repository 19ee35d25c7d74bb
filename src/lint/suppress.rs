//! Inline suppressions: `-- schema-lint: ignore RULE[, RULE…] -- reason` in the comments right
//! above a statement silences those rules' findings on that statement.
//!
//! A suppression must give a reason, must name known rules and must silence something;
//! otherwise it is reported as `unused-suppression`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::loaded::Project;
use crate::source::Span;

use super::registry;

/// Rule name for suppressions that are stale, unknown or unexplained.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

/// One parsed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Rules it names.
    pub rules: Vec<String>,
    /// The reason after the second `--`, if any.
    pub reason: Option<String>,
    /// The comment's location.
    pub span: Span,
    /// The statement it applies to.
    pub target: Span,
}

/// Parses the suppression on one comment line, if it is one.
pub fn parse_line(line: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("schema-lint:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let (rules, reason) = match rest.split_once("--") {
        Some((r, why)) => (r, Some(why.trim().to_owned()).filter(|w| !w.is_empty())),
        None => (rest, None),
    };
    let rules: Vec<String> = rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    Some((rules, reason))
}

/// Every suppression in the project, attached to the statement that follows it.
pub fn collect(project: &Project) -> Vec<Suppression> {
    let mut out = Vec::new();
    for file in &project.files {
        let text = &project.sources.file(file.id).text;
        for stmt in &file.statements {
            let start = stmt.raw_start as usize;
            let end = stmt.span.start as usize;
            let Some(region) = text.get(start..end) else {
                continue;
            };
            let mut offset = start;
            for line in region.split_inclusive('\n') {
                if let Some((rules, reason)) = parse_line(line) {
                    let lead = line.len() - line.trim_start().len();
                    out.push(Suppression {
                        rules,
                        reason,
                        span: Span::new(file.id, offset + lead, offset + line.trim_end().len()),
                        target: stmt.span,
                    });
                }
                offset += line.len();
            }
        }
    }
    out
}

/// Drops suppressed findings and adds `unused-suppression` findings.
pub fn apply(project: &Project, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let suppressions = collect(project);
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut used = vec![false; suppressions.len()];
    let mut out: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| {
            let Some(span) = d.span else { return true };
            let hit = suppressions.iter().position(|s| {
                s.target.file == span.file
                    && span.start >= s.target.start
                    && span.start < s.target.end.max(s.target.start + 1)
                    && s.rules.iter().any(|r| r == d.rule)
            });
            if let Some(i) = hit {
                used[i] = true;
            }
            hit.is_none()
        })
        .collect();
    for (s, used) in suppressions.iter().zip(used) {
        let unknown: Vec<&String> = s
            .rules
            .iter()
            .filter(|r| registry::find(r).is_none())
            .collect();
        let message = if s.rules.is_empty() {
            Some("suppression names no rule".to_owned())
        } else if !unknown.is_empty() {
            Some(format!(
                "suppression names unknown rule{} {}",
                if unknown.len() > 1 { "s" } else { "" },
                unknown
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else if !used {
            Some(format!(
                "suppression of {} silences nothing on the statement below",
                s.rules.join(", ")
            ))
        } else if s.reason.is_none() {
            Some("suppression gives no reason: add `-- why` after the rule names".to_owned())
        } else {
            None
        };
        if let Some(message) = message {
            let level = registry::find(UNUSED_SUPPRESSION)
                .map_or(crate::lint::settings::Level::Warning, |r| r.default_level);
            if level != crate::lint::settings::Level::Off {
                out.push(Diagnostic::new(
                    UNUSED_SUPPRESSION,
                    Severity::Warning,
                    message,
                    Some(s.span),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reason() {
        assert_eq!(
            parse_line("-- schema-lint: ignore a-b, c-d -- shared data"),
            Some((
                vec!["a-b".to_owned(), "c-d".to_owned()],
                Some("shared data".to_owned())
            ))
        );
        assert_eq!(
            parse_line("  -- schema-lint: ignore x"),
            Some((vec!["x".to_owned()], None))
        );
        assert_eq!(parse_line("-- just a comment"), None);
    }
}
