//! The plan an apply runs: made now from the desired state, or read from a plan file and
//! checked against the target for drift (a plan whose transactional part an interrupted apply
//! committed is resumed instead).

use postgres::Client;

use super::{ApplyError, Desired, Operator};
use crate::apply::history;
use crate::plan::file::{PlanFile, drift, plan_digest};
use crate::plan::{Plan, Step, fingerprint};
use crate::target::read_target;

/// Drift lines listed before `… and N more`.
const DRIFT_LINES_SHOWN: usize = 50;

/// The plan chosen, its digest (recorded in the history), and whether its transactional part
/// is already done.
pub(super) struct Chosen {
    pub(super) plan: Plan,
    pub(super) digest: String,
    pub(super) skip_tx: bool,
}

impl Chosen {
    /// The steps to run, with their index in the plan.
    pub(super) fn to_run(&self) -> Vec<(usize, &Step)> {
        self.plan
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| !(self.skip_tx && s.transactional))
            .collect()
    }
}

/// The plan from the desired state, made now.
pub(super) fn plan_now(client: &mut Client, desired: &Desired) -> Result<Chosen, ApplyError> {
    let plan = desired.plan_against(client)?.plan;
    let digest = plan_digest(&plan);
    Ok(Chosen {
        plan,
        digest,
        skip_tx: false,
    })
}

/// The plan file's plan when the target has not changed since it was made, or when an apply
/// of it was interrupted after its transaction committed; `None` (the operator told) when the
/// target drifted.
pub(super) fn plan_file_undrifted(
    client: &mut Client,
    desired: &Desired,
    file: &PlanFile,
    have_history: bool,
    operator: &mut dyn Operator,
) -> Result<Option<Chosen>, ApplyError> {
    let current = read_target(client, &desired.catalog, &desired.planning.schemas)?;
    let (now_digest, now_objects) = fingerprint(&current);
    let then = file
        .plan
        .fingerprint
        .get("current")
        .cloned()
        .unwrap_or_default();
    let mut skip_tx = false;
    if now_digest != then {
        let resumable = if have_history {
            history::resumable(client, &file.digest())
                .map_err(ApplyError::database("cannot read the apply history"))?
        } else {
            None
        };
        let Some(id) = resumable else {
            operator.warn(&drift_refusal(&drift(&file.plan.objects, &now_objects)));
            return Ok(None);
        };
        operator.say(&format!(
            "Resuming apply #{id} of this plan: its transactional part was committed; running the remaining steps."
        ))?;
        skip_tx = true;
    }
    Ok(Some(Chosen {
        plan: file.plan.clone(),
        digest: file.digest(),
        skip_tx,
    }))
}

/// Why a drifted plan file is refused, with the objects that changed.
fn drift_refusal(lines: &[String]) -> String {
    let mut text = String::from(
        "refused: the database changed since the plan was made (drift); nothing was changed.\n",
    );
    if lines.is_empty() {
        text.push_str("  (the overall fingerprint differs; no single object's does)\n");
    }
    for l in lines.iter().take(DRIFT_LINES_SHOWN) {
        text.push_str(&format!("  {l}\n"));
    }
    if lines.len() > DRIFT_LINES_SHOWN {
        text.push_str(&format!(
            "  … and {} more\n",
            lines.len() - DRIFT_LINES_SHOWN
        ));
    }
    text.push_str("Plan again with schema-plan --out, review, and apply the new plan.");
    text
}
