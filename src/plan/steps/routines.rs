//! Functions and procedures: [`Change::CreateFunction`], [`Change::DropFunction`],
//! [`Change::ReplaceFunction`]. A self-contained routine is created before the types and
//! tables (a CHECK or default may call it); the others go with the views, in dependency
//! order.

use std::collections::BTreeSet;
use std::fmt;

use crate::catalog::{Catalog, Function, QualifiedName};
use crate::ddl;
use crate::diff::{Change, ObjectRef};
use crate::graph::NodeKind;
use crate::plan::explain::{Explainer, list};
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{foreign, rebuilds, rebuilt_dependents, target, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, `DROP FUNCTION|PROCEDURE`.
pub(super) fn sql(change: &Change, input: &SqlInput<'_>) -> Vec<Statement> {
    let SqlInput {
        current, desired, ..
    } = *input;
    match change {
        Change::CreateFunction(f) => vec![tx(ddl::function(f))],
        Change::ReplaceFunction(f) => vec![tx(ddl::function(f).replacen(
            "CREATE ",
            "CREATE OR REPLACE ",
            1,
        ))],
        Change::DropFunction(o) => {
            let (kw, name) = target(o, current, desired);
            vec![tx(format!("DROP {kw} {name};"))]
        }
        other => foreign(other, Family::Routines, Vec::new()),
    }
}

/// What is rebuilt around a dropped routine; a routine becoming SECURITY DEFINER.
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput { current, graph, .. } = *input;
    let mut out = Vec::new();
    match change {
        Change::DropFunction(f) => {
            if let ObjectRef::Function { name, args, .. } = f {
                let node = graph.by_kind(NodeKind::Function, &format!("{name}({args})"));
                let deps = rebuilt_dependents(graph, node);
                out.extend(rebuilds(&format!("{f} is dropped and created"), &deps));
            }
        }
        Change::ReplaceFunction(f) => {
            let was_definer = current
                .functions
                .get(&f.identity())
                .is_some_and(|o| o.security_definer);
            if f.security_definer && !was_definer {
                out.push(Hazard::new(
                    HazardKind::SecurityWeakened,
                    format!("function {} becomes SECURITY DEFINER: it runs with its owner's privileges and bypasses the caller's RLS", f.identity()),
                ));
            }
        }
        Change::CreateFunction(_) => {}
        other => return foreign(other, Family::Routines, Vec::new()),
    }
    out
}

/// After the relations and routines its body uses; dropped after its callers.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropFunction(_) => {
            "dropped after the triggers that call it and before the relations its body uses"
                .to_owned()
        }
        Change::CreateFunction(f) | Change::ReplaceFunction(f) => {
            let used: BTreeSet<String> = f
                .references
                .iter()
                .map(|r| match &r.schema {
                    Some(s) => format!("{s}.{}", r.name),
                    None => format!("{}.{}", f.name.schema, r.name),
                })
                .collect();
            let planned = e.planned(used.into_iter().collect());
            if planned.is_empty() {
                format!(
                    "{} comes with the routines and views, in dependency order",
                    f.name
                )
            } else {
                format!("after {} (its body uses them)", list(&planned))
            }
        }
        other => foreign(other, Family::Routines, String::new()),
    }
}

/// Whether a routine can be created before the types and tables: its body reads no relation,
/// its signature uses no type or relation of the desired schema, and the routines of the
/// desired schema it calls are self-contained too. Then a domain CHECK, a column default or a
/// CHECK constraint can call it.
fn self_contained(f: &Function, desired: &Catalog) -> bool {
    self_contained_within(f, desired, 8)
}

/// [`self_contained`], following calls at most `depth` routines deep (deeper is "no").
fn self_contained_within(f: &Function, desired: &Catalog, depth: u8) -> bool {
    let bare = |ty: &str| -> String {
        let t = ty.trim_start_matches("SETOF ").trim_end_matches("[]");
        let t = t.split('(').next().unwrap_or(t);
        t.rsplit('.')
            .next()
            .unwrap_or(t)
            .trim_matches('"')
            .to_owned()
    };
    let user_types: BTreeSet<&str> = desired
        .types
        .keys()
        .chain(desired.tables.keys())
        .chain(desired.views.keys())
        .chain(desired.materialized_views.keys())
        .map(|n| n.name.as_str())
        .collect();
    let callees_contained = |r: &crate::catalog::BodyReference| {
        let schemas: Vec<&str> = match r.schema.as_deref() {
            Some(s) => vec![s],
            None if f.search_path.is_empty() => vec![f.name.schema.as_str()],
            None => f.search_path.iter().map(String::as_str).collect(),
        };
        let callees = schemas.iter().find_map(|s| {
            let found: Vec<_> = desired
                .functions
                .values()
                .filter(|g| g.name.schema == *s && g.name.name == r.name)
                .collect();
            (!found.is_empty()).then_some(found)
        });
        callees.unwrap_or_default().into_iter().all(|g| {
            g.name == f.name || (depth > 0 && self_contained_within(g, desired, depth - 1))
        })
    };
    f.references
        .iter()
        .all(|r| r.action == crate::catalog::BodyAction::Call && callees_contained(r))
        && f.body_error.is_none()
        && f.args
            .iter()
            .map(|a| a.ty.as_str())
            .chain(f.returns.as_deref())
            .all(|t| !user_types.contains(bare(t).as_str()))
}

/// Whether the routine `f` of `current` has a SQL-standard body that reads or writes a
/// relation `desired` no longer has.
fn uses_dropped_relation(f: &ObjectRef, current: &Catalog, desired: &Catalog) -> bool {
    let Some(routine) = current
        .functions
        .values()
        .find(|c| ObjectRef::function(c) == *f)
    else {
        return false;
    };
    routine.has_standard_body()
        && routine.references.iter().any(|r| {
            let schema = r.schema.as_deref().unwrap_or(routine.name.schema.as_str());
            let name = QualifiedName::new(schema, r.name.as_str());
            r.action != crate::catalog::BodyAction::Call
                && current.relation(&name).is_some()
                && desired.relation(&name).is_none()
        })
}

/// Phase 13 (self-contained), 18 (with the views), 1, 2 or 19 (drop).
pub(super) fn phase(change: &Change, current: &Catalog, desired: &Catalog) -> u8 {
    match change {
        Change::CreateFunction(f) if self_contained(f, desired) => 13,
        // A routine that is not created again goes after the routines that stop calling it
        // (a SQL-standard body depends on what it calls); one dropped to be created again
        // (a changed return type) goes first.
        // …unless its SQL-standard body reads or writes a relation this plan drops: PostgreSQL
        // records that dependency, so it goes before the tables (after the views).
        Change::DropFunction(f)
            if !desired
                .functions
                .values()
                .any(|d| ObjectRef::function(d) == *f) =>
        {
            if uses_dropped_relation(f, current, desired) {
                2
            } else {
                19
            }
        }
        Change::DropFunction(_) => 1,
        Change::CreateFunction(_) | Change::ReplaceFunction(_) => 18,
        other => foreign(other, Family::Routines, 32),
    }
}

/// `create function f(integer)`, `replace function f(integer) (create or replace)`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateFunction(_) => write!(f, "create {obj}"),
        Change::DropFunction(_) => write!(f, "drop {obj}"),
        Change::ReplaceFunction(_) => write!(f, "replace {obj} (create or replace)"),
        other => foreign(other, Family::Routines, Ok(())),
    }
}

/// `create-function`, `drop-function`, `replace-function`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateFunction(_) => "create-function",
        Change::DropFunction(_) => "drop-function",
        Change::ReplaceFunction(_) => "replace-function",
        other => foreign(other, Family::Routines, "unsupported"),
    }
}

/// The routine, with its argument types.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateFunction(f) | Change::ReplaceFunction(f) => ObjectRef::function(f),
        Change::DropFunction(r) => r.clone(),
        other => foreign(other, Family::Routines, ObjectRef::Schema(String::new())),
    }
}
