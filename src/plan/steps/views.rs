//! Views and materialized views: [`Change::CreateView`], [`Change::DropView`],
//! [`Change::ReplaceView`], [`Change::ReplaceMaterializedView`], [`Change::SetViewOptions`].
//! Which views are rebuilt around a change is decided in `plan/mod.rs`; this file says how
//! each step is written, what it risks and why it is where it is.

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::{Catalog, QualifiedName};
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::{Explainer, list, view_readers};
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{foreign, rebuilds, rebuilt_dependents, set_and_reset, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, `DROP …`, `ALTER … SET|RESET (…)`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
        Change::CreateView(v) => vec![tx(ddl::view(v))],
        Change::DropView { name, materialized } => vec![tx(format!(
            "DROP {}VIEW {};",
            if *materialized { "MATERIALIZED " } else { "" },
            qualified(name)
        ))],
        Change::ReplaceView { view, .. } => {
            vec![tx(ddl::view(view).replacen(
                "CREATE VIEW",
                "CREATE OR REPLACE VIEW",
                1,
            ))]
        }
        Change::ReplaceMaterializedView(v) => vec![
            tx(format!("DROP MATERIALIZED VIEW {};", qualified(&v.name))),
            tx(ddl::view(v)),
        ],
        Change::SetViewOptions {
            name,
            materialized,
            set,
            reset,
        } => {
            let kw = if *materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            set_and_reset(&format!("ALTER {kw} {}", qualified(name)), set, reset)
        }
        other => foreign(other, Family::Views, Vec::new()),
    }
}

fn is_off(value: &str) -> bool {
    matches!(value, "false" | "off" | "0" | "no")
}

fn view_option_lost(name: &QualifiedName, opt: &str) -> Hazard {
    Hazard::new(
        HazardKind::SecurityWeakened,
        format!(
            "view {name} loses {opt}: it no longer applies the caller's privileges and RLS (or leaks rows to leaky functions)"
        ),
    )
}

/// The security options a replaced view loses: on before, off or absent after.
fn lost_view_options(
    name: &QualifiedName,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<Hazard> {
    ["security_invoker", "security_barrier"]
        .into_iter()
        .filter(|opt| {
            let was_on = old.get(*opt).is_some_and(|v| !is_off(v));
            let now_on = new.get(*opt).is_some_and(|v| !is_off(v));
            was_on && !now_on
        })
        .map(|opt| view_option_lost(name, opt))
        .collect()
}

/// Dependents rebuilt with a recreated view, security options lost.
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, graph, .. } = *input;
    let mut out = Vec::new();
    match change {
        Change::ReplaceView { view, recreate } => {
            if *recreate {
                let deps = rebuilt_dependents(graph, graph.relation(&view.name));
                out.extend(rebuilds(
                    &format!(
                        "view {} changes its output columns and is dropped and created",
                        view.name
                    ),
                    &deps,
                ));
            }
            if let Some(old) = current.views.get(&view.name) {
                out.extend(lost_view_options(&view.name, &old.options, &view.options));
            }
        }
        Change::ReplaceMaterializedView(view) => {
            let deps = rebuilt_dependents(graph, graph.relation(&view.name));
            out.extend(rebuilds(
                &format!(
                    "materialized view {} is dropped, created and repopulated",
                    view.name
                ),
                &deps,
            ));
        }
        Change::SetViewOptions {
            name, set, reset, ..
        } => {
            for opt in ["security_invoker", "security_barrier"] {
                let off = reset.iter().any(|r| r == opt) || set.get(opt).is_some_and(|v| is_off(v));
                if off {
                    out.push(view_option_lost(name, opt));
                }
            }
        }
        Change::CreateView(_) | Change::DropView { .. } => {}
        other => return foreign(other, Family::Views, Vec::new()),
    }
    out
}

/// Created after what they read, dropped after what reads them, or rebuilt (and why).
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    let rebuilt = |n: &QualifiedName| e.rebuild.get(n).cloned();
    match change {
        Change::DropView { name, .. } => {
            if let Some(r) = rebuilt(name) {
                return format!("dropped so that it can be recreated below: {r}");
            }
            let readers = e.planned(view_readers(e.current_graph, name));
            if readers.is_empty() {
                format!("dropped before what {name} reads; no remaining view reads it")
            } else {
                format!(
                    "dropped after {}, which read it, and before what it reads",
                    list(&readers)
                )
            }
        }
        Change::CreateView(v) => match rebuilt(&v.name) {
            Some(r) => format!(
                "recreated because {r}; {}",
                e.after_dependencies(&v.name, "it reads")
            ),
            None => format!("created {}", e.after_dependencies(&v.name, "it reads")),
        },
        Change::ReplaceView { view, .. } => format!(
            "replaced in place (CREATE OR REPLACE keeps the views that read it) {}",
            e.after_dependencies(&view.name, "it reads")
        ),
        Change::ReplaceMaterializedView(v) => format!(
            "a materialized view's query cannot be replaced in place; {}",
            e.after_dependencies(&v.name, "it reads")
        ),
        Change::SetViewOptions { name, .. } => format!(
            "options set with the views, in dependency order: {}",
            e.after_dependencies(name, "it reads")
        ),
        other => foreign(other, Family::Views, String::new()),
    }
}

/// Phase 1 (drop), 18 (with the routines, in dependency order).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropView { .. } => 1,
        Change::CreateView(_)
        | Change::ReplaceView { .. }
        | Change::ReplaceMaterializedView(_)
        | Change::SetViewOptions { .. } => 18,
        other => foreign(other, Family::Views, 32),
    }
}

/// `create view v`, `replace view v (create or replace)`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateView(_) => write!(f, "create {obj}"),
        Change::DropView { .. } => write!(f, "drop {obj}"),
        Change::ReplaceView { recreate, .. } => {
            let how = if *recreate {
                "drop and create"
            } else {
                "create or replace"
            };
            write!(f, "replace {obj} ({how})")
        }
        Change::ReplaceMaterializedView(_) => write!(f, "replace {obj} (drop and create)"),
        Change::SetViewOptions { set, reset, .. } => {
            write!(f, "set options of {obj}: set {set:?} reset {reset:?}")
        }
        other => foreign(other, Family::Views, Ok(())),
    }
}

/// `create-view`, `drop-view`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateView(_) => "create-view",
        Change::DropView { .. } => "drop-view",
        Change::ReplaceView { .. } => "replace-view",
        Change::ReplaceMaterializedView(_) => "replace-materialized-view",
        Change::SetViewOptions { .. } => "set-view-options",
        other => foreign(other, Family::Views, "unsupported"),
    }
}

/// The view or materialized view.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateView(v) if v.materialized => ObjectRef::MaterializedView(v.name.clone()),
        Change::CreateView(v) | Change::ReplaceView { view: v, .. } => {
            ObjectRef::View(v.name.clone())
        }
        Change::ReplaceMaterializedView(v) => ObjectRef::MaterializedView(v.name.clone()),
        Change::DropView { name, materialized }
        | Change::SetViewOptions {
            name, materialized, ..
        } => {
            if *materialized {
                ObjectRef::MaterializedView(name.clone())
            } else {
                ObjectRef::View(name.clone())
            }
        }
        other => foreign(other, Family::Views, ObjectRef::Schema(String::new())),
    }
}
