//! `rls-not-forced`: row-level security is enabled but not forced, so the owner bypasses it.

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "rls-not-forced",
    default_level: Level::Warning,
    summary: "row-level security is enabled but not forced: the table owner bypasses the policies",
    docs: r#"## What it flags
A table of the project with `ENABLE ROW LEVEL SECURITY` but without
`FORCE ROW LEVEL SECURITY`.

## Why it matters
PostgreSQL does not apply a table's policies to the table's owner unless row-level security
is forced. The owner is usually the role that ran the migrations, and services often connect
as that same role: then no tenant isolation happens at all, although every table has a policy.
Forcing it makes the owner go through the policies too (superusers and `BYPASSRLS` roles
still bypass them, which is what maintenance jobs should use).

## Example
```sql,expect_diagnostic
create table analytics_alerts (id uuid primary key, tenant_id uuid not null);
alter table analytics_alerts enable row level security;
```

## Fix
```sql
create table analytics_alerts (id uuid primary key, tenant_id uuid not null);
alter table analytics_alerts enable row level security;
alter table analytics_alerts force row level security;
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    for table in ctx.tables() {
        if !table.rls_enabled || table.rls_forced {
            continue;
        }
        let d = ctx.report_row_security(
            table,
            format!(
                "row-level security on table {} is enabled but not forced: the table owner bypasses its policies",
                table.name
            ),
        );
        d.object(&table.name).help(format!(
            "add `ALTER TABLE {} FORCE ROW LEVEL SECURITY;`",
            table.name
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "rls-not-forced";

    #[test]
    fn enabled_not_forced_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid);\nalter table t enable row level security;",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "row-level security on table public.t is enabled but not forced: the table owner bypasses its policies"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("add `ALTER TABLE public.t FORCE ROW LEVEL SECURITY;`")
        );
    }

    #[test]
    fn forced_then_unforced_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid);\n\
             alter table t enable row level security, force row level security;\n\
             alter table t no force row level security;",
            RULE,
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn forced_ok() {
        lint_ok(
            "create table t (tenant_id uuid);\n\
             alter table t enable row level security;\n\
             alter table t force row level security;",
            RULE,
        );
    }

    #[test]
    fn rls_off_ok() {
        lint_ok("create table t (tenant_id uuid);", RULE);
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (id int);",
            &[(
                "event-service",
                "create table events (id uuid);\nalter table events enable row level security;",
            )],
            RULE,
        );
    }
}
