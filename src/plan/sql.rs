//! SQL for the changes `crate::ddl` does not render: drops, `ALTER …`, renames, comments and
//! grants. Each family of changes writes its own in `plan/steps/`; every identifier goes
//! through `quote_ident`, every literal through `quote_literal`; expressions and type names
//! are printed as the catalog stores them.

use crate::catalog::Catalog;
use crate::diff::Change;

/// One statement of a step, and whether it may run inside the apply transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The SQL, terminated by `;`.
    pub sql: String,
    /// `false` for `CREATE|DROP INDEX CONCURRENTLY`.
    pub transactional: bool,
}

/// The statements of one change. `concurrent` says whether index builds and drops on this
/// change's table run `CONCURRENTLY` (the table exists and keeps existing).
pub fn render(
    change: &Change,
    current: &Catalog,
    desired: &Catalog,
    concurrent: bool,
) -> Vec<Statement> {
    super::steps::sql(change, current, desired, concurrent)
}
