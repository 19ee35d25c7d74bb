//! `view-bypasses-rls`: a view without `security_invoker` over an RLS-protected table.

use crate::catalog::{Catalog, QualifiedName};
use crate::graph::DepGraph;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "view-bypasses-rls",
    default_level: Level::Error,
    summary: "a view without security_invoker reads a table protected by row-level security",
    docs: r#"## What it flags
A view without `security_invoker = true` that reads, directly or through other views, a table
with row-level security enabled (an own table, or an external table declared with
`ALTER TABLE … ENABLE ROW LEVEL SECURITY`). Materialized views are left to
`matview-exposes-tenant-data`.

## Why it matters
PostgreSQL checks the row-level security of the tables under a view as the view's owner, who
usually owns the tables too and so bypasses their policies: every tenant sees every other
tenant's rows through the view.

## Example
```sql,expect_diagnostic
create table orders (id int, tenant_id uuid);
alter table orders enable row level security;
create view recent_orders as select o.id, o.tenant_id from orders o;
```

## Fix
Make the view check permissions and policies as the querying user:
```sql
create table orders (id int, tenant_id uuid);
alter table orders enable row level security;
create view recent_orders with (security_invoker = true) as select o.id, o.tenant_id from orders o;
```
"#,
    options: &[],
    check,
};

/// The first RLS-protected table a view reaches, with the path of relations.
pub(crate) fn protected_reached(
    catalog: &Catalog,
    graph: &DepGraph,
    view: &QualifiedName,
) -> Option<(QualifiedName, Vec<QualifiedName>)> {
    graph
        .relations_reached(view)
        .into_iter()
        .find(|(r, _)| catalog.any_table(r).is_some_and(|t| t.rls_enabled))
}

pub(crate) fn path_text(path: &[QualifiedName]) -> String {
    path.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" → ")
}

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    for v in c.views.values() {
        if v.security_invoker() {
            continue;
        }
        let Some((table, path)) = protected_reached(c, ctx.graph, &v.name) else {
            continue;
        };
        let span = c.any_table(&table).and_then(|t| t.rls_span.or(t.meta.span));
        ctx.report(
            v.meta.span,
            format!(
                "view {} reads {table}, which has row-level security, without security_invoker: {}",
                v.name,
                path_text(&path)
            ),
        )
        .label(span, "row-level security enabled here")
        .object(&v.name)
        .help("add `WITH (security_invoker = true)`: otherwise policies are checked as the view owner, and tenants see each other's rows");
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_one_rule, lint_one_rule_with};

    const RULE: &str = "view-bypasses-rls";
    const T: &str =
        "create table t (id int, tenant_id int); alter table t enable row level security;\n";

    #[test]
    fn through_another_view_err() {
        let found = lint_one_rule(
            &format!(
                "{T}create view a with (security_invoker = true) as select id from t; create view b as select id from a;"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.ends_with("public.b → public.a → public.t"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn external_with_rls_err() {
        let found = lint_one_rule_with(
            "create view v as select e.id from events e;",
            &[(
                "e",
                "-- owner: e\ncreate table events (id int); alter table events enable row level security;",
            )],
            RULE,
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn invoker_or_no_rls_ok() {
        lint_ok(
            &format!("{T}create view a with (security_invoker = true) as select id from t;"),
            RULE,
        );
        lint_ok(
            "create table t (id int); create view a as select id from t;",
            RULE,
        );
        lint_ok(
            &format!("{T}create materialized view m as select id, tenant_id from t;"),
            RULE,
        );
    }
}
