//! Human output: each finding as a miette report with the source snippet and a label at every
//! involved object. The only module that knows miette for lint output.

use std::io::Write;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, Report, SourceCode, SourceSpan, SpanContents,
};

use super::{Summary, display_path, position};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// A file for miette that shares its text and finds lines with the line index: miette's own
/// `SourceCode` for strings scans from the top of the file for every snippet, which made
/// thousands of findings in one large file quadratic.
#[derive(Clone)]
struct IndexedSource {
    name: String,
    text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl IndexedSource {
    fn new(sources: &SourceMap, id: crate::source::FileId) -> Self {
        let file = sources.file(id);
        IndexedSource {
            name: display_path(&file.path),
            text: Arc::from(file.text.as_str()),
            line_starts: Arc::from(file.line_starts()),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = self.line_of(span.offset());
        let last_line = self.line_of(
            (span.offset() + span.len())
                .saturating_sub(1)
                .max(span.offset()),
        );
        let from = first_line.saturating_sub(context_lines_before);
        let to = (last_line + context_lines_after).min(self.line_starts.len() - 1);
        // Without context, miette asks where the span itself starts (for the `file:line:col`
        // header): start at the span, with its column; otherwise at the first context line.
        let (start, column) = if context_lines_before == 0 {
            (
                span.offset(),
                span.offset() - self.line_starts[first_line] as usize,
            )
        } else {
            (self.line_starts[from] as usize, 0)
        };
        // Like miette's own reader, a context line ends after its line break.
        let end = self
            .line_starts
            .get(to + 1)
            .map_or(self.text.len(), |&s| s as usize)
            .max(start)
            .max(span.offset() + span.len());
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[start..end],
                (start, end - start).into(),
                from,
                column,
                to + 1,
            )
            .with_language("sql"),
        ))
    }
}

/// Labels further than this many lines from the primary span are listed as `file:line:col`
/// notes: in one snippet, miette would print every line between them.
const NEAR_LINES: usize = 12;

/// Renders one finding.
fn render_one(handler: &GraphicalReportHandler, sources: &SourceMap, d: &Diagnostic) -> String {
    render_with(handler, sources, d, &mut Vec::new())
}

/// Renders one finding, reusing the shared sources built so far.
fn render_with(
    handler: &GraphicalReportHandler,
    sources: &SourceMap,
    d: &Diagnostic,
    cache: &mut Vec<Option<IndexedSource>>,
) -> String {
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
        let file = sources.file(span.file);
        let near = |l: &crate::diagnostic::Label| {
            l.span.file == span.file
                && file
                    .line_index(l.span.start)
                    .abs_diff(file.line_index(span.start))
                    <= NEAR_LINES
        };
        for l in &d.labels {
            if near(l) {
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
            let i = span.file.0 as usize;
            if cache.len() <= i {
                cache.resize(i + 1, None);
            }
            let source = cache[i]
                .get_or_insert_with(|| IndexedSource::new(sources, span.file))
                .clone();
            Report::new(md).with_source_code(source)
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
    // Rendering a snippet costs about half a millisecond: spread many findings over the cores,
    // keeping their order.
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    let chunk = diagnostics.len().div_ceil(threads).max(64);
    let rendered: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = diagnostics
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let h = handler(color, 110);
                    let mut cache = Vec::new();
                    part.iter()
                        .map(|d| render_with(&h, sources, d, &mut cache))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for text in rendered {
        write!(out, "{text}")?;
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
