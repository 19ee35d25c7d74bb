//! The round trips: one transaction on the server, always rolled back, in which every probe
//! becomes two temporary views that are read back with `pg_get_viewdef`.
//!
//! Views are created in batches under a savepoint; a batch that fails is rolled back to its
//! savepoint and split in two, so one definition the server rejects (a view over a table the
//! plan has yet to create) costs a few extra round trips and leaves only itself unsettled.

use std::collections::BTreeMap;
use std::time::Duration;

use postgres::{Client, Transaction};

use super::ElaborateError;
use super::probe::set_search_path;
use crate::catalog::names::quote_literal;

/// Prefix of the temporary views' names.
const PREFIX: &str = "schema_tool_elab_";

/// Probes sent in one message at most (two views each).
const BATCH: usize = 500;

/// Limits for the elaboration transaction.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// `lock_timeout`: how long a temporary view may wait for a lock on a table it reads.
    pub lock_timeout: Duration,
    /// `statement_timeout` of each statement.
    pub statement_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            lock_timeout: Duration::from_secs(1),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// What the server printed: per probe (by index), the desired and the live view's definition;
/// probes the server rejected are missing.
#[derive(Debug, Default)]
pub struct Printed {
    /// `(desired, live)` by probe index.
    pub views: BTreeMap<usize, (String, String)>,
    /// Round trips made.
    pub round_trips: usize,
}

/// SQLSTATEs that say the server cannot host temporary objects for us: no TEMP privilege
/// (`42501`), a read-only transaction or a hot standby (`25006`).
/// Opens the elaboration transaction (never committed: dropping it rolls back everything made
/// in it) with its lock and statement timeouts.
pub(super) fn begin(
    client: &mut Client,
    limits: Limits,
) -> Result<Transaction<'_>, ElaborateError> {
    let query = |e| ElaborateError::Query(Box::new(e));
    let mut tx = client.transaction().map_err(query)?;
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = {}; SET LOCAL statement_timeout = {}",
        quote_literal(&format!("{}ms", limits.lock_timeout.as_millis())),
        quote_literal(&format!("{}ms", limits.statement_timeout.as_millis())),
    ))
    .map_err(query)?;
    Ok(tx)
}

pub(super) fn is_unusable(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE
            || *c == postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION
    })
}

/// Two temporary views to print, the desired and the live side of one definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Schemas to resolve unqualified names with while the views are created.
    pub search_path: Vec<String>,
    /// Body of the desired side's view (`AS SELECT …`).
    pub desired: String,
    /// Body of the live side's view.
    pub live: String,
}

/// The SQL creating the two views of job `i`.
fn create_sql(i: usize, job: &Job) -> String {
    format!(
        "{};\nCREATE TEMP VIEW {PREFIX}{i}_d {};\nCREATE TEMP VIEW {PREFIX}{i}_l {};\n",
        set_search_path(&job.search_path),
        job.desired,
        job.live
    )
}

/// Job index and side (`true`: desired) of one of our views, from its name.
fn view_name(name: &str) -> Option<(usize, bool)> {
    let rest = name.strip_prefix(PREFIX)?;
    let (index, side) = rest.split_at(rest.len().checked_sub(2)?);
    let desired = match side {
        "_d" => true,
        "_l" => false,
        _ => return None,
    };
    Some((index.parse().ok()?, desired))
}

/// Asks the server to print every job. Fails with [`ElaborateError::Unusable`] when the
/// server refuses temporary objects altogether.
pub fn print_back(
    client: &mut Client,
    probes: &[Job],
    limits: Limits,
) -> Result<Printed, ElaborateError> {
    let mut out = Printed::default();
    if probes.is_empty() {
        return Ok(out);
    }
    let query = |e| ElaborateError::Query(Box::new(e));
    let mut tx = begin(client, limits)?;
    out.round_trips += 1;
    // A trivial temporary view tells whether the server lets us use it at all.
    if let Err(e) = tx.batch_execute(&format!("CREATE TEMP VIEW {PREFIX}probe AS SELECT 1")) {
        let reason = e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned());
        return Err(if is_unusable(&e) {
            ElaborateError::Unusable(reason)
        } else {
            ElaborateError::Query(Box::new(e))
        });
    }
    out.round_trips += 1;
    let indexed: Vec<(usize, &Job)> = probes.iter().enumerate().collect();
    for chunk in indexed.chunks(BATCH) {
        create(&mut tx, chunk, &mut out.round_trips)?;
    }
    tx.batch_execute("SET LOCAL search_path = pg_catalog")
        .map_err(query)?;
    let rows = tx
        .query(
            "SELECT c.relname::text, pg_get_viewdef(c.oid, false) FROM pg_class c \
             WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'v' \
             AND starts_with(c.relname::text, $1)",
            &[&PREFIX],
        )
        .map_err(query)?;
    out.round_trips += 2;
    let mut desired = BTreeMap::new();
    let mut live = BTreeMap::new();
    for row in rows {
        let (Ok(name), Ok(def)) = (row.try_get::<_, String>(0), row.try_get::<_, String>(1)) else {
            continue;
        };
        match view_name(&name) {
            Some((index, true)) => desired.insert(index, def),
            Some((index, false)) => live.insert(index, def),
            None => None,
        };
    }
    for (i, d) in desired {
        if let Some(l) = live.remove(&i) {
            out.views.insert(i, (d, l));
        }
    }
    tx.rollback().map_err(query)?;
    out.round_trips += 1;
    Ok(out)
}

/// Creates the views of `probes` under one savepoint; on failure, rolls back and tries each
/// half alone, down to single probes, which are then left out.
fn create(
    tx: &mut Transaction<'_>,
    probes: &[(usize, &Job)],
    round_trips: &mut usize,
) -> Result<(), ElaborateError> {
    if probes.is_empty() {
        return Ok(());
    }
    let mut sql = String::from("SAVEPOINT schema_tool_elab;\n");
    for (i, p) in probes {
        sql.push_str(&create_sql(*i, p));
    }
    sql.push_str("RELEASE SAVEPOINT schema_tool_elab;");
    *round_trips += 1;
    let Err(error) = tx.batch_execute(&sql) else {
        return Ok(());
    };
    *round_trips += 1;
    tx.batch_execute("ROLLBACK TO SAVEPOINT schema_tool_elab; RELEASE SAVEPOINT schema_tool_elab")
        .map_err(|e| ElaborateError::Query(Box::new(e)))?;
    // A table locked by someone else (or a statement timing out) would cost the timeout again
    // at every split: the whole batch stays unsettled instead, which only makes the plan
    // restate those definitions.
    let timed_out = error.code().is_some_and(|c| {
        *c == postgres::error::SqlState::LOCK_NOT_AVAILABLE
            || *c == postgres::error::SqlState::QUERY_CANCELED
    });
    if probes.len() == 1 || timed_out {
        return Ok(());
    }
    let (a, b) = probes.split_at(probes.len() / 2);
    create(tx, a, round_trips)?;
    create(tx, b, round_trips)
}

/// Which of these `(operator class, access method)` pairs are the default class of their
/// type (`pg_get_indexdef` leaves those out). Names may be schema-qualified.
pub fn default_opclasses(
    client: &mut Client,
    pairs: &[(String, String)],
) -> Result<Vec<bool>, ElaborateError> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let bare = |o: &str| {
        o.rsplit('.')
            .next()
            .unwrap_or(o)
            .trim_matches('"')
            .to_owned()
    };
    let names: Vec<String> = pairs.iter().map(|(o, _)| bare(o)).collect();
    let rows = client
        .query(
            "SELECT c.opcname::text, a.amname::text FROM pg_catalog.pg_opclass c \
             JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod \
             WHERE c.opcdefault AND c.opcname::text = ANY($1)",
            &[&names],
        )
        .map_err(|e| ElaborateError::Query(Box::new(e)))?;
    let found: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| Some((r.try_get(0).ok()?, r.try_get(1).ok()?)))
        .collect();
    Ok(pairs
        .iter()
        .map(|(o, m)| found.iter().any(|(fo, fm)| *fo == bare(o) && fm == m))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{Job, create_sql, view_name};

    #[test]
    fn view_names_round_trip() {
        let job = Job {
            search_path: vec!["app".to_owned(), "$user".to_owned()],
            desired: "AS SELECT 1".to_owned(),
            live: "AS SELECT 2".to_owned(),
        };
        let sql = create_sql(12, &job);
        assert!(
            sql.starts_with("SET LOCAL search_path = \"app\", \"$user\";"),
            "{sql}"
        );
        assert!(sql.contains("CREATE TEMP VIEW schema_tool_elab_12_d AS SELECT 1;"));
        assert!(sql.contains("CREATE TEMP VIEW schema_tool_elab_12_l AS SELECT 2;"));
        assert_eq!(view_name("schema_tool_elab_12_d"), Some((12, true)));
        assert_eq!(view_name("schema_tool_elab_0_l"), Some((0, false)));
        assert_eq!(view_name("schema_tool_elab_probe"), None);
        assert_eq!(view_name("other_1_d"), None);
    }
}
