//! The hazard gate: which steps carry hazards that were not allowed.

use std::collections::BTreeSet;

use crate::plan::Step;
use crate::plan::hazard::HazardKind;

/// One refused step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 1-based step number.
    pub step: usize,
    /// The step's objects.
    pub objects: Vec<String>,
    /// The hazards that were not allowed, with their messages.
    pub hazards: Vec<(HazardKind, String)>,
}

/// The steps (numbered from 1 in `steps`' order) with a hazard not in `allowed`.
pub fn refusals<'a>(
    steps: impl IntoIterator<Item = (usize, &'a Step)>,
    allowed: &[HazardKind],
) -> Vec<Refusal> {
    steps
        .into_iter()
        .filter_map(|(i, s)| {
            let hazards: Vec<(HazardKind, String)> = s
                .hazards
                .iter()
                .filter(|h| !allowed.contains(&h.kind))
                .map(|h| (h.kind, h.message.clone()))
                .collect();
            (!hazards.is_empty()).then(|| Refusal {
                step: i + 1,
                objects: s.objects.clone(),
                hazards,
            })
        })
        .collect()
}

/// The refusal as text: each step and hazard, then how to allow them.
pub fn describe(refused: &[Refusal]) -> String {
    let mut out = String::from("refused: the plan has hazards that were not allowed\n");
    let mut kinds = BTreeSet::new();
    for r in refused {
        out.push_str(&format!("  step {}: {}\n", r.step, r.objects.join(", ")));
        for (k, m) in &r.hazards {
            out.push_str(&format!("    {k}: {m}\n"));
            kinds.insert(*k);
        }
    }
    let flags: Vec<String> = kinds
        .iter()
        .map(|k| format!("--allow-hazard {k}"))
        .collect();
    out.push_str(&format!(
        "Nothing was changed. To apply anyway, pass {}",
        flags.join(" ")
    ));
    if kinds.contains(&HazardKind::NeedsBackfill) {
        out.push_str(
            "\n(needs-backfill: add the column as nullable or with a default, fill it, then make it NOT NULL in a later apply)",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::hazard::Hazard;

    #[test]
    fn only_unallowed_hazards_are_refused() {
        let step = |k: HazardKind| Step {
            sql: "x;".into(),
            objects: vec!["public.t".into()],
            hazards: vec![Hazard {
                kind: k,
                message: "m".into(),
            }],
            transactional: true,
            why: String::new(),
        };
        let steps = [
            step(HazardKind::DataLoss),
            step(HazardKind::NonTransactional),
        ];
        let r = refusals(steps.iter().enumerate(), &[HazardKind::NonTransactional]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].step, 1);
        assert!(describe(&r).contains("--allow-hazard data-loss"));
    }
}
