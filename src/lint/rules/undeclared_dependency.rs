//! `undeclared-dependency`: a relation or column used but neither defined nor declared external.

use crate::graph::NodeKind;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "undeclared-dependency",
    default_level: Level::Error,
    summary: "a relation or column is used but neither defined nor declared external",
    docs: r#"## What it flags
A view, materialized view, policy, function body, foreign key or trigger that uses a relation,
a column or a function which the schema neither defines nor declares as an external table.

## Why it matters
Tables owned by other services change without this project noticing. When every table the
project reads is declared (with the columns it uses), a rename or a dropped column in another
service shows up here, and `schema-plan` can check that the live database still has them.

## Example
```sql,expect_diagnostic
create view active_events as select e.id from events e where e.status = 'active';
```

## Fix
Declare the table in an external file (`--external schema/external`, first line
`-- owner: event-service`):
```sql
create table events (id uuid primary key, status text);
create view active_events as select e.id from events e where e.status = 'active';
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let graph = ctx.graph;
    for u in &graph.unresolved {
        let (what, name) = match (&u.column, u.from_kind) {
            (Some(c), _) => ("column", format!("{}.{c}", u.relation)),
            (None, NodeKind::Trigger) => ("function", u.relation.to_string()),
            (None, _) => ("relation", u.relation.to_string()),
        };
        let help = if u.column.is_some() {
            format!(
                "add the column to the declaration of {} (an external file passed with `--external`, or the table itself)",
                u.relation
            )
        } else {
            format!(
                "define {name}, or declare it in a file of external tables passed with `--external` (first line `-- owner: <service>`)"
            )
        };
        ctx.report(
            u.span,
            format!(
                "{} {} uses {what} {name}, which is neither defined nor declared external",
                u.from_kind.as_str(),
                u.from
            ),
        )
        .object(&u.from)
        .object(&name)
        .help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule, lint_one_rule_with};

    const RULE: &str = "undeclared-dependency";

    #[test]
    fn view_on_missing_table_err() {
        let found = lint_one_rule("create view v as select e.id from events e;", RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "view public.v uses relation public.events, which is neither defined nor declared external"
        );
        assert!(found[0].help.as_deref().unwrap().contains("--external"));
    }

    #[test]
    fn missing_column_of_external_err() {
        let found = lint_one_rule_with(
            "create view v as select e.id, e.venue from events e;",
            &[(
                "event-service",
                "-- owner: event-service\ncreate table events (id int);",
            )],
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("column public.events.venue"));
    }

    #[test]
    fn policy_subquery_and_fk_err() {
        let found = lint_one_rule(
            "create table t (id int, e int references events (id));
             alter table t enable row level security;
             create policy p on t using (exists (select 1 from venues v where v.id = t.id));",
            RULE,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    #[test]
    fn declared_external_ok() {
        lint_ok_with(
            "create view v as select e.id from events e;",
            &[(
                "event-service",
                "-- owner: event-service\ncreate table events (id int);",
            )],
            RULE,
        );
        lint_ok(
            "create table t (id int); create view v as with c as (select id from t) select c.id, count(*) from c group by 1 order by id;",
            RULE,
        );
    }
}
