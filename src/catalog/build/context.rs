//! Where a statement came from (file, span, search path, external owner), and what its text
//! says around the tree: rename hints in comments, a node's span.

use pg_query::protobuf::{Node, RangeVar};

use crate::catalog::names::QualifiedName;
use crate::catalog::{Meta, SearchPath};
use crate::parse::nodes::strings;
use crate::source::{FileId, Span};

/// Where a statement came from.
#[derive(Clone)]
pub(super) struct Ctx<'a> {
    /// The file.
    pub(super) file: FileId,
    /// The file's text.
    pub(super) text: &'a str,
    /// The statement's span (leading comments trimmed).
    pub(super) span: Span,
    /// Where the statement's raw text (with leading comments) starts.
    pub(super) raw_start: usize,
    /// Offset to add to node locations to get file offsets.
    pub(super) base: usize,
    /// Schemas unqualified names resolve to (the first one creates).
    pub(super) search_path: SearchPath,
    /// The owning service when the file declares external tables.
    pub(super) external_owner: Option<&'a str>,
}

impl Ctx<'_> {
    /// The schema unqualified new objects go to.
    pub(super) fn schema(&self) -> &str {
        self.search_path.first().map_or("public", String::as_str)
    }

    /// A relation name, qualified with the current schema when written without one.
    pub(super) fn qualify(&self, rv: &RangeVar) -> QualifiedName {
        if rv.schemaname.is_empty() {
            QualifiedName::new(self.schema(), rv.relname.clone())
        } else {
            QualifiedName::new(rv.schemaname.clone(), rv.relname.clone())
        }
    }

    /// A dotted name list (`schema.name` or `name`), qualified likewise.
    pub(super) fn qualify_list(&self, names: &[Node]) -> QualifiedName {
        let parts = strings(names);
        match parts.as_slice() {
            [] => QualifiedName::new(self.schema(), ""),
            [one] => QualifiedName::new(self.schema(), one.clone()),
            [.., s, n] => QualifiedName::new(s.clone(), n.clone()),
        }
    }

    /// The statement's leading comments (between the previous statement and its keyword).
    pub(super) fn leading_comments(&self) -> &str {
        self.text
            .get(self.raw_start..self.span.start as usize)
            .unwrap_or("")
    }

    /// A new object's metadata: the statement's span and rename hint.
    pub(super) fn meta(&self) -> Meta {
        Meta {
            span: Some(self.span),
            renamed_from: rename_hint(self.leading_comments()),
            location_base: u32::try_from(self.base).unwrap_or(0),
            ..Meta::default()
        }
    }

    /// The statement's text.
    pub(super) fn statement_text(&self) -> &str {
        self.text
            .get(self.span.start as usize..self.span.end as usize)
            .unwrap_or("")
    }
}

/// `-- schema: renamed from old_name` in a statement's leading comments.
pub(super) fn rename_hint(comments: &str) -> Option<String> {
    comments.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("--")?.trim();
        let rest = rest.strip_prefix("schema:")?.trim();
        let old = rest.strip_prefix("renamed from")?.trim();
        let old = old.trim_end_matches(';').trim();
        (!old.is_empty()).then(|| old.trim_matches('"').to_owned())
    })
}

/// A rename hint in the comment lines right above a column definition (inside the statement:
/// only whitespace may precede the column on its own line).
pub(super) fn column_rename_hint(ctx: &Ctx<'_>, location: i32) -> Option<String> {
    let at = ctx.base + usize::try_from(location).ok()?;
    let before = ctx.text.get(ctx.span.start as usize..at)?;
    let mut lines = before.lines().rev();
    if !before.ends_with('\n') && !lines.next()?.trim().is_empty() {
        return None;
    }
    let comments: Vec<&str> = lines
        .take_while(|l| l.trim_start().starts_with("--"))
        .collect();
    rename_hint(&comments.join("\n"))
}

/// Span of a node inside the statement, from its pg_query `location`, running to the next
/// comma or line end (a column definition, a constraint).
pub(super) fn node_span(ctx: &Ctx<'_>, location: i32) -> Span {
    let Ok(loc) = usize::try_from(location) else {
        return ctx.span;
    };
    let stmt_end = ctx.span.end as usize;
    let start = (ctx.base + loc).clamp(ctx.span.start as usize, stmt_end);
    let end = ctx
        .text
        .get(start..stmt_end)
        .and_then(|rest| rest.find([',', '\n']))
        .map_or(stmt_end, |i| start + i);
    Span::new(ctx.file, start, end.max(start + 1).min(stmt_end))
}
