//! How an enum type's labels change: renamed (from rename hints), added, or — what
//! PostgreSQL cannot do in place — removed or reordered.
//!
//! Labels are renamed with `ALTER TYPE … RENAME VALUE` and added with `ADD VALUE`, which the
//! planner runs before the transaction (a label added in a transaction cannot be used by it),
//! so an added label is placed next to its neighbour's current name. A type losing or
//! reordering labels is dropped and created again when nothing uses it; otherwise the plan
//! refuses and names what uses it (its columns would have to be converted).

use super::{Change, EnumPosition};
use crate::catalog::{Catalog, QualifiedName, TypeKind};

/// What the diff does about an enum type whose labels differ.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum EnumPlan {
    /// These renames and additions, in order.
    InPlace(Vec<Change>),
    /// Drop the type and create it again (nothing uses it).
    Recreate,
    /// Cannot be planned, for this reason.
    Refuse(String),
}

/// The plan for enum `name` going from labels `from` to `to`, with the `(old, new)` labels the
/// desired file's hints say were renamed.
pub(super) fn plan(
    current: &Catalog,
    name: &QualifiedName,
    from: &[String],
    to: &[String],
    renamed: &[(String, String)],
) -> EnumPlan {
    let mut now = from.to_vec();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (old, new) in renamed {
        let Some(i) = now.iter().position(|v| v == old) else {
            continue; // already renamed, or never there: the hint is stale
        };
        if now.contains(new) || !to.contains(new) {
            continue;
        }
        now[i].clone_from(new);
        renames.push((old.clone(), new.clone()));
    }
    let mut kept = to.iter().filter(|v| now.contains(v));
    let in_order = now.iter().all(|v| kept.next() == Some(v));
    if !in_order {
        let users = users(current, name);
        if users.is_empty() {
            return EnumPlan::Recreate;
        }
        return EnumPlan::Refuse(format!(
            "enum labels removed or reordered ({} → {}) while {} uses the type; PostgreSQL can only add and rename labels: convert those columns to a new type by hand (or add a rename hint `-- schema: renamed from old` on a renamed label)",
            from.join(", "),
            to.join(", "),
            users.join(", ")
        ));
    }
    // ADD VALUE runs before the renames: it names neighbours by their current label.
    let current_label = |label: &String| -> String {
        renames
            .iter()
            .find(|(_, new)| new == label)
            .map_or_else(|| label.clone(), |(old, _)| old.clone())
    };
    let mut out: Vec<Change> = renames
        .iter()
        .map(|(old, new)| Change::RenameEnumValue {
            name: name.clone(),
            from: old.clone(),
            to: new.clone(),
        })
        .collect();
    for (i, value) in to.iter().enumerate() {
        if now.contains(value) {
            continue;
        }
        if renames.iter().any(|(old, _)| old == value) {
            return EnumPlan::Refuse(format!(
                "enum label '{value}' is renamed away and added again in one plan; apply the rename first"
            ));
        }
        // Labels are added in desired order, so the previous one exists.
        let appended = to[i + 1..].iter().all(|v| !now.contains(v));
        let position = if appended {
            EnumPosition::End
        } else if i == 0 {
            let next = to.iter().find(|v| now.contains(v));
            EnumPosition::Before(next.map(current_label).unwrap_or_default())
        } else {
            EnumPosition::After(current_label(&to[i - 1]))
        };
        out.push(Change::AddEnumValue {
            name: name.clone(),
            value: value.clone(),
            position,
        });
    }
    EnumPlan::InPlace(out)
}

/// What uses type `name` in `current` and would keep `DROP TYPE` from running: columns,
/// domains, composite and range types, routine signatures and SQL-standard bodies, views.
/// A bare type name is taken to mean any schema's (an over-estimate is only a refusal).
fn users(current: &Catalog, name: &QualifiedName) -> Vec<String> {
    let names = |ty: &str| {
        let t = ty.trim_start_matches("SETOF ").trim_end_matches("[]");
        match t.rsplit_once('.') {
            Some((s, n)) => s.trim_matches('"') == name.schema && n.trim_matches('"') == name.name,
            None => t.trim_matches('"') == name.name,
        }
    };
    let mentions = |sql: &str| sql.contains(name.name.as_str());
    let mut out = Vec::new();
    for (t, table) in &current.tables {
        for c in table.columns.iter().filter(|c| names(&c.ty)) {
            out.push(format!("column {t}.{}", c.name));
        }
    }
    for (n, ty) in &current.types {
        let uses = match &ty.kind {
            TypeKind::Domain { base, .. } => names(base),
            TypeKind::Composite { attributes } => attributes.iter().any(|(_, t)| names(t)),
            TypeKind::Range { subtype } => names(subtype),
            TypeKind::Enum { .. } => false,
        };
        if uses && n != name {
            out.push(format!("type {n}"));
        }
    }
    for f in current.functions.values() {
        let signature =
            f.args.iter().any(|a| names(&a.ty)) || f.returns.as_deref().is_some_and(names);
        if signature || (f.has_standard_body() && mentions(&f.body)) {
            out.push(format!("routine {}", f.identity()));
        }
    }
    for (v, view) in current.views.iter().chain(&current.materialized_views) {
        if mentions(view.query.sql()) {
            out.push(format!("view {v}"));
        }
    }
    out
}
