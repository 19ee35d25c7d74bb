//! The apply workflow, in order: take the apply lock ([`super::lock`]), note the applies that
//! did not finish ([`super::history`]), compute the plan or read a plan file and check the
//! target for drift ([`choose`]), run the hazard gate ([`super::gate`]), let the operator see
//! the plan and confirm, execute while recording the apply ([`run`]), and verify: the plan from
//! the desired state, made the one way ([`crate::target`]), must now be empty.
//!
//! What is shown and asked goes through an [`Operator`] (the command line prints and prompts);
//! why the apply could not run at all is an [`ApplyError`].

mod choose;
mod run;

use std::time::{Duration, Instant};

use postgres::Client;

use super::execute::message;
use super::{Event, Interrupt, Settings, gate, history, lock};
use crate::catalog::Catalog;
use crate::db::ConnectOptions;
use crate::plan::Step;
use crate::plan::file::PlanFile;
use crate::target::{TargetError, TargetOptions, TargetPlan, plan_against_target};

/// What the apply is compared with, before and after: the desired state and how it is
/// planned against the target.
pub struct Desired {
    /// The desired catalog.
    pub catalog: Catalog,
    /// Managed schemas, what the diff compares, data steps, where to elaborate.
    pub planning: TargetOptions,
}

impl Desired {
    /// Plans the desired state against the target the way `schema-plan` does.
    pub fn plan_against(&self, client: &mut Client) -> Result<TargetPlan, TargetError> {
        plan_against_target(client, &self.catalog, None, &self.planning)
    }
}

/// How to apply.
pub struct ApplyOptions<'a> {
    /// Timeouts, retries, waits, allowed hazards.
    pub settings: &'a Settings,
    /// Show the plan and run the checks (drift, hazard gate); take no lock, change nothing.
    pub dry_run: bool,
    /// How to open the monitor's second connection.
    pub connect: &'a ConnectOptions,
    /// Ctrl-C.
    pub interrupt: &'a Interrupt,
}

/// How an apply ended, when it could run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Applied and verified, nothing to do, or a dry run whose plan the checks let through.
    Success,
    /// Refused (by a dry run too: hazards not allowed, drift), rolled back, interrupted or not
    /// verified (the operator was told why).
    Failure,
}

/// Why an apply could not run at all (bad input or environment).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ApplyError {
    /// A query of the workflow's own (lock, history, backend pid) failed.
    #[error("{what}: {}", message(.error))]
    Database {
        /// What could not be done (`cannot read the apply history`, …).
        what: &'static str,
        /// The client's or the server's error.
        error: postgres::Error,
    },
    /// The connection was lost while executing; the message says what was done.
    #[error("{0}")]
    Connection(String),
    /// The plan could not be made.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Target(#[from] TargetError),
    /// Writing to the operator failed.
    #[error("cannot write output")]
    Output(#[from] std::io::Error),
}

impl ApplyError {
    fn database(what: &'static str) -> impl FnOnce(postgres::Error) -> ApplyError {
        move |error| ApplyError::Database { what, error }
    }
}

/// The person running the apply: what the workflow tells them and asks them.
pub trait Operator {
    /// A line of the apply's report (standard output).
    fn say(&mut self, line: &str) -> std::io::Result<()>;
    /// A line on waiting, or why the apply stopped (standard error).
    fn warn(&mut self, text: &str);
    /// The `count` steps about to run (all of `steps`, less the transactional ones when
    /// `skip_transactional`), before the gate decides.
    fn show_plan(
        &mut self,
        steps: &[Step],
        skip_transactional: bool,
        count: usize,
    ) -> std::io::Result<()>;
    /// Whether to apply the `count` steps shown.
    fn confirm(&mut self, count: usize) -> std::io::Result<bool>;
    /// A step started or ended, a part is retried, the transaction was committed.
    fn progress(&mut self, event: Event<'_>, steps: &[Step]);
}

/// Applies `desired` (planned now) or `plan_file` (checked for drift) to the database behind
/// `client`: locked (unless a dry run), gated, confirmed, executed, recorded and verified.
pub fn apply(
    client: &mut Client,
    desired: &Desired,
    plan_file: Option<&PlanFile>,
    opts: &ApplyOptions<'_>,
    operator: &mut dyn Operator,
) -> Result<Ending, ApplyError> {
    if !opts.dry_run {
        if let Some(refusal) = take_lock(client, opts.settings.wait, operator)? {
            operator.warn(&refusal);
            return Ok(Ending::Failure);
        }
    }
    let result = apply_locked(client, desired, plan_file, opts, operator);
    if !opts.dry_run {
        let _ = lock::release(client);
    }
    result
}

/// Takes the apply lock, waiting up to `wait` for another apply; the refusal when it is still
/// held.
fn take_lock(
    client: &mut Client,
    wait: Duration,
    operator: &mut dyn Operator,
) -> Result<Option<String>, ApplyError> {
    let waited = Instant::now();
    let mut on_wait = |holder: i32| {
        operator.warn(&format!(
            "another schema-apply (server process {holder}) holds the apply lock; waiting up to {}",
            ms(wait)
        ));
    };
    match lock::acquire(client, wait, &mut on_wait) {
        Ok(()) if waited.elapsed() > Duration::from_millis(150) => {
            operator.say(&format!(
                "Took the apply lock after {}.",
                ms(waited.elapsed())
            ))?;
            Ok(None)
        }
        Ok(()) => Ok(None),
        Err(e @ lock::LockError::Busy { .. }) => {
            Ok(Some(format!("refused: {e}. Nothing was changed.")))
        }
        Err(lock::LockError::Query(q)) => {
            Err(ApplyError::database("cannot take the apply lock")(q))
        }
    }
}

/// Everything after the apply lock is taken.
fn apply_locked(
    client: &mut Client,
    desired: &Desired,
    plan_file: Option<&PlanFile>,
    opts: &ApplyOptions<'_>,
    operator: &mut dyn Operator,
) -> Result<Ending, ApplyError> {
    let have_history = note_unfinished(client, opts.dry_run, operator)?;
    let chosen = match plan_file {
        None => choose::plan_now(client, desired)?,
        Some(f) => match choose::plan_file_undrifted(client, desired, f, have_history, operator)? {
            Some(chosen) => chosen,
            None => return Ok(Ending::Failure),
        },
    };
    let to_run = chosen.to_run();
    if to_run.is_empty() {
        operator.say("No changes: the database matches the desired schema.")?;
        return Ok(Ending::Success);
    }
    let refused = gate::refusals(to_run.iter().copied(), &opts.settings.allowed);
    operator.show_plan(&chosen.plan.steps, chosen.skip_tx, to_run.len())?;
    if !refused.is_empty() {
        operator.warn(&gate::describe(&refused));
        return Ok(Ending::Failure);
    }
    if opts.dry_run {
        operator.say("Dry run: nothing was changed.")?;
        return Ok(Ending::Success);
    }
    if !operator.confirm(to_run.len())? {
        operator.warn("not confirmed: nothing was changed");
        return Ok(Ending::Failure);
    }
    run::run_recorded(client, desired, &chosen, opts, operator)
}

/// Notes the applies that did not finish (unless a dry run) and says whether the apply
/// history exists.
fn note_unfinished(
    client: &mut Client,
    dry_run: bool,
    operator: &mut dyn Operator,
) -> Result<bool, ApplyError> {
    let unreadable = ApplyError::database("cannot read the apply history");
    let have_history = history::exists(client).map_err(unreadable)?;
    if have_history && !dry_run {
        let abandoned = history::abandon_unfinished(client)
            .map_err(ApplyError::database("cannot read the apply history"))?;
        for (id, started, tx_done) in abandoned {
            operator.say(&format!(
                "Note: apply #{id} (started {started}) did not finish{}.",
                if tx_done {
                    "; its transactional part was committed"
                } else {
                    "; its transaction was rolled back by the server"
                }
            ))?;
        }
    }
    Ok(have_history)
}

/// A duration for people: `850 ms`, `2.50 s`.
pub fn ms(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}
