//! `--format sarif`: a SARIF 2.1.0 log that code-scanning uploaders accept.

use std::io::Write;

use serde_json::{Value, json};

use super::{RuleInfo, position};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Builds the SARIF log; `rules` are listed in the tool's driver and findings point at theirs.
pub fn log(sources: &SourceMap, diagnostics: &[Diagnostic], rules: &[RuleInfo]) -> Value {
    let index_of = |name: &str| rules.iter().position(|r| r.name == name);
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": match r.default_severity {
                    Some(Severity::Error) => "error",
                    Some(Severity::Warning) => "warning",
                    Some(Severity::Info) => "note",
                    None => "none",
                }},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
                "message": {"text": match &d.help { Some(h) => format!("{}\nhelp: {h}", d.message), None => d.message.clone() }},
            });
            if let Some(i) = index_of(d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(span) = d.span {
                let p = position(sources, span);
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": p.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column},
                    },
                    "logicalLocations": d.objects.iter().map(|o| json!({"fullyQualifiedName": o})).collect::<Vec<_>>(),
                }]);
            }
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let p = position(sources, l.span);
                    json!({
                        "id": i,
                        "message": {"text": l.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": p.file, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column},
                        },
                    })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "schema-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Writes the SARIF log, pretty-printed.
pub fn write(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    rules: &[RuleInfo],
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(sources, diagnostics, rules))?;
    writeln!(out)
}
