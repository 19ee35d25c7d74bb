//! `redundant-index`: an index that another index or a PK/UNIQUE constraint makes useless.

use crate::catalog::{Catalog, Constraint, ConstraintKind, Expr, Index, QualifiedName};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "redundant-index",
    default_level: Level::Warning,
    summary: "an index duplicates, or is a left prefix of, another index or a PK/UNIQUE key",
    docs: r#"## What it flags
An index on a table or materialized view of the project when another index, or the index
behind a `PRIMARY KEY` or `UNIQUE` constraint, of the same relation can do all its work:
- it has the same keys (a duplicate), or its keys are the leading keys of the other one
  (a left prefix; B-tree indexes only);
- keys match column by column, or expression by expression, with the same operator class and
  collation, and an ordering (`DESC`, `NULLS FIRST`) that is the same for every key or
  reversed for every key (an index can be scanned backwards);
- both use the same access method;
- a partial index is only compared with indexes that have the same `WHERE` clause;
- its `INCLUDE` columns are not keys, but each must be a key or an `INCLUDE` column of the
  other index;
- a `UNIQUE` index enforces something, so it is redundant only to a unique index or
  constraint with exactly the same keys (not deferrable, at least as strict about NULLs);
  a plain index that duplicates a unique key is redundant.

Of two identical indexes, the one declared later is reported.

## Why it matters
Every index is written on every `INSERT` and on every `UPDATE` that does not qualify for a HOT
update, is vacuumed, takes disk and cache space, and makes the planner weigh one more choice.
An index whose lookups another index already serves costs all that for nothing. The analytics
service had a plain `tenant_id` index next to several `(tenant_id, …)` indexes on most tables,
and `(venue_id, date)` indexes next to `UNIQUE (venue_id, date)`.

## Example
```sql,expect_diagnostic
create table analytics_metrics (id uuid primary key, tenant_id uuid, metric_type text);
create index analytics_metrics_tenant_id_index on analytics_metrics (tenant_id);
create index analytics_metrics_tenant_id_metric_type_index on analytics_metrics (tenant_id, metric_type);
```

```sql,expect_diagnostic
create table realtime_metrics (
    id uuid primary key,
    venue_id uuid not null,
    metric_type text not null,
    unique (venue_id, metric_type)
);
create index realtime_metrics_venue_id_metric_type_index on realtime_metrics (venue_id, metric_type);
```

Not redundant: a different leading column, a partial index next to a full one, a unique
index next to a plain one.
```sql
create table t (id uuid primary key, tenant_id uuid, a text, b text);
create index t_a_tenant_id_idx on t (a, tenant_id);
create index t_tenant_id_a_idx on t (tenant_id, a);
create index t_tenant_id_active_idx on t (tenant_id) where b = 'active';
create unique index t_a_key on t (a);
```

## Fix
Remove the redundant `CREATE INDEX`; the index named in the finding serves its lookups.
"#,
    options: &[],
    check,
};

/// A B-tree-like access path on a relation: an index, or the index behind a PK/UNIQUE key.
struct Access<'a> {
    source: Source<'a>,
    method: &'a str,
    keys: Vec<Key<'a>>,
    include: &'a [String],
    unique: bool,
    nulls_not_distinct: bool,
    deferrable: bool,
    predicate: Option<&'a Expr>,
}

#[derive(Clone, Copy)]
enum Source<'a> {
    Index(&'a Index),
    Constraint(&'a Constraint),
}

/// One key, normalised: the effective NULLS ordering is spelled out.
#[derive(Clone, Copy)]
struct Key<'a> {
    column: Option<&'a str>,
    expr: Option<&'a Expr>,
    opclass: Option<&'a str>,
    collation: Option<&'a str>,
    descending: bool,
    nulls_first: bool,
}

impl Key<'_> {
    fn same_target(&self, other: &Key<'_>) -> bool {
        let same_key = match (self.column, other.column) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.expr.is_some() && self.expr == other.expr,
            _ => false,
        };
        same_key && self.opclass == other.opclass && self.collation == other.collation
    }

    fn text(&self) -> String {
        let mut out = match (self.column, self.expr) {
            (Some(c), _) => crate::catalog::names::display_ident(c),
            // A function call needs no parentheses of its own in an index key.
            (None, Some(e)) if matches!(e.node().node, Some(pg_query::NodeEnum::FuncCall(_))) => {
                e.to_string()
            }
            (None, Some(e)) => format!("({e})"),
            (None, None) => "?".to_owned(),
        };
        if let Some(c) = self.collation {
            out.push_str(&format!(" COLLATE {c}"));
        }
        if let Some(o) = self.opclass {
            out.push_str(&format!(" {o}"));
        }
        if self.descending {
            out.push_str(" DESC");
        }
        if self.nulls_first != self.descending {
            out.push_str(if self.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
        out
    }
}

/// How one access path covers another.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cover {
    Duplicate,
    Prefix,
}

impl<'a> Access<'a> {
    fn of_index(index: &'a Index) -> Self {
        Access {
            source: Source::Index(index),
            method: &index.method,
            keys: index
                .keys
                .iter()
                .map(|k| Key {
                    column: k.column.as_deref(),
                    expr: k.expr.as_ref(),
                    opclass: k.opclass.as_deref(),
                    collation: k.collation.as_deref(),
                    descending: k.descending,
                    nulls_first: k.nulls_first.unwrap_or(k.descending),
                })
                .collect(),
            include: &index.include,
            unique: index.unique,
            nulls_not_distinct: index.nulls_not_distinct,
            deferrable: false,
            predicate: index.predicate.as_ref(),
        }
    }

    fn of_constraint(c: &'a Constraint) -> Option<Self> {
        let key = c.kind.key_index()?;
        let (columns, include) = (key.columns, key.include);
        // A primary key's columns are NOT NULL: no NULLs to treat as distinct or not.
        let nulls_not_distinct = key.primary || key.nulls_not_distinct;
        Some(Access {
            source: Source::Constraint(c),
            method: "btree",
            keys: columns
                .iter()
                .map(|col| Key {
                    column: Some(col),
                    expr: None,
                    opclass: None,
                    collation: None,
                    descending: false,
                    nulls_first: false,
                })
                .collect(),
            include,
            unique: true,
            nulls_not_distinct,
            deferrable: c.deferrable,
            predicate: None,
        })
    }

    fn span(&self) -> Option<Span> {
        match self.source {
            Source::Index(i) => i.meta.span,
            Source::Constraint(c) => c.span,
        }
    }

    fn is_constraint(&self) -> bool {
        matches!(self.source, Source::Constraint(_))
    }

    fn keys_text(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(Key::text).collect();
        let mut out = format!("({})", keys.join(", "));
        if !self.include.is_empty() {
            out.push_str(&format!(" INCLUDE ({})", self.include.join(", ")));
        }
        if let Some(p) = self.predicate {
            out.push_str(&format!(" WHERE {p}"));
        }
        out
    }

    /// "index public.x", "unique index public.x", "UNIQUE constraint t_a_key", "PRIMARY KEY t_pkey".
    fn name(&self) -> String {
        match self.source {
            Source::Index(i) if i.unique => format!("unique index {}", i.name),
            Source::Index(i) => format!("index {}", i.name),
            Source::Constraint(c) => {
                let kind = match c.kind {
                    ConstraintKind::PrimaryKey { .. } => "PRIMARY KEY",
                    _ => "UNIQUE constraint",
                };
                format!("{kind} {}", crate::catalog::names::display_ident(&c.name))
            }
        }
    }

    /// Whether `self` can do all the work of `other`, and how.
    fn covers(&self, other: &Access<'_>) -> Option<Cover> {
        if !self.method.eq_ignore_ascii_case(other.method) || self.predicate != other.predicate {
            return None;
        }
        let n = other.keys.len();
        if n == 0 || n > self.keys.len() {
            return None;
        }
        let cover = if n == self.keys.len() {
            Cover::Duplicate
        } else if self.method.eq_ignore_ascii_case("btree") {
            Cover::Prefix
        } else {
            return None;
        };
        let pairs = || self.keys.iter().zip(&other.keys);
        if !pairs().all(|(a, b)| a.same_target(b)) {
            return None;
        }
        let same_order =
            pairs().all(|(a, b)| a.descending == b.descending && a.nulls_first == b.nulls_first);
        let reversed =
            pairs().all(|(a, b)| a.descending != b.descending && a.nulls_first != b.nulls_first);
        if !same_order && !reversed {
            return None;
        }
        let has_column = |col: &String| {
            self.keys.iter().any(|k| k.column == Some(col.as_str())) || self.include.contains(col)
        };
        if !other.include.iter().all(has_column) {
            return None;
        }
        if other.unique {
            let as_strict = self.unique
                && cover == Cover::Duplicate
                && !self.deferrable
                && (self.nulls_not_distinct || !other.nulls_not_distinct);
            if !as_strict {
                return None;
            }
        }
        Some(cover)
    }
}

/// Declaration order (span, then name) for choosing which of two duplicates to report.
fn declared_before(a: &Index, b: &Index) -> bool {
    (a.meta.span, &a.name) < (b.meta.span, &b.name)
}

fn check(ctx: &mut LintContext<'_>) {
    let catalog = ctx.catalog;
    for relation in own_indexed_relations(catalog) {
        let mut paths: Vec<Access<'_>> = Vec::new();
        if let Some(table) = catalog.tables.get(relation) {
            paths.extend(table.constraints.values().filter_map(Access::of_constraint));
        }
        paths.extend(
            ctx.indexes_on(relation)
                .iter()
                .copied()
                .map(Access::of_index),
        );
        for (i, path) in paths.iter().enumerate() {
            let Source::Index(index) = path.source else {
                continue;
            };
            let best = paths
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .filter_map(|(_, other)| Some((other, other.covers(path)?)))
                .filter(|(other, cover)| match (other.source, cover) {
                    // Two identical indexes: only the later one is reported.
                    (Source::Index(o), Cover::Duplicate) if path.covers(other).is_some() => {
                        declared_before(o, index)
                    }
                    _ => true,
                })
                .min_by_key(|(other, cover)| {
                    (*cover, !other.is_constraint(), other.span(), other.name())
                });
            let Some((other, cover)) = best else {
                continue;
            };
            let (what, label) = match cover {
                Cover::Duplicate => ("duplicates", "has the same keys"),
                Cover::Prefix => ("is a left prefix of", "starts with the same keys"),
            };
            let other_name = other.name();
            ctx.report(
                index.meta.span,
                format!(
                    "index {} on {relation} {} is redundant: it {what} {other_name} {}",
                    index.name,
                    path.keys_text(),
                    other.keys_text()
                ),
            )
            .label(other.span(), format!("{other_name} {label}"))
            .object(&index.name)
            .object(relation)
            .help(format!(
                "remove this CREATE INDEX: {other_name} serves every lookup this one serves, and each extra index slows writes and takes space"
            ));
        }
    }
}

/// Tables and materialized views of the project that have indexes, in name order.
fn own_indexed_relations(catalog: &Catalog) -> Vec<&QualifiedName> {
    let mut out: Vec<&QualifiedName> = catalog
        .indexes
        .values()
        .map(|i| &i.table)
        .filter(|t| catalog.tables.contains_key(*t) || catalog.materialized_views.contains_key(*t))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "redundant-index";

    fn messages(sql: &str) -> Vec<String> {
        lint_one_rule(sql, RULE)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn left_prefix_err() {
        let found = lint_one_rule(
            "create table t (tenant_id uuid, metric_type text);\n\
             create index t_tenant_id_index on t (tenant_id);\n\
             create index t_tenant_id_metric_type_index on t (tenant_id, metric_type);",
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "index public.t_tenant_id_index on public.t (tenant_id) is redundant: it is a left \
             prefix of index public.t_tenant_id_metric_type_index (tenant_id, metric_type)"
        );
        assert_eq!(found[0].labels.len(), 1);
        assert_eq!(
            found[0].labels[0].message,
            "index public.t_tenant_id_metric_type_index starts with the same keys"
        );
        assert_eq!(found[0].objects, ["public.t_tenant_id_index", "public.t"]);
    }

    #[test]
    fn duplicate_of_unique_constraint_err() {
        assert_eq!(
            messages(
                "create table t (id int primary key, a int, b int, constraint t_a_b_unique unique (a, b));\n\
                 create index t_a_b_index on t (a, b);\n\
                 create index t_id_index on t (id);"
            ),
            [
                "index public.t_a_b_index on public.t (a, b) is redundant: it duplicates UNIQUE \
                 constraint t_a_b_unique (a, b)",
                "index public.t_id_index on public.t (id) is redundant: it duplicates PRIMARY KEY \
                 t_pkey (id)"
            ]
        );
    }

    #[test]
    fn prefix_of_unique_constraint_err() {
        assert_eq!(
            messages(
                "create table t (a int, b int, c int, unique (a, b, c));\n\
                 create index t_a_b on t (a, b);"
            )
            .len(),
            1
        );
    }

    #[test]
    fn two_identical_indexes_report_the_later_one_err() {
        assert_eq!(
            messages(
                "create table t (a int);\n\
                 create index second on t (a);\n\
                 create index first on t (a);"
            ),
            [
                "index public.first on public.t (a) is redundant: it duplicates index public.second (a)"
            ]
        );
    }

    #[test]
    fn unique_index_is_not_redundant_to_a_plain_one() {
        lint_ok(
            "create table t (a int, b int);\n\
             create index t_a_b on t (a, b);\n\
             create unique index t_a_key on t (a);",
            RULE,
        );
        // The other way round, the plain index is the redundant one.
        assert_eq!(
            messages(
                "create table t (a int, b int);\n\
                 create unique index t_a_b_key on t (a, b);\n\
                 create index t_a_b on t (a, b);"
            ),
            [
                "index public.t_a_b on public.t (a, b) is redundant: it duplicates unique index \
                 public.t_a_b_key (a, b)"
            ]
        );
    }

    #[test]
    fn unique_index_duplicating_a_unique_constraint_err() {
        assert_eq!(
            messages("create table t (a int unique); create unique index t_a on t (a);").len(),
            1
        );
        // Stricter about NULLs, or immediate where the constraint is deferrable: not redundant.
        lint_ok(
            "create table t (a int unique, b int unique deferrable);\n\
             create unique index t_a on t (a) nulls not distinct;\n\
             create unique index t_b on t (b);",
            RULE,
        );
    }

    #[test]
    fn partial_indexes_compare_only_with_the_same_predicate() {
        lint_ok(
            "create table t (a int, b int, active bool);\n\
             create index t_a_active on t (a) where active;\n\
             create index t_a_b on t (a, b);\n\
             create index t_a_b_old on t (a, b) where not active;",
            RULE,
        );
        assert_eq!(
            messages(
                "create table t (a int, b int, active bool);\n\
                 create index t_a_active on t (a) where active;\n\
                 create index t_a_b_active on t (a, b) where (active);"
            ),
            [
                "index public.t_a_active on public.t (a) WHERE active is redundant: it is a left \
                 prefix of index public.t_a_b_active (a, b) WHERE active"
            ]
        );
    }

    #[test]
    fn expression_keys_err() {
        assert_eq!(
            messages(
                "create table t (email text, tenant_id uuid);\n\
                 create index t_lower on t (lower(email));\n\
                 create index t_lower_tenant on t (lower(email), tenant_id);"
            )
            .len(),
            1
        );
        lint_ok(
            "create table t (email text);\n\
             create index t_lower on t (lower(email));\n\
             create index t_upper on t (upper(email));\n\
             create index t_plain on t (email);",
            RULE,
        );
    }

    #[test]
    fn ordering_must_match_or_be_reversed_for_every_key() {
        assert_eq!(
            messages(
                "create table t (a int, b int);\n\
                 create index t_a_b on t (a, b);\n\
                 create index t_a_b_desc on t (a desc, b desc);"
            )
            .len(),
            1,
            "a backward scan serves the reversed index"
        );
        lint_ok(
            "create table t (a int, b int);\n\
             create index t_a_b on t (a, b);\n\
             create index t_a_b_mixed on t (a, b desc);\n\
             create index t_a_nulls_first on t (a nulls first);",
            RULE,
        );
    }

    #[test]
    fn opclass_collation_and_method_must_match_ok() {
        lint_ok(
            "create table t (a text, b text);\n\
             create index t_a on t (a);\n\
             create index t_a_pattern on t (a text_pattern_ops);\n\
             create index t_a_c on t (a collate \"C\");\n\
             create index t_a_hash on t using hash (a);\n\
             create index t_a_b_brin on t using brin (a, b);\n\
             create index t_a_brin on t using brin (a);",
            RULE,
        );
    }

    #[test]
    fn include_columns_are_not_keys() {
        // (a) INCLUDE (c) is not (a, c): its payload c is not in (a, b).
        lint_ok(
            "create table t (a int, b int, c int);\n\
             create index t_a_b on t (a, b);\n\
             create index t_a_incl_c on t (a) include (c);",
            RULE,
        );
        // (a, b) serves every lookup and index-only scan of (a) INCLUDE (b); not the reverse.
        assert_eq!(
            messages(
                "create table t (a int, b int);\n\
                 create index t_a_b on t (a, b);\n\
                 create index t_a_incl_b on t (a) include (b);"
            ),
            [
                "index public.t_a_incl_b on public.t (a) INCLUDE (b) is redundant: it is a left \
                 prefix of index public.t_a_b (a, b)"
            ]
        );
    }

    #[test]
    fn materialized_view_indexes_err() {
        assert_eq!(
            messages(
                "create materialized view mv as select 1 as a, 2 as b;\n\
                 create index mv_a on mv (a);\n\
                 create unique index mv_a_b on mv (a, b);"
            )
            .len(),
            1
        );
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (id int);",
            &[(
                "event-service",
                "create table events (id uuid primary key);\ncreate index events_id on events (id);",
            )],
            RULE,
        );
    }
}
