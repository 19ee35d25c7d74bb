//! What PostgreSQL does to stored queries and expressions when what they name is renamed: it
//! follows relations and columns by number, so a view's query reads the new relation name and a
//! CHECK, index, policy or trigger condition reads the new column name. The diff does the same
//! to the current side, so a rename alone never rebuilds or restates its dependents.

use pg_query::NodeRef;

use crate::catalog::names::quote_ident;
use crate::catalog::{Expr, QualifiedName};
use crate::ddl::qualified;

/// The schema an unqualified relation name resolves to on both sides of a diff (the
/// normalisation leaves the default schema out).
const DEFAULT_SCHEMA: &str = "public";

/// `query` with every reference to relation `old` replaced by `new`, or `None` when it has
/// none (or its text cannot be read again, which leaves it as it was).
pub(super) fn rename_relation(
    query: &Expr,
    old: &QualifiedName,
    new: &QualifiedName,
) -> Option<Expr> {
    let text = query.sql();
    let parsed = pg_query::parse(text, 0).ok()?;
    let nodes = parsed.protobuf.nodes();
    let tokens = pg_query::scan(text).ok()?.tokens;
    let span = |i: usize| -> Option<(usize, usize)> {
        let t = tokens.get(i)?;
        Some((usize::try_from(t.start).ok()?, usize::try_from(t.end).ok()?))
    };
    let token_at = |start: i32| tokens.iter().position(|t| t.start == start);
    // (first token, last token, replacement) of every name to rewrite.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (n, ..) in &nodes {
        if let NodeRef::RangeVar(rv) = n
            && rv.relname == old.name
            && (rv.schemaname == old.schema
                || rv.schemaname.is_empty() && old.schema == DEFAULT_SCHEMA)
        {
            let first = token_at(rv.location)?;
            // The name as written: `name`, `schema.name` or `catalog.schema.name`.
            let mut last = first;
            while let (Some(dot), Some(_)) = (span(last + 1), span(last + 2)) {
                if text.get(dot.0..dot.1) != Some(".") {
                    break;
                }
                last += 2;
            }
            let replacement = if last > first || new.schema != old.schema {
                qualified(new)
            } else {
                quote_ident(&new.name)
            };
            edits.push((first, last, replacement));
        }
    }
    if edits.is_empty() {
        return None;
    }
    // Columns qualified by the relation's own name (`venue_analytics.venue_id`, as
    // pg_get_viewdef prints them) follow it too.
    for (n, ..) in &nodes {
        let NodeRef::ColumnRef(c) = n else { continue };
        let names = field_names(c);
        let qualifier = match names.as_slice() {
            [Some(r), _] if *r == old.name => 0,
            [Some(s), Some(r), _] if *r == old.name && *s == old.schema => 2,
            _ => continue,
        };
        let first = token_at(c.location)? + qualifier;
        edits.push((first, first, quote_ident(&new.name)));
    }
    let out = apply_edits(text, &tokens, edits)?;
    let stmt = pg_query::parse(&out, 0)
        .ok()?
        .protobuf
        .stmts
        .into_iter()
        .next()?
        .stmt?
        .node?;
    Some(Expr::from_enum(stmt))
}

/// `expr`, an expression over one table (a CHECK, an index key or predicate, a generated
/// column, a policy or trigger condition), with column `old` renamed `new`; bare or qualified
/// by one of `qualifiers` (the table's name, `new`/`old` in a trigger). `None` when it does
/// not name the column, or holds a subquery (where a bare name may be another table's).
pub(super) fn rename_column(
    expr: &Expr,
    qualifiers: &[&str],
    old: &str,
    new: &str,
) -> Option<Expr> {
    let text = format!("SELECT {}", expr.sql());
    let parsed = pg_query::parse(&text, 0).ok()?;
    let nodes = parsed.protobuf.nodes();
    if nodes.iter().any(|(n, ..)| matches!(n, NodeRef::SubLink(_))) {
        return None;
    }
    let tokens = pg_query::scan(&text).ok()?.tokens;
    let token_at = |start: i32| tokens.iter().position(|t| t.start == start);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (n, ..) in &nodes {
        let NodeRef::ColumnRef(c) = n else { continue };
        let names = field_names(c);
        let offset = match names.as_slice() {
            [Some(c)] if *c == old => 0,
            [Some(q), Some(c)] if *c == old && qualifiers.contains(q) => 2,
            _ => continue,
        };
        let at = token_at(c.location)? + offset;
        edits.push((at, at, quote_ident(new)));
    }
    if edits.is_empty() {
        return None;
    }
    let out = apply_edits(&text, &tokens, edits)?;
    crate::catalog::expr::parse_expr(out.strip_prefix("SELECT ")?)
}

/// The parts of a column reference (`None` for `*`).
fn field_names(c: &pg_query::protobuf::ColumnRef) -> Vec<Option<&str>> {
    c.fields
        .iter()
        .map(|f| match f.node.as_ref() {
            Some(pg_query::NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect()
}

/// `text` with each run of tokens `first..=last` replaced, in order (overlaps skipped).
fn apply_edits(
    text: &str,
    tokens: &[pg_query::protobuf::ScanToken],
    mut edits: Vec<(usize, usize, String)>,
) -> Option<String> {
    let span = |i: usize| -> Option<(usize, usize)> {
        let t = tokens.get(i)?;
        Some((usize::try_from(t.start).ok()?, usize::try_from(t.end).ok()?))
    };
    edits.sort_by_key(|e| e.0);
    edits.dedup_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (first, last, replacement) in edits {
        let (start, _) = span(first)?;
        let (_, end) = span(last)?;
        if start < at {
            continue;
        }
        out.push_str(text.get(at..start)?);
        out.push_str(&replacement);
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sql: &str) -> Expr {
        let stmt = pg_query::parse(sql, 0).unwrap().protobuf.stmts[0]
            .stmt
            .clone()
            .unwrap()
            .node
            .unwrap();
        Expr::from_enum(stmt)
    }

    #[test]
    fn references_follow_a_renamed_relation() {
        let old = QualifiedName::new("public", "venue_analytics");
        let new = QualifiedName::new("public", "venue_performance_summary");
        let q = query(
            "SELECT venue_analytics.x FROM venue_analytics \
             JOIN public.venue_analytics t ON t.id = venue_analytics.id \
             WHERE EXISTS (SELECT 1 FROM other.venue_analytics) \
             AND t.id IN (SELECT id FROM venue_analytics)",
        );
        let renamed = rename_relation(&q, &old, &new).expect("renamed");
        assert_eq!(
            renamed.sql(),
            query(
                "SELECT venue_performance_summary.x FROM venue_performance_summary \
                 JOIN public.venue_performance_summary t ON t.id = venue_performance_summary.id \
                 WHERE EXISTS (SELECT 1 FROM other.venue_analytics) \
                 AND t.id IN (SELECT id FROM venue_performance_summary)"
            )
            .sql()
        );
        assert!(rename_relation(&query("SELECT 1 FROM t"), &old, &new).is_none());
    }

    fn expr(sql: &str) -> Expr {
        crate::catalog::expr::parse_expr(sql).expect("parses")
    }

    #[test]
    fn expressions_over_one_table_follow_a_renamed_column() {
        let renamed = |e: &str, qualifiers: &[&str]| {
            rename_column(&expr(e), qualifiers, "qty", "Quantity").map(|e| e.sql().to_owned())
        };
        assert_eq!(
            renamed("qty > 0 AND t.qty < 10 AND other_qty > qty", &["t"]).as_deref(),
            Some(
                expr("\"Quantity\" > 0 AND t.\"Quantity\" < 10 AND other_qty > \"Quantity\"").sql()
            )
        );
        assert_eq!(
            renamed("new.qty IS DISTINCT FROM old.qty", &["t", "new", "old"]).as_deref(),
            Some(expr("new.\"Quantity\" IS DISTINCT FROM old.\"Quantity\"").sql())
        );
        // Not named, or inside a subquery that could mean another table's column: untouched.
        assert_eq!(renamed("price > 0", &["t"]), None);
        assert_eq!(renamed("qty IN (SELECT qty FROM u)", &["t"]), None);
        assert_eq!(renamed("u.qty > 0", &["t"]), None);
    }
}
