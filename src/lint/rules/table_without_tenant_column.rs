//! `table-without-tenant-column`: an own table that has no tenant column.

use crate::catalog::{Catalog, QualifiedName, Table};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "table-without-tenant-column",
    default_level: Level::Error,
    summary: "a table of the project has no tenant column",
    docs: r#"## What it flags
A table of the project (not a declared external table) without the tenant column, `tenant_id`
unless `[tenant] column` in `schema.toml` says otherwise. A column inherited with `INHERITS`
counts. A partition is not checked on its own: its parent is, and a partition has the
parent's columns.

## Why it matters
Every row of a multi-tenant service belongs to one tenant, and the row-level-security policies
isolate tenants by that column. A table without it cannot have the standard policy: its rows
are either visible to every tenant, or isolated by something else that has to be reasoned
about on its own (the analytics service's `venue_analytics` and `event_analytics` compared
`venue_id::text` with the tenant setting).

## Example
```sql,expect_diagnostic
create table venue_analytics (
    id uuid primary key,
    venue_id uuid not null,
    date date not null
);
```

## Fix
Add the column (and isolate by it in the table's policy):
```sql
create table venue_analytics (
    id uuid primary key,
    tenant_id uuid not null,
    venue_id uuid not null,
    date date not null
);
```

## Configuration
Tables whose rows are shared by every tenant (reference data) can be exempted by name, with
globs matched against the bare or the schema-qualified name:
```toml
[rules.table-without-tenant-column]
exempt = ["currency_rates", "reference.*"]
```
or one at a time with a comment above the `CREATE TABLE`:
`-- schema-lint: ignore table-without-tenant-column -- shared by all tenants`.
"#,
    options: &["exempt"],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let catalog = ctx.catalog;
    let column = ctx.tenant_column().to_owned();
    let Some(exempt) = exempt_globs(ctx) else {
        return;
    };
    let usual_type = usual_tenant_type(catalog, &column);
    for table in catalog.tables.values() {
        if table.partition_of.is_some() || has_column(catalog, table, &column, 0) {
            continue;
        }
        let bare = table.name.name.as_str();
        let qualified = format!("{}.{}", table.name.schema, table.name.name);
        if exempt.is_match(bare) || exempt.is_match(&qualified) {
            continue;
        }
        let d = ctx.report(
            table.meta.span,
            format!("table {} has no {column} column", table.name),
        );
        for policy in catalog.policies_on(&table.name) {
            d.label(
                policy.meta.span,
                format!("policy {} cannot isolate tenants by {column}", policy.name),
            );
        }
        let add = match &usual_type {
            Some(ty) => format!("`{column} {ty} NOT NULL`"),
            None => format!("a `{column}` column"),
        };
        d.object(&table.name).help(format!(
            "add {add} and isolate rows by it in the table's policy; if every tenant shares \
             these rows, list the table in `exempt` under [rules.{}] in schema.toml",
            RULE.name
        ));
    }
}

/// The configured exemptions; `None` (after reporting) when a glob is malformed.
fn exempt_globs(ctx: &mut LintContext<'_>) -> Option<globset::GlobSet> {
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in ctx.option_strings("exempt") {
        match globset::Glob::new(&pattern) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => {
                ctx.report(
                    None,
                    format!(
                        "bad glob `{pattern}` in `exempt` of [rules.{}]: {e}",
                        RULE.name
                    ),
                );
                return None;
            }
        }
    }
    match builder.build() {
        Ok(set) => Some(set),
        Err(e) => {
            ctx.report(None, format!("bad `exempt` of [rules.{}]: {e}", RULE.name));
            None
        }
    }
}

/// Whether the table has the column, itself or through an `INHERITS` parent (own or external).
fn has_column(catalog: &Catalog, table: &Table, column: &str, depth: usize) -> bool {
    if table.column(column).is_some() {
        return true;
    }
    // PostgreSQL rejects inheritance cycles; the depth limit only guards against bad input.
    depth < 32
        && table.inherits.iter().any(|parent: &QualifiedName| {
            catalog
                .any_table(parent)
                .is_some_and(|p| has_column(catalog, p, column, depth + 1))
        })
}

/// The type the other tables give the tenant column, for the help text.
fn usual_tenant_type(catalog: &Catalog, column: &str) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for table in catalog.tables.values() {
        if let Some(c) = table.column(column) {
            *counts.entry(c.ty.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map(|(ty, _)| ty.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::graph::DepGraph;
    use crate::lint::settings::{LintSettings, RuleOptions};
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};
    use crate::loaded::Project;

    const RULE: &str = "table-without-tenant-column";

    fn lint_with_exempt(sql: &str, exempt: &[&str]) -> Vec<crate::diagnostic::Diagnostic> {
        let project = Project::from_sql(sql, &[]);
        let graph = DepGraph::build(&project.catalog);
        let mut settings = LintSettings::default();
        let list = exempt
            .iter()
            .map(|e| toml::Value::String((*e).to_owned()))
            .collect();
        settings.rules.insert(
            RULE.to_owned(),
            RuleOptions {
                level: None,
                options: [("exempt".to_owned(), toml::Value::Array(list))].into(),
            },
        );
        crate::lint::lint_rules(&project, &graph, &settings, std::iter::once(&super::RULE))
    }

    #[test]
    fn table_without_tenant_column_err() {
        let found = lint_one_rule(
            "create table t (id uuid primary key, tenant_id uuid not null);\n\
             create table venue_analytics (id uuid primary key, venue_id uuid);\n\
             alter table venue_analytics enable row level security;\n\
             create policy p on venue_analytics using (venue_id::text = current_setting('x'));",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "table public.venue_analytics has no tenant_id column"
        );
        assert_eq!(found[0].objects, ["public.venue_analytics"]);
        assert_eq!(found[0].labels.len(), 1, "the policy is labelled");
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`tenant_id uuid NOT NULL`")
        );
    }

    #[test]
    fn column_added_later_ok() {
        lint_ok(
            "create table t (id int); alter table t add column tenant_id uuid;",
            RULE,
        );
    }

    #[test]
    fn partition_is_checked_through_its_parent_ok() {
        lint_ok(
            "create table m (tenant_id uuid, at date) partition by range (at);\n\
             create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');",
            RULE,
        );
    }

    #[test]
    fn inherited_column_ok() {
        lint_ok(
            "create table base (tenant_id uuid); create table child (x int) inherits (base);",
            RULE,
        );
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (tenant_id uuid);",
            &[(
                "event-service",
                "create table events (id uuid primary key);",
            )],
            RULE,
        );
    }

    #[test]
    fn exempt_globs_match_bare_and_qualified_names() {
        let sql = "create schema reference;\n\
                   create table currency_rates (code text primary key);\n\
                   create table reference.countries (code text primary key);\n\
                   create table orders (id int);";
        let found = lint_with_exempt(sql, &["currency_*", "reference.*"]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "table public.orders has no tenant_id column"
        );
    }

    #[test]
    fn bad_exempt_glob_is_reported() {
        let found = lint_with_exempt("create table t (id int);", &["a[b"]);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("bad glob `a[b`"), "{found:#?}");
    }

    #[test]
    fn inline_suppression_ok() {
        lint_ok(
            "-- schema-lint: ignore table-without-tenant-column -- shared by all tenants\n\
             create table currency_rates (code text primary key);",
            RULE,
        );
    }
}
