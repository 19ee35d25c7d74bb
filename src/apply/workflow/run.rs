//! Executing the chosen plan while recording it in the apply history, with a monitor of index
//! builds on a second connection; then verifying that the desired state plans to nothing.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use postgres::Client;
use serde_json::json;

use super::choose::Chosen;
use super::{ApplyError, ApplyOptions, Desired, Ending, Operator, ms};
use crate::apply::execute::{Running, message};
use crate::apply::{ExecError, StepRecord, StepStatus, execute, history, monitor};
use crate::db::connect;
use crate::plan::{Step, step_count};

/// Records the apply, executes the plan, and verifies or records how it failed.
pub(super) fn run_recorded(
    client: &mut Client,
    desired: &Desired,
    chosen: &Chosen,
    opts: &ApplyOptions<'_>,
    operator: &mut dyn Operator,
) -> Result<Ending, ApplyError> {
    let steps = &chosen.plan.steps;
    history::ensure(client).map_err(ApplyError::database("cannot create the apply history"))?;
    let fp = json!({
        "current": chosen.plan.fingerprint.get("current"),
        "desired": chosen.plan.fingerprint.get("desired"),
    });
    let id = history::start(client, &chosen.digest, &fp, &steps_json(steps, &[]))
        .map_err(ApplyError::database("cannot record the apply"))?;
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .map_err(ApplyError::database("cannot read the backend pid"))?
        .get(0);
    let running: Running = Running::default();
    let live = std::io::stderr().is_terminal();
    let monitor = connect(opts.connect)
        .ok()
        .map(|c| monitor::start(c, pid, running.clone(), live, Duration::from_secs(5)));
    let to_run = chosen.to_run();
    operator.say(&format!(
        "Applying {} (apply #{id}): {} in one transaction, then {} one by one.",
        step_count(to_run.len()),
        to_run.iter().filter(|(_, s)| s.transactional).count(),
        to_run.iter().filter(|(_, s)| !s.transactional).count()
    ))?;
    let started = Instant::now();
    let mut records = Vec::new();
    let result = execute(
        client,
        steps,
        opts.settings,
        chosen.skip_tx,
        Some(id),
        opts.interrupt,
        &running,
        &mut records,
        &mut |e| operator.progress(e, steps),
    );
    drop(monitor);
    if let Err(e) = result {
        return failed(client, id, steps, &records, &e, operator);
    }
    let done = records
        .iter()
        .filter(|r| r.status == StepStatus::Done)
        .count();
    operator.say(&format!(
        "Applied {done} of {} in {}.",
        step_count(steps.len()),
        ms(started.elapsed())
    ))?;
    let (outcome, ending) = verify(client, desired, operator)?;
    history::finish(client, id, outcome, &steps_json(steps, &records), None)
        .map_err(ApplyError::database("cannot record the apply"))?;
    Ok(ending)
}

/// Rolls back what is open, records the failure and tells the operator what was done.
fn failed(
    client: &mut Client,
    id: i64,
    steps: &[Step],
    records: &[StepRecord],
    e: &ExecError,
    operator: &mut dyn Operator,
) -> Result<Ending, ApplyError> {
    let (outcome, head) = match e {
        ExecError::Interrupted { .. } => ("interrupted", "interrupted".to_owned()),
        ExecError::LockTimeout { .. } => ("lock-timeout", e.to_string()),
        other => ("failed", other.to_string()),
    };
    let _ = client.batch_execute("ROLLBACK");
    let _ = history::finish(
        client,
        id,
        outcome,
        &steps_json(steps, records),
        Some(&head),
    );
    let what = if e.committed() {
        format!(
            "The transactional part was committed; {} of the steps outside it ran. Run schema-apply again to finish: completed steps are skipped and an invalid index is rebuilt.",
            records
                .iter()
                .zip(steps)
                .filter(|(r, s)| !s.transactional && r.status == StepStatus::Done)
                .count()
        )
    } else {
        "The transaction was rolled back: nothing was changed.".to_owned()
    };
    if let ExecError::Connection(c) = e {
        return Err(ApplyError::Connection(format!("{}\n{what}", message(c))));
    }
    operator.warn(&format!("{head}\n{what}"));
    Ok(Ending::Failure)
}

/// Plans the desired state again, which must give no steps: the history outcome and how the
/// apply ended.
fn verify(
    client: &mut Client,
    desired: &Desired,
    operator: &mut dyn Operator,
) -> Result<(&'static str, Ending), ApplyError> {
    let again = desired.plan_against(client)?.plan;
    if again.steps.is_empty() {
        operator.say("Verified: the database matches the desired schema.")?;
        return Ok(("succeeded", Ending::Success));
    }
    let mut text = String::from(
        "verification failed: after applying, the database still differs from the desired schema:\n",
    );
    for s in &again.steps {
        for l in s.sql.lines() {
            text.push_str(&format!("  {l}\n"));
        }
    }
    operator.warn(text.trim_end());
    Ok(("verification-failed", Ending::Failure))
}

/// The steps as the history records them: SQL, status, time and attempts.
fn steps_json(steps: &[Step], records: &[StepRecord]) -> serde_json::Value {
    json!(
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let r = records.get(i);
                json!({
                    "sql": s.sql,
                    "transactional": s.transactional,
                    "status": r.map_or("not-run", |r| r.status.name()),
                    "ms": r.map_or(0, |r| u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX)),
                    "attempts": r.map_or(0, |r| r.attempts),
                })
            })
            .collect::<Vec<_>>()
    )
}
