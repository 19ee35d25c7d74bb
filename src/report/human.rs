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

    /// The part of a long line that a snippet shows around `span`, which lies on `line`: `None`
    /// when the line is short enough to show whole. miette cannot draw a label past column
    /// 65,535 (it panics on the formatter's width limit), and minified SQL puts a whole schema
    /// on one line: the snippet shows [`WINDOW`] bytes either side of the span instead, without
    /// context lines.
    fn window(&self, line: usize, span: &SourceSpan) -> Option<(usize, usize)> {
        let line_start = self.line_starts[line] as usize;
        let line_end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s as usize);
        if line_end - line_start <= LONG_LINE {
            return None;
        }
        let mut start = span.offset().saturating_sub(WINDOW).max(line_start);
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (span.offset() + span.len() + WINDOW).min(line_end);
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        Some((start, end))
    }

    /// The text from `start` to `end`, shown as `count` lines from 0-based `line`.
    fn contents(
        &self,
        start: usize,
        end: usize,
        line: usize,
        count: usize,
    ) -> Box<dyn SpanContents<'_> + '_> {
        let column = start - self.line_starts[line] as usize;
        Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[start..end],
                (start, end - start).into(),
                line,
                column,
                count,
            )
            .with_language("sql"),
        )
    }
}

/// Lines longer than this (in bytes) are shown as a window around each finding.
const LONG_LINE: usize = 1_000;

/// Bytes of a long line shown either side of a finding's span.
const WINDOW: usize = 60;

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
        if context_lines_before > 0 && first_line == last_line {
            if let Some((start, end)) = self.window(first_line, span) {
                return Ok(self.contents(start, end, first_line, 1));
            }
        }
        let from = first_line.saturating_sub(context_lines_before);
        let to = (last_line + context_lines_after).min(self.line_starts.len() - 1);
        // Without context, miette asks where the span itself starts (for the `file:line:col`
        // header): start at the span, with its column; otherwise at the first context line.
        let start = if context_lines_before == 0 {
            span.offset()
        } else {
            self.line_starts[from] as usize
        };
        // Like miette's own reader, a context line ends after its line break.
        let end = self
            .line_starts
            .get(to + 1)
            .map_or(self.text.len(), |&s| s as usize)
            .max(start)
            .max(span.offset() + span.len());
        Ok(self.contents(start, end, from, to + 1))
    }
}

/// Labels further than this many lines from the primary span are listed as `file:line:col`
/// notes: in one snippet, miette would print every line between them.
const NEAR_LINES: usize = 12;

/// Renders one finding.
fn render_one(handler: &GraphicalReportHandler, sources: &SourceMap, d: &Diagnostic) -> String {
    render_guarded(handler, sources, d, &mut Vec::new())
}

/// Renders one finding; when miette fails or panics on it (a bug, here or there), falls back
/// to [`render_fallback`] rather than lose it.
fn render_guarded(
    handler: &GraphicalReportHandler,
    sources: &SourceMap,
    d: &Diagnostic,
    cache: &mut Vec<Option<IndexedSource>>,
) -> String {
    let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render_with(handler, sources, d, cache)
    }));
    match drawn {
        Ok(Ok(text)) => text,
        Ok(Err(why)) => render_fallback(sources, d, &why),
        Err(panic) => render_fallback(sources, d, &panic_message(panic.as_ref())),
    }
}

/// The message a panic carried (`panic!` with a literal or with formatting), or a placeholder.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// A finding as plain `file:line:col: severity[rule]: message` lines, for when its snippet
/// cannot be drawn; says why, since that is a bug.
fn render_fallback(sources: &SourceMap, d: &Diagnostic, why: &str) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let mut out = match d.span {
        Some(span) => {
            let p = position(sources, span);
            format!("{}:{}:{}: ", p.file, p.line, p.column)
        }
        None => String::new(),
    };
    out.push_str(&format!("{severity}[{}]: {}\n", d.rule, d.message));
    for l in &d.labels {
        let p = position(sources, l.span);
        out.push_str(&format!(
            "  {}: {}:{}:{}\n",
            l.message, p.file, p.line, p.column
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out.push_str(&format!(
        "  (internal error, this is a bug: the snippet could not be drawn: {why})\n"
    ));
    out
}

/// Renders one finding, reusing the shared sources built so far; `Err` says why miette could not.
fn render_with(
    handler: &GraphicalReportHandler,
    sources: &SourceMap,
    d: &Diagnostic,
    cache: &mut Vec<Option<IndexedSource>>,
) -> Result<String, String> {
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
    handler
        .render_report(&mut out, report.as_ref())
        .map_err(|_| "miette could not render it".to_owned())?;
    Ok(out)
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
                        .map(|d| render_guarded(&h, sources, d, &mut cache))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Each finding is guarded; should a worker still die, its findings are drawn plainly.
        handles
            .into_iter()
            .zip(diagnostics.chunks(chunk))
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|panic| {
                    let why = panic_message(panic.as_ref());
                    part.iter()
                        .map(|d| render_fallback(sources, d, &why))
                        .collect()
                })
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// Two labels 70,000 bytes apart on one line: miette draws them in one snippet, the second
    /// past column 65,535, and panics; the finding is still printed, plainly.
    #[test]
    fn a_snippet_miette_cannot_draw_is_printed_plainly() {
        let mut sources = SourceMap::new();
        let text = format!("select 1;{}select 2;", " ".repeat(70_000));
        let file = sources.add("long.sql", text.clone());
        let d = Diagnostic::new(
            "some-rule",
            Severity::Error,
            "a finding",
            Some(Span::new(file, 0, 8)),
        )
        .with_label(Span::new(file, text.len() - 9, text.len() - 1), "and there");
        let out = render_plain(&sources, &[d]);
        assert!(
            out.starts_with(
                "long.sql:1:1: error[some-rule]: a finding\n  and there: long.sql:1:70010\n"
            ),
            "{out}"
        );
        assert!(out.contains("this is a bug"), "{out}");
    }

    #[test]
    fn a_window_of_a_long_line_starts_and_ends_on_characters() {
        let mut sources = SourceMap::new();
        let text = format!("{}create table late (v text);", "é".repeat(1_000));
        let file = sources.add("long.sql", text.clone());
        let source = IndexedSource::new(&sources, file);
        let at = text.find("late").unwrap();
        let (start, end) = source.window(0, &(at, 4).into()).unwrap();
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        assert!(start < at && end == text.len());
    }
}
