//! Renderings of a plan for people: the terminal (`human`) and pull-request comments
//! (`markdown`), both with the unified diffs of changed definitions (`definition_diff`).
//! The `sql` and `json` formats stay in `cli::plan`.

pub mod definition_diff;
pub mod human;
pub mod markdown;

use crate::plan::{Plan, Step};
use definition_diff::DefinitionChange;

/// What a rendering shows.
#[derive(Clone, Copy, Debug)]
pub struct Rendering<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Changed definitions (see [`definition_diff::changed_definitions`]).
    pub definitions: &'a [DefinitionChange],
    /// A line printed first (for example, what the plan was made against).
    pub note: Option<&'a str>,
    /// Print why each step is where it is (`--explain`).
    pub explain: bool,
    /// ANSI colours (human output only; see [`super::color_enabled`]).
    pub color: bool,
}

/// Number of transactional and non-transactional steps.
pub fn transaction_counts(plan: &Plan) -> (usize, usize) {
    let inside = plan.steps.iter().filter(|s| s.transactional).count();
    (inside, plan.steps.len() - inside)
}

/// Which definitions are shown under which step: each definition goes to the first step about
/// its object that does not drop it (the step that creates, replaces or alters it), else the
/// first step about it. Returns, per step, the indexes of its definitions, and the
/// definitions no step names.
pub fn attach_definitions(plan: &Plan, defs: &[DefinitionChange]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut per_step = vec![Vec::new(); plan.steps.len()];
    let mut unattached = Vec::new();
    let is_drop = |s: &Step| s.sql.starts_with("DROP ") || s.sql.contains(" DROP CONSTRAINT ");
    for (d, def) in defs.iter().enumerate() {
        let about = |s: &Step| s.objects.first().is_some_and(|o| *o == def.object);
        let step = plan
            .steps
            .iter()
            .position(|s| about(s) && !is_drop(s))
            .or_else(|| plan.steps.iter().position(about));
        match step {
            Some(i) => per_step[i].push(d),
            None => unattached.push(d),
        }
    }
    (per_step, unattached)
}

/// Whether a hazard kind is one a reviewer must not miss (data or security at stake, or a
/// step that cannot run as planned).
pub fn is_severe(kind: &str) -> bool {
    matches!(
        kind,
        "data-loss" | "security-weakened" | "needs-backfill" | "table-rewrite"
    )
}
