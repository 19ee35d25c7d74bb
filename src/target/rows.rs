//! Whether the tables that gain a NOT NULL column have rows (the `needs-backfill` hazard).

use postgres::Client;

use crate::catalog::QualifiedName;
use crate::plan::hazard::RowCounts;

/// Whether the tables that gain a NOT NULL column have rows. When the target cannot say (no
/// privilege, a lock held too long), nothing is known, a warning is printed and the plan
/// assumes rows.
pub fn check_rows(client: &mut Client, tables: &[(QualifiedName, QualifiedName)]) -> RowCounts {
    crate::db::rows::table_rows(client, tables).unwrap_or_else(|e| {
        let e = e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned());
        eprintln!(
            "schema-plan: could not check which tables have rows ({e}); assuming they have some"
        );
        RowCounts::default()
    })
}
