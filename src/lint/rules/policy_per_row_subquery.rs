//! `policy-per-row-subquery`: a row-level-security policy whose expression reads other tables
//! through a subquery.

use pg_query::NodeEnum;

use crate::analyze::expr::{relations_read, walk};
use crate::catalog::{Policy, QualifiedName};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "policy-per-row-subquery",
    default_level: Level::Warning,
    summary: "a row-level-security policy that reads other tables through a subquery",
    docs: r#"## What it flags
A policy whose `USING` or `WITH CHECK` expression contains a subquery (`IN (SELECT …)`,
`EXISTS (…)`, `= ANY (SELECT …)`, a scalar `(SELECT … FROM …)`) that reads a table or view.
The message names the relations the subquery reads and, for declared external tables, the
service that owns them. A scalar `(SELECT current_setting(…))` without `FROM` reads nothing
and is not flagged: PostgreSQL evaluates it once per query.

## Why it matters
The policy is part of every query on the table. A subquery correlated with the row runs once
per row checked; an uncorrelated one may be hashed once per query, but only while it fits in
`work_mem`, and either way each query on the table also reads the other table, under the
caller's rights and that table's own policies. A subquery on another service's table is
usually a sign that the tenant is resolved indirectly ("rows of events of my venues") because
the row does not carry the tenant: the policy then breaks, or silently changes meaning,
whenever the other service changes its table. The seed's `event_analytics` policy selects from
the event service's `events` table for every row.

## Example
```sql,expect_diagnostic
create table events (id uuid primary key, venue_id uuid);
create table event_analytics (id uuid primary key, event_id uuid not null);
create policy tenant_isolation_policy on event_analytics using (
    event_id in (select id from events
                 where venue_id::text = current_setting('app.current_tenant', true)));
```

Carry the tenant on the row and compare it directly:
```sql
create table event_analytics (id uuid primary key, tenant_id uuid not null, event_id uuid not null);
create policy tenant_isolation on event_analytics using (
    tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));
```
"#,
    options: &[],
    check,
};

fn check(ctx: &mut LintContext<'_>) {
    let c = ctx.catalog;
    for p in c.policies.values() {
        if !c.tables.contains_key(&p.table) {
            continue; // a policy on another service's table is that service's business
        }
        let read = tables_read(ctx, p);
        if read.is_empty() {
            continue;
        }
        let names = read
            .iter()
            .map(
                |q| match c.externals.get(q).and_then(|t| t.external_owner.as_deref()) {
                    Some(owner) => format!("{q} (owned by {owner})"),
                    None => q.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join(" and ");
        let help = format!(
            "store the tenant on the row ({} column) and compare it directly, e.g. {} = NULLIF(current_setting('{}', true), '')::uuid",
            ctx.tenant_column(),
            ctx.tenant_column(),
            ctx.tenant_setting()
        );
        let d = ctx.report(
            p.meta.span,
            format!(
                "policy {} on {} runs a subquery on {names} for the rows it checks",
                p.name, p.table
            ),
        );
        d.object(&p.table);
        for q in &read {
            if let Some(rel) = c.relation(q) {
                d.label(rel.span(), format!("{} {q} declared here", rel.kind()));
            }
            d.object(q);
        }
        d.help(help);
    }
}

/// Relations read by the policy's subqueries, resolved with the policy's search path, in order
/// of appearance and without duplicates.
fn tables_read(ctx: &LintContext<'_>, p: &Policy) -> Vec<QualifiedName> {
    let mut out: Vec<QualifiedName> = Vec::new();
    for e in p.using.iter().chain(&p.with_check) {
        walk(&e.node(), &mut |n| {
            let NodeEnum::SubLink(s) = n else {
                return true;
            };
            if let Some(sub) = s.subselect.as_deref() {
                for (schema, name) in relations_read(sub) {
                    let q = ctx
                        .catalog
                        .resolve_relation(Some(&schema), &name, &p.search_path)
                        .unwrap_or_else(|| {
                            let schema = if schema.is_empty() {
                                p.search_path.first().map_or("public", String::as_str)
                            } else {
                                &schema
                            };
                            QualifiedName::new(schema, name.as_str())
                        });
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
            // Nested subqueries were read with this one; their relations are not repeated.
            true
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{assert_doc_examples, lint_ok, lint_one_rule_with};

    const RULE: &str = "policy-per-row-subquery";

    #[test]
    fn doc_examples_hold() {
        assert_eq!(assert_doc_examples(RULE), 2);
    }

    #[test]
    fn subquery_on_external_table_err() {
        let found = lint_one_rule_with(
            "create table event_analytics (id uuid primary key, event_id uuid not null);
             create policy p on event_analytics
                 using (event_id in (select id from events where venue_id::text = current_setting('app.current_tenant', true)))
                 with check (exists (select 1 from public.events e join venues v on v.id = e.venue_id where e.id = event_id));",
            &[(
                "event-service",
                "create table events (id uuid primary key, venue_id uuid);",
            ), (
                "venue-service",
                "create table venues (id uuid primary key);",
            )],
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "policy p on public.event_analytics runs a subquery on public.events (owned by event-service) and public.venues (owned by venue-service) for the rows it checks"
        );
        assert_eq!(found[0].labels.len(), 2);
        assert_eq!(
            found[0].objects,
            ["public.event_analytics", "public.events", "public.venues"]
        );
    }

    #[test]
    fn scalar_select_without_from_ok() {
        lint_ok(
            "create table m (id uuid, tenant_id uuid);
             create policy p on m using (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));",
            RULE,
        );
    }

    #[test]
    fn subquery_on_own_table_err() {
        let found = crate::lint::test_utils::lint_one_rule(
            "create table members (user_name text, tenant_id uuid);
             create table m (id uuid, tenant_id uuid);
             create policy p on m using (tenant_id = (select tenant_id from members where user_name = current_user));",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "policy p on public.m runs a subquery on public.members for the rows it checks"
        );
    }
}
