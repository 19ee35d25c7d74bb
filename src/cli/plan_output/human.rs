//! The terminal rendering of a plan: a summary table (changes by kind, hazards by kind, steps
//! inside and outside the transaction), then each step with its hazards, its SQL, the unified
//! diff of the definition it changes and, with `--explain`, why it is where it is.

use std::io::Write;

use super::definition_diff::{DiffStyle, unified};
use super::{Rendering, attach_definitions, is_severe, transaction_counts};
use crate::plan::step_count;

/// ANSI escapes, or nothing when colours are off.
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn hazard(&self, kind: &str) -> String {
        self.wrap(if is_severe(kind) { "1;31" } else { "33" }, kind)
    }
}

/// Writes the human rendering.
pub fn write(out: &mut dyn Write, r: &Rendering<'_>) -> std::io::Result<()> {
    let paint = Paint { on: r.color };
    let p = r.plan;
    if let Some(n) = r.note {
        writeln!(out, "{n}\n")?;
    }
    if p.steps.is_empty() {
        writeln!(out, "No changes: the database matches the desired schema.")?;
        return Ok(());
    }
    let (inside, outside) = transaction_counts(p);
    writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "Plan: {} ({inside} in one transaction, {outside} outside it)",
            step_count(p.summary.steps)
        ))
    )?;
    writeln!(
        out,
        "  {}",
        paint.bold(&format!("{:<28} {:>5}", "change", "count"))
    )?;
    for (k, n) in &p.summary.by_kind {
        writeln!(out, "  {k:<28} {n:>5}")?;
    }
    if !p.summary.hazards.is_empty() {
        writeln!(
            out,
            "  {}",
            paint.bold(&format!("{:<28} {:>5}", "hazard", "steps"))
        )?;
        for (k, n) in &p.summary.hazards {
            let pad = " ".repeat(28usize.saturating_sub(k.len()));
            writeln!(out, "  {}{pad} {n:>5}", paint.hazard(k))?;
        }
    }
    let (per_step, unattached) = attach_definitions(p, r.definitions);
    let style = DiffStyle {
        color: r.color,
        indent: "   ",
    };
    for (i, s) in p.steps.iter().enumerate() {
        let tx = if s.transactional {
            String::new()
        } else if s.runs_before_transaction() {
            paint.dim(" (before the transaction)")
        } else {
            paint.dim(" (outside the transaction)")
        };
        writeln!(
            out,
            "\n{}{tx}",
            paint.bold(&format!("{}. {}", i + 1, s.objects.join(", ")))
        )?;
        if r.explain {
            writeln!(out, "   why: {}", s.why)?;
        }
        for h in &s.hazards {
            writeln!(
                out,
                "   hazard {}: {}",
                paint.hazard(h.kind.name()),
                h.message
            )?;
        }
        for line in s.sql.lines() {
            writeln!(out, "   | {line}")?;
        }
        for &d in per_step.get(i).into_iter().flatten() {
            if let Some(def) = r.definitions.get(d) {
                write!(out, "{}", unified(def, style))?;
            }
        }
    }
    if !unattached.is_empty() {
        writeln!(out, "\n{}", paint.bold("Changed definitions"))?;
        for d in unattached {
            if let Some(def) = r.definitions.get(d) {
                write!(out, "{}", unified(def, style))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::hazard::{Hazard, HazardKind};
    use crate::plan::{Plan, Step, Summary};

    fn one_step_plan() -> Plan {
        let step = Step {
            sql: "DROP TABLE \"public\".\"t\";".to_owned(),
            objects: vec!["public.t".to_owned()],
            hazards: vec![Hazard {
                kind: HazardKind::DataLoss,
                message: "every row of public.t is deleted".to_owned(),
            }],
            transactional: true,
            why: "dropped last".to_owned(),
        };
        let mut summary = Summary {
            steps: 1,
            ..Summary::default()
        };
        summary.by_kind.insert("drop-table".to_owned(), 1);
        summary.hazards.insert("data-loss".to_owned(), 1);
        Plan {
            steps: vec![step],
            fingerprint: Default::default(),
            objects: Default::default(),
            desired_sql: String::new(),
            externals_sql: String::new(),
            summary,
        }
    }

    fn render(color: bool, explain: bool) -> String {
        let plan = one_step_plan();
        let mut out = Vec::new();
        write(
            &mut out,
            &Rendering {
                plan: &plan,
                definitions: &[],
                note: None,
                explain,
                color,
            },
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn colours_only_when_asked() {
        let plain = render(false, false);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(plain.contains("hazard data-loss: every row"), "{plain}");
        let coloured = render(true, false);
        assert!(
            coloured.contains("\x1b[1;31mdata-loss\x1b[0m"),
            "{coloured}"
        );
    }

    #[test]
    fn why_only_with_explain() {
        assert!(!render(false, false).contains("why:"));
        assert!(render(false, true).contains("   why: dropped last\n"));
    }
}
