//! What can go wrong when a change is applied: the hazard model `schema-apply` enforces.
//!
//! [`hazards`] classifies one [`Change`] against the current catalog and its dependency graph.
//! Hazards are about the *change*; the planner adds what its own choices imply (for example
//! [`HazardKind::NonTransactional`] when it builds an index `CONCURRENTLY`, see
//! [`index_hazards`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::{Catalog, QualifiedName};
use crate::diff::Change;
use crate::graph::DepGraph;

/// What can go wrong when a planned statement runs. `schema-apply` refuses any hazard that was
/// not allowed with `--allow-hazard <kind>`; the names are stable (CLI flags, plan JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HazardKind {
    /// Rows or column values are deleted for good (`DROP TABLE`, `DROP COLUMN`, `DROP
    /// SEQUENCE` loses its position). `schema-apply` refuses unless `data-loss` is allowed; it
    /// never takes a backup itself.
    DataLoss,
    /// The whole table is rewritten under ACCESS EXCLUSIVE (`ALTER COLUMN … TYPE` without a
    /// binary-coercible cast, a volatile default or stored generated column added, `SET
    /// LOGGED`). Time grows with table size; `schema-apply` refuses unless allowed and runs it
    /// under `statement_timeout`.
    TableRewrite,
    /// An ACCESS EXCLUSIVE lock is held for longer than a catalog update (it blocks reads and
    /// writes on the table). `schema-apply` takes it with `lock_timeout`, so a busy table makes
    /// the statement fail rather than queue every other session behind it.
    AccessExclusiveLock,
    /// An index is built while writes to the table are blocked (`CREATE INDEX` without
    /// `CONCURRENTLY`, `ADD PRIMARY KEY`/`UNIQUE`). Refused unless allowed; the planner
    /// prefers `CONCURRENTLY`, which trades this hazard for [`HazardKind::NonTransactional`].
    IndexBuild,
    /// Every row is read to check a constraint (`VALIDATE CONSTRAINT`, `SET NOT NULL` planned
    /// as `CHECK … NOT VALID` then `VALIDATE`). Writes continue (SHARE UPDATE EXCLUSIVE);
    /// if a row violates it, the statement fails and changes nothing.
    ValidationScan,
    /// Dependent objects (views, materialized views, triggers, indexes of a materialized view)
    /// must be dropped and created again around the change. The message lists them;
    /// `schema-apply` does it in one transaction; materialized views are repopulated.
    RebuildsDependents,
    /// Row-level security is weakened: RLS disabled or no longer forced, a policy dropped or
    /// its USING/WITH CHECK changed to something not provably narrower, a role added to a
    /// policy, a view losing `security_invoker`/`security_barrier`, a function becoming
    /// SECURITY DEFINER. Always refused unless `security-weakened` is allowed.
    SecurityWeakened,
    /// The statement cannot run inside a transaction (`CREATE|DROP INDEX CONCURRENTLY`):
    /// `schema-apply` runs it on its own after the transactional part; if it fails, an
    /// invalid index may remain, which the next apply drops and builds again.
    NonTransactional,
    /// A NOT NULL column without a default is added to a table that has (or may have) rows:
    /// the statement would certainly fail. `schema-apply` refuses until the user supplies the
    /// data step (add nullable, backfill, then set NOT NULL).
    NeedsBackfill,
}

impl HazardKind {
    /// Every kind, in a fixed order.
    pub const ALL: [HazardKind; 9] = [
        HazardKind::DataLoss,
        HazardKind::TableRewrite,
        HazardKind::AccessExclusiveLock,
        HazardKind::IndexBuild,
        HazardKind::ValidationScan,
        HazardKind::RebuildsDependents,
        HazardKind::SecurityWeakened,
        HazardKind::NonTransactional,
        HazardKind::NeedsBackfill,
    ];

    /// The stable name (`--allow-hazard`, plan JSON).
    pub fn name(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data-loss",
            HazardKind::TableRewrite => "table-rewrite",
            HazardKind::AccessExclusiveLock => "access-exclusive-lock",
            HazardKind::IndexBuild => "index-build",
            HazardKind::ValidationScan => "validation-scan",
            HazardKind::RebuildsDependents => "rebuilds-dependents",
            HazardKind::SecurityWeakened => "security-weakened",
            HazardKind::NonTransactional => "non-transactional",
            HazardKind::NeedsBackfill => "needs-backfill",
        }
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One hazard of one change, with a message saying exactly what happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hazard {
    /// Kind.
    pub kind: HazardKind,
    /// What happens (which lock on which table, which data is lost, what is rebuilt).
    pub message: String,
}

impl Hazard {
    /// A hazard of `kind` saying `message`.
    pub(crate) fn new(kind: HazardKind, message: impl Into<String>) -> Self {
        Hazard {
            kind,
            message: message.into(),
        }
    }
}

/// What the target says about one table's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableRows {
    /// Whether the table has at least one row (exact: `EXISTS (SELECT 1 FROM t)`).
    pub any: bool,
    /// The planner's estimate (`pg_class.reltuples`), when the table was ever analysed.
    pub estimate: Option<u64>,
}

/// Rows of the target's tables, for the tables where they matter (those the plan adds a NOT
/// NULL column without a default to). A table missing from the map is not known.
/// Only [`HazardKind::NeedsBackfill`] depends on them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowCounts(pub BTreeMap<QualifiedName, TableRows>);

/// The `needs-backfill` hazard of adding NOT NULL column `column` without a default to
/// `table`, or `None` when the table is known to be empty. The message says what is known
/// about the rows and how to supply the data step.
pub fn needs_backfill(
    table: &QualifiedName,
    column: &str,
    rows: Option<&RowCounts>,
) -> Option<Hazard> {
    let known = rows.and_then(|r| r.0.get(table));
    let what = match known {
        Some(TableRows { any: false, .. }) => return None,
        Some(TableRows {
            any: true,
            estimate: Some(n),
        }) if *n > 0 => format!("{table} has rows (about {n}, by pg_class.reltuples)"),
        Some(TableRows { any: true, .. }) => format!("{table} has rows"),
        None => format!("{table} may have rows (not checked: no database, or the check failed)"),
    };
    let col = crate::catalog::names::display_ident(column);
    Some(Hazard::new(
        HazardKind::NeedsBackfill,
        format!(
            "{what}: adding NOT NULL column {col} without a default would fail. Supply a data step, a SQL file that fills {col} in every row: `--backfill {table}.{col}=FILE`, or `\"{table}.{col}\" = \"FILE\"` under `[plan.backfill]` in schema.toml; the plan then adds the column nullable, runs the file and enforces NOT NULL"
        ),
    ))
}

/// The hazards of running a data step (the file `source`) on `table` right after `ADD COLUMN
/// column` (nullable) in the same transaction: the ACCESS EXCLUSIVE lock `ADD COLUMN` took is
/// kept until commit, so the table is blocked while the data step runs.
pub fn data_step_hazards(table: &QualifiedName, column: &str, source: &str) -> Vec<Hazard> {
    let col = crate::catalog::names::display_ident(column);
    vec![Hazard::new(
        HazardKind::AccessExclusiveLock,
        format!(
            "ACCESS EXCLUSIVE lock on {table} (blocks reads and writes), taken by ADD COLUMN {col} and held until the transaction commits, while the data step {source} runs"
        ),
    )]
}

/// The hazards of one change, given the current catalog and its dependency graph. `rows`
/// decides [`HazardKind::NeedsBackfill`]: without row counts a NOT NULL column without a
/// default is assumed to meet rows (the table exists, so it may have some). Each family of
/// changes says its own in `plan/steps/`.
pub fn hazards(
    change: &Change,
    current: &Catalog,
    graph: &DepGraph,
    rows: Option<&RowCounts>,
) -> Vec<Hazard> {
    super::steps::hazards(change, current, graph, rows)
}

/// Hazards of building (or, `CONCURRENTLY`, dropping) an index, depending on how the planner
/// does it: a plain build takes a SHARE lock, which blocks writes
/// ([`HazardKind::IndexBuild`]); `CONCURRENTLY` (`CREATE`, `DROP` or `REINDEX`) takes SHARE
/// UPDATE EXCLUSIVE, which blocks neither reads nor writes, but cannot run in a transaction
/// ([`HazardKind::NonTransactional`]). `what` is `built`, `dropped`, …
pub fn index_hazards(
    index: &QualifiedName,
    table: &QualifiedName,
    concurrently: bool,
    what: &str,
) -> Vec<Hazard> {
    if concurrently {
        let failure = if what == "dropped" {
            "a failure leaves the index invalid, and the next apply drops it again"
        } else {
            "a failure leaves an invalid index that the next apply rebuilds"
        };
        vec![Hazard::new(
            HazardKind::NonTransactional,
            format!(
                "index {index} on {table} is {what} CONCURRENTLY (SHARE UPDATE EXCLUSIVE lock on {table}: reads and writes continue), outside the transaction; {failure}"
            ),
        )]
    } else {
        vec![Hazard::new(
            HazardKind::IndexBuild,
            format!(
                "index {index} on {table} is {what} under a SHARE lock: writes to {table} are blocked until it finishes"
            ),
        )]
    }
}
