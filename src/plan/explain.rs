//! Why each step is where it is (`schema-plan --explain`, the `why` of the plan JSON): the
//! phase it belongs to, and the dependency, rebuild or foreign-key cycle that forces its
//! place, naming the objects involved. This module is the framework (phase names, the
//! objects a plan touches, dependencies, rebuilds, foreign-key cycles); each family of
//! changes writes its own reasons with it in `plan/steps/`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::catalog::{Catalog, ConstraintKind, QualifiedName};
use crate::diff::{Change, ObjectRef};
use crate::graph::{DepGraph, NodeKind};

/// At most this many objects are named in one explanation; the rest are counted.
const NAMED: usize = 4;

/// What the planner knows when it explains a step.
pub(crate) struct Explainer<'a> {
    pub current: &'a Catalog,
    pub desired: &'a Catalog,
    pub current_graph: &'a DepGraph,
    pub desired_graph: &'a DepGraph,
    /// Views and materialized views dropped and recreated, with the reason.
    pub rebuild: &'a BTreeMap<QualifiedName, String>,
    /// Relations and routines (bare `schema.name`) this plan creates, alters or drops.
    pub touched: BTreeSet<String>,
}

/// What a phase of the plan does, by phase number (see `phase` in the parent module).
fn phase_name(phase: u8) -> &'static str {
    match phase {
        0 => "drop policies and triggers",
        1 => "drop views, and routines that are created again",
        2 => "drop foreign keys",
        3 => "drop tables",
        4 => "drop other constraints",
        5 => "drop indexes",
        6 => "drop columns",
        11 => "create schemas",
        12 => "extensions",
        13 => "routines that read no table",
        14 => "types",
        15 => "sequences",
        16 => "renames, before every other step",
        17 => "tables and columns",
        18 => "routines and views, in dependency order",
        19 => "drop routines and sequences no longer used",
        20 => "drop types",
        21 => "drop extensions",
        22 => "drop schemas",
        23 => "indexes",
        24 => "constraints other than foreign keys",
        25 => "foreign keys",
        26 => "validations",
        27 => "triggers",
        28 => "row-level security",
        29 => "policies",
        30 => "comments",
        _ => "grants and owners",
    }
}

/// `a, b, c and 2 more`.
pub(super) fn list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
    let mut text = shown.join(", ");
    if names.len() > NAMED {
        text.push_str(&format!(" and {} more", names.len() - NAMED));
    }
    text
}

/// Relations and routines a graph node depends on directly (columns stand for their relation).
fn dependencies_of(graph: &DepGraph, name: &QualifiedName) -> Vec<String> {
    let Some(node) = graph.relation(name) else {
        return Vec::new();
    };
    let mut starts = vec![node];
    for c in graph.view_output_columns(name).unwrap_or_default() {
        starts.extend(graph.column(name, c));
    }
    let own = name.to_string();
    let mut out = BTreeSet::new();
    for s in starts {
        for (d, _) in graph.dependencies(s) {
            let n = graph.node(d);
            let dep = match n.kind {
                NodeKind::Function => n.name.split('(').next().unwrap_or(&n.name).to_owned(),
                _ => match &n.relation {
                    Some(r) => r.to_string(),
                    None => continue,
                },
            };
            if dep != own {
                out.insert(dep);
            }
        }
    }
    out.into_iter().collect()
}

/// Views and materialized views reading a relation directly (columns included).
pub(super) fn view_readers(graph: &DepGraph, name: &QualifiedName) -> Vec<String> {
    let Some(node) = graph.relation(name) else {
        return Vec::new();
    };
    let mut out = BTreeSet::new();
    for (d, _) in graph.dependents(node) {
        let n = graph.node(d);
        let targets = if n.kind == NodeKind::Column {
            graph.dependents(d)
        } else {
            vec![(d, crate::graph::Reason::Reads)]
        };
        for (t, _) in targets {
            let tn = graph.node(t);
            if matches!(tn.kind, NodeKind::View | NodeKind::MaterializedView)
                && let Some(r) = &tn.relation
                && r != name
            {
                out.insert(r.to_string());
            }
        }
    }
    out.into_iter().collect()
}

/// A chain of foreign keys from `from` back to `to` in `c`, if there is one.
pub(super) fn fk_path(
    c: &Catalog,
    from: &QualifiedName,
    to: &QualifiedName,
) -> Option<Vec<QualifiedName>> {
    let mut parent: BTreeMap<&QualifiedName, &QualifiedName> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(t) = queue.pop_front() {
        if t == to {
            let mut path = vec![t.clone()];
            let mut at = t;
            while let Some(p) = parent.get(at) {
                path.push((*p).clone());
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        let Some(table) = c.tables.get(t) else {
            continue;
        };
        for con in table.constraints.values() {
            if let ConstraintKind::ForeignKey { ref_table, .. } = &con.kind
                && seen.insert(ref_table)
            {
                parent.insert(ref_table, t);
                queue.push_back(ref_table);
            }
        }
    }
    None
}

/// The bare `schema.name` of the relation or routine a change is about.
fn subject(change: &Change) -> Option<String> {
    match change.object() {
        ObjectRef::Table(n)
        | ObjectRef::View(n)
        | ObjectRef::MaterializedView(n)
        | ObjectRef::Index(n)
        | ObjectRef::Sequence(n)
        | ObjectRef::Type(n)
        | ObjectRef::Column(n, _)
        | ObjectRef::Constraint(n, _)
        | ObjectRef::Trigger(n, _)
        | ObjectRef::Policy(n, _) => Some(n.to_string()),
        ObjectRef::Function { name, .. } => Some(name.to_string()),
        ObjectRef::Schema(_) | ObjectRef::Extension(_) | ObjectRef::Other(..) => None,
    }
}

impl<'a> Explainer<'a> {
    /// An explainer for a plan made of `changes`.
    pub fn new(
        current: &'a Catalog,
        desired: &'a Catalog,
        current_graph: &'a DepGraph,
        desired_graph: &'a DepGraph,
        rebuild: &'a BTreeMap<QualifiedName, String>,
        changes: impl IntoIterator<Item = &'a Change>,
    ) -> Self {
        let touched = changes.into_iter().filter_map(subject).collect();
        Explainer {
            current,
            desired,
            current_graph,
            desired_graph,
            rebuild,
            touched,
        }
    }

    /// Those of `names` this plan touches.
    pub(super) fn planned(&self, names: Vec<String>) -> Vec<String> {
        names
            .into_iter()
            .filter(|n| self.touched.contains(n))
            .collect()
    }

    /// "after X, Y (changed by earlier steps)" for the dependencies of a desired object.
    pub(super) fn after_dependencies(&self, name: &QualifiedName, what: &str) -> String {
        let deps = dependencies_of(self.desired_graph, name);
        let planned = self.planned(deps.clone());
        if !planned.is_empty() {
            format!(
                "after {}, which {what} and which earlier steps of this plan change",
                list(&planned)
            )
        } else if !deps.is_empty() {
            format!(
                "after {}, which {what} and which already exist",
                list(&deps)
            )
        } else {
            "it depends on nothing this plan changes".to_owned()
        }
    }

    /// Why `change` is where it is: a reason naming the objects that force its place, then
    /// its phase. `concurrent`: the step runs outside the transaction.
    pub fn why(&self, change: &Change, phase: u8, concurrent: bool) -> String {
        let mut why = super::steps::reason(self, change);
        if concurrent {
            why.push_str(
                "; runs outside the transaction, because CONCURRENTLY (which does not block writes) cannot run inside one",
            );
        }
        format!("{why} [phase: {}]", phase_name(phase))
    }

    /// The views rebuilt because they read `table.column`.
    pub(super) fn rebuilt_over_column(&self, table: &QualifiedName, column: &str) -> Vec<String> {
        let name = format!("{table}.{column}");
        self.rebuild
            .iter()
            .filter(|(_, reason)| reason.contains(&name))
            .map(|(view, _)| view.to_string())
            .collect()
    }

    /// Why a dropped policy or trigger goes first, and whether it comes back.
    pub(super) fn dropped_first(&self, table: &QualifiedName, name: &str) -> String {
        let key = (table.clone(), name.to_owned());
        let again =
            self.desired.policies.contains_key(&key) || self.desired.triggers.contains_key(&key);
        if again {
            "dropped first (nothing depends on it) and created again later with its new definition"
                .to_owned()
        } else {
            "dropped first: nothing depends on it, and it may use columns, tables or functions dropped later".to_owned()
        }
    }

    /// `a → b → a` when `table` is part of a foreign-key cycle of the desired state.
    pub(super) fn cycle_through(&self, table: &QualifiedName) -> Option<String> {
        let t = self.desired.tables.get(table)?;
        for c in t.constraints.values() {
            if let ConstraintKind::ForeignKey { ref_table, .. } = &c.kind
                && ref_table != table
                && let Some(path) = fk_path(self.desired, ref_table, table)
            {
                let names: Vec<String> = std::iter::once(table)
                    .chain(path.iter())
                    .map(ToString::to_string)
                    .collect();
                return Some(names.join(" → "));
            }
        }
        None
    }
}
