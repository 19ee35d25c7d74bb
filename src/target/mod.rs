//! The planning pipeline against a live database: the one way `schema-plan`, `schema-apply`
//! (on-the-spot plans and verification), `--validate` (the copy planned again), the tests and
//! the benchmarks plan against a target.
//!
//! In order: read the target ([`read_target`]: introspect the managed schemas and those of the
//! external tables, forget indexes left INVALID that the desired state has, check the
//! declared external tables), elaborate the desired definitions on it or on a shadow
//! ([`crate::elaborate`]), diff, find which tables gaining a NOT NULL column have rows
//! ([`rows`]), and plan ([`crate::plan`]).

mod error;
mod externals;
mod read;
pub mod rows;

use std::time::{Duration, Instant};

use postgres::Client;

use crate::catalog::Catalog;
use crate::db::temporary::Shadow;
use crate::diff::{Change, DiffOptions, diff};
use crate::elaborate::{ElaborateOptions, Report, elaborate_with_fallback};
use crate::plan::backfill::{DataSteps, tables_to_check};
use crate::plan::{Plan, PlanOptions, fingerprint, plan_diff};

pub use error::TargetError;
pub use externals::create_externals;
pub use read::{read_all_while, read_schemas, read_target, require_externals};

/// What planning against a live target needs besides the two catalogs.
#[derive(Clone, Debug, Default)]
pub struct TargetOptions {
    /// Managed schemas (`schema.toml`); empty means every schema.
    pub schemas: Vec<String>,
    /// What the diff compares.
    pub diff: DiffOptions,
    /// Data steps for `needs-backfill` columns.
    pub data_steps: DataSteps,
    /// Where to elaborate when the target refuses temporary objects.
    pub shadow: Shadow,
}

/// A plan, with what it was computed from (for the renderings).
pub struct TargetPlan {
    /// The plan.
    pub plan: Plan,
    /// The diff's changes, before dependents to rebuild were added.
    pub changes: Vec<Change>,
    /// The target after the rename hints, when any applied (else it is `current`): the
    /// changes name objects by their new names.
    pub renamed_current: Option<Catalog>,
    /// The target as introspected (or the other directory).
    pub current: Catalog,
    /// What elaboration settled (against a database).
    pub elaboration: Option<Report>,
    /// Wall time of each phase after the target was read: `elaborate` (with the target's
    /// fingerprint taken meanwhile), `diff`, `rows` and `plan`.
    pub phases: Vec<(&'static str, Duration)>,
}

impl TargetPlan {
    /// One line on what elaboration settled, when it had anything to do.
    pub fn elaboration_note(&self) -> Option<String> {
        let r = self.elaboration.as_ref()?;
        if r.settled_by_normalisation == 0 && r.in_doubt == 0 {
            return None;
        }
        Some(format!(
            "Definitions PostgreSQL prints in its own way: {} equal once normalised, {} of {} more printed identically by {} ({} ms).",
            r.settled_by_normalisation,
            r.settled_by_server,
            r.in_doubt,
            r.server,
            r.elapsed.as_millis()
        ))
    }
}

/// The one way to plan against a live database: read the target (unless `read_ahead` holds
/// it, in which case only its externals are checked), elaborate the desired definitions on it
/// (or a shadow), find which tables gaining a NOT NULL column have rows, and plan.
pub fn plan_against_target(
    client: &mut Client,
    desired: &Catalog,
    read_ahead: Option<Catalog>,
    opts: &TargetOptions,
) -> Result<TargetPlan, TargetError> {
    let current = match read_ahead {
        Some(current) => {
            require_externals(desired, &current)?;
            current
        }
        None => read_target(client, desired, &opts.schemas)?,
    };
    let mut phases = Phases::new();
    let mut desired = desired.clone();
    // Elaboration mostly waits for the server: the target's fingerprint is taken meanwhile.
    let (elaboration, target_fingerprint) = std::thread::scope(|s| {
        let printer = std::thread::Builder::new()
            .stack_size(crate::stack::DEEP_STACK)
            .spawn_scoped(s, || fingerprint(&current))
            .ok();
        let elaboration = elaborate_with_fallback(
            client,
            &opts.shadow,
            &mut desired,
            &current,
            &ElaborateOptions::default(),
        );
        let print = printer.and_then(|p| p.join().ok());
        (elaboration, print)
    });
    let elaboration = elaboration?;
    phases.end("elaborate", "elaborated (and target fingerprinted)");
    let diff = diff(&current, &desired, &opts.diff);
    phases.end("diff", "diffed");
    let rows = rows::check_rows(client, &tables_to_check(&diff.changes, &current));
    phases.end("rows", "rows checked");
    let plan = plan_diff(
        &diff,
        &PlanOptions {
            diff: opts.diff.clone(),
            rows: Some(rows),
            data_steps: opts.data_steps.clone(),
            target_fingerprint,
        },
    )?;
    phases.end("plan", "planned");
    let (changes, renamed_current) = diff.into_changes_and_renamed();
    Ok(TargetPlan {
        plan,
        changes,
        renamed_current,
        current,
        elaboration: Some(elaboration),
        phases: phases.laps,
    })
}

/// The phases' wall times, each also marked for `SCHEMA_TOOL_TIMINGS`.
struct Phases {
    lap: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Phases {
    fn new() -> Phases {
        Phases {
            lap: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn end(&mut self, name: &'static str, mark: &str) {
        self.laps.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
        crate::timing::mark(mark);
    }
}
