//! `--format github`: one GitHub Actions workflow command per finding.

use std::io::Write;

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Escapes a property value of a workflow command.
fn escape_property(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escapes a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Writes `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message` lines.
pub fn write(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        match d.span.map(|s| position(sources, s)) {
            Some(p) => writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&p.file),
                p.line,
                p.column,
                p.end_line,
                p.end_column,
                escape_property(d.rule),
                escape_data(&message)
            )?,
            None => writeln!(
                out,
                "::{level} title={}::{}",
                escape_property(d.rule),
                escape_data(&message)
            )?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
    }
}
