//! `rls-policy-without-enable`: a table has policies, but row-level security is off.

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "rls-policy-without-enable",
    default_level: Level::Error,
    summary: "a table has row-level-security policies but row-level security is not enabled",
    docs: r#"## What it flags
A table of the project with one or more `CREATE POLICY` statements but no
`ALTER TABLE … ENABLE ROW LEVEL SECURITY` (or one undone by `DISABLE ROW LEVEL SECURITY`).

## Why it matters
PostgreSQL applies a table's policies only while row-level security is enabled on it. Until
then the policies are ignored without any warning, and every role with privileges on the
table reads and writes every tenant's rows, although the schema looks protected.

## Example
```sql,expect_diagnostic
create table analytics_metrics (id uuid primary key, tenant_id uuid not null);
create policy tenant_isolation on analytics_metrics
    using (tenant_id = current_setting('app.current_tenant')::uuid);
```

## Fix
```sql
create table analytics_metrics (id uuid primary key, tenant_id uuid not null);
alter table analytics_metrics enable row level security;
create policy tenant_isolation on analytics_metrics
    using (tenant_id = current_setting('app.current_tenant')::uuid);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let catalog = ctx.catalog;
    for table in ctx.tables() {
        if table.rls_enabled {
            continue;
        }
        let policies: Vec<_> = catalog.policies_on(&table.name).collect();
        if policies.is_empty() {
            continue;
        }
        let names = policies
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, verb) = if policies.len() == 1 {
            ("policy", "is")
        } else {
            ("policies", "are")
        };
        let d = ctx.report(
            table.meta.span,
            format!(
                "table {} has {noun} {names} but row-level security is not enabled, so the {noun} {verb} ignored",
                table.name
            ),
        );
        for p in &policies {
            d.label(
                p.meta.span,
                format!(
                    "policy {} has no effect while row-level security is off",
                    p.name
                ),
            );
        }
        d.object(&table.name).help(format!(
            "add `ALTER TABLE {} ENABLE ROW LEVEL SECURITY;` (and `FORCE ROW LEVEL SECURITY` so that the table owner is filtered too)",
            table.name
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "rls-policy-without-enable";

    #[test]
    fn policies_without_enable_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid);\n\
             create policy a on t using (true);\n\
             create policy b on t for insert with check (true);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "table public.t has policies a, b but row-level security is not enabled, so the policies are ignored"
        );
        assert_eq!(found[0].labels.len(), 2);
    }

    #[test]
    fn disabled_again_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid);\n\
             alter table t enable row level security;\n\
             create policy a on t using (true);\n\
             alter table t disable row level security;",
            RULE,
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn enabled_ok() {
        lint_ok(
            "create table t (tenant_id uuid);\n\
             alter table t enable row level security;\n\
             create policy a on t using (true);",
            RULE,
        );
    }

    #[test]
    fn table_without_policies_ok() {
        lint_ok("create table t (tenant_id uuid);", RULE);
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (id int);",
            &[(
                "event-service",
                "create table events (id uuid); create policy p on events using (true);",
            )],
            RULE,
        );
    }
}
