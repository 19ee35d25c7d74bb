//! SQL-standard routine bodies (`RETURN …`, `BEGIN ATOMIC … END`) that normalisation leaves
//! different: `pg_get_functiondef` qualifies columns and parameters (`t.id = f.a`), names an
//! `INSERT`'s columns, adds output names and casts. Each side is created as a temporary
//! routine of the same name and signature (`pg_temp`), under a savepoint rolled back at once,
//! and printed by the server; identical prints settle the desired body to the live one.

use postgres::Client;

use super::ElaborateError;
use super::probe::set_search_path;
use super::session::Limits;
use crate::catalog::names::quote_literal;
use crate::catalog::{Catalog, Function};

/// What [`settle`] did.
#[derive(Debug, Default)]
pub struct Settled {
    /// Bodies still different after normalisation, asked about.
    pub in_doubt: usize,
    /// Of those, the ones the server printed identically.
    pub settled: usize,
    /// Round trips made.
    pub round_trips: usize,
}

/// The body part of a `pg_get_functiondef` print: from the line that starts it.
fn printed_body(def: &str) -> Option<&str> {
    ["\nBEGIN ATOMIC", "\nRETURN "]
        .iter()
        .filter_map(|start| def.find(start))
        .min()
        .map(|at| def[at + 1..].trim_end())
}

/// Creates `f` as a temporary routine and returns the server's print of its body; `None`
/// when the server rejects it. Leaves nothing behind (savepoint rolled back). Fails with
/// [`ElaborateError::Unusable`] when the server refuses temporary objects altogether.
fn print(
    tx: &mut postgres::Transaction<'_>,
    f: &Function,
    search_path: &[String],
    round_trips: &mut usize,
) -> Result<Option<String>, ElaborateError> {
    let mut temp = f.clone();
    temp.name.schema = "pg_temp".to_owned();
    let create = crate::ddl::function(&temp);
    *round_trips += 2;
    let created = tx.batch_execute(&format!(
        "SAVEPOINT schema_tool_routine;\n{};\n{create}",
        set_search_path(search_path)
    ));
    if let Err(e) = &created {
        if super::session::is_unusable(e) {
            let reason = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned());
            return Err(ElaborateError::Unusable(reason));
        }
    }
    let printed = created.ok().and_then(|()| {
        tx.query_one(
            &format!(
                "SELECT pg_catalog.pg_get_functiondef(p.oid) FROM pg_catalog.pg_proc p \
                 WHERE p.pronamespace = pg_catalog.pg_my_temp_schema() AND p.proname = {} LIMIT 1",
                quote_literal(&f.name.name)
            ),
            &[],
        )
        .ok()
        .and_then(|row| row.try_get::<_, String>(0).ok())
    });
    tx.batch_execute(
        "ROLLBACK TO SAVEPOINT schema_tool_routine; RELEASE SAVEPOINT schema_tool_routine",
    )
    .map_err(|e| ElaborateError::Query(Box::new(e)))?;
    Ok(printed.and_then(|def| printed_body(&def).map(str::to_owned)))
}

/// Settles the desired SQL-standard bodies that the server prints as it prints the live ones.
/// A body the server rejects stays a change; a server that refuses temporary objects is
/// [`ElaborateError::Unusable`] (the caller then elaborates in a shadow database).
pub fn settle(
    client: &mut Client,
    desired: &mut Catalog,
    live: &Catalog,
    default_schema: &str,
    limits: Limits,
) -> Result<Settled, ElaborateError> {
    let mut out = Settled::default();
    let keys: Vec<String> = desired
        .functions
        .iter()
        .filter(|(key, f)| {
            live.functions
                .get(*key)
                .is_some_and(|l| f.has_standard_body() && l.has_standard_body() && f.body != l.body)
        })
        .map(|(key, _)| key.clone())
        .collect();
    if keys.is_empty() {
        return Ok(out);
    }
    out.in_doubt = keys.len();
    let query = |e| ElaborateError::Query(Box::new(e));
    let mut tx = super::session::begin(client, limits)?;
    out.round_trips += 1;
    for key in keys {
        let (Some(d), Some(l)) = (desired.functions.get(&key), live.functions.get(&key)) else {
            continue;
        };
        let path = if d.search_path.is_empty() {
            vec![default_schema.to_owned()]
        } else {
            d.search_path.to_vec()
        };
        let printed_desired = print(&mut tx, d, &path, &mut out.round_trips)?;
        let printed_live = print(&mut tx, l, &path, &mut out.round_trips)?;
        if printed_desired.is_some() && printed_desired == printed_live {
            let body = l.body.clone();
            if let Some(d) = desired.functions.get_mut(&key) {
                d.body = body;
                out.settled += 1;
            }
        }
    }
    tx.rollback().map_err(query)?;
    out.round_trips += 1;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::printed_body;

    #[test]
    fn the_body_is_cut_from_the_printed_definition() {
        let def = "CREATE OR REPLACE FUNCTION pg_temp_3.f(a integer)\n RETURNS integer\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT (a * 2);\nEND\n";
        assert_eq!(
            printed_body(def),
            Some("BEGIN ATOMIC\n SELECT (a * 2);\nEND")
        );
        let def = "CREATE OR REPLACE FUNCTION pg_temp_3.f(a integer)\n RETURNS integer\n LANGUAGE sql\nRETURN (a + 1)\n";
        assert_eq!(printed_body(def), Some("RETURN (a + 1)"));
        assert_eq!(printed_body("AS $$ select 1 $$"), None);
    }
}
