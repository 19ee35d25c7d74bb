//! Whether the sampled rows survived the plan: each row of the copy taken before the plan ran
//! is looked for afterwards, by primary key when the table keeps one, else by all the columns
//! that still exist. Values are compared as `to_jsonb` prints them, a column whose type the
//! plan changed read back as its old type (when that cast exists), so `int` → `bigint` or
//! `varchar(20)` → `text` compare equal.

use std::collections::BTreeMap;

use postgres::Client;
use serde_json::{Map, Value};

use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, QualifiedName, Table};
use crate::ddl::qualified;

use super::sample::primary_key;

/// One row as a JSON object, column name → value.
pub type Row = Map<String, Value>;

/// Rows of the copy by table, before the plan ran.
pub type Snapshot = BTreeMap<QualifiedName, Vec<Row>>;

/// What became of one table's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOutcome {
    /// The table.
    pub table: QualifiedName,
    /// Rows looked for.
    pub rows: usize,
    /// Rows not found afterwards.
    pub lost: usize,
    /// Rows found (by primary key) with other values in these columns.
    pub changed_columns: Vec<String>,
    /// Rows found with changed values.
    pub changed: usize,
    /// Whether the table is gone (its rows were not looked for).
    pub dropped: bool,
    /// How the rows were matched: `primary key (id)` or `all 5 remaining columns`.
    pub matched_on: String,
}

fn parse_rows(texts: Vec<String>) -> Vec<Row> {
    texts
        .into_iter()
        .filter_map(|t| match serde_json::from_str::<Value>(&t) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect()
}

/// Reads every row of the tables in `tables` from the copy (it holds only the samples).
pub fn snapshot(copy: &mut Client, tables: &[&QualifiedName]) -> Result<Snapshot, postgres::Error> {
    let mut out = Snapshot::new();
    for name in tables {
        let sql = format!(
            "SELECT to_jsonb(t)::text FROM ONLY {} AS t",
            qualified(name)
        );
        let texts: Vec<String> = copy
            .query(sql.as_str(), &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        out.insert((*name).clone(), parse_rows(texts));
    }
    Ok(out)
}

/// Reads the rows of `after` (the table as it is now), the columns it shares with `before`
/// cast back to their old type when it changed; without the casts when one of them fails.
fn read_after(
    copy: &mut Client,
    before: &Table,
    after: &Table,
) -> Result<Vec<Row>, postgres::Error> {
    let shared: Vec<(&str, Option<&str>)> = after
        .columns
        .iter()
        .filter_map(|a| {
            let b = before.columns.iter().find(|b| b.name == a.name)?;
            Some((a.name.as_str(), (b.ty != a.ty).then_some(b.ty.as_str())))
        })
        .collect();
    let select = |cast: bool| {
        let cols: Vec<String> = shared
            .iter()
            .map(|(name, old)| {
                let q = quote_ident(name);
                match old {
                    Some(ty) if cast => format!("t.{q}::{ty} AS {q}"),
                    _ => format!("t.{q}"),
                }
            })
            .collect();
        format!(
            "SELECT to_jsonb(r)::text FROM (SELECT {} FROM ONLY {} AS t) AS r",
            if cols.is_empty() {
                "1 AS \"?\"".to_owned()
            } else {
                cols.join(", ")
            },
            qualified(&after.name)
        )
    };
    let casts = shared.iter().any(|(_, old)| old.is_some());
    if casts {
        copy.batch_execute("SAVEPOINT survive")?;
        // Reading in a transaction so that a failed cast can be rolled back to the savepoint.
    }
    let first = copy.query(select(true).as_str(), &[]);
    let rows = match first {
        Ok(rows) => rows,
        Err(_) if casts => {
            copy.batch_execute("ROLLBACK TO SAVEPOINT survive")?;
            copy.query(select(false).as_str(), &[])?
        }
        Err(e) => return Err(e),
    };
    Ok(parse_rows(rows.iter().map(|r| r.get(0)).collect()))
}

/// Looks for each row of `snapshot` in the copy after the plan ran; `before` and `after` are
/// the copy's catalog before and after.
pub fn check(
    copy: &mut Client,
    snapshot: &Snapshot,
    before: &Catalog,
    after: &Catalog,
) -> Result<Vec<TableOutcome>, postgres::Error> {
    let mut out = Vec::new();
    copy.batch_execute("BEGIN READ ONLY")?;
    for (name, rows) in snapshot {
        if rows.is_empty() {
            continue;
        }
        let find = |c: &Catalog| c.tables.get(name).or(c.externals.get(name)).cloned();
        let mut outcome = TableOutcome {
            table: name.clone(),
            rows: rows.len(),
            lost: 0,
            changed_columns: Vec::new(),
            changed: 0,
            dropped: false,
            matched_on: String::new(),
        };
        let (Some(b), Some(a)) = (find(before), find(after)) else {
            outcome.dropped = true;
            out.push(outcome);
            continue;
        };
        let now = read_after(copy, &b, &a)?;
        let shared: Vec<String> = a
            .columns
            .iter()
            .filter(|c| b.columns.iter().any(|x| x.name == c.name))
            .map(|c| c.name.clone())
            .collect();
        let key: Vec<String> = match primary_key(&a) {
            Some(pk) if pk.iter().all(|c| shared.contains(c)) => {
                outcome.matched_on = format!("primary key ({})", pk.join(", "));
                pk
            }
            _ => {
                outcome.matched_on = format!("all {} remaining columns", shared.len());
                shared.clone()
            }
        };
        let project = |r: &Row, cols: &[String]| -> Vec<Value> {
            cols.iter()
                .map(|c| r.get(c).cloned().unwrap_or(Value::Null))
                .collect()
        };
        let mut changed_columns = std::collections::BTreeSet::new();
        for r in rows {
            let k = project(r, &key);
            let Some(found) = now.iter().find(|n| project(n, &key) == k) else {
                outcome.lost += 1;
                continue;
            };
            let differs: Vec<&String> = shared
                .iter()
                .filter(|c| r.get(*c) != found.get(*c))
                .collect();
            if !differs.is_empty() {
                outcome.changed += 1;
                changed_columns.extend(differs.into_iter().cloned());
            }
        }
        outcome.changed_columns = changed_columns.into_iter().collect();
        out.push(outcome);
    }
    copy.batch_execute("ROLLBACK")?;
    Ok(out)
}
