//! Data steps: user-supplied SQL that fills a column before the plan makes it NOT NULL.
//!
//! A NOT NULL column without a default cannot be added to a table that has rows
//! ([`super::hazard::HazardKind::NeedsBackfill`]). With a data step named for that column
//! (`schema.toml` `[plan.backfill]` or `schema-plan --backfill`), the plan instead adds the
//! column nullable, runs the data step, and enforces NOT NULL the online way (`CHECK … NOT
//! VALID`, `VALIDATE`, `SET NOT NULL`, drop the check), all inside the apply transaction. A
//! data step named for an existing column that the plan makes NOT NULL runs before that check.
//!
//! This module holds the pure parts: naming columns, finding the tables whose rows matter.
//! Reading the files and asking the database are the CLI's job.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Column, QualifiedName};
use crate::diff::{Change, RenameKind};

/// One data step: the SQL to run and where it came from (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataStep {
    /// Where the SQL was read from (a path as the user wrote it).
    pub source: String,
    /// The SQL, run as it is inside the apply transaction.
    pub sql: String,
}

/// Data steps by the column they fill: (table, column name).
pub type DataSteps = BTreeMap<(QualifiedName, String), DataStep>;

/// Parses a column named as `table.column` or `schema.table.column` (double quotes keep dots
/// and case: `"My Schema"."T".c`). A bare table is in `default_schema`.
pub fn parse_column(text: &str, default_schema: &str) -> Result<(QualifiedName, String), String> {
    let parts = split_name(text)?;
    match parts.as_slice() {
        [t, c] => Ok((QualifiedName::new(default_schema, t.as_str()), c.clone())),
        [s, t, c] => Ok((QualifiedName::new(s.as_str(), t.as_str()), c.clone())),
        _ => Err(format!(
            "`{text}` does not name a column: write table.column or schema.table.column"
        )),
    }
}

/// Splits a dotted name into its parts, unquoting `"…"` (with `""` for a quote) and folding
/// unquoted parts to lower case as PostgreSQL does.
fn split_name(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err(format!("unterminated quote in `{text}`")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return Err(format!("empty name part in `{text}`"));
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => {}
            Some(c) => return Err(format!("unexpected `{c}` in `{text}`")),
        }
    }
}

/// Whether adding this column needs a value for every existing row: NOT NULL, and nothing
/// (default, identity, generation) that supplies one.
pub fn needs_value(column: &Column) -> bool {
    column.not_null
        && column.default.is_none()
        && column.identity.is_none()
        && column.generated.is_none()
}

/// The tables whose rows decide [`super::hazard::HazardKind::NeedsBackfill`]: existing tables
/// that `changes` add a NOT NULL column without a default to. Each comes as (the name the
/// change uses, the name it has in `current`), which differ when the plan renames the table.
/// Sorted, without duplicates.
pub fn tables_to_check(
    changes: &[Change],
    current: &Catalog,
) -> Vec<(QualifiedName, QualifiedName)> {
    let renamed: BTreeMap<&QualifiedName, &QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Rename {
                kind: RenameKind::Table,
                from,
                to,
            } => Some((to, from)),
            _ => None,
        })
        .collect();
    let mut out = BTreeSet::new();
    for c in changes {
        if let Change::AddColumn { table, column } = c
            && needs_value(column)
        {
            let now = renamed.get(table).copied().unwrap_or(table);
            if current.tables.contains_key(now) {
                out.insert((table.clone(), now.clone()));
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_with_or_without_a_schema() {
        assert_eq!(
            parse_column("event_analytics.tenant_id", "public"),
            Ok((
                QualifiedName::new("public", "event_analytics"),
                "tenant_id".to_owned()
            ))
        );
        assert_eq!(
            parse_column("Sales.\"Order Lines\".\"Qty\"", "public"),
            Ok((QualifiedName::new("sales", "Order Lines"), "Qty".to_owned()))
        );
        assert!(parse_column("tenant_id", "public").is_err());
        assert!(parse_column("a.b.c.d", "public").is_err());
        assert!(parse_column("a..c", "public").is_err());
        assert!(parse_column("\"a.b", "public").is_err());
    }

    #[test]
    fn only_existing_tables_gaining_a_required_column_are_checked() {
        let current = crate::loaded::Project::from_sql(
            "create table t (id int); create table old_name (id int);",
            &[],
        )
        .catalog;
        let desired = crate::loaded::Project::from_sql(
            "create table t (id int, a int not null, b int not null default 0, c int);
             create table u (id int, a int not null);
             -- schema: renamed from old_name
             create table new_name (id int, a int not null);",
            &[],
        )
        .catalog;
        let changes =
            crate::diff::diff(&current, &desired, &crate::diff::DiffOptions::default()).changes;
        assert_eq!(
            tables_to_check(&changes, &current),
            vec![
                (
                    QualifiedName::new("public", "new_name"),
                    QualifiedName::new("public", "old_name")
                ),
                (
                    QualifiedName::new("public", "t"),
                    QualifiedName::new("public", "t")
                )
            ]
        );
    }

    fn planned(current: &str, desired: &str, steps: DataSteps) -> crate::plan::Plan {
        let current = crate::loaded::Project::from_sql(current, &[]).catalog;
        let desired = crate::loaded::Project::from_sql(desired, &[]).catalog;
        let opts = crate::plan::PlanOptions {
            data_steps: steps,
            ..Default::default()
        };
        crate::plan::plan(&current, &desired, &opts).expect("plan")
    }

    fn step(column: &str, sql: &str) -> DataSteps {
        let mut out = DataSteps::new();
        out.insert(
            parse_column(column, "public").expect("column"),
            DataStep {
                source: "fill.sql".to_owned(),
                sql: sql.to_owned(),
            },
        );
        out
    }

    fn kinds(s: &crate::plan::Step) -> Vec<&'static str> {
        s.hazards.iter().map(|h| h.kind.name()).collect()
    }

    #[test]
    fn without_a_data_step_the_backfill_is_requested() {
        let p = planned(
            "create table t (id int);",
            "create table t (id int, n int not null);",
            DataSteps::new(),
        );
        assert_eq!(p.steps.len(), 1);
        let h = &p.steps[0].hazards[0];
        assert_eq!(h.kind.name(), "needs-backfill");
        assert!(
            h.message.contains("--backfill public.t.n=FILE")
                && h.message.contains("[plan.backfill]"),
            "{}",
            h.message
        );
    }

    #[test]
    fn a_data_step_runs_between_adding_the_column_and_enforcing_not_null() {
        let p = planned(
            "create table t (id int);",
            "create table t (id int, n int not null);",
            step("t.n", "update t set n = id;"),
        );
        let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql[0],
            "ALTER TABLE \"public\".\"t\" ADD COLUMN \"n\" integer;"
        );
        assert_eq!(sql[1], "update t set n = id;");
        assert!(
            sql[2].contains("CHECK (\"n\" IS NOT NULL) NOT VALID")
                && sql[2].contains("VALIDATE CONSTRAINT")
                && sql[2].contains("ALTER COLUMN \"n\" SET NOT NULL")
                && sql[2].ends_with("DROP CONSTRAINT \"n_not_null_tmp\";"),
            "{}",
            sql[2]
        );
        assert_eq!(p.steps.len(), 3);
        assert!(p.steps.iter().all(|s| s.transactional));
        assert!(kinds(&p.steps[0]).is_empty());
        assert_eq!(kinds(&p.steps[1]), ["access-exclusive-lock"]);
        assert_eq!(kinds(&p.steps[2]), ["validation-scan"]);
        assert!(p.steps[1].why.contains("fill.sql"), "{}", p.steps[1].why);
    }

    #[test]
    fn a_data_step_runs_before_an_existing_column_is_made_not_null() {
        let p = planned(
            "create table t (id int, n int);",
            "create table t (id int, n int not null);",
            step("public.t.n", "update t set n = 0 where n is null;"),
        );
        let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(sql.len(), 2, "{sql:?}");
        assert_eq!(sql[0], "update t set n = 0 where n is null;");
        assert!(sql[1].contains("SET NOT NULL"), "{}", sql[1]);
    }

    #[test]
    fn an_unused_data_step_changes_nothing() {
        let p = planned(
            "create table t (id int, n int not null);",
            "create table t (id int, n int not null);",
            step("t.n", "update t set n = 0;"),
        );
        assert!(p.steps.is_empty());
    }

    #[test]
    fn a_column_added_to_an_empty_table_needs_no_data_step() {
        let current = crate::loaded::Project::from_sql("create table t (id int);", &[]).catalog;
        let desired =
            crate::loaded::Project::from_sql("create table t (id int, n int not null);", &[])
                .catalog;
        let mut rows = crate::plan::hazard::RowCounts::default();
        rows.0.insert(
            QualifiedName::new("public", "t"),
            crate::plan::hazard::TableRows {
                any: false,
                estimate: None,
            },
        );
        let opts = crate::plan::PlanOptions {
            rows: Some(rows),
            ..Default::default()
        };
        let p = crate::plan::plan(&current, &desired, &opts).expect("plan");
        assert_eq!(p.steps.len(), 1);
        assert!(p.steps[0].hazards.is_empty(), "{:?}", p.steps[0].hazards);
        assert!(
            p.steps[0].sql.ends_with("integer NOT NULL;"),
            "{}",
            p.steps[0].sql
        );
    }
}
