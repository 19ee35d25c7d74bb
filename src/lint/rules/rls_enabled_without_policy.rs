//! `rls-enabled-without-policy`: row-level security is enabled on a table without a policy.

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "rls-enabled-without-policy",
    default_level: Level::Error,
    summary: "row-level security is enabled on a table that has no policy",
    docs: r#"## What it flags
A table of the project with `ENABLE ROW LEVEL SECURITY` and no `CREATE POLICY` on it.
Declared external tables are not checked: their policies belong to the service that owns
them, and declaring them with row-level security enabled only says that their rows are
tenant-protected.

## Why it matters
With row-level security enabled and no policy, PostgreSQL applies a default-deny policy:
for every role other than the table owner (and superusers or `BYPASSRLS` roles) queries
return no rows, `INSERT` fails, and `UPDATE` and `DELETE` change nothing. The application
breaks as soon as it stops connecting as the owner, or works only because it does.

## Example
```sql,expect_diagnostic
create table venue_alerts (id uuid primary key, tenant_id uuid not null);
alter table venue_alerts enable row level security;
```

## Fix
```sql
create table venue_alerts (id uuid primary key, tenant_id uuid not null);
alter table venue_alerts enable row level security;
create policy tenant_isolation on venue_alerts
    using (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let catalog = ctx.catalog;
    let column = ctx.tenant_column().to_owned();
    let setting = ctx.tenant_setting().to_owned();
    for table in ctx.tables() {
        if !table.rls_enabled || catalog.policies_on(&table.name).next().is_some() {
            continue;
        }
        let help = match table.column(&column) {
            Some(col) => format!(
                "add a policy, for example `CREATE POLICY tenant_isolation ON {} USING ({column} = NULLIF(current_setting('{setting}', true), '')::{}) WITH CHECK (…)`, or disable row-level security if the table is not tenant data",
                table.name, col.ty
            ),
            None => format!(
                "add a policy with `CREATE POLICY … ON {}`, or disable row-level security if the table is not tenant data",
                table.name
            ),
        };
        let d = ctx.report_row_security(
            table,
            format!(
                "row-level security is enabled on table {} but it has no policy: every role but the table owner sees no rows and can change none",
                table.name
            ),
        );
        d.object(&table.name).help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "rls-enabled-without-policy";

    #[test]
    fn enabled_without_policy_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid);\nalter table t enable row level security;",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "row-level security is enabled on table public.t but it has no policy: every role but the table owner sees no rows and can change none"
        );
        assert_eq!(found[0].labels.len(), 1);
        assert!(found[0].help.as_deref().unwrap().contains(
            "USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)"
        ));
    }

    #[test]
    fn with_policy_ok() {
        lint_ok(
            "create table t (tenant_id uuid);\n\
             alter table t enable row level security;\n\
             create policy p on t using (true);",
            RULE,
        );
    }

    #[test]
    fn rls_off_ok() {
        lint_ok("create table t (tenant_id uuid);", RULE);
    }

    #[test]
    fn external_table_marked_as_protected_ok() {
        lint_ok_with(
            "create table t (id int);",
            &[(
                "event-service",
                "create table events (id uuid primary key, tenant_id uuid);\n\
                 alter table events enable row level security;",
            )],
            RULE,
        );
    }
}
