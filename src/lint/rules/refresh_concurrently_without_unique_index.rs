//! `refresh-concurrently-without-unique-index`: a `REFRESH MATERIALIZED VIEW CONCURRENTLY`
//! that PostgreSQL will refuse.

use pg_query::NodeEnum;

use crate::catalog::build::search_path_change;
use crate::catalog::{BodyAction, Index, QualifiedName};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::loaded::StatementKind;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "refresh-concurrently-without-unique-index",
    default_level: Level::Error,
    summary: "REFRESH MATERIALIZED VIEW CONCURRENTLY of a materialized view without a usable unique index",
    docs: r#"## What it flags
`REFRESH MATERIALIZED VIEW CONCURRENTLY name`, in a function or procedure body (SQL or
PL/pgSQL, including `EXECUTE` of a constant string) or as a statement of a schema file, when
`name` is a materialized view without a unique index that PostgreSQL accepts for it: `UNIQUE`,
on plain columns only (no expression) and without a `WHERE` clause. It also flags a
`CONCURRENTLY` refresh of a name that is not a declared materialized view. Unqualified names
are resolved with the function's `SET search_path`, else the search path in effect where the
function (or statement) is declared.

## Why it matters
PostgreSQL refuses the refresh at run time ("cannot refresh materialized view concurrently …
Create a unique index with no WHERE clause on one or more columns of the materialized view"),
so the job that calls the function fails every time, and nothing catches it before then: the
function itself is created without complaint. The seed's
`refresh_compliance_reporting_materialized()` refreshes `compliance_reporting_materialized`
concurrently, and that view has only non-unique indexes.

## Example
```sql,expect_diagnostic
create materialized view compliance_reporting_materialized as
    select 1 as audit_log_id, now() as audit_date;
create index on compliance_reporting_materialized (audit_date);
create function refresh_compliance_reporting_materialized() returns void
    language plpgsql
as $$ begin refresh materialized view concurrently compliance_reporting_materialized; end $$;
```

```sql
create materialized view compliance_reporting_materialized as
    select 1 as audit_log_id, now() as audit_date;
create unique index on compliance_reporting_materialized (audit_log_id);
create function refresh_compliance_reporting_materialized() returns void
    language plpgsql
as $$ begin refresh materialized view concurrently compliance_reporting_materialized; end $$;
```
"#,
    options: &[],
    check,
};

/// One `REFRESH … CONCURRENTLY` found.
struct Refresh {
    /// Who refreshes: `function public.f()`, or `None` for a top-level statement.
    caller: Option<(String, QualifiedName)>,
    /// Schema as written (empty when unqualified) and name.
    schema: String,
    name: String,
    /// Schemas searched for an unqualified name.
    search_path: Vec<String>,
    span: Option<Span>,
}

fn check(ctx: &mut LintContext<'_>) {
    let mut refreshes = Vec::new();
    for f in ctx.catalog.functions.values() {
        let external = f
            .meta
            .span
            .and_then(|s| ctx.project.files.get(s.file.0 as usize))
            .is_some_and(|file| file.external_owner.is_some());
        if external {
            continue;
        }
        let search_path: Vec<String> = match f.config.get("search_path") {
            Some(path) => path
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty() && s != "$user")
                .collect(),
            None => f.search_path.to_vec(),
        };
        let kind = if f.is_procedure {
            "procedure"
        } else {
            "function"
        };
        for r in &f.references {
            if r.action == BodyAction::RefreshConcurrently {
                refreshes.push(Refresh {
                    caller: Some((format!("{kind} {}", f.identity()), f.name.clone())),
                    schema: r.schema.clone().unwrap_or_default(),
                    name: r.name.clone(),
                    search_path: search_path.clone(),
                    span: r.span.or(f.meta.span),
                });
            }
        }
    }
    for file in &ctx.project.files {
        if file.external_owner.is_some() {
            continue;
        }
        let mut search_path = vec!["public".to_owned()];
        for info in &file.statements {
            if !matches!(
                info.kind,
                StatementKind::RefreshMatView | StatementKind::SetOrSelect
            ) {
                continue;
            }
            let Some(stmt) = ctx.project.statement(file.id, info) else {
                continue;
            };
            if let Some(path) = search_path_change(&stmt.node, "public") {
                search_path = path.to_vec();
                continue;
            }
            if let NodeEnum::RefreshMatViewStmt(r) = &stmt.node {
                if let (true, Some(rv)) = (r.concurrent, &r.relation) {
                    refreshes.push(Refresh {
                        caller: None,
                        schema: rv.schemaname.clone(),
                        name: rv.relname.clone(),
                        search_path: search_path.clone(),
                        span: Some(stmt.span),
                    });
                }
            }
        }
    }
    for r in refreshes {
        report(ctx, &r);
    }
}

fn report(ctx: &mut LintContext<'_>, r: &Refresh) {
    let c = ctx.catalog;
    let target = if r.schema.is_empty() {
        r.search_path
            .iter()
            .map(|s| QualifiedName::new(s.as_str(), r.name.as_str()))
            .find(|q| c.relation(q).is_some())
            .unwrap_or_else(|| {
                let schema = r.search_path.first().map_or("public", String::as_str);
                QualifiedName::new(schema, r.name.as_str())
            })
    } else {
        QualifiedName::new(r.schema.as_str(), r.name.as_str())
    };
    let (what, fails) = match &r.caller {
        Some((caller, _)) => (
            format!("{caller} refreshes {target} CONCURRENTLY"),
            ", which fails",
        ),
        None => (
            format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {target}"),
            " fails",
        ),
    };
    let Some(mv) = c.materialized_views.get(&target) else {
        let (message, help, other) = match c.relation(&target) {
            Some(rel) => (
                format!(
                    "{what}, but {target} is {} {}, not a materialized view",
                    if rel.kind().starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    },
                    rel.kind()
                ),
                "REFRESH MATERIALIZED VIEW works on materialized views only; drop the statement or refresh the materialized view this was meant for",
                Some(rel),
            ),
            None => (
                format!("{what}, but no materialized view {target} is declared"),
                "declare the materialized view, or correct the name (unqualified names are resolved with the search path shown in the function's SET search_path, else where it is declared)",
                None,
            ),
        };
        let d = ctx.report(r.span, message);
        if let Some(rel) = other {
            d.label(rel.span(), format!("{} {target} declared here", rel.kind()));
        }
        d.object(&target).help(help);
        if let Some((_, f)) = &r.caller {
            d.object(f);
        }
        return;
    };
    let indexes: Vec<&Index> = c.indexes_on(&target).collect();
    if indexes.iter().any(|i| usable(i)) {
        return;
    }
    let d = ctx.report(
        r.span,
        format!(
            "{what}{fails}: the materialized view has no unique index on plain columns without a WHERE clause"
        ),
    );
    d.label(
        mv.meta.span,
        format!("materialized view {target} declared here"),
    );
    for i in indexes.iter().filter(|i| i.unique) {
        let why = if i.predicate.is_some() {
            "unique, but partial (WHERE …)"
        } else {
            "unique, but on an expression"
        };
        d.label(
            i.meta.span,
            format!("{why}: CONCURRENTLY cannot use {}", i.name.name),
        );
    }
    d.object(&target);
    if let Some((_, f)) = &r.caller {
        d.object(f);
    }
    d.help(format!(
        "add CREATE UNIQUE INDEX ON {target} (…) on columns that identify a row, or refresh without CONCURRENTLY (which blocks readers while it runs)"
    ));
}

/// Whether PostgreSQL accepts the index for a concurrent refresh.
fn usable(i: &Index) -> bool {
    i.unique && i.predicate.is_none() && i.plain_columns().is_some()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{assert_doc_examples, lint_ok, lint_one_rule, span_text};

    const RULE: &str = "refresh-concurrently-without-unique-index";

    const MV: &str = "create materialized view mv as select 1 as id, 2 as n;\n";

    #[test]
    fn doc_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn refresh_in_function_without_unique_index_err() {
        let sql = format!(
            "{MV}create index on mv (id);
create function f() returns void language plpgsql as $$
begin
    refresh materialized view concurrently mv;
end $$;"
        );
        let found = lint_one_rule(&sql, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "function public.f() refreshes public.mv CONCURRENTLY, which fails: the materialized view has no unique index on plain columns without a WHERE clause"
        );
        assert_eq!(
            span_text(&sql, &found[0]),
            "refresh materialized view concurrently mv"
        );
        assert_eq!(found[0].labels.len(), 1);
        assert_eq!(found[0].objects, ["public.mv", "public.f"]);
    }

    #[test]
    fn partial_and_expression_unique_indexes_do_not_count_err() {
        let sql = format!(
            "{MV}create unique index mv_id on mv (id) where n > 0;
create unique index mv_expr on mv ((id + n));
refresh materialized view concurrently mv;"
        );
        let found = lint_one_rule(&sql, RULE);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with(
            "REFRESH MATERIALIZED VIEW CONCURRENTLY public.mv fails: the materialized view has no unique index"
        ));
        let labels: Vec<&str> = found[0].labels.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(
            labels,
            [
                "materialized view public.mv declared here",
                "unique, but on an expression: CONCURRENTLY cannot use mv_expr",
                "unique, but partial (WHERE …): CONCURRENTLY cannot use mv_id",
            ]
        );
    }

    #[test]
    fn names_resolve_with_the_functions_search_path_err() {
        let found = lint_one_rule(
            "create schema reporting;
             create materialized view reporting.mv as select 1 as id;
             create materialized view public.mv as select 1 as id;
             create unique index on public.mv (id);
             create function g() returns void language plpgsql set search_path = reporting
                 as $$ begin execute 'refresh materialized view concurrently mv'; end $$;",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("function public.g() refreshes reporting.mv CONCURRENTLY"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn not_a_materialized_view_err() {
        let found = lint_one_rule(
            "create table t (id int primary key);
             create function f() returns void language plpgsql as $$
             begin refresh materialized view concurrently t; refresh materialized view concurrently nowhere; end $$;",
            RULE,
        );
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "function public.f() refreshes public.t CONCURRENTLY, but public.t is a table, not a materialized view",
                "function public.f() refreshes public.nowhere CONCURRENTLY, but no materialized view public.nowhere is declared",
            ]
        );
    }

    #[test]
    fn unique_plain_index_or_plain_refresh_ok() {
        lint_ok(
            &format!(
                "{MV}create unique index on mv (id) include (n);
create function f() returns void language plpgsql as $$
begin refresh materialized view concurrently public.mv; end $$;
create materialized view other as select 1 as id;
create function g() returns void language sql as 'refresh materialized view other';
refresh materialized view other;"
            ),
            RULE,
        );
    }
}
