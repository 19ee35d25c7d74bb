//! `unindexed-foreign-key`: a foreign key whose columns no index of its table leads with.

use std::collections::BTreeSet;

use crate::catalog::{ConstraintKind, FkAction, Table};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "unindexed-foreign-key",
    default_level: Level::Warning,
    summary: "a foreign key's columns are not the leading columns of any index of its table",
    docs: r#"## What it flags
A foreign key of a table of the project whose columns are not the leading columns (in any
order) of an index of that table, or of its primary key or a unique constraint. Partial
indexes and expression keys do not count; hash indexes count for one-column keys.
Partitions are checked through their parent.

## Why it matters
PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique),
never the referencing side. Every `DELETE` in the referenced table, and every update of its
key, looks up the referencing rows: without an index whose leading columns are the foreign
key's, that is a scan of the whole referencing table, once per deleted row, under locks.
`ON DELETE CASCADE` makes it worse. An index that has the columns in second place does not
help: the analytics service's `analytics_widgets.dashboard_id` was covered only by
`(tenant_id, dashboard_id)`.

## Example
```sql,expect_diagnostic
create table analytics_dashboards (id uuid primary key, tenant_id uuid not null);
create table analytics_widgets (
    id uuid primary key,
    tenant_id uuid not null,
    dashboard_id uuid not null references analytics_dashboards (id) on delete cascade
);
create index analytics_widgets_tenant_id_dashboard_id_index
    on analytics_widgets (tenant_id, dashboard_id);
```

## Fix
```sql
create table analytics_dashboards (id uuid primary key, tenant_id uuid not null);
create table analytics_widgets (
    id uuid primary key,
    tenant_id uuid not null,
    dashboard_id uuid not null references analytics_dashboards (id) on delete cascade
);
create index analytics_widgets_dashboard_id_index on analytics_widgets (dashboard_id);
```
"#,
    options: &[],
    check,
};

/// An index or key of the table, as the plain columns it starts with.
struct Candidate {
    what: String,
    span: Option<Span>,
    columns: Vec<Option<String>>,
    usable: bool,
}

fn check(ctx: &mut LintContext<'_>) {
    for table in ctx.tables() {
        if table.partition_of.is_some() {
            continue;
        }
        let candidates = candidates(ctx, table);
        for fk in table.constraints.values() {
            let ConstraintKind::ForeignKey {
                columns,
                ref_table,
                on_delete,
                ..
            } = &fk.kind
            else {
                continue;
            };
            if columns.is_empty() {
                continue;
            }
            let wanted: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
            let leads = |c: &Candidate| {
                c.columns.len() >= columns.len()
                    && c.columns[..columns.len()]
                        .iter()
                        .map(Option::as_deref)
                        .collect::<Option<BTreeSet<&str>>>()
                        .is_some_and(|lead| lead == wanted)
            };
            if candidates.iter().any(|c| c.usable && leads(c)) {
                continue;
            }
            let cols = columns.join(", ");
            let purpose = match on_delete {
                FkAction::Cascade => "to find the rows to delete with it",
                FkAction::SetNull | FkAction::SetDefault => "to find the rows to update",
                FkAction::NoAction | FkAction::Restrict => "to look for referencing rows",
            };
            let d = ctx.report(
                fk.span.or(table.meta.span),
                format!(
                    "foreign key {} on {} ({cols}) has no index starting with {}: each delete from {ref_table} scans {} {purpose}",
                    crate::catalog::names::display_ident(&fk.name),
                    table.name,
                    if columns.len() == 1 { cols.clone() } else { format!("({cols})") },
                    table.name
                ),
            );
            for c in &candidates {
                let contains = wanted
                    .iter()
                    .all(|w| c.columns.iter().any(|k| k.as_deref() == Some(*w)));
                if contains && !(c.usable && leads(c)) {
                    d.label(
                        c.span,
                        format!(
                            "{} has {cols} but {}",
                            c.what,
                            if c.usable {
                                "not as its leading column(s)"
                            } else {
                                "cannot serve the lookup (partial or not B-tree)"
                            }
                        ),
                    );
                }
            }
            d.object(&table.name)
                .object(ref_table)
                .help(format!("add `CREATE INDEX ON {} ({cols});`", table.name));
        }
    }
}

/// The table's indexes and PK/UNIQUE constraints, with whether they can serve an equality
/// lookup on their leading columns.
fn candidates(ctx: &LintContext<'_>, table: &Table) -> Vec<Candidate> {
    let mut out = Vec::new();
    for c in table.constraints.values() {
        let what = match c.kind {
            ConstraintKind::PrimaryKey { .. } => "PRIMARY KEY",
            ConstraintKind::Unique { .. } => "UNIQUE constraint",
            _ => continue,
        };
        out.push(Candidate {
            what: format!("{what} {}", crate::catalog::names::display_ident(&c.name)),
            span: c.span,
            columns: c.columns().iter().cloned().map(Some).collect(),
            usable: true,
        });
    }
    for index in ctx.indexes_on(&table.name).iter().copied() {
        let method = index.method.to_ascii_lowercase();
        out.push(Candidate {
            what: format!("index {}", index.name),
            span: index.meta.span,
            columns: index.keys.iter().map(|k| k.column.clone()).collect(),
            usable: index.predicate.is_none()
                && (method == "btree" || (method == "hash" && index.keys.len() == 1)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "unindexed-foreign-key";

    const PARENT: &str = "create table p (id int primary key, a int, b int, unique (a, b));\n";

    #[test]
    fn fk_covered_only_in_second_place_err() {
        let found = lint_one_rule(
            &format!(
                "{PARENT}create table c (id int primary key, tenant_id int, p_id int,\n\
                 constraint c_p_id_foreign foreign key (p_id) references p (id) on delete cascade);\n\
                 create index c_tenant_id_p_id_index on c (tenant_id, p_id);"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "foreign key c_p_id_foreign on public.c (p_id) has no index starting with p_id: \
             each delete from public.p scans public.c to find the rows to delete with it"
        );
        assert_eq!(found[0].labels.len(), 1);
        assert_eq!(
            found[0].labels[0].message,
            "index public.c_tenant_id_p_id_index has p_id but not as its leading column(s)"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("add `CREATE INDEX ON public.c (p_id);`")
        );
        assert_eq!(found[0].objects, ["public.c", "public.p"]);
    }

    #[test]
    fn fk_without_any_index_err() {
        assert_eq!(
            lint_one_rule(
                &format!("{PARENT}create table c (p_id int references p);"),
                RULE
            )
            .len(),
            1
        );
    }

    #[test]
    fn partial_or_gin_index_does_not_count_err() {
        let found = lint_one_rule(
            &format!(
                "{PARENT}create table c (p_id int references p, live bool);\n\
                 create index c_p_live on c (p_id) where live;"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].labels[0]
                .message
                .contains("cannot serve the lookup")
        );
    }

    #[test]
    fn leading_columns_in_any_order_ok() {
        lint_ok(
            &format!(
                "{PARENT}create table c (id int, a int, b int, x int,\n\
                 foreign key (a, b) references p (a, b));\n\
                 create index c_b_a_x on c (b, a, x);"
            ),
            RULE,
        );
    }

    #[test]
    fn covered_by_primary_key_or_unique_ok() {
        lint_ok(
            &format!(
                "{PARENT}create table c (p_id int references p, n int, primary key (p_id, n));\n\
                 create table d (p_id int references p, n int, unique (p_id, n));"
            ),
            RULE,
        );
    }

    #[test]
    fn multi_column_fk_needs_all_columns_leading_err() {
        assert_eq!(
            lint_one_rule(
                &format!(
                    "{PARENT}create table c (a int, b int, x int, foreign key (a, b) references p (a, b));\n\
                     create index c_a on c (a);\n\
                     create index c_a_x_b on c (a, x, b);"
                ),
                RULE,
            )
            .len(),
            1
        );
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            &format!("{PARENT}create table c (p_id int references p); create index on c (p_id);"),
            &[(
                "event-service",
                "create table events (id uuid primary key, venue_id uuid references events);",
            )],
            RULE,
        );
    }
}
