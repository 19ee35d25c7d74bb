//! A view's `SELECT *` over one relation, settled without the server.
//!
//! PostgreSQL expands `*` when a view is created and `pg_get_viewdef` prints the columns it
//! expanded to (`SELECT t.a, t.b FROM t`). Where the desired view is `SELECT * FROM r …` and
//! the live one lists exactly the columns that `r` has in the desired catalog, in order, the
//! two mean the same: [`expand_star`] gives the desired query with the live column list in
//! place of `*`, for the normalised comparison to judge the rest of the query.

use pg_query::NodeEnum;
use pg_query::protobuf::{Node, RangeVar, SelectStmt};

use crate::catalog::{Catalog, Expr, QualifiedName, View};

/// How deep `SELECT *` over views over views is followed.
const MAX_DEPTH: usize = 8;

/// The desired query with `*` replaced by the live query's column list, when the desired view
/// is `SELECT * FROM r …` over one relation and the live list names exactly `r`'s columns in
/// the desired catalog; `None` otherwise.
pub fn expand_star(
    desired: &Catalog,
    view: &View,
    live_query: &Expr,
    default_schema: &str,
) -> Option<Expr> {
    let node = view.query.node();
    let Some(NodeEnum::SelectStmt(select)) = node.node else {
        return None;
    };
    if !is_lone_star(&select) {
        return None;
    }
    let relation = lone_relation(&select)?;
    let name = resolve(desired, relation, &view.search_path, default_schema)?;
    let columns = output_columns(desired, &name, default_schema, 0)?;
    let live = live_query.node();
    let Some(NodeEnum::SelectStmt(live_select)) = live.node else {
        return None;
    };
    let listed: Option<Vec<String>> = live_select.target_list.iter().map(plain_column).collect();
    if listed? != columns {
        return None;
    }
    let mut expanded = select;
    expanded.target_list = live_select.target_list;
    Some(Expr::from_enum(NodeEnum::SelectStmt(expanded)))
}

/// Whether the target list is a single unqualified `*`.
fn is_lone_star(s: &SelectStmt) -> bool {
    let [target] = s.target_list.as_slice() else {
        return false;
    };
    let Some(NodeEnum::ResTarget(t)) = target.node.as_ref() else {
        return false;
    };
    let Some(NodeEnum::ColumnRef(c)) = t.val.as_deref().and_then(|v| v.node.as_ref()) else {
        return false;
    };
    matches!(
        c.fields.as_slice(),
        [Node {
            node: Some(NodeEnum::AStar(_))
        }]
    )
}

/// The one plain relation in FROM, if that is all there is.
fn lone_relation(s: &SelectStmt) -> Option<&RangeVar> {
    if s.larg.is_some() || s.with_clause.is_some() {
        return None;
    }
    let [from] = s.from_clause.as_slice() else {
        return None;
    };
    match from.node.as_ref() {
        Some(NodeEnum::RangeVar(r)) => Some(r),
        _ => None,
    }
}

/// The relation a `RangeVar` names: its schema, or the first schema of the search path that
/// holds a relation by that name.
fn resolve(
    catalog: &Catalog,
    r: &RangeVar,
    search_path: &[String],
    default_schema: &str,
) -> Option<QualifiedName> {
    let exists = |q: &QualifiedName| {
        catalog.tables.contains_key(q)
            || catalog.views.contains_key(q)
            || catalog.materialized_views.contains_key(q)
    };
    if !r.schemaname.is_empty() {
        let q = QualifiedName::new(r.schemaname.clone(), r.relname.clone());
        return exists(&q).then_some(q);
    }
    let fallback = [default_schema.to_owned()];
    let path = if search_path.is_empty() {
        &fallback[..]
    } else {
        search_path
    };
    path.iter()
        .map(|s| QualifiedName::new(s.clone(), r.relname.clone()))
        .find(exists)
}

/// The column a target-list entry names: its alias, or the last part of a column reference.
fn plain_column(target: &Node) -> Option<String> {
    let Some(NodeEnum::ResTarget(t)) = target.node.as_ref() else {
        return None;
    };
    let Some(NodeEnum::ColumnRef(c)) = t.val.as_deref().and_then(|v| v.node.as_ref()) else {
        return None;
    };
    match c.fields.last()?.node.as_ref() {
        Some(NodeEnum::String(s)) if t.name.is_empty() || t.name == s.sval => Some(s.sval.clone()),
        _ => None,
    }
}

/// The output columns of a table or view of the catalog, in order; `None` where a view's
/// columns cannot be read off its query.
fn output_columns(
    catalog: &Catalog,
    name: &QualifiedName,
    default_schema: &str,
    depth: usize,
) -> Option<Vec<String>> {
    if let Some(t) = catalog.tables.get(name) {
        return Some(t.columns.iter().map(|c| c.name.clone()).collect());
    }
    let view = catalog
        .views
        .get(name)
        .or_else(|| catalog.materialized_views.get(name))?;
    let node = view.query.node();
    let Some(NodeEnum::SelectStmt(select)) = node.node else {
        return None;
    };
    let mut names: Vec<String> = if is_lone_star(&select) {
        if depth >= MAX_DEPTH {
            return None;
        }
        let relation = lone_relation(&select)?;
        let source = resolve(catalog, relation, &view.search_path, default_schema)?;
        output_columns(catalog, &source, default_schema, depth + 1)?
    } else {
        select
            .target_list
            .iter()
            .map(|t| match t.node.as_ref() {
                Some(NodeEnum::ResTarget(r)) if !r.name.is_empty() => Some(r.name.clone()),
                _ => plain_column(t),
            })
            .collect::<Option<_>>()?
    };
    // Explicit names rename the first columns.
    for (n, explicit) in names.iter_mut().zip(&view.column_names) {
        n.clone_from(explicit);
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(sql: &str) -> Catalog {
        crate::loaded::Project::from_sql(sql, &[]).catalog
    }

    fn query(sql: &str) -> Expr {
        let stmt = pg_query::parse(sql, 0)
            .expect("parses")
            .protobuf
            .stmts
            .remove(0)
            .stmt
            .expect("statement");
        Expr::new(*stmt)
    }

    #[test]
    fn a_star_over_a_table_takes_the_listed_columns_when_they_are_the_tables() {
        let c = catalog(
            "CREATE TABLE t (a int, b text);
             CREATE VIEW v AS SELECT * FROM t WHERE a > 1;",
        );
        let v = &c.views[&QualifiedName::new("public", "v")];
        let live = query("SELECT t.a, t.b FROM public.t WHERE t.a > 1");
        let expanded = expand_star(&c, v, &live, "public").expect("expanded");
        assert_eq!(expanded.sql(), "SELECT t.a, t.b FROM t WHERE a > 1");
        // The live view predates a column the table has now: not the same view.
        let older = query("SELECT t.a FROM public.t WHERE t.a > 1");
        assert!(expand_star(&c, v, &older, "public").is_none());
    }

    #[test]
    fn a_star_over_a_view_over_a_star_follows_the_chain() {
        let c = catalog(
            "CREATE TABLE t (a int, b text);
             CREATE VIEW v1 (x) AS SELECT a, b AS bee FROM t;
             CREATE VIEW v2 AS SELECT * FROM v1;
             CREATE VIEW v3 AS SELECT * FROM v2 WHERE x > 0;",
        );
        let v3 = &c.views[&QualifiedName::new("public", "v3")];
        let live = query("SELECT v2.x, v2.bee FROM public.v2 WHERE v2.x > 0");
        assert!(expand_star(&c, v3, &live, "public").is_some());
        let wrong_order = query("SELECT v2.bee, v2.x FROM public.v2 WHERE v2.x > 0");
        assert!(expand_star(&c, v3, &wrong_order, "public").is_none());
    }
}
