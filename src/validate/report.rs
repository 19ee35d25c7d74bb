//! How a [`Validation`] is shown: human lines (also used, commented, in SQL output and as a
//! Markdown section) and the `validation` object of the plan JSON.

use serde_json::{Value, json};

use super::Validation;
use crate::plan::step_count;

/// The human report, one line per item, without trailing newline.
pub fn lines(v: &Validation) -> Vec<String> {
    let mut out = Vec::new();
    let (rows, survived, tables) = v.rows();
    let secs = v.elapsed.as_secs_f64();
    if v.ok() {
        out.push(format!(
            "Validated on a copy ({}, {secs:.1} s): applied {}, re-plan empty, {survived} of {rows} sampled rows in {tables} {} survived.",
            v.server,
            step_count(v.applied),
            if tables == 1 { "table" } else { "tables" }
        ));
    } else {
        out.push(format!(
            "Validation FAILED on a copy ({}, {secs:.1} s); the target was not changed.",
            v.server
        ));
    }
    if let Some(f) = &v.failed {
        out.push(format!(
            "  step {} failed after {} applied: {}",
            f.step,
            step_count(v.applied),
            f.error
        ));
        for l in f.sql.lines() {
            out.push(format!("    {l}"));
        }
    }
    if !v.remaining.is_empty() {
        out.push(format!(
            "  after the plan, the copy still differs from the desired schema: a new plan has {}:",
            step_count(v.remaining.len())
        ));
        for r in &v.remaining {
            let first = r.sql.lines().next().unwrap_or_default();
            out.push(format!("    {first}"));
        }
    }
    for t in &v.tables {
        if t.dropped {
            out.push(format!(
                "  {}: dropped by the plan ({} sampled rows not checked)",
                t.table, t.rows
            ));
            continue;
        }
        if t.lost == 0 && t.changed == 0 {
            continue;
        }
        let why = if !v.is_explained(t) {
            "not explained by a reported data-loss hazard or a step changing those columns"
        } else if t.lost > 0 {
            "expected: the plan reports data loss there"
        } else {
            "expected: the plan changes those columns"
        };
        let mut what = Vec::new();
        if t.lost > 0 {
            what.push(format!("{} of {} sampled rows lost", t.lost, t.rows));
        }
        if t.changed > 0 {
            what.push(format!(
                "{} rows with changed values in {}",
                t.changed,
                t.changed_columns.join(", ")
            ));
        }
        out.push(format!(
            "  {}: {} (matched on {}; {why})",
            t.table,
            what.join(", "),
            t.matched_on
        ));
    }
    for n in &v.notes {
        out.push(format!("  note: {n}"));
    }
    out
}

/// The `validation` object of the plan JSON.
pub fn json(v: &Validation) -> Value {
    let (rows, survived, tables) = v.rows();
    json!({
        "ok": v.ok(),
        "server": v.server,
        "applied_steps": v.applied,
        "failed_step": v.failed.as_ref().map(|f| json!({
            "step": f.step,
            "sql": f.sql,
            "error": f.error,
        })),
        "remaining_steps": v.remaining.iter().map(|r| json!({
            "sql": r.sql,
            "objects": r.objects,
        })).collect::<Vec<_>>(),
        "rows": {"sampled": rows, "survived": survived, "tables": tables},
        "tables": v.tables.iter().map(|t| json!({
            "table": t.table.to_string(),
            "rows": t.rows,
            "lost": t.lost,
            "changed": t.changed,
            "changed_columns": t.changed_columns,
            "dropped": t.dropped,
            "matched_on": t.matched_on,
            "explained": v.is_explained(t),
        })).collect::<Vec<_>>(),
        "notes": v.notes,
        "elapsed_ms": ms(v.elapsed),
        "phases_ms": v.phases.iter().map(|(name, d)| (name.to_string(), json!(ms(*d)))).collect::<serde_json::Map<String, Value>>(),
    })
}

fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
