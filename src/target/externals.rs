//! The declared external tables created in an empty scratch database, so that a plan against
//! it (`schema-plan` without `--database-url`) finds the tables other services own.

use postgres::Client;

use super::TargetError;
use crate::catalog::Catalog;
use crate::catalog::names::quote_ident;

/// Creates the declared external tables (and their schemas) in a scratch database; returns
/// how many there are.
pub fn create_externals(client: &mut Client, desired: &Catalog) -> Result<usize, TargetError> {
    let mut sql = String::new();
    let schemas: std::collections::BTreeSet<&str> = desired
        .externals
        .keys()
        .map(|n| n.schema.as_str())
        .filter(|s| *s != "public")
        .collect();
    for s in schemas {
        sql.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS {};\n",
            quote_ident(s)
        ));
    }
    for t in desired.externals.values() {
        sql.push_str(&crate::ddl::create_table(t, false));
    }
    client
        .batch_execute(&sql)
        .map_err(TargetError::CreateExternals)?;
    Ok(desired.externals.len())
}
