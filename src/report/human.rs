//! Human output: each finding as a miette report with the source snippet and a label at every
//! involved object. The only module that knows miette for lint output.

use std::io::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use super::{Summary, display_path, position};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Renders one finding.
fn render_one(handler: &GraphicalReportHandler, sources: &SourceMap, d: &Diagnostic) -> String {
    let mut md = MietteDiagnostic::new(d.message.clone())
        .with_code(d.rule)
        .with_severity(match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        });
    let mut notes = Vec::new();
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(LabeledSpan::new_primary_with_span(
            Some("here".to_owned()),
            (span.start as usize, span.len()),
        ));
        for l in &d.labels {
            if l.span.file == span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(l.message.clone()),
                    (l.span.start as usize, l.span.len()),
                ));
            } else {
                let p = position(sources, l.span);
                notes.push(format!("{}: {}:{}:{}", l.message, p.file, p.line, p.column));
            }
        }
    }
    md = md.with_labels(labels);
    let mut help = d.help.clone().unwrap_or_default();
    for n in notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&n);
    }
    if !help.is_empty() {
        md = md.with_help(help);
    }
    let report = match d.span {
        Some(span) => {
            let file = sources.file(span.file);
            Report::new(md).with_source_code(
                NamedSource::new(display_path(&file.path), file.text.clone()).with_language("sql"),
            )
        }
        None => Report::new(md),
    };
    let mut out = String::new();
    let _ = handler.render_report(&mut out, report.as_ref());
    out
}

fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(1)
}

/// Writes every finding and a summary line.
pub fn write(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    summary: Summary,
    color: bool,
) -> std::io::Result<()> {
    let h = handler(color, 110);
    for d in diagnostics {
        write!(out, "{}", render_one(&h, sources, d))?;
        writeln!(out)?;
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}, {} in {} ({} objects)",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.files, "file"),
        summary.objects
    )
}

/// Plain (no colour, fixed width) rendering for tests and snapshots.
pub fn render_plain(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let h = handler(false, 100);
    diagnostics
        .iter()
        .map(|d| render_one(&h, sources, d))
        .collect::<Vec<_>>()
        .join("\n")
}
