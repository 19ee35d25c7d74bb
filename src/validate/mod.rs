//! `schema-plan --validate`: proves a plan on a copy before it is applied.
//!
//! In a scratch database ([`scratch`]: an embedded throwaway cluster, or a temporary database
//! on a `--dev-url` server, of the target's major version) the target's schema is restored from
//! its introspected catalog ([`copy`], roles it names created `NOLOGIN` when missing), a few
//! rows per table are copied from the target ([`sample`]), the plan is applied by the real
//! executor ([`crate::apply::execute`], every hazard allowed: it is a copy), the copy is
//! planned again against the desired state (which must give no steps), and every sampled row
//! is looked for ([`survive`]). The target is only read. Row data is never printed: server
//! messages are quoted without their `DETAIL`, which may hold values.

pub mod copy;
pub mod report;
pub mod sample;
pub mod scratch;
pub mod survive;

use std::time::{Duration, Instant};

use postgres::Client;

use crate::apply::{ExecError, Interrupt, Settings, StepRecord, execute};
use crate::catalog::Catalog;
use crate::error_chain::error_chain;
use crate::plan::Plan;
use crate::plan::hazard::HazardKind;
use crate::target::{TargetOptions, plan_against_target, read_schemas};

pub use survive::TableOutcome;

/// Why validation could not be carried out (as opposed to a plan that failed it).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The scratch server's major version is not the target's.
    #[error(
        "the scratch PostgreSQL is version {scratch} but the target is version {target}: use --dev-url with a server of version {target}"
    )]
    Version {
        /// Target's major version.
        target: u32,
        /// Scratch server's major version.
        scratch: u32,
    },
    /// The scratch database could not be created or reached.
    #[error("cannot set up the scratch database: {0}")]
    Scratch(String),
    /// A query on the target or the copy failed.
    #[error("validation query failed: {0}")]
    Query(String),
    /// Planning the copy again failed.
    #[error("planning the copy again failed: {0}")]
    Replan(String),
}

impl ValidateError {
    pub(crate) fn query(e: postgres::Error) -> ValidateError {
        ValidateError::Query(server_message(&e))
    }
}

/// A server error's message and SQLSTATE, without `DETAIL` (which may quote row values).
pub fn server_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = redact_values(&format!("{} (SQLSTATE {})", db.message(), db.code().code()));
            if let Some(h) = db.hint() {
                m.push_str(&format!("; hint: {h}"));
            }
            m
        }
        None => error_chain(e),
    }
}

/// How to validate.
#[derive(Clone, Debug)]
pub struct ValidateOptions {
    /// Rows sampled per table (before the rows their foreign keys need).
    pub rows_per_table: usize,
    /// The plan's table and column renames (rows are looked for under the new names).
    pub renames: survive::Renames,
    /// How the target was planned: the copy is read and planned again the same way (its
    /// managed schemas, what the diff compares, its data steps); its shadow is also where the
    /// scratch database is created.
    pub planning: TargetOptions,
}

/// A step that failed on the copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedStep {
    /// 1-based step number.
    pub step: usize,
    /// Its SQL.
    pub sql: String,
    /// The server's message (without `DETAIL`).
    pub error: String,
}

/// A step the copy still needs after the plan ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remaining {
    /// Its SQL.
    pub sql: String,
    /// Objects it is about.
    pub objects: Vec<String>,
}

/// The outcome of a validation.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    /// Where the copy was made.
    pub server: String,
    /// Steps applied (all of them when none failed).
    pub applied: usize,
    /// The step that failed, if one did.
    pub failed: Option<FailedStep>,
    /// Steps a new plan of the copy still has (must be none).
    pub remaining: Vec<Remaining>,
    /// What became of each sampled table's rows (empty when a step failed).
    pub tables: Vec<TableOutcome>,
    /// Objects named by a step with a reported `data-loss` hazard: lost or changed rows of
    /// these tables are expected.
    pub explained: Vec<String>,
    /// Objects named by any step (`schema.table.column` for column changes and data steps):
    /// changed values in these columns are expected.
    pub touched: Vec<String>,
    /// What the copy could not reproduce (rejected statements, unreadable tables, …).
    pub notes: Vec<String>,
    /// Wall time of the whole validation.
    pub elapsed: Duration,
    /// Wall time of each phase: `scratch` (start the cluster or create the database),
    /// `schema` (roles, schema, read back), `rows` (sample and copy), `apply`, `replan`
    /// (plan the copy again) and `rows-check`.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Validation {
    /// Whether an outcome is what the plan said it would do: rows lost or changed in a table
    /// a reported data-loss step names, or values changed only in columns a step changes (a
    /// type change, a data step).
    pub fn is_explained(&self, t: &TableOutcome) -> bool {
        let name = t.table.to_string();
        let data_loss = self
            .explained
            .iter()
            .any(|o| *o == name || o.strip_prefix(&name).is_some_and(|r| r.starts_with('.')));
        if data_loss {
            return true;
        }
        t.lost == 0
            && t.changed_columns.iter().all(|c| {
                let column = format!("{name}.{}", crate::catalog::names::display_ident(c));
                let plain = format!("{name}.{c}");
                self.touched.iter().any(|o| *o == column || *o == plain)
            })
    }

    /// Tables whose rows were lost or changed without a data-loss hazard saying so.
    pub fn unexplained(&self) -> Vec<&TableOutcome> {
        self.tables
            .iter()
            .filter(|t| !t.dropped && (t.lost > 0 || t.changed > 0) && !self.is_explained(t))
            .collect()
    }

    /// Whether the plan passed: every step applied, nothing left to plan, no row lost
    /// unexpectedly.
    pub fn ok(&self) -> bool {
        self.failed.is_none() && self.remaining.is_empty() && self.unexplained().is_empty()
    }

    /// Sampled rows in the tables that still exist, and how many of them survived unchanged.
    pub fn rows(&self) -> (usize, usize, usize) {
        let kept: Vec<&TableOutcome> = self.tables.iter().filter(|t| !t.dropped).collect();
        let rows = kept.iter().map(|t| t.rows).sum();
        let survived = kept.iter().map(|t| t.rows - t.lost).sum();
        (rows, survived, kept.len())
    }
}

/// Validates `plan` (computed against `current`, the catalog read from `target`, towards
/// `desired`) on a copy in a scratch database created where `opts` says.
pub fn validate(
    target: &mut Client,
    current: &Catalog,
    plan: &Plan,
    desired: &Catalog,
    opts: &ValidateOptions,
) -> Result<Validation, ValidateError> {
    let started = Instant::now();
    let mut scratch = scratch::Scratch::create(&opts.planning.shadow)?;
    validate_in(&mut scratch, started, target, current, plan, desired, opts)
}

/// [`validate`] in a scratch database created beforehand (at `started`). The scratch is left
/// to the caller to drop (stopping a cluster takes a moment: after the output is written).
pub fn validate_in(
    scratch: &mut scratch::Scratch,
    started: Instant,
    target: &mut Client,
    current: &Catalog,
    plan: &Plan,
    desired: &Catalog,
    opts: &ValidateOptions,
) -> Result<Validation, ValidateError> {
    let mut v = Validation {
        explained: plan
            .steps
            .iter()
            .filter(|s| s.hazards.iter().any(|h| h.kind == HazardKind::DataLoss))
            .flat_map(|s| s.objects.iter().cloned())
            .collect(),
        touched: plan
            .steps
            .iter()
            .flat_map(|s| s.objects.iter().cloned())
            .collect(),
        ..Validation::default()
    };
    let mut lap = started;
    let mut phase = |v: &mut Validation, name: &'static str| {
        v.phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let major = crate::db::temporary::major_version(target).map_err(ValidateError::query)?;
    scratch.check_version(major)?;
    v.server = scratch.description.clone();
    let mut copy = scratch.connect()?;
    phase(&mut v, "scratch");
    let created = copy::create_roles(&mut copy, &copy::roles(current), &mut v.notes)?;
    if scratch.shared_server() {
        scratch.created_roles = created;
    }
    copy::load_schema(&mut copy, current, &mut v.notes)?;
    let schemas = read_schemas(desired, &opts.planning.schemas);
    faithful(
        &mut copy,
        current,
        &schemas,
        &opts.planning.diff,
        &mut v.notes,
    )?;
    phase(&mut v, "schema");
    let rows = sample::read(target, current, opts.rows_per_table, &mut v.notes)?;
    let copied = sample::insert(&mut copy, &rows, &mut v.notes)?;
    let names: Vec<_> = copied.keys().collect();
    let before = survive::snapshot(&mut copy, &names).map_err(ValidateError::query)?;
    phase(&mut v, "rows");

    let mut records: Vec<StepRecord> = Vec::new();
    let settings = Settings {
        retries: 0,
        ..Settings::default()
    };
    let running = std::sync::Arc::new(std::sync::Mutex::new(None));
    let result = execute(
        &mut copy,
        &plan.steps,
        &settings,
        false,
        None,
        &Interrupt::default(),
        &running,
        &mut records,
        &mut |_| {},
    );
    phase(&mut v, "apply");
    match result {
        Ok(()) => v.applied = plan.steps.len(),
        Err(ExecError::Failed { step, .. } | ExecError::LockTimeout { step, .. }) => {
            let error = records
                .get(step - 1)
                .and_then(|r| match &r.status {
                    crate::apply::StepStatus::Failed(m) => Some(strip_detail(m)),
                    _ => None,
                })
                .unwrap_or_default();
            v.failed = Some(FailedStep {
                step,
                sql: plan
                    .steps
                    .get(step - 1)
                    .map(|s| s.sql.clone())
                    .unwrap_or_default(),
                error,
            });
            v.applied = records
                .iter()
                .filter(|r| matches!(r.status, crate::apply::StepStatus::Done))
                .count();
            v.elapsed = started.elapsed();
            return Ok(v);
        }
        Err(e) => return Err(ValidateError::Scratch(error_chain(&e))),
    }
    // The copy is planned again the one way the target was.
    let again = plan_against_target(&mut copy, desired, None, &opts.planning)
        .map_err(|e| ValidateError::Replan(e.to_string()))?;
    v.remaining = again
        .plan
        .steps
        .iter()
        .map(|s| Remaining {
            sql: s.sql.clone(),
            objects: s.objects.clone(),
        })
        .collect();
    phase(&mut v, "replan");
    v.tables = survive::check(&mut copy, &before, current, &again.current, &opts.renames)
        .map_err(ValidateError::query)?;
    phase(&mut v, "rows-check");
    drop(copy);
    v.elapsed = started.elapsed();
    Ok(v)
}

/// Reads the copy back and notes how it differs from the target, if it does: a difference
/// the copy could not reproduce (a missing extension, a role that cannot be created) may show
/// up again in the re-plan without being the plan's fault.
fn faithful(
    copy: &mut Client,
    current: &Catalog,
    schemas: &[String],
    diff: &crate::diff::DiffOptions,
    notes: &mut Vec<String>,
) -> Result<(), ValidateError> {
    let read = match crate::introspect::introspect(
        copy,
        &crate::introspect::IntrospectOptions {
            schemas: schemas.to_vec(),
            threads: 0,
        },
    ) {
        Ok(read) => read,
        Err(e) => {
            notes.push(format!("cannot read the copy back: {}", error_chain(&e)));
            return Ok(());
        }
    };
    let changes = crate::diff::diff(current, &read, diff).changes;
    for c in changes.iter().take(5) {
        notes.push(format!("the copy differs from the target: {c}"));
    }
    if changes.len() > 5 {
        notes.push(format!(
            "the copy differs from the target in {} more ways",
            changes.len() - 5
        ));
    }
    Ok(())
}

/// The executor's message without its `detail:` lines (which may quote row values).
fn strip_detail(message: &str) -> String {
    let kept = message
        .lines()
        .filter(|l| !l.trim_start().starts_with("detail:"))
        .collect::<Vec<_>>()
        .join("\n");
    redact_values(&kept)
}

/// A data exception's message (SQLSTATE class 22) quotes the value it choked on
/// (`invalid input syntax for type integer: "abc"`): the quoted parts are replaced by `"…"`.
fn redact_values(message: &str) -> String {
    if !message.contains("(SQLSTATE 22") {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for ch in message.chars() {
        if ch == '"' {
            if inside {
                out.push('…');
            }
            inside = !inside;
            out.push(ch);
        } else if !inside {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::QualifiedName;

    fn outcome(table: &str, lost: usize, changed: &[&str]) -> TableOutcome {
        TableOutcome {
            table: QualifiedName::new("public", table),
            rows: 3,
            lost,
            changed_columns: changed.iter().map(|c| (*c).to_owned()).collect(),
            changed: usize::from(!changed.is_empty()),
            dropped: false,
            matched_on: "primary key (id)".to_owned(),
        }
    }

    #[test]
    fn losses_count_only_where_no_step_explains_them() {
        let v = Validation {
            explained: vec!["public.old.note".to_owned()],
            touched: vec!["public.old.note".to_owned(), "public.t.tenant".to_owned()],
            tables: vec![
                outcome("old", 2, &[]),
                outcome("t", 0, &["tenant"]),
                outcome("u", 0, &[]),
            ],
            ..Validation::default()
        };
        assert!(v.ok());
        assert_eq!(v.rows(), (9, 7, 3));

        let lost = Validation {
            tables: vec![outcome("t", 1, &["tenant"])],
            ..v.clone()
        };
        assert!(
            !lost.ok(),
            "a data step explains changed values, not lost rows"
        );
        let changed = Validation {
            tables: vec![outcome("u", 0, &["email"])],
            ..v.clone()
        };
        assert!(!changed.ok());
        // `public.o` is not a prefix match for `public.old`.
        let prefix = Validation {
            explained: vec!["public.old".to_owned()],
            tables: vec![outcome("o", 1, &[])],
            ..v
        };
        assert!(!prefix.ok());
    }

    #[test]
    fn values_quoted_by_data_exceptions_are_redacted() {
        assert_eq!(
            strip_detail(
                "ERROR: invalid input syntax for type integer: \"secret\" (SQLSTATE 22P02)"
            ),
            "ERROR: invalid input syntax for type integer: \"…\" (SQLSTATE 22P02)"
        );
        let other = "ERROR: column \"c\" of relation \"t\" contains null values (SQLSTATE 23502)";
        assert_eq!(strip_detail(other), other);
    }

    #[test]
    fn details_are_left_out_of_step_errors() {
        assert_eq!(
            strip_detail(
                "ERROR: duplicate (SQLSTATE 23505)\n  detail: Key (email)=(x) is duplicated.\n  hint: h"
            ),
            "ERROR: duplicate (SQLSTATE 23505)\n  hint: h"
        );
    }
}
