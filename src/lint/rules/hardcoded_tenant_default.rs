//! `hardcoded-tenant-default`: the tenant column defaults to a constant.

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, Node};

use crate::catalog::QualifiedName;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::loaded::{Project, StatementKind};
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "hardcoded-tenant-default",
    default_level: Level::Error,
    summary: "the tenant column defaults to a constant tenant",
    docs: r#"## What it flags
A tenant column (`tenant_id` unless `[tenant] column` in `schema.toml` says otherwise) of a
table of the project whose `DEFAULT` is a constant: a literal, or a cast of a literal such as
`'00000000-0000-0000-0000-000000000000'::uuid`. A default computed when the row is inserted,
such as `NULLIF(current_setting('app.current_tenant', true), '')::uuid`, is fine: with the
setting unset it yields NULL and the NOT NULL constraint rejects the row.

## Why it matters
An insert that forgets the tenant does not fail: the row silently goes to the tenant the
constant names (often a "default" or nil tenant that every environment has), where the tenant
that wrote it cannot see it and another tenant may. Data leaks and data loss of this kind
are found late, in production.

## Example
```sql,expect_diagnostic
create table price_history (
    id uuid primary key,
    tenant_id uuid not null default '00000000-0000-0000-0000-000000000000'::uuid,
    new_price numeric(12,2) not null
);
```

## Fix
Drop the default, so that an insert without a tenant fails on `NOT NULL`, or take the tenant
from the session:
```sql
create table price_history (
    id uuid primary key,
    tenant_id uuid not null default nullif(current_setting('app.current_tenant', true), '')::uuid,
    new_price numeric(12,2) not null
);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let column = ctx.tenant_column().to_owned();
    let setting = ctx.tenant_setting().to_owned();
    for table in ctx.tables() {
        let Some(col) = table.column(&column) else {
            continue;
        };
        let Some(default) = &col.default else {
            continue;
        };
        if !is_constant(&default.node()) {
            continue;
        }
        let ty = &col.ty;
        let set_by = default_set_by(ctx.project, &table.name, &column);
        let d = ctx.report(
            set_by.or(col.span).or(table.meta.span),
            format!(
                "tenant column {}.{column} defaults to the constant {default}: rows inserted without a tenant all go to that one tenant",
                table.name
            ),
        );
        if set_by.is_some() {
            d.label(col.span, format!("column {column} declared here"));
        }
        d.object(&table.name)
        .help(format!(
            "drop the default so that an insert without a tenant fails, or take the tenant from the session: `DEFAULT NULLIF(current_setting('{setting}', true), '')::{ty}`"
        ));
    }
}

/// The last `ALTER TABLE … ALTER COLUMN … SET DEFAULT` on the column in the project's own
/// files (the catalog keeps the default, not where it was set).
fn default_set_by(project: &Project, table: &QualifiedName, column: &str) -> Option<Span> {
    let mut found = None;
    for file in project.files.iter().filter(|f| f.external_owner.is_none()) {
        for info in file
            .statements
            .iter()
            .filter(|s| s.kind == StatementKind::AlterTable)
        {
            let Some(stmt) = project.statement(file.id, info) else {
                continue;
            };
            let NodeEnum::AlterTableStmt(alter) = &stmt.node else {
                continue;
            };
            let Some(rv) = &alter.relation else { continue };
            if rv.relname != table.name
                || !(rv.schemaname.is_empty() || rv.schemaname == table.schema)
            {
                continue;
            }
            let sets_default = alter.cmds.iter().any(|n| {
                matches!(&n.node, Some(NodeEnum::AlterTableCmd(cmd))
                    if cmd.subtype == AlterTableType::AtColumnDefault as i32 && cmd.name == column)
            });
            if sets_default {
                found = Some(stmt.span);
            }
        }
    }
    found
}

/// Whether an expression is a non-NULL constant: a literal, possibly cast, collated or
/// combined with operators.
fn is_constant(node: &Node) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::AConst(c)) => !c.isnull,
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().is_some_and(is_constant),
        Some(NodeEnum::CollateClause(c)) => c.arg.as_deref().is_some_and(is_constant),
        Some(NodeEnum::AExpr(e)) => {
            e.lexpr.as_deref().is_none_or(is_constant)
                && e.rexpr.as_deref().is_some_and(is_constant)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "hardcoded-tenant-default";

    #[test]
    fn cast_literal_default_err() {
        let found = lint_one_rule(
            "create table t (\n  id int primary key,\n  tenant_id uuid not null default '00000000-0000-0000-0000-000000000000'::uuid\n);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "tenant column public.t.tenant_id defaults to the constant \
             '00000000-0000-0000-0000-000000000000'::uuid: rows inserted without a tenant all \
             go to that one tenant"
        );
        assert!(
            found[0].help.as_deref().unwrap().contains(
                "`DEFAULT NULLIF(current_setting('app.current_tenant', true), '')::uuid`"
            )
        );
    }

    #[test]
    fn plain_literal_and_default_set_later_err() {
        assert_eq!(
            lint_one_rule("create table t (tenant_id int default 1);", RULE).len(),
            1
        );
        let sql = "create table t (tenant_id text);\n\
                   alter table public.t alter column tenant_id set default 'acme';";
        let found = lint_one_rule(sql, RULE);
        assert_eq!(found.len(), 1);
        let span = found[0].span.unwrap();
        assert!(
            sql[span.start as usize..].starts_with("alter table public.t"),
            "points at the ALTER that sets the default"
        );
        assert_eq!(found[0].labels.len(), 1, "and labels the column");
    }

    #[test]
    fn session_default_ok() {
        lint_ok(
            "create table t (tenant_id uuid not null default current_setting('app.current_tenant')::uuid);",
            RULE,
        );
        lint_ok(
            "create table t (tenant_id uuid default nullif(current_setting('app.current_tenant', true), '')::uuid);",
            RULE,
        );
    }

    #[test]
    fn null_default_and_other_columns_ok() {
        lint_ok(
            "create table t (tenant_id uuid default null, status text default 'new');",
            RULE,
        );
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (tenant_id uuid);",
            &[(
                "auth-service",
                "create table users (id uuid, tenant_id int default 0);",
            )],
            RULE,
        );
    }
}
