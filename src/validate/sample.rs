//! Sample rows: a few rows per table read from the target (plus the rows their foreign keys
//! point to, so that the copy's constraints hold), inserted into the copy.
//!
//! Rows travel as their record text (`t::text`), which each column type's own output and
//! input functions turn back into the same values, so no type needs special handling. Rows
//! are read in one read-only `REPEATABLE READ` transaction with `row_security = off` (a
//! policy that would hide rows makes the read fail instead); row data is never printed.

use std::collections::BTreeMap;

use postgres::Client;

use super::{ValidateError, server_message};
use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, ConstraintKind, QualifiedName, Table};
use crate::ddl::qualified;

/// Rows per table, as record text.
pub type Rows = BTreeMap<QualifiedName, Vec<String>>;

/// The tables whose rows are sampled: the catalog's tables and declared externals that hold
/// rows themselves (not a partitioned parent).
pub fn tables(c: &Catalog) -> Vec<&Table> {
    c.tables
        .values()
        .chain(c.externals.values())
        .filter(|t| t.partition_by.is_none())
        .collect()
}

/// Reads up to `per_table` rows of each table from the target, then the rows their foreign
/// keys reference (repeatedly, up to a fixed depth). A table that cannot be read is a note.
pub fn read(
    target: &mut Client,
    c: &Catalog,
    per_table: usize,
    notes: &mut Vec<String>,
) -> Result<Rows, ValidateError> {
    let mut tx = target
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .map_err(ValidateError::query)?;
    tx.batch_execute(
        "SET LOCAL row_security = off; SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '30s'",
    )
    .map_err(ValidateError::query)?;
    let mut rows = Rows::new();
    for t in tables(c) {
        let sql = format!(
            "SELECT t::text FROM ONLY {} AS t LIMIT {per_table}",
            qualified(&t.name)
        );
        tx.batch_execute("SAVEPOINT sample")
            .map_err(ValidateError::query)?;
        match tx.query(sql.as_str(), &[]) {
            Ok(found) => {
                let texts: Vec<String> = found.iter().map(|r| r.get(0)).collect();
                if !texts.is_empty() {
                    rows.insert(t.name.clone(), texts);
                }
            }
            Err(e) => {
                tx.batch_execute("ROLLBACK TO SAVEPOINT sample")
                    .map_err(ValidateError::query)?;
                notes.push(format!(
                    "cannot read sample rows of {}: {}",
                    t.name,
                    server_message(&e)
                ));
            }
        }
    }
    // The rows the sampled rows reference, so that foreign keys hold in the copy.
    for _ in 0..8 {
        let mut added = false;
        for t in tables(c) {
            for k in t.constraints.values() {
                let ConstraintKind::ForeignKey {
                    columns,
                    ref_table,
                    ref_columns,
                    ..
                } = &k.kind
                else {
                    continue;
                };
                let Some(child_rows) = rows.get(&t.name).filter(|r| !r.is_empty()) else {
                    continue;
                };
                let Some(parent) = c.tables.get(ref_table).or(c.externals.get(ref_table)) else {
                    continue;
                };
                let ref_columns = if ref_columns.is_empty() {
                    primary_key(parent).unwrap_or_default()
                } else {
                    ref_columns.clone()
                };
                if ref_columns.len() != columns.len() || columns.is_empty() {
                    continue;
                }
                let list = |prefix: &str, cols: &[String]| {
                    cols.iter()
                        .map(|col| format!("{prefix}{}", quote_ident(col)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let sql = format!(
                    "SELECT n.nspname, c.relname, p::text FROM {}{} AS p \
                     JOIN pg_catalog.pg_class c ON c.oid = p.tableoid \
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                     WHERE ({}) IN (SELECT {} FROM unnest($1::text[]) AS s(txt), LATERAL (SELECT s.txt::{} AS r) AS x)",
                    // A foreign key sees the rows of the table itself, or of a partitioned
                    // table's partitions.
                    if parent.partition_by.is_some() {
                        ""
                    } else {
                        "ONLY "
                    },
                    qualified(&parent.name),
                    list("p.", &ref_columns),
                    list("(x.r).", columns),
                    qualified(&t.name)
                );
                let params = child_rows.clone();
                tx.batch_execute("SAVEPOINT sample")
                    .map_err(ValidateError::query)?;
                match tx.query(sql.as_str(), &[&params]) {
                    Ok(found) => {
                        for r in found {
                            // Filed under the partition that holds it, where it is also
                            // sampled and inserted.
                            let leaf =
                                QualifiedName::new(r.get::<_, String>(0), r.get::<_, String>(1));
                            let key = if c.tables.contains_key(&leaf)
                                || c.externals.contains_key(&leaf)
                            {
                                leaf
                            } else {
                                parent.name.clone()
                            };
                            let text: String = r.get(2);
                            let have = rows.entry(key).or_default();
                            if !have.contains(&text) {
                                have.push(text);
                                added = true;
                            }
                        }
                    }
                    Err(e) => {
                        tx.batch_execute("ROLLBACK TO SAVEPOINT sample")
                            .map_err(ValidateError::query)?;
                        notes.push(format!(
                            "cannot read the rows of {} that {} references: {}",
                            parent.name,
                            t.name,
                            server_message(&e)
                        ));
                    }
                }
            }
        }
        if !added {
            break;
        }
    }
    tx.rollback().map_err(ValidateError::query)?;
    Ok(rows)
}

/// The primary key's columns.
pub fn primary_key(t: &Table) -> Option<Vec<String>> {
    t.constraints.values().find_map(|k| match &k.kind {
        ConstraintKind::PrimaryKey { columns, .. } => Some(columns.clone()),
        _ => None,
    })
}

/// Inserts the rows into the copy, with triggers and foreign-key checks off where the role
/// may (`session_replication_role = replica`), else in as many passes as the foreign keys
/// need. Generated columns are left to the copy; identity values are kept. Returns the rows
/// actually copied; a table whose rows cannot be inserted is a note.
pub fn insert(
    copy: &mut Client,
    rows: &Rows,
    notes: &mut Vec<String>,
) -> Result<Rows, ValidateError> {
    let replica = copy
        .batch_execute("SET session_replication_role = replica")
        .is_ok();
    let mut pending: Vec<&QualifiedName> = rows.keys().collect();
    let mut copied = Rows::new();
    let mut errors: BTreeMap<&QualifiedName, String> = BTreeMap::new();
    let mut tx = copy.transaction().map_err(ValidateError::query)?;
    while !pending.is_empty() {
        let mut left = Vec::new();
        for name in pending.iter().copied() {
            // The copy's own columns, inherited ones included (the catalog holds only a
            // table's local columns); generated ones are computed by the copy.
            let cols: Vec<String> = tx
                .query(
                    "SELECT quote_ident(attname) FROM pg_catalog.pg_attribute \
                     WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped \
                     AND attgenerated = '' ORDER BY attnum",
                    &[&qualified(name)],
                )
                .map_err(ValidateError::query)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let values: Vec<String> = cols.iter().map(|q| format!("(x.r).{q}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM unnest($1::text[]) AS s(txt), LATERAL (SELECT s.txt::{table} AS r) AS x",
                cols.join(", "),
                values.join(", "),
                table = qualified(name)
            );
            let texts = &rows[name];
            tx.batch_execute("SAVEPOINT sample")
                .map_err(ValidateError::query)?;
            match tx.execute(sql.as_str(), &[texts]) {
                Ok(_) => {
                    copied.insert(name.clone(), texts.clone());
                    errors.remove(name);
                }
                Err(e) => {
                    tx.batch_execute("ROLLBACK TO SAVEPOINT sample")
                        .map_err(ValidateError::query)?;
                    errors.insert(name, server_message(&e));
                    left.push(name);
                }
            }
        }
        if left.len() == pending.len() {
            break;
        }
        pending = left;
    }
    tx.commit().map_err(ValidateError::query)?;
    if replica {
        copy.batch_execute("RESET session_replication_role")
            .map_err(ValidateError::query)?;
    }
    for (name, e) in errors {
        notes.push(format!("cannot copy the sample rows of {name}: {e}"));
    }
    Ok(copied)
}
