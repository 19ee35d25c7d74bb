//! Whether tables have rows: the one question a plan asks the target about its data.

use crate::catalog::QualifiedName;
use crate::catalog::names::quote_literal;
use crate::ddl::qualified;
use crate::plan::hazard::{RowCounts, TableRows};

/// Asks, in one read-only statement, whether each table has a row (`EXISTS (SELECT 1 FROM
/// t)`, which stops at the first row) and the planner's estimate of its size
/// (`pg_class.reltuples`). Each entry is (the key to report it under, the table's name in the
/// database). Row-level security is switched off for the statement (`row_security = off`), so
/// a policy cannot make a table look empty: if one would filter the rows, the statement fails
/// instead. A short `lock_timeout` keeps a locked table from stalling the plan.
pub fn table_rows(
    client: &mut postgres::Client,
    tables: &[(QualifiedName, QualifiedName)],
) -> Result<RowCounts, postgres::Error> {
    if tables.is_empty() {
        return Ok(RowCounts::default());
    }
    let items: Vec<String> = tables
        .iter()
        .map(|(_, t)| {
            let name = qualified(t);
            format!(
                "EXISTS (SELECT 1 FROM {name}), (SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END FROM pg_catalog.pg_class c WHERE c.oid = {}::regclass)",
                quote_literal(&name)
            )
        })
        .collect();
    let sql = format!("SELECT {}", items.join(",\n       "));
    let mut tx = client.build_transaction().read_only(true).start()?;
    tx.batch_execute(
        "SET LOCAL row_security = off; SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '30s'",
    )?;
    let row = tx.query_one(sql.as_str(), &[])?;
    tx.rollback()?;
    let mut out = RowCounts::default();
    for (i, (key, _)) in tables.iter().enumerate() {
        let any: bool = row.try_get(2 * i)?;
        let estimate: Option<i64> = row.try_get(2 * i + 1)?;
        out.0.insert(
            key.clone(),
            TableRows {
                any,
                estimate: estimate.and_then(|n| u64::try_from(n).ok()),
            },
        );
    }
    Ok(out)
}
