//! `security-definer-without-search-path`: a `SECURITY DEFINER` routine that resolves names
//! with a search path its caller controls.

use pg_query::NodeEnum;
use pg_query::protobuf::DefElem;

use crate::catalog::Function;
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::loaded::Project;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "security-definer-without-search-path",
    default_level: Level::Error,
    summary: "a SECURITY DEFINER function or procedure without a safe SET search_path",
    docs: r#"## What it flags
A `SECURITY DEFINER` function or procedure that
1. has no `SET search_path` clause (neither in `CREATE` nor in a later `ALTER FUNCTION`), or
2. sets a search path that lists a schema others may write to — `public`, `"$user"` or
   `pg_temp` — before `pg_catalog`.

A search path that does not list `pg_catalog` at all is not flagged for that: PostgreSQL then
searches `pg_catalog` first anyway, so `SET search_path = public` cannot shadow built-ins.
`SET search_path = ''` and `SET search_path FROM CURRENT` count as set. The temporary schema
is searched first for *relations* when `pg_temp` is not listed; the rule does not ask for a
trailing `pg_temp`, so schema-qualify the relations such a routine uses (as the analytics
service's refresh functions do).

## Why it matters
A `SECURITY DEFINER` routine runs with its owner's rights but, without `SET search_path`,
resolves unqualified names with the caller's `search_path`. A caller who can create objects in
any schema on that path can put a function, operator or table of their own in front of the
intended one and have it run as the owner. PostgreSQL's manual ("Writing SECURITY DEFINER
Functions Safely") asks for a `search_path` that excludes schemas writable by untrusted users.
The seed's three refresh functions are `SECURITY DEFINER` without `SET search_path`.

## Example
```sql,expect_diagnostic
create function refresh_venue_analytics_mv() returns void
    language plpgsql security definer
as $$ begin perform 1; end $$;
```

```sql
create function refresh_venue_analytics_mv() returns void
    language plpgsql security definer
    set search_path = pg_catalog, public
as $$ begin perform 1; end $$;
```
"#,
    options: &[],
    check,
};

/// Schemas that roles other than the owner may be able to create objects in.
const WRITABLE: &[&str] = &["public", "$user", "pg_temp"];

fn check(ctx: &mut LintContext<'_>) {
    for f in ctx.catalog.functions.values() {
        if !f.security_definer || is_external(ctx.project, f.meta.span) {
            continue;
        }
        let kind = if f.is_procedure {
            "procedure"
        } else {
            "function"
        };
        let clauses = Clauses::find(ctx.project, f);
        let definer = clauses.security.or(f.meta.span);
        match f.config.get("search_path") {
            None => {
                ctx.report(
                    definer,
                    format!(
                        "{kind} {} is SECURITY DEFINER but does not set search_path, so it resolves unqualified names with its caller's search_path",
                        f.identity()
                    ),
                )
                .object(&f.name)
                .help("add `SET search_path = pg_catalog, public` (pg_catalog first, then only schemas untrusted roles cannot create objects in) and schema-qualify the objects it uses");
            }
            Some(path) => {
                let entries: Vec<String> = path
                    .split(',')
                    .map(|s| s.trim().trim_matches('"').to_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect();
                let Some(catalog_at) = entries.iter().position(|s| s == "pg_catalog") else {
                    continue;
                };
                let early: Vec<&str> = entries[..catalog_at]
                    .iter()
                    .map(String::as_str)
                    .filter(|s| WRITABLE.contains(s) || s.starts_with("pg_temp_"))
                    .collect();
                if early.is_empty() {
                    continue;
                }
                let listed = early
                    .iter()
                    .map(|s| {
                        if *s == "$user" {
                            "\"$user\"".to_owned()
                        } else {
                            (*s).to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" and ");
                let rest: Vec<&str> = entries
                    .iter()
                    .map(String::as_str)
                    .filter(|s| *s != "pg_catalog")
                    .collect();
                ctx.report(
                    clauses.set.or(definer),
                    format!(
                        "{kind} {} is SECURITY DEFINER and its search_path ({path}) puts {listed} before pg_catalog, so objects created there can shadow built-in functions and operators",
                        f.identity()
                    ),
                )
                .label(
                    clauses.security.filter(|_| clauses.set.is_some()),
                    "runs with its owner's rights",
                )
                .object(&f.name)
                .help(format!(
                    "put pg_catalog first: SET search_path = pg_catalog, {}",
                    rest.join(", ")
                ));
            }
        }
    }
}

fn is_external(project: &Project, span: Option<Span>) -> bool {
    span.and_then(|s| project.files.get(s.file.0 as usize))
        .is_some_and(|f| f.external_owner.is_some())
}

/// Where the `SECURITY DEFINER` and `SET search_path` clauses of a routine's `CREATE`
/// statement are, when it came from a file.
#[derive(Default)]
struct Clauses {
    security: Option<Span>,
    set: Option<Span>,
}

impl Clauses {
    fn find(project: &Project, f: &Function) -> Clauses {
        let mut out = Clauses::default();
        let Some(span) = f.meta.span else {
            return out;
        };
        let Some(stmt) = project
            .files
            .get(span.file.0 as usize)
            .and_then(|file| file.statements.iter().find(|s| s.span == span))
            .and_then(|info| project.statement(span.file, info))
        else {
            return out;
        };
        let NodeEnum::CreateFunctionStmt(create) = &stmt.node else {
            return out;
        };
        let text = &project.sources.file(span.file).text;
        for option in &create.options {
            let Some(NodeEnum::DefElem(d)) = option.node.as_ref() else {
                continue;
            };
            match d.defname.as_str() {
                "security" => out.security = clause_span(text, stmt.base, span, d, "definer"),
                "set" if is_search_path(d) => {
                    out.set = clause_span(text, stmt.base, span, d, "\n");
                }
                _ => {}
            }
        }
        out
    }
}

fn is_search_path(d: &DefElem) -> bool {
    matches!(
        d.arg.as_deref().and_then(|a| a.node.as_ref()),
        Some(NodeEnum::VariableSetStmt(v)) if v.name == "search_path"
    )
}

/// From the clause's first keyword up to and including `until` (case-insensitive; a newline
/// ends the clause before it), within the statement.
fn clause_span(text: &str, base: u32, stmt: Span, d: &DefElem, until: &str) -> Option<Span> {
    let start = base as usize + usize::try_from(d.location).ok()?;
    if start < stmt.start as usize || start >= stmt.end as usize {
        return None;
    }
    let rest = text.get(start..stmt.end as usize)?;
    let line = rest.split('\n').next().unwrap_or(rest);
    let end = match line.to_lowercase().find(until) {
        Some(i) if until != "\n" => i + until.len(),
        _ => line.trim_end().len(),
    };
    Some(Span::new(stmt.file, start, start + end))
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{assert_doc_examples, lint_ok, lint_one_rule, span_text};

    const RULE: &str = "security-definer-without-search-path";

    #[test]
    fn doc_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn definer_without_search_path_err() {
        let sql =
            "create function f() returns void\n  language sql\n  SECURITY DEFINER\nas 'select 1';";
        let found = lint_one_rule(sql, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "function public.f() is SECURITY DEFINER but does not set search_path, so it resolves unqualified names with its caller's search_path"
        );
        assert_eq!(span_text(sql, &found[0]), "SECURITY DEFINER");
    }

    #[test]
    fn public_before_pg_catalog_err() {
        let sql = "create procedure p() language sql security definer\n  set search_path = \"$user\", public, pg_catalog\nas 'select 1';";
        let found = lint_one_rule(sql, RULE);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "procedure public.p() is SECURITY DEFINER and its search_path ($user, public, pg_catalog) puts \"$user\" and public before pg_catalog, so objects created there can shadow built-in functions and operators"
        );
        assert_eq!(
            span_text(sql, &found[0]),
            "set search_path = \"$user\", public, pg_catalog"
        );
        assert_eq!(found[0].labels.len(), 1);
        assert_eq!(
            found[0].help.as_deref(),
            Some("put pg_catalog first: SET search_path = pg_catalog, $user, public")
        );
    }

    #[test]
    fn search_path_set_by_alter_function_ok() {
        lint_ok(
            "create function f() returns int language sql security definer as 'select 1';
             alter function f() set search_path = pg_catalog, public;",
            RULE,
        );
    }

    #[test]
    fn safe_or_absent_definer_ok() {
        lint_ok(
            "create function a() returns int language sql as 'select 1';
             create function b() returns int language sql security definer set search_path = '' as 'select 1';
             create function c() returns int language sql security definer set search_path = public as 'select 1';
             create function d() returns int language sql security definer set search_path from current as 'select 1';
             create function e() returns int language sql security invoker as 'select 1';",
            RULE,
        );
    }

    #[test]
    fn definer_added_by_alter_function_err() {
        let found = lint_one_rule(
            "create function f() returns int language sql as 'select 1';
             alter function f() security definer;",
            RULE,
        );
        assert_eq!(found.len(), 1);
    }
}
