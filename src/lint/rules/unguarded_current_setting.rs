//! `unguarded-current-setting`: a custom setting read so that an unset or reset setting makes
//! the statement fail.

use std::collections::BTreeMap;

use pg_query::NodeEnum;
use pg_query::protobuf::Node;

use crate::analyze::expr::{MissingOk, scalar_select_value, setting_call, walk};
use crate::catalog::typename::format_type_name;
use crate::catalog::{Expr, QualifiedName};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "unguarded-current-setting",
    default_level: Level::Error,
    summary: "current_setting() of the tenant or an app.* setting that fails when the setting is unset or reset",
    docs: r#"## What it flags
A call `current_setting(name)` of the tenant setting (`[tenant] setting` in schema.toml,
`app.current_tenant` by default) or of any `app.*` setting, in a policy's `USING` or
`WITH CHECK`, a column default, a `CHECK` constraint or a view's query, that
1. does not pass `missing_ok = true`: PostgreSQL raises `unrecognized configuration parameter`
   whenever the setting was never set in the session; or
2. is cast to a type that rejects the empty string (`::uuid`, `::integer`, `::bigint`,
   `::boolean`, arrays …; casts to `text`, `varchar`, `char`, `name`, `bytea` and `citext` are
   fine) without `NULLIF(…, '')` between the call and the cast. Once a custom setting has been
   set in a session, `RESET`, or the end of the transaction of a `SET LOCAL`, leaves it at the
   empty string rather than removing it, so `''::uuid` fails. With a connection pool this
   happens on the next transaction that reuses the connection.

The message says which of the two applies (or both).

## Why it matters
A tenant policy that errors makes every query on the table fail instead of returning no rows:
a background job without a tenant, a migration, or a pooled connection that ran one
`SET LOCAL` earlier all break, and the usual "fix" is to widen the policy. The seed's thirteen
`tenant_id = current_setting('app.current_tenant')::uuid` policies have both problems.

## Example
```sql,expect_diagnostic
create table analytics_metrics (id uuid primary key, tenant_id uuid not null);
create policy tenant_isolation on analytics_metrics
    using (tenant_id = current_setting('app.current_tenant')::uuid);
```

An unset or reset setting reads as NULL, and the policy matches no rows:
```sql
create table analytics_metrics (id uuid primary key, tenant_id uuid not null);
create policy tenant_isolation on analytics_metrics
    using (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
```
"#,
    options: &[],
    check,
};

/// What is wrong with the reads of one setting in one object.
#[derive(Default)]
struct Finding {
    /// The `missing_ok` of a call that does not pass `true`.
    missing_ok: Option<MissingOk>,
    /// Types the setting is cast to without `NULLIF(…, '')`.
    casts: Vec<String>,
}

/// One place an expression lives in.
struct Site<'a> {
    what: String,
    object: &'a QualifiedName,
    span: Option<Span>,
    exprs: Vec<&'a Expr>,
}

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    let mut sites = Vec::new();
    for p in c.policies.values() {
        if !c.tables.contains_key(&p.table) {
            continue; // a policy on another service's table is that service's business
        }
        sites.push(Site {
            what: format!("policy {} on {}", p.name, p.table),
            object: &p.table,
            span: p.meta.span,
            exprs: p.using.iter().chain(&p.with_check).collect(),
        });
    }
    for t in c.tables.values() {
        for col in &t.columns {
            if let Some(d) = &col.default {
                sites.push(Site {
                    what: format!("the default of {}.{}", t.name, col.name),
                    object: &t.name,
                    span: col.span.or(t.meta.span),
                    exprs: vec![d],
                });
            }
        }
        for con in t.constraints.values() {
            if let crate::catalog::ConstraintKind::Check { expr, .. } = &con.kind {
                sites.push(Site {
                    what: format!("CHECK constraint {} on {}", con.name, t.name),
                    object: &t.name,
                    span: con.span.or(t.meta.span),
                    exprs: vec![expr],
                });
            }
        }
    }
    for (kind, views) in [
        ("view", &c.views),
        ("materialized view", &c.materialized_views),
    ] {
        for v in views.values() {
            sites.push(Site {
                what: format!("{kind} {}", v.name),
                object: &v.name,
                span: v.meta.span,
                exprs: vec![&v.query],
            });
        }
    }
    let tenant_setting = ctx.tenant_setting().to_lowercase();
    let watched = |name: &str| name == tenant_setting || name.starts_with("app.");
    for site in sites {
        let mut findings: BTreeMap<String, Finding> = BTreeMap::new();
        for e in &site.exprs {
            collect(&e.node(), &watched, &mut findings);
        }
        for (setting, f) in findings {
            report(ctx, &site, &setting, &f);
        }
    }
}

fn collect(node: &Node, watched: &dyn Fn(&str) -> bool, out: &mut BTreeMap<String, Finding>) {
    walk(node, &mut |n| {
        if let Some(call) = setting_call(n) {
            if let Some(name) = call.name.filter(|s| watched(s)) {
                if matches!(call.missing_ok, MissingOk::Absent | MissingOk::Const(false)) {
                    out.entry(name).or_default().missing_ok = Some(call.missing_ok);
                }
            }
        }
        if let NodeEnum::TypeCast(t) = n {
            let ty = t
                .type_name
                .as_ref()
                .map(format_type_name)
                .unwrap_or_default();
            if !accepts_empty_string(&ty) {
                if let Some(name) = t
                    .arg
                    .as_deref()
                    .and_then(unguarded_setting)
                    .filter(|s| watched(s))
                {
                    let casts = &mut out.entry(name).or_default().casts;
                    if !casts.contains(&ty) {
                        casts.push(ty);
                    }
                }
            }
        }
        true
    });
}

/// The setting read by `node` when it is a `current_setting` call reached through nothing but
/// text casts, `COLLATE` and scalar `(SELECT …)`: no `NULLIF(…, '')` on the way.
fn unguarded_setting(node: &Node) -> Option<String> {
    let mut current = node;
    loop {
        match current.node.as_ref()? {
            NodeEnum::TypeCast(t) => {
                let ty = t.type_name.as_ref().map(format_type_name)?;
                if !accepts_empty_string(&ty) {
                    return None; // that inner cast is reported on its own
                }
                current = t.arg.as_deref()?;
            }
            NodeEnum::CollateClause(c) => current = c.arg.as_deref()?,
            NodeEnum::SubLink(s) => current = scalar_select_value(s)?,
            other => return setting_call(other)?.name,
        }
    }
}

/// Whether a cast of `''` to this type succeeds.
fn accepts_empty_string(ty: &str) -> bool {
    if ty.ends_with("[]") {
        return false;
    }
    let base = ty.split('(').next().unwrap_or(ty).trim();
    matches!(
        base,
        "text" | "character varying" | "character" | "name" | "bytea" | "citext" | "\"char\""
    ) || base.ends_with(".citext")
}

fn report(ctx: &mut LintContext<'_>, site: &Site<'_>, setting: &str, f: &Finding) {
    let call = match &f.missing_ok {
        Some(MissingOk::Const(false)) => format!("current_setting('{setting}', false)"),
        Some(_) => format!("current_setting('{setting}')"),
        None => format!("current_setting('{setting}', true)"),
    };
    let casts = f
        .casts
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let message = match (&f.missing_ok, f.casts.is_empty()) {
        (Some(_), true) => format!(
            "{} calls {call} without missing_ok = true: it raises an error while the setting is unset",
            site.what
        ),
        (Some(_), false) => format!(
            "{} calls {call} without missing_ok = true and casts it to {casts} without NULLIF(…, ''): it raises an error while the setting is unset, and again once it has been reset to ''",
            site.what
        ),
        (None, _) => format!(
            "{} casts {call} to {casts} without NULLIF(…, ''): it raises an error once the setting has been reset to ''",
            site.what
        ),
    };
    let help = match f.casts.first() {
        Some(ty) => format!(
            "write NULLIF(current_setting('{setting}', true), '')::{ty}: an unset or reset setting then reads as NULL, which matches no rows instead of failing"
        ),
        None => format!(
            "write current_setting('{setting}', true): an unset setting then reads as NULL instead of raising an error"
        ),
    };
    ctx.report(site.span, message)
        .object(site.object)
        .help(help);
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{assert_doc_examples, lint_ok, lint_one_rule};

    const RULE: &str = "unguarded-current-setting";

    #[test]
    fn doc_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn seed_policy_has_both_problems_err() {
        let found = lint_one_rule(
            "create table m (id uuid, tenant_id uuid);
             create policy p on m using (tenant_id = current_setting('app.current_tenant')::uuid);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "policy p on public.m calls current_setting('app.current_tenant') without missing_ok = true \
             and casts it to `uuid` without NULLIF(…, ''): it raises an error while the setting is \
             unset, and again once it has been reset to ''"
        );
        assert_eq!(found[0].objects, ["public.m"]);
    }

    #[test]
    fn missing_ok_but_cast_err() {
        let found = lint_one_rule(
            "create table m (id uuid, tenant_id uuid);
             create policy p on m using (tenant_id = current_setting('app.current_tenant', true)::uuid)
                 with check (tenant_id = current_setting('app.current_tenant', true)::uuid);",
            RULE,
        );
        assert_eq!(found.len(), 1, "one finding per object and setting");
        assert!(
            found[0]
                .message
                .starts_with("policy p on public.m casts current_setting('app.current_tenant', true) to `uuid` without NULLIF"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn no_missing_ok_without_cast_err() {
        let found = lint_one_rule(
            "create table m (id uuid, venue_id uuid);
             create policy p on m using (venue_id::text = current_setting('app.current_venue', false));",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("current_setting('app.current_venue', false) without missing_ok = true")
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("current_setting('app.current_venue', true)")
        );
    }

    #[test]
    fn defaults_checks_and_views_err() {
        let found = lint_one_rule(
            "create table m (
                 id uuid,
                 tenant_id uuid not null default current_setting('app.current_tenant', true)::uuid,
                 n int check (n < current_setting('app.max_n', true)::int)
             );
             create view v as select * from m where tenant_id = (select current_setting('app.current_tenant')::uuid);",
            RULE,
        );
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{messages:#?}");
        assert!(messages[0].starts_with("the default of public.m.tenant_id casts"));
        assert!(messages[1].starts_with("CHECK constraint m_n_check on public.m casts"));
        assert!(messages[1].contains("to `integer`"));
        assert!(messages[2].starts_with("view public.v calls"));
    }

    #[test]
    fn guarded_reads_ok() {
        lint_ok(
            "create table m (id uuid, tenant_id uuid, venue_id uuid);
             create policy a on m using (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
             create policy b on m using (tenant_id = (select nullif(current_setting('APP.CURRENT_TENANT', missing_ok => true), '')::uuid));
             create policy c on m using (venue_id::text = current_setting('app.current_tenant', 'on'));
             create policy d on m using (tenant_id::text = current_setting('app.current_tenant', true)::varchar(36));",
            RULE,
        );
    }

    #[test]
    fn other_settings_ok() {
        lint_ok(
            "create table m (id uuid, tz text default current_setting('TimeZone'), n int default current_setting('myext.n')::int);",
            RULE,
        );
    }

    #[test]
    fn any_app_setting_is_watched_err() {
        let found = lint_one_rule(
            "create table m (id uuid, org uuid default current_setting('app.org', true)::uuid);",
            RULE,
        );
        assert_eq!(found.len(), 1);
    }
}
