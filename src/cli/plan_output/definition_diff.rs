//! Old and new text of the definitions a plan changes (views, materialized views, functions,
//! policies, CHECK and other constraints, defaults, generated columns, triggers, indexes), and
//! their unified diffs made with `similar`.
//!
//! The pairs come from the diff itself ([`crate::diff::diff`]), so they describe exactly the
//! changes the plan's steps carry out; each is keyed by the object name the plan's steps use.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::catalog::{Catalog, Expr};
use crate::diff::{Change, DiffOptions, ObjectRef, diff};

/// One changed definition: the text the target has and the text the desired state wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionChange {
    /// The object, named as in the plan's steps (`public.v`, `public.t.col`, `public.f(integer)`).
    pub object: String,
    /// What the text is (`view`, `function`, `default`, `check`, …).
    pub what: &'static str,
    /// Current text (laid out one clause per line when PostgreSQL printed it on one line).
    pub old: String,
    /// Desired text, laid out the same way.
    pub new: String,
}

/// The changed definitions between `current` and `desired`, in diff order.
pub fn changed_definitions(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> Vec<DefinitionChange> {
    let diff = diff(current, desired, opts);
    definitions_of(&diff.changes, &diff.renamed_current)
}

/// The changed definitions among `changes` (a [`crate::diff::Diff`]'s); `current` is the
/// target's catalog after the renames (the diff's `renamed_current`), since changes name
/// objects by their new names.
pub fn definitions_of(changes: &[Change], current: &Catalog) -> Vec<DefinitionChange> {
    let mut out: Vec<DefinitionChange> = changes
        .iter()
        .filter_map(|c| definition_change(c, current))
        .filter(|d| d.old != d.new)
        .collect();
    out.dedup_by(|a, b| a.object == b.object && a.what == b.what);
    out
}

fn expr_text(e: Option<&Expr>) -> String {
    e.map_or_else(String::new, |e| layout(e.sql()))
}

/// The (old, new) pair of one change, if it replaces a definition.
fn definition_change(change: &Change, current: &Catalog) -> Option<DefinitionChange> {
    let def = |object: String, what: &'static str, old: String, new: String| {
        Some(DefinitionChange {
            object,
            what,
            old,
            new,
        })
    };
    match change {
        Change::ReplaceView { view: v, .. } | Change::ReplaceMaterializedView(v) => {
            let old = current
                .views
                .get(&v.name)
                .or_else(|| current.materialized_views.get(&v.name))?;
            let what = if v.materialized {
                "materialized view"
            } else {
                "view"
            };
            def(
                v.name.to_string(),
                what,
                layout(&crate::ddl::view(old)),
                layout(&crate::ddl::view(v)),
            )
        }
        Change::ReplaceFunction(f) => {
            let target = ObjectRef::function(f);
            let old = current
                .functions
                .values()
                .find(|o| ObjectRef::function(o) == target)?;
            let what = if f.is_procedure {
                "procedure"
            } else {
                "function"
            };
            let ObjectRef::Function { name, args, .. } = &target else {
                return None;
            };
            def(
                format!("{name}({args})"),
                what,
                crate::ddl::function(old),
                crate::ddl::function(f),
            )
        }
        Change::AlterPolicy { table, name, .. } => {
            let old = current.policies.get(&(table.clone(), name.clone()))?;
            let mut new = old.clone();
            if let Change::AlterPolicy {
                roles,
                using,
                with_check,
                ..
            } = change
            {
                if let Some(r) = roles {
                    new.roles = r.clone();
                }
                if let Some(u) = using {
                    new.using = Some(u.clone());
                }
                if let Some(w) = with_check {
                    new.with_check = Some(w.clone());
                }
            }
            def(
                format!("{table}.{name}"),
                "policy",
                layout(&crate::ddl::policy(old)),
                layout(&crate::ddl::policy(&new)),
            )
        }
        Change::ReplacePolicy { from, to } => def(
            format!("{}.{}", to.table, to.name),
            "policy",
            layout(&crate::ddl::policy(from)),
            layout(&crate::ddl::policy(to)),
        ),
        Change::SetDefault {
            table,
            column,
            default,
        } => {
            let old = current.tables.get(table)?.column(column)?;
            def(
                format!("{table}.{column}"),
                "default",
                expr_text(old.default.as_ref()),
                expr_text(default.as_ref()),
            )
        }
        Change::SetGenerated {
            table,
            column,
            expr,
        } => {
            let old = current.tables.get(table)?.column(column)?;
            def(
                format!("{table}.{column}"),
                "generated column",
                expr_text(old.generated.as_ref()),
                expr_text(expr.as_ref()),
            )
        }
        Change::AddConstraint { table, constraint } => {
            let old = current
                .tables
                .get(table)?
                .constraints
                .get(&constraint.name)?;
            let what = match constraint.kind {
                crate::catalog::ConstraintKind::Check { .. } => "check",
                crate::catalog::ConstraintKind::ForeignKey { .. } => "foreign key",
                crate::catalog::ConstraintKind::PrimaryKey { .. } => "primary key",
                crate::catalog::ConstraintKind::Unique { .. } => "unique",
                crate::catalog::ConstraintKind::Exclude { .. } => "exclusion constraint",
            };
            // A constraint added NOT VALID (validated by a later step) is the same definition.
            let mut new = (**constraint).clone();
            new.not_valid = old.not_valid;
            def(
                format!("{table}.{}", constraint.name),
                what,
                layout(&crate::ddl::constraint_body(old)),
                layout(&crate::ddl::constraint_body(&new)),
            )
        }
        Change::CreateTrigger(t) => {
            let old = current.triggers.get(&(t.table.clone(), t.name.clone()))?;
            def(
                format!("{}.{}", t.table, t.name),
                "trigger",
                layout(&crate::ddl::trigger(old)),
                layout(&crate::ddl::trigger(t)),
            )
        }
        Change::ReplaceIndex { from, to } => def(
            to.name.to_string(),
            "index",
            layout(&crate::ddl::index(from)),
            layout(&crate::ddl::index(to)),
        ),
        _ => None,
    }
}

/// Clause keywords a one-line definition is broken before (at parenthesis depth 0 of the
/// statement, or right inside the parentheses of a subquery).
const BREAK_BEFORE: [&str; 14] = [
    " FROM ",
    " WHERE ",
    " LEFT JOIN ",
    " RIGHT JOIN ",
    " FULL JOIN ",
    " JOIN ",
    " GROUP BY ",
    " HAVING ",
    " ORDER BY ",
    " UNION ",
    " LIMIT ",
    " USING (",
    " WITH CHECK (",
    " EXECUTE FUNCTION ",
];

/// Lays a definition out one clause per line, so that a diff shows which clause changed.
/// Text that already spans several lines (a function body as written) is kept as it is, and
/// nothing inside quotes is touched.
pub fn layout(sql: &str) -> String {
    let trimmed = sql.trim_end();
    if trimmed.lines().count() > 2 {
        return format!("{trimmed}\n");
    }
    let mut out = String::with_capacity(trimmed.len() + 32);
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut i = 0;
    while i < trimmed.len() {
        let rest = &trimmed[i..];
        let Some(ch) = rest.chars().next() else {
            break;
        };
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
        } else {
            match ch {
                '\'' | '"' => quote = Some(ch),
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if ch == ' '
                && depth <= 1
                && let Some(k) = BREAK_BEFORE.iter().find(|k| rest.starts_with(**k))
            {
                out.push('\n');
                if depth == 1 {
                    out.push_str("  ");
                }
                i += 1;
                let _ = k;
                continue;
            }
            if ch == ',' && depth == 0 {
                out.push_str(",\n    ");
                i += 1;
                if trimmed[i..].starts_with(' ') {
                    i += 1;
                }
                continue;
            }
        }
        out.push(ch);
        i += ch.len_utf8();
    }
    out.push('\n');
    out
}

/// How diff lines are marked.
#[derive(Clone, Copy, Debug)]
pub struct DiffStyle {
    /// ANSI colours (red removed, green added, cyan hunk headers).
    pub color: bool,
    /// Prefix of every line (indentation).
    pub indent: &'static str,
}

/// A unified diff (`--- current`, `+++ desired`, hunks with 3 lines of context).
pub fn unified(d: &DefinitionChange, style: DiffStyle) -> String {
    let diff = TextDiff::from_lines(&d.old, &d.new);
    let mut out = String::new();
    let paint = |code: &str, line: &str| {
        if style.color {
            format!("{}\x1b[{code}m{line}\x1b[0m\n", style.indent)
        } else {
            format!("{}{line}\n", style.indent)
        }
    };
    out.push_str(&paint(
        "1",
        &format!("--- {} {} (current)", d.what, d.object),
    ));
    out.push_str(&paint(
        "1",
        &format!("+++ {} {} (desired)", d.what, d.object),
    ));
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        out.push_str(&paint(
            "36",
            &format!(
                "@@ -{},{} +{},{} @@",
                old.start + 1,
                old.len(),
                new.start + 1,
                new.len()
            ),
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches('\n');
                let (sign, code) = match change.tag() {
                    ChangeTag::Delete => ("-", "31"),
                    ChangeTag::Insert => ("+", "32"),
                    ChangeTag::Equal => (" ", ""),
                };
                let line = format!("{sign}{text}");
                if code.is_empty() {
                    let _ = writeln!(out, "{}{line}", style.indent);
                } else {
                    out.push_str(&paint(code, &line));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_breaks_clauses_outside_quotes() {
        let text = layout("SELECT a, b FROM t WHERE x = ' FROM ' ORDER BY a");
        assert_eq!(
            text,
            "SELECT a,\n    b\nFROM t\nWHERE x = ' FROM '\nORDER BY a\n"
        );
    }

    #[test]
    fn unified_diff_marks_changed_lines() {
        let d = DefinitionChange {
            object: "public.v".to_owned(),
            what: "view",
            old: layout("SELECT a FROM t WHERE a > 1"),
            new: layout("SELECT a FROM t WHERE a > 2"),
        };
        let text = unified(
            &d,
            DiffStyle {
                color: false,
                indent: "",
            },
        );
        assert!(text.contains("-WHERE a > 1\n+WHERE a > 2\n"), "{text}");
        assert!(text.starts_with("--- view public.v (current)\n"), "{text}");
    }
}
