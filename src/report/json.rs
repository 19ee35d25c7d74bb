//! `--format json`: `{"diagnostics":[…],"summary":{…}}` exactly as DESIGN.md specifies.

use std::io::Write;

use serde::Serialize;

use super::{Summary, position};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    objects: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

/// Writes the JSON document (one line, then a newline).
pub fn write(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    summary: Summary,
) -> std::io::Result<()> {
    let doc = Document {
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let pos = d.span.map(|s| position(sources, s));
                JsonDiagnostic {
                    rule: d.rule,
                    severity: d.severity.as_str(),
                    message: &d.message,
                    file: pos.as_ref().map(|p| p.file.clone()),
                    line: pos.as_ref().map(|p| p.line),
                    column: pos.as_ref().map(|p| p.column),
                    end_line: pos.as_ref().map(|p| p.end_line),
                    end_column: pos.as_ref().map(|p| p.end_column),
                    objects: &d.objects,
                    help: d.help.as_deref(),
                }
            })
            .collect(),
        summary,
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}
