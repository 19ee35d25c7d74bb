//! The parser front end: one SQL file → statements with byte spans, via pg_query.
//!
//! The whole file is parsed in one call first (fast path). When PostgreSQL's parser rejects it,
//! the file is split into statements with pg_query's scanner and each piece is parsed on its
//! own, so every failing statement is reported at its own location and the rest of the file is
//! still read.

pub mod nodes;

use pg_query::NodeEnum;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Span, skip_trivia};

/// Rule name of diagnostics for statements PostgreSQL's parser rejects.
pub const SYNTAX_ERROR: &str = "syntax-error";

/// One parsed top-level statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The statement's parse tree.
    pub node: NodeEnum,
    /// The statement's text, leading comments and whitespace trimmed.
    pub span: Span,
    /// Byte offset where the statement's raw text (including leading comments) starts.
    pub raw_start: u32,
    /// Offset to add to node `location`s inside `node` to get file offsets (non-zero when the
    /// statement was parsed on its own, after the whole file failed).
    pub base: u32,
}

/// The statements of one file plus the problems found while parsing it.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Statements in file order.
    pub statements: Vec<Statement>,
    /// Syntax errors, one per failing statement.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never fails: rejected statements become diagnostics.
pub fn parse_file(file: FileId, text: &str) -> ParsedFile {
    let mut out = ParsedFile::default();
    if text.contains('\0') {
        out.diagnostics.push(Diagnostic::new(
            SYNTAX_ERROR,
            Severity::Error,
            "file contains a NUL byte and cannot be parsed as SQL",
            Some(Span::new(file, 0, 0)),
        ));
        return out;
    }
    match pg_query::parse(text, 0) {
        Ok(result) => push_statements(&mut out, file, text, 0, result.protobuf),
        Err(_) => parse_piecewise(&mut out, file, text),
    }
    out
}

fn push_statements(
    out: &mut ParsedFile,
    file: FileId,
    text: &str,
    base: usize,
    result: pg_query::protobuf::ParseResult,
) {
    let piece_len = text.len();
    // PostgreSQL's statement locations start at the first token, so a statement's leading
    // comments lie between the previous statement's end and its own start.
    let mut previous_end = 0;
    for raw in result.stmts {
        let start = usize::try_from(raw.stmt_location).unwrap_or(0);
        let end = match usize::try_from(raw.stmt_len).unwrap_or(0) {
            0 => piece_len,
            len => (start + len).min(piece_len),
        };
        let trimmed = skip_trivia(text, start, end);
        let raw_start = previous_end.min(start);
        previous_end = end;
        let Some(node) = raw.stmt.and_then(|n| n.node) else {
            continue;
        };
        out.statements.push(Statement {
            node,
            span: Span::new(file, base + trimmed, base + end),
            raw_start: u32::try_from(base + raw_start).unwrap_or(u32::MAX),
            base: u32::try_from(base).unwrap_or(u32::MAX),
        });
    }
}

fn parse_piecewise(out: &mut ParsedFile, file: FileId, text: &str) {
    let pieces = match pg_query::split_with_scanner(text) {
        Ok(pieces) => pieces
            .into_iter()
            .map(|p| (p.as_ptr() as usize - text.as_ptr() as usize, p.len()))
            .collect::<Vec<_>>(),
        Err(_) => naive_split(text),
    };
    for (offset, len) in pieces {
        let piece = &text[offset..offset + len];
        let lead = skip_trivia(piece, 0, piece.len());
        if lead == piece.len() {
            continue;
        }
        if piece[lead..].starts_with('\\') {
            report_meta_commands(out, file, text, offset, piece);
            continue;
        }
        match pg_query::parse(piece, 0) {
            Ok(result) => push_statements(out, file, piece, offset, result.protobuf),
            Err(err) => {
                let message = error_message(&err);
                let at = error_position(piece, &message).unwrap_or(lead);
                let end = piece.trim_end().len().max(at + 1).min(piece.len());
                out.diagnostics.push(
                    Diagnostic::new(
                        SYNTAX_ERROR,
                        Severity::Error,
                        message,
                        Some(Span::new(file, offset + at, offset + end)),
                    )
                    .with_help("PostgreSQL's parser rejects this statement; the rest of the file was still read"),
                );
            }
        }
    }
}

/// psql meta-commands (`\set`, `\gset`, `\i` …) are not SQL: each line is reported, and any SQL
/// after them in the same piece is parsed normally.
fn report_meta_commands(
    out: &mut ParsedFile,
    file: FileId,
    text: &str,
    offset: usize,
    piece: &str,
) {
    let mut sql_start = None;
    let mut pos = 0;
    for line in piece.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if sql_start.is_none() && trimmed.starts_with('\\') {
            let command = trimmed.split_whitespace().next().unwrap_or("\\");
            out.diagnostics.push(Diagnostic::new(
                SYNTAX_ERROR,
                Severity::Error,
                format!("psql meta-command `{command}` is not SQL and is skipped"),
                Some(Span::new(
                    file,
                    offset + pos + indent,
                    offset + pos + indent + command.len(),
                )),
            ));
        } else if sql_start.is_none() && !trimmed.is_empty() && !trimmed.starts_with("--") {
            sql_start = Some(pos);
        }
        pos += line.len();
    }
    // Recurse only on a strictly shorter text, so this always terminates.
    if let Some(start) = sql_start.filter(|&s| s > 0) {
        let rest = &text[offset + start..offset + piece.len()];
        let mut inner = parse_file(file, rest);
        for s in &mut inner.statements {
            s.span = shift(s.span, offset + start);
            s.raw_start += u32::try_from(offset + start).unwrap_or(0);
            s.base += u32::try_from(offset + start).unwrap_or(0);
        }
        for d in &mut inner.diagnostics {
            d.span = d.span.map(|sp| shift(sp, offset + start));
        }
        out.statements.extend(inner.statements);
        out.diagnostics.extend(inner.diagnostics);
    }
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.file, span.start as usize + by, span.end as usize + by)
}

/// Splits on semicolons outside quotes and comments; used only when the scanner itself fails
/// (for example on an unterminated string).
fn naive_split(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let (mut start, mut i) = (0, 0);
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'-' && bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            None if b == b';' => {
                pieces.push((start, i + 1 - start));
                start = i + 1;
            }
            None => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        pieces.push((start, bytes.len() - start));
    }
    pieces
}

fn error_message(err: &pg_query::Error) -> String {
    match err {
        pg_query::Error::Parse(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Finds where in a failing statement the parser gave up: the first token such that the text
/// up to and including it fails with the same message. pg_query does not expose the cursor
/// position, so this asks the parser again on prefixes (binary search over token ends).
fn error_position(piece: &str, message: &str) -> Option<usize> {
    let tokens = pg_query::scan(piece).ok()?.tokens;
    if tokens.is_empty() {
        return None;
    }
    let fails_same = |k: usize| -> bool {
        let end = usize::try_from(tokens[k].end).unwrap_or(0).min(piece.len());
        matches!(pg_query::parse(&piece[..end], 0), Err(e) if error_message(&e) == message)
    };
    let (mut lo, mut hi) = (0usize, tokens.len() - 1);
    if !fails_same(hi) {
        return None;
    }
    while lo < hi {
        let mid = usize::midpoint(lo, hi);
        if fails_same(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    usize::try_from(tokens[lo].start).ok()
}

/// Deparses an expression node back to SQL text (by wrapping it in `SELECT`).
pub fn deparse_expr(node: &pg_query::protobuf::Node) -> Option<String> {
    use pg_query::protobuf::{Node, RawStmt, ResTarget, SelectStmt};
    let select = SelectStmt {
        limit_option: pg_query::protobuf::LimitOption::Default as i32,
        op: pg_query::protobuf::SetOperation::SetopNone as i32,
        target_list: vec![Node {
            node: Some(NodeEnum::ResTarget(Box::new(ResTarget {
                val: Some(Box::new(node.clone())),
                ..Default::default()
            }))),
        }],
        ..Default::default()
    };
    let result = pg_query::protobuf::ParseResult {
        version: 180_000,
        stmts: vec![RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(NodeEnum::SelectStmt(Box::new(select))),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    let text = pg_query::deparse(&result, pg_query::DeparseOptions::default()).ok()?;
    text.strip_prefix("SELECT ").map(str::to_owned)
}

/// Deparses a whole statement node.
pub fn deparse_stmt(node: &NodeEnum) -> Option<String> {
    use pg_query::protobuf::{Node, RawStmt};
    let result = pg_query::protobuf::ParseResult {
        version: 180_000,
        stmts: vec![RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(node.clone()),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    pg_query::deparse(&result, pg_query::DeparseOptions::default()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_file_has_spans_on_keywords() {
        let text = "-- hello\ncreate table a (id int);\n\n  select 1";
        let p = parse_file(FileId(0), text);
        assert!(p.diagnostics.is_empty());
        assert_eq!(p.statements.len(), 2);
        let s = p.statements[0].span;
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "create table a (id int)"
        );
        let s = p.statements[1].span;
        assert_eq!(&text[s.start as usize..s.end as usize], "select 1");
    }

    #[test]
    fn each_bad_statement_is_reported_and_the_rest_read() {
        let text = "create table a (id int);\ncreate tabel b (id int);\ncreate table c (id int);\nselect from from;\n";
        let p = parse_file(FileId(0), text);
        assert_eq!(p.statements.len(), 2);
        assert_eq!(p.diagnostics.len(), 2);
        let d = &p.diagnostics[0];
        assert!(d.message.contains("tabel"), "{}", d.message);
        assert_eq!(&text[d.span.unwrap().start as usize..][..5], "tabel");
    }

    #[test]
    fn psql_meta_commands_after_comments_are_reported() {
        let p = parse_file(
            FileId(0),
            "select 1;\n-- set up\n\\set x 1\nselect :x;\nselect 2;\n",
        );
        assert_eq!(p.statements.len(), 2);
        assert!(p.diagnostics.iter().any(|d| d.message.contains("\\set")));
    }

    #[test]
    fn psql_meta_commands_are_reported() {
        let text = "\\set x 1\nselect 1;\n";
        let p = parse_file(FileId(0), text);
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("\\set"));
    }

    #[test]
    fn expressions_deparse() {
        let statement = nodes::first_statement("select coalesce(a, 1)::text");
        let NodeEnum::SelectStmt(s) = &statement else {
            panic!()
        };
        let NodeEnum::ResTarget(t) = s.target_list[0].node.as_ref().unwrap() else {
            panic!()
        };
        assert_eq!(
            deparse_expr(t.val.as_ref().unwrap()).unwrap(),
            "COALESCE(a, 1)::text"
        );
    }
}
