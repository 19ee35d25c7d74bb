//! Output formats for lint findings: human (miette), JSON, SARIF 2.1.0 and GitHub annotations.
//!
//! Findings carry byte spans; lines and columns are computed here, at the edge.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// Output format of `schema-lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels (miette); respects `NO_COLOR`.
    Human,
    /// The JSON document DESIGN.md specifies.
    Json,
    /// SARIF 2.1.0 for code-scanning uploaders.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Counts printed in summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Files read.
    pub files: usize,
    /// Objects in the catalog.
    pub objects: usize,
}

impl Summary {
    /// Counts findings by severity.
    pub fn new(diagnostics: &[Diagnostic], files: usize, objects: usize) -> Self {
        Summary {
            errors: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
            files,
            objects,
        }
    }
}

/// What a report may say about a rule that produces findings (SARIF lists every rule). The
/// caller takes it from its rule registry, so reporting does not depend on the linter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable rule name, as in [`Diagnostic::rule`].
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Full documentation (Markdown).
    pub docs: &'static str,
    /// Severity of its findings when no configuration sets one; `None` when it is off.
    pub default_severity: Option<Severity>,
}

/// Writes findings in a format; `rules` describes the rules that may have produced them.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    summary: Summary,
    rules: &[RuleInfo],
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(out, sources, diagnostics, summary, color),
        Format::Json => json::write(out, sources, diagnostics, summary),
        Format::Sarif => sarif::write(out, sources, diagnostics, rules),
        Format::Github => github::write(out, sources, diagnostics),
    }
}

/// A span's position for machine formats: path, 1-based line and column of start and end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// File path with `/` separators.
    pub file: String,
    /// Start line.
    pub line: usize,
    /// Start column (characters).
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column (exclusive, characters).
    pub end_column: usize,
}

/// Resolves a span to a position.
pub fn position(sources: &SourceMap, span: Span) -> Position {
    let file = sources.file(span.file);
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    Position {
        file: display_path(&file.path),
        line,
        column,
        end_line,
        end_column,
    }
}

/// A path as printed: relative paths as given, `./` removed, `/` separators.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map_or(s.clone(), str::to_owned)
}
