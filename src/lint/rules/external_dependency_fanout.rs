//! `external-dependency-fanout`: a view reaching too many external tables or services.

use std::collections::BTreeSet;

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "external-dependency-fanout",
    default_level: Level::Warning,
    summary: "a view reaches more external tables or owning services than allowed",
    docs: r#"## What it flags
A view or materialized view that reads, directly or through other views, more than
`max-tables` (default 4) external tables or tables of more than `max-services` (default 3)
other services.

## Why it matters
Every external table is a contract with another team. A view that joins many of them breaks
whenever any of those services changes its schema, and nobody owns the whole picture.

## Example
```sql,expect_diagnostic
create view wide as
select a.id from a join b on b.id = a.id join c on c.id = a.id join d on d.id = a.id join e on e.id = a.id;
-- external-file: svc-a
create table a (id int); create table b (id int); create table c (id int);
create table d (id int); create table e (id int);
```

## Fix
Read fewer external tables per view (ask the owning service for a view of its own):
```sql
create view narrow as select a.id from a join b on b.id = a.id;
-- external-file: svc-a
create table a (id int); create table b (id int);
```

Options in `schema.toml`: `[rules.external-dependency-fanout] max-tables = 4, max-services = 3`.
"#,
    options: &["max-tables", "max-services"],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let max_tables = ctx.option_usize("max-tables", 4);
    let max_services = ctx.option_usize("max-services", 3);
    let c = ctx.catalog;
    for v in c.views.values().chain(c.materialized_views.values()) {
        let reached = ctx.graph.externals_reached(&v.name);
        let services: BTreeSet<&str> = reached.iter().map(|(_, o, _)| o.as_str()).collect();
        if reached.len() <= max_tables && services.len() <= max_services {
            continue;
        }
        let tables: Vec<String> = reached
            .iter()
            .map(|(t, o, _)| format!("{t} ({o})"))
            .collect();
        let paths: Vec<String> = reached
            .iter()
            .map(|(_, _, p)| {
                p.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" → ")
            })
            .collect();
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        ctx.report(
            v.meta.span,
            format!(
                "{kind} {} reaches {} external tables of {} services (limits {max_tables} tables, {max_services} services): {}",
                v.name,
                reached.len(),
                services.len(),
                tables.join(", ")
            ),
        )
        .object(&v.name)
        .help(format!("paths: {}", paths.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok_with, lint_one_rule_with};

    const RULE: &str = "external-dependency-fanout";
    const EXT: &str = "-- owner: s1\ncreate table a (id int); create table b (id int); create table c (id int); create table d (id int); create table e (id int);";

    #[test]
    fn five_externals_through_a_view_err() {
        let found = lint_one_rule_with(
            "create view base as select a.id from a, b, c;
             create view top as select x.id from base x, d, e;",
            &[("s1", EXT)],
            RULE,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .message
                .starts_with("view public.top reaches 5 external tables of 1 services")
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("public.top → public.base → public.a")
        );
    }

    #[test]
    fn four_externals_ok() {
        lint_ok_with(
            "create view v as select a.id from a, b, c, d;",
            &[("s1", EXT)],
            RULE,
        );
    }

    #[test]
    fn many_services_err() {
        let found = lint_one_rule_with(
            "create view v as select a.id from a, b, c, d;",
            &[
                ("s1", "-- owner: s1\ncreate table a (id int);"),
                ("s2", "-- owner: s2\ncreate table b (id int);"),
                ("s3", "-- owner: s3\ncreate table c (id int);"),
                ("s4", "-- owner: s4\ncreate table d (id int);"),
            ],
            RULE,
        );
        assert_eq!(found.len(), 1);
    }
}
