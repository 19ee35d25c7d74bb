//! The pull-request comment rendering of a plan (GitHub-flavoured Markdown): a summary table,
//! the hazards a reviewer must see highlighted, the steps in one ```` ```sql ```` block and the
//! changed definitions in ```` ```diff ```` blocks. Long plans fold the steps and the diffs
//! into `<details>` sections so the comment stays readable.

use std::io::Write;

use super::definition_diff::{DiffStyle, unified};
use super::{Rendering, is_severe, transaction_counts};

/// Plans with more steps than this fold their SQL into a `<details>` section.
const LONG_PLAN: usize = 20;

/// Plans with more changed definitions than this fold each diff into its own section.
const MANY_DEFINITIONS: usize = 3;

/// GitHub refuses comments over 65,536 characters: the SQL block stops after this many
/// characters, and the rest of the comment keeps within what is left.
const MAX_SQL: usize = 40_000;

/// At most this many severe hazards are listed in the warning, and this many definition diffs.
const MAX_LISTED: usize = 25;

/// At most this many characters of definition diffs.
const MAX_DIFFS: usize = 15_000;

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Inline code that survives backticks and pipes inside table cells.
fn code(text: &str) -> String {
    let ticks = if text.contains('`') { "`` " } else { "`" };
    let close = if text.contains('`') { " ``" } else { "`" };
    format!("{ticks}{}{close}", text.replace('|', "\\|"))
}

/// Text for a table cell or list item: no line breaks, pipes escaped, HTML neutralised.
fn cell(text: &str) -> String {
    text.replace('\n', " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes the Markdown rendering.
pub fn write(out: &mut dyn Write, r: &Rendering<'_>) -> std::io::Result<()> {
    let p = r.plan;
    writeln!(out, "### schema-plan")?;
    writeln!(out)?;
    if let Some(n) = r.note {
        writeln!(out, "{}\n", cell(n))?;
    }
    if p.steps.is_empty() {
        writeln!(out, "No changes: the database matches the desired schema.")?;
        return Ok(());
    }
    let (inside, outside) = transaction_counts(p);
    writeln!(out, "| steps | in one transaction | outside it |")?;
    writeln!(out, "|---:|---:|---:|")?;
    writeln!(out, "| {} | {inside} | {outside} |", p.summary.steps)?;
    writeln!(out)?;
    writeln!(out, "| change | count |")?;
    writeln!(out, "|---|---:|")?;
    for (k, n) in &p.summary.by_kind {
        writeln!(out, "| {} | {n} |", code(k))?;
    }
    writeln!(out)?;
    if !p.summary.hazards.is_empty() {
        writeln!(out, "| hazard | steps |")?;
        writeln!(out, "|---|---:|")?;
        for (k, n) in &p.summary.hazards {
            if is_severe(k) {
                writeln!(out, "| :warning: **{}** | **{n}** |", code(k))?;
            } else {
                writeln!(out, "| {} | {n} |", code(k))?;
            }
        }
        writeln!(out)?;
    }
    write_severe(out, r)?;
    let long = p.steps.len() > LONG_PLAN;
    if long {
        writeln!(
            out,
            "<details><summary>All {} steps (SQL)</summary>\n",
            p.steps.len()
        )?;
    } else {
        writeln!(out, "#### Steps\n")?;
    }
    let sql = steps_sql(r);
    let f = fence(&sql);
    writeln!(out, "{f}sql\n{sql}{f}")?;
    if long {
        writeln!(out, "\n</details>")?;
    }
    write_definitions(out, r)?;
    Ok(())
}

/// The hazards that put data or security at stake, one list item per step, in a warning.
fn write_severe(out: &mut dyn Write, r: &Rendering<'_>) -> std::io::Result<()> {
    let mut items = Vec::new();
    for (i, s) in r.plan.steps.iter().enumerate() {
        for h in s.hazards.iter().filter(|h| is_severe(h.kind.name())) {
            items.push(format!(
                "> - step {}, **{}**: {}",
                i + 1,
                h.kind.name(),
                cell(&h.message)
            ));
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "> [!WARNING]")?;
    writeln!(
        out,
        "> This plan has hazards that need an explicit decision:"
    )?;
    writeln!(out, ">")?;
    let total = items.len();
    for item in items.into_iter().take(MAX_LISTED) {
        writeln!(out, "{item}")?;
    }
    if total > MAX_LISTED {
        writeln!(out, "> - … and {} more", total - MAX_LISTED)?;
    }
    writeln!(out)?;
    Ok(())
}

/// Every step as SQL, each headed by a comment with its number, objects, hazards and (with
/// `--explain`) the reason for its place.
fn steps_sql(r: &Rendering<'_>) -> String {
    let mut sql = String::new();
    for (i, s) in r.plan.steps.iter().enumerate() {
        if i > 0 {
            sql.push('\n');
        }
        let tx = if s.transactional {
            ""
        } else if s.runs_before_transaction() {
            " (before the transaction)"
        } else {
            " (outside the transaction)"
        };
        sql.push_str(&format!("-- {}. {}{tx}\n", i + 1, s.objects.join(", ")));
        if r.explain {
            sql.push_str(&format!("-- why: {}\n", s.why.replace('\n', " ")));
        }
        for h in &s.hazards {
            sql.push_str(&format!(
                "-- hazard {}: {}\n",
                h.kind.name(),
                h.message.replace('\n', " ")
            ));
        }
        sql.push_str(s.sql.trim_end());
        sql.push('\n');
        if sql.len() > MAX_SQL && i + 1 < r.plan.steps.len() {
            let more = r.plan.steps.len() - i - 1;
            sql.push_str(&format!(
                "\n-- … {more} more step{}: see `schema-plan --format sql` for the whole plan\n",
                if more == 1 { "" } else { "s" }
            ));
            break;
        }
    }
    sql
}

/// The changed definitions as `diff` blocks, each folded when there are many.
fn write_definitions(out: &mut dyn Write, r: &Rendering<'_>) -> std::io::Result<()> {
    if r.definitions.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n#### Changed definitions\n")?;
    let fold = r.definitions.len() > MANY_DEFINITIONS;
    let style = DiffStyle {
        color: false,
        indent: "",
    };
    let mut written = 0;
    for (n, d) in r.definitions.iter().enumerate() {
        if n == MAX_LISTED || written > MAX_DIFFS {
            writeln!(
                out,
                "… and {} more changed definitions (see `schema-plan` for all of them).",
                r.definitions.len() - n
            )?;
            break;
        }
        let text = unified(d, style);
        written += text.len();
        let f = fence(&text);
        if fold {
            writeln!(
                out,
                "<details><summary>{} {}</summary>\n",
                cell(d.what),
                cell(&d.object)
            )?;
        }
        writeln!(out, "{f}diff\n{text}{f}")?;
        if fold {
            writeln!(out, "\n</details>")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::definition_diff::DefinitionChange;
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        assert_eq!(fence("select 1"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }

    #[test]
    fn huge_plans_fit_in_a_comment() {
        use crate::plan::hazard::{Hazard, HazardKind};
        use crate::plan::{Plan, Step, Summary};
        let steps: Vec<Step> = (0..5000)
            .map(|i| Step {
                sql: format!("DROP TABLE \"public\".\"table_number_{i}\";"),
                objects: vec![format!("public.table_number_{i}")],
                hazards: vec![Hazard {
                    kind: HazardKind::DataLoss,
                    message: format!("every row of public.table_number_{i} is deleted"),
                }],
                transactional: true,
                why: "dropped".to_owned(),
            })
            .collect();
        let definitions: Vec<DefinitionChange> = (0..500)
            .map(|i| DefinitionChange {
                object: format!("public.v{i}"),
                what: "view",
                old: format!("SELECT {i}\nFROM t\n"),
                new: format!("SELECT {}\nFROM t\n", i + 1),
            })
            .collect();
        let plan = Plan {
            summary: Summary {
                steps: steps.len(),
                ..Summary::default()
            },
            steps,
            fingerprint: Default::default(),
            objects: Default::default(),
            desired_sql: String::new(),
            externals_sql: String::new(),
        };
        let mut out = Vec::new();
        write(
            &mut out,
            &Rendering {
                plan: &plan,
                definitions: &definitions,
                note: None,
                explain: true,
                color: false,
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.len() < 65_536, "{} characters", text.len());
        assert!(text.contains("> - … and 4975 more"), "{text}");
        assert!(text.contains("more steps: see `schema-plan --format sql`"));
        assert!(text.contains("more changed definitions"));
    }

    #[test]
    fn cells_keep_tables_intact() {
        assert_eq!(cell("a|b\n<c>"), "a\\|b &lt;c&gt;");
    }
}
