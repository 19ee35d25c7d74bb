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

/// The renames a plan makes, so that rows are looked for under their new names.
#[derive(Clone, Debug, Default)]
pub struct Renames {
    /// Table: old name → new name.
    pub tables: BTreeMap<QualifiedName, QualifiedName>,
    /// Column: (table's new name, old column name) → new column name.
    pub columns: BTreeMap<(QualifiedName, String), String>,
}

impl Renames {
    /// The table and column renames among a diff's changes.
    pub fn of(changes: &[crate::diff::Change]) -> Renames {
        use crate::diff::{Change, RenameKind};
        let mut out = Renames::default();
        for c in changes {
            match c {
                Change::Rename {
                    kind: RenameKind::Table,
                    from,
                    to,
                } => {
                    out.tables.insert(from.clone(), to.clone());
                }
                Change::RenameColumn { table, from, to } => {
                    out.columns
                        .insert((table.clone(), from.clone()), to.clone());
                }
                _ => {}
            }
        }
        out
    }

    fn table(&self, name: &QualifiedName) -> QualifiedName {
        self.tables.get(name).unwrap_or(name).clone()
    }

    fn column<'a>(&'a self, table: &QualifiedName, column: &'a str) -> &'a str {
        self.columns
            .get(&(table.clone(), column.to_owned()))
            .map_or(column, String::as_str)
    }
}

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

/// Reads the rows of `after` (the table as it is now), each column it shares with `before`
/// (through a rename, if any) under its old name, cast back to its old type when that
/// changed; without the casts when one of them fails.
fn read_after(
    copy: &mut Client,
    before: &Table,
    after: &Table,
    renames: &Renames,
) -> Result<Vec<Row>, postgres::Error> {
    // (name now, old name, old type when it changed)
    let shared: Vec<(&str, &str, Option<&str>)> = before
        .columns
        .iter()
        .filter_map(|b| {
            let now = renames.column(&after.name, &b.name);
            let a = after.columns.iter().find(|a| a.name == now)?;
            Some((
                a.name.as_str(),
                b.name.as_str(),
                (b.ty != a.ty).then_some(b.ty.as_str()),
            ))
        })
        .collect();
    let select = |cast: bool| {
        let cols: Vec<String> = shared
            .iter()
            .map(|(now, old, ty)| {
                let (q, alias) = (quote_ident(now), quote_ident(old));
                match ty {
                    Some(ty) if cast => format!("t.{q}::{ty} AS {alias}"),
                    _ => format!("t.{q} AS {alias}"),
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
    let casts = shared.iter().any(|(_, _, ty)| ty.is_some());
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
    renames: &Renames,
) -> Result<Vec<TableOutcome>, postgres::Error> {
    let mut out = Vec::new();
    copy.batch_execute("BEGIN READ ONLY")?;
    for (name, rows) in snapshot {
        if rows.is_empty() {
            continue;
        }
        let find = |c: &Catalog, name: &QualifiedName| {
            c.tables.get(name).or(c.externals.get(name)).cloned()
        };
        let mut outcome = TableOutcome {
            table: name.clone(),
            rows: rows.len(),
            lost: 0,
            changed_columns: Vec::new(),
            changed: 0,
            dropped: false,
            matched_on: String::new(),
        };
        let (Some(b), Some(a)) = (find(before, name), find(after, &renames.table(name))) else {
            outcome.dropped = true;
            out.push(outcome);
            continue;
        };
        let now = read_after(copy, &b, &a, renames)?;
        // Shared columns by their old names; the key too.
        let shared: Vec<String> = b
            .columns
            .iter()
            .filter(|c| {
                let now = renames.column(&a.name, &c.name);
                a.columns.iter().any(|x| x.name == now)
            })
            .map(|c| c.name.clone())
            .collect();
        let old_name = |now: &String| {
            shared
                .iter()
                .find(|c| renames.column(&a.name, c) == now)
                .cloned()
        };
        let pk: Option<Vec<String>> =
            primary_key(&a).and_then(|pk| pk.iter().map(old_name).collect());
        let key: Vec<String> = match pk {
            Some(pk) => {
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
