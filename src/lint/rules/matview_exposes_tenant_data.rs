//! `matview-exposes-tenant-data`: a materialized view over tenant data that RLS cannot protect.

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

use super::view_bypasses_rls::path_text;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "matview-exposes-tenant-data",
    default_level: Level::Error,
    summary: "a materialized view over tenant data lacks the tenant column or is granted to a role",
    docs: r#"## What it flags
A materialized view whose query reaches tenant-scoped data (a table with row-level security
or with the tenant column) and either does not output the tenant column, or is granted to a
role or to PUBLIC.

## Why it matters
Row-level security cannot apply to a materialized view: it holds a copy of every tenant's rows.
Without the tenant column nobody can even filter them, and any role granted the view reads all
tenants' data.

## Example
```sql,expect_diagnostic
create table orders (id int, tenant_id uuid, total numeric);
alter table orders enable row level security;
create materialized view order_totals as select sum(o.total) as total from orders o;
```

## Fix
Keep the tenant column in the output and grant the view to nobody (serve it through a
`security_invoker` function or view that filters on the tenant):
```sql
create table orders (id int, tenant_id uuid, total numeric);
alter table orders enable row level security;
create materialized view order_totals as
select o.tenant_id, sum(o.total) as total from orders o group by o.tenant_id;
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    let tenant = ctx.tenant_column().to_owned();
    for v in c.materialized_views.values() {
        let reached = ctx.graph.relations_reached(&v.name);
        let Some((table, path)) = reached.into_iter().find(|(r, _)| {
            c.any_table(r)
                .is_some_and(|t| t.rls_enabled || t.column(&tenant).is_some())
        }) else {
            continue;
        };
        let outputs = ctx.graph.view_output_columns(&v.name).unwrap_or_default();
        let lacks_tenant = !outputs.iter().any(|o| o == &tenant);
        let grantees: Vec<&str> = v
            .meta
            .grants
            .iter()
            .map(|g| g.grantee.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let via = path_text(&path);
        if lacks_tenant {
            ctx.report(
                v.meta.span,
                format!(
                    "materialized view {} holds tenant data ({via}) but does not output {tenant}",
                    v.name
                ),
            )
            .object(&v.name)
            .help(format!(
                "add {tenant} to the output (and group by it): row-level security cannot apply to a materialized view, so rows of all tenants are mixed"
            ));
        }
        if !grantees.is_empty() {
            ctx.report(
                v.meta.span,
                format!(
                    "materialized view {} holds tenant data of {table} and is granted to {}",
                    v.name,
                    grantees.join(", ")
                ),
            )
            .object(&v.name)
            .help("revoke the grant and serve the data through a security_invoker view or function that filters on the tenant; RLS cannot apply to a materialized view");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_one_rule};

    const RULE: &str = "matview-exposes-tenant-data";
    const T: &str = "create table t (id int, tenant_id int, x int);\n";

    #[test]
    fn missing_tenant_column_err() {
        let found = lint_one_rule(
            &format!(
                "{T}create view v as select id, x from t; create materialized view m as select sum(x) from v;"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("public.m → public.v → public.t"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn granted_err() {
        let found = lint_one_rule(
            &format!(
                "{T}create materialized view m as select tenant_id, x from t; grant select on m to reporting;"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("granted to reporting"));
    }

    #[test]
    fn tenant_column_kept_ok() {
        lint_ok(
            &format!("{T}create materialized view m as select t.* from t;"),
            RULE,
        );
        lint_ok(
            "create table r (code text); create materialized view m as select code from r;",
            RULE,
        );
    }
}
