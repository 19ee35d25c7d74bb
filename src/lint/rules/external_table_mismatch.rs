//! `external-table-mismatch`: a declared external table that the live database lacks, or whose
//! columns are missing there or of an incompatible type. Runs with `--database-url`.

use crate::catalog::coercion::binary_coercible;
use crate::catalog::{Catalog, Column, QualifiedName, Table};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "external-table-mismatch",
    default_level: Level::Error,
    summary: "with --database-url: a declared external table missing from the database, or a column missing or of another type",
    docs: r#"## What it flags
With `--database-url` (or `DATABASE_URL`), every declared external table is looked up in the live
database: a table (or view) that does not exist, a declared column it lacks, or a column whose
type differs from the declaration in a way that is not a mere widening (`varchar(50)` declared,
`varchar(100)` or `text` live is fine; `uuid` declared, `text` live is not).
Without a database the rule has nothing to compare and reports nothing.

## Why it matters
The project's views, policies and functions were written against the declaration. When the
owning service renames, drops or retypes a column, or the table was never created in this
environment, they fail at deploy time — or, for views, when someone next queries them.

## Example
```sql,expect_diagnostic
create view event_names as select e.id, e.name from events e;
-- external-file: event-service
create table events (id uuid primary key, name text);
-- live-database:
create table events (id uuid primary key, title text);
```

```sql
create view event_names as select e.id, e.name from events e;
-- external-file: event-service
create table events (id uuid primary key, name varchar(200));
-- live-database:
create table events (id uuid primary key, name text, starts_at timestamptz);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let Some(live) = ctx.settings.live.clone() else {
        return;
    };
    for external in ctx.catalog.externals.values() {
        let owner = external.external_owner.as_deref().unwrap_or("unknown");
        match live_columns(&live, &external.name) {
            None => {
                ctx.report(
                    external.meta.span,
                    format!(
                        "external table {} (owned by {owner}) does not exist in the database",
                        external.name
                    ),
                )
                .object(&external.name)
                .help(format!(
                    "ask {owner} whether it was renamed or moved, or deploy it first; then update this declaration"
                ));
            }
            Some(columns) => check_columns(ctx, external, owner, &columns),
        }
    }
}

/// Columns of a live relation: a table (own or external there) or a view's declared table.
fn live_columns<'c>(live: &'c Catalog, name: &QualifiedName) -> Option<Vec<&'c Column>> {
    let table: Option<&Table> = live.tables.get(name).or_else(|| live.externals.get(name));
    if let Some(t) = table {
        return Some(t.columns.iter().collect());
    }
    // A view or materialized view exists, but its column types are not in the catalog.
    (live.views.contains_key(name) || live.materialized_views.contains_key(name)).then(Vec::new)
}

fn check_columns(ctx: &mut LintContext<'_>, external: &Table, owner: &str, live: &[&Column]) {
    let is_view = live.is_empty() && !external.columns.is_empty();
    if is_view {
        return;
    }
    for declared in &external.columns {
        let Some(found) = live.iter().find(|c| c.name == declared.name) else {
            ctx.report(
                declared.span.or(external.meta.span),
                format!(
                    "column {}.{} (owned by {owner}) does not exist in the database",
                    external.name, declared.name
                ),
            )
            .object(&external.name)
            .help(
                "the owning service dropped or renamed it: update the declaration and what uses it",
            );
            continue;
        };
        if !compatible(&declared.ty, &found.ty) {
            ctx.report(
                declared.span.or(external.meta.span),
                format!(
                    "column {}.{} is declared {} but is {} in the database",
                    external.name, declared.name, declared.ty, found.ty
                ),
            )
            .object(&external.name)
            .help("declare the type the owning service uses, and check the views and functions that read it");
        }
    }
}

/// Whether a column declared as `declared` can be read as it is in the database: the same
/// type, a type that differs only in a wider length or precision, or binary-coercible.
fn compatible(declared: &str, live: &str) -> bool {
    let base = |t: &str| t.split('(').next().unwrap_or(t).trim().to_owned();
    declared == live
        // The database's type is a widening of the declared one (longer varchar, text, …).
        || binary_coercible(declared, live)
        // The declaration is less specific than the database (`numeric` for `numeric(12,2)`).
        || (base(declared) == base(live) && !declared.contains('('))
}

#[cfg(test)]
mod tests {
    use super::compatible;
    use crate::lint::test_utils::{assert_doc_examples, lint_one_rule_live};

    const RULE: &str = "external-table-mismatch";
    const EXTERNAL: &str = "create table events (id uuid primary key, name text, venue_id uuid);";

    #[test]
    fn documentation_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn missing_table_column_and_type_err() {
        let schema = "create view v as select e.id, e.name, e.venue_id from events e;";
        let found = lint_one_rule_live(
            schema,
            &[("event-service", EXTERNAL)],
            Some("create table other (id int);"),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("does not exist in the database"),
            "{}",
            found[0].message
        );
        let found = lint_one_rule_live(
            schema,
            &[("event-service", EXTERNAL)],
            Some("create table events (id text primary key, name text);"),
            RULE,
        );
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("declared uuid but is text"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("venue_id") && m.contains("does not exist"))
        );
    }

    #[test]
    fn without_a_database_nothing_is_compared() {
        let found = lint_one_rule_live("select 1;", &[("event-service", EXTERNAL)], None, RULE);
        assert!(found.is_empty());
    }

    #[test]
    fn widening_is_compatible() {
        assert!(compatible(
            "character varying(50)",
            "character varying(100)"
        ));
        assert!(compatible("character varying(50)", "text"));
        assert!(compatible("numeric", "numeric(12,2)"));
        assert!(!compatible("uuid", "text"));
        assert!(!compatible("integer", "bigint"));
    }
}
