//! Databases the tool creates for its own use on a `--dev-url` server (the shadow for
//! elaboration, the copy `--validate` proves a plan on) and drops afterwards.

use postgres::Client;

use crate::catalog::names::quote_ident;

/// Creates an empty database named `schema_tool_<purpose>_<pid>_<nanoseconds>` (unique on the
/// server, recognisable if one is ever left behind) and returns its name.
pub fn create(admin: &mut Client, purpose: &str) -> Result<String, postgres::Error> {
    let name = format!(
        "schema_tool_{purpose}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    admin.batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))?;
    Ok(name)
}

/// Drops a database [`create`] made, ending any session still connected to it.
pub fn drop(admin: &mut Client, name: &str) -> Result<(), postgres::Error> {
    admin.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(name)
    ))
}
