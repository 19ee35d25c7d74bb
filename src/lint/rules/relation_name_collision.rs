//! `relation-name-collision`: two relations of any kind with one name in one schema.

use std::collections::BTreeSet;

use crate::catalog::QualifiedName;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "relation-name-collision",
    default_level: Level::Error,
    summary: "two relations (table, view, materialized view, index, sequence, external table) share one name",
    docs: r#"## What it flags
Two relations of any kind — table, view, materialized view, index, sequence or declared external
table — with the same name in the same schema, including the same object declared twice. A
composite type with the name of a relation is flagged too (every relation has a row type of
its name).

## Why it matters
PostgreSQL keeps relations in one namespace per schema: only one can exist. Applying the
declarations in order fails at the second one, or, with `IF NOT EXISTS` or a hand-made
workaround, silently keeps whichever came first. The analytics service's migration 001 created
a view `venue_analytics` and migration 002 a table `venue_analytics`.

## Example
```sql,expect_diagnostic
create view venue_analytics as select 1 as id;
create table venue_analytics (id uuid primary key);
```

## Fix
Rename one of them (a rename hint keeps the data when planning):
```sql
-- schema: renamed from venue_analytics
create view venue_performance_summary as select 1 as id;
create table venue_analytics (id uuid primary key);
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    let names: BTreeSet<&QualifiedName> = c
        .tables
        .keys()
        .chain(c.views.keys())
        .chain(c.materialized_views.keys())
        .chain(c.indexes.keys())
        .chain(c.sequences.keys())
        .chain(c.externals.keys())
        .collect();
    for name in names {
        let relations = c.relations_named(name);
        if relations.len() < 2 {
            continue;
        }
        let kinds: Vec<&str> = relations.iter().map(|r| r.kind()).collect();
        let (first, rest) = relations.split_first().expect("two or more");
        let primary = rest.iter().find_map(|r| r.span()).or_else(|| first.span());
        let d = ctx.report(
            primary,
            format!(
                "{} and {} are both named {name}",
                article(kinds[0]),
                kinds[1..]
                    .iter()
                    .map(|k| article(k))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        );
        for r in &relations {
            if r.span() != primary {
                d.label(r.span(), format!("{} {name} declared here", r.kind()));
            }
        }
        d.object(name)
            .help("rename one of them; only one relation can own a name in a schema");
    }
    for dup in &c.duplicates {
        ctx.report(
            dup.second,
            format!("{} {} is declared twice", dup.kind, dup.name),
        )
        .label(dup.first, "first declared here")
        .object(&dup.name)
        .help("remove one declaration; the later one is ignored");
    }
    for ty in c.types.values() {
        if let Some(r) = c.relation(&ty.name) {
            ctx.report(
                ty.meta.span,
                format!(
                    "type {} has the name of {} {}",
                    ty.name,
                    article(r.kind()),
                    ty.name
                ),
            )
            .label(r.span(), format!("{} declared here", r.kind()))
            .object(&ty.name)
            .help("every relation has a row type of its name; rename the type");
        }
    }
}

fn article(kind: &str) -> String {
    let a = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{a} {kind}")
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_one_rule};

    #[test]
    fn view_and_table_with_one_name_err() {
        let found = lint_one_rule(
            "create view venue_analytics as select 1 as id;\ncreate table venue_analytics (id int);",
            "relation-name-collision",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "a table and a view are both named public.venue_analytics"
        );
        assert_eq!(found[0].labels.len(), 1);
    }

    #[test]
    fn index_named_like_a_table_err() {
        let found = lint_one_rule(
            "create table a (id int); create table b (id int); create index a on b (id);",
            "relation-name-collision",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn same_name_in_two_schemas_ok() {
        lint_ok(
            "create schema x; create table x.t (id int); create view public.t as select 1;",
            "relation-name-collision",
        );
    }
}
