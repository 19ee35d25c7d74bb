//! `table-without-primary-key`: an own table with no primary key.

use crate::catalog::{ConstraintKind, Table};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "table-without-primary-key",
    default_level: Level::Warning,
    summary: "a table of the project has no primary key",
    docs: r#"## What it flags
A table of the project (not a declared external table) without a `PRIMARY KEY`. A partition
is not checked on its own: it gets its parent's primary key. A table created with `INHERITS`
is checked, because PostgreSQL does not inherit primary keys.

## Why it matters
Without a primary key a row cannot be addressed reliably: duplicates creep in, ORMs and
`UPDATE … WHERE id = …` lose their footing, and logical replication cannot replicate the
table's `UPDATE`s and `DELETE`s (it has no replica identity). When a `UNIQUE` key on `NOT NULL`
columns exists, it is pointed out: it can become the primary key.

## Example
```sql,expect_diagnostic
create table price_history (
    event_id uuid not null,
    changed_at timestamptz not null,
    new_price numeric(12,2) not null
);
```

## Fix
```sql
create table price_history (
    id uuid primary key default gen_random_uuid(),
    event_id uuid not null,
    changed_at timestamptz not null,
    new_price numeric(12,2) not null
);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let catalog = ctx.catalog;
    for table in ctx.tables() {
        if table.partition_of.is_some() || table.primary_key().is_some() {
            continue;
        }
        let d = ctx.report(
            table.meta.span,
            format!("table {} has no primary key", table.name),
        );
        let mut candidate = None;
        for c in table.constraints.values() {
            if let ConstraintKind::Unique { columns, .. } = &c.kind {
                if all_not_null(table, columns.iter().map(String::as_str)) {
                    d.label(
                        c.span,
                        format!(
                            "UNIQUE constraint {} on NOT NULL columns ({}) could be the primary key",
                            c.name,
                            columns.join(", ")
                        ),
                    );
                    candidate.get_or_insert_with(|| columns.join(", "));
                }
            }
        }
        for index in catalog.indexes_on(&table.name) {
            let Some(columns) = index.plain_columns() else {
                continue;
            };
            if index.unique
                && index.predicate.is_none()
                && all_not_null(table, columns.iter().copied())
            {
                d.label(
                    index.meta.span,
                    format!(
                        "unique index {} on NOT NULL columns ({}) could be the primary key",
                        index.name,
                        columns.join(", ")
                    ),
                );
                candidate.get_or_insert_with(|| columns.join(", "));
            }
        }
        let help = match candidate {
            Some(columns) => format!(
                "declare `PRIMARY KEY ({columns})` in place of the unique key, or add a surrogate key such as `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`"
            ),
            None => "add a primary key, for example `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`, or `PRIMARY KEY (…)` over the columns that identify a row".to_owned(),
        };
        d.object(&table.name).help(help);
    }
}

fn all_not_null<'a>(table: &Table, mut columns: impl Iterator<Item = &'a str>) -> bool {
    columns.all(|name| table.column(name).is_some_and(|c| c.not_null))
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "table-without-primary-key";

    #[test]
    fn table_without_primary_key_err() {
        let found = lint_one_rule("create table t (a int, b text);", RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "table public.t has no primary key");
        assert!(found[0].labels.is_empty());
    }

    #[test]
    fn unique_key_on_not_null_columns_is_pointed_out_err() {
        let found = lint_one_rule(
            "create table t (a int not null, b int not null, c int, unique (a, b), unique (c));\n\
             create unique index t_c_idx on t (c);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].labels.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("PRIMARY KEY (a, b)")
        );
    }

    #[test]
    fn primary_key_added_by_alter_ok() {
        lint_ok(
            "create table t (id int not null); alter table t add primary key (id);",
            RULE,
        );
    }

    #[test]
    fn partition_gets_its_parents_key_ok() {
        lint_ok(
            "create table m (id int, at date, primary key (id, at)) partition by range (at);\n\
             create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');",
            RULE,
        );
    }

    #[test]
    fn inheritance_child_has_no_key_err() {
        let found = lint_one_rule(
            "create table base (id int primary key); create table child (x int) inherits (base);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "table public.child has no primary key");
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (id int primary key);",
            &[("auth-service", "create table users (id uuid);")],
            RULE,
        );
    }
}
