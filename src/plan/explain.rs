//! Why each step is where it is (`schema-plan --explain`, the `why` of the plan JSON): the
//! phase it belongs to, and the dependency, rebuild or foreign-key cycle that forces its
//! place, naming the objects involved.

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
fn list(names: &[String]) -> String {
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
fn view_readers(graph: &DepGraph, name: &QualifiedName) -> Vec<String> {
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
fn fk_path(c: &Catalog, from: &QualifiedName, to: &QualifiedName) -> Option<Vec<QualifiedName>> {
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
    fn planned(&self, names: Vec<String>) -> Vec<String> {
        names
            .into_iter()
            .filter(|n| self.touched.contains(n))
            .collect()
    }

    /// "after X, Y (changed by earlier steps)" for the dependencies of a desired object.
    fn after_dependencies(&self, name: &QualifiedName, what: &str) -> String {
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
        let mut why = self.reason(change);
        if matches!(change, Change::AddEnumValue { .. }) {
            why.push_str(
                "; runs before the transaction, which could not use a label added inside it",
            );
        }
        if concurrent {
            why.push_str(
                "; runs outside the transaction, because CONCURRENTLY (which does not block writes) cannot run inside one",
            );
        }
        format!("{why} [phase: {}]", phase_name(phase))
    }

    /// The views rebuilt because they read `table.column`.
    fn rebuilt_over_column(&self, table: &QualifiedName, column: &str) -> Vec<String> {
        let name = format!("{table}.{column}");
        self.rebuild
            .iter()
            .filter(|(_, reason)| reason.contains(&name))
            .map(|(view, _)| view.to_string())
            .collect()
    }

    fn reason(&self, change: &Change) -> String {
        let rebuilt = |n: &QualifiedName| self.rebuild.get(n).cloned();
        match change {
            Change::DropView { name, .. } => {
                if let Some(r) = rebuilt(name) {
                    return format!("dropped so that it can be recreated below: {r}");
                }
                let readers = self.planned(view_readers(self.current_graph, name));
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
                    self.after_dependencies(&v.name, "it reads")
                ),
                None => format!(
                    "created {}",
                    self.after_dependencies(&v.name, "it reads")
                ),
            },
            Change::ReplaceView { view, .. } => format!(
                "replaced in place (CREATE OR REPLACE keeps the views that read it) {}",
                self.after_dependencies(&view.name, "it reads")
            ),
            Change::ReplaceMaterializedView(v) => format!(
                "a materialized view's query cannot be replaced in place; {}",
                self.after_dependencies(&v.name, "it reads")
            ),
            Change::SetViewOptions { name, .. } => format!(
                "options set with the views, in dependency order: {}",
                self.after_dependencies(name, "it reads")
            ),
            Change::CreateIndex(i) => match rebuilt(&i.table) {
                Some(_) => format!(
                    "recreated with {}, which was dropped and recreated",
                    i.table
                ),
                None => format!(
                    "built once {} and its columns exist in their desired form",
                    i.table
                ),
            },
            Change::ReplaceIndex { to, .. } => format!(
                "built under a temporary name, then swapped with the old index, so {} is never without it",
                to.table
            ),
            Change::DropPolicy { table, name } | Change::DropTrigger { table, name } => {
                let again = self
                    .desired
                    .policies
                    .contains_key(&(table.clone(), name.clone()))
                    || self
                        .desired
                        .triggers
                        .contains_key(&(table.clone(), name.clone()));
                if again {
                    "dropped first (nothing depends on it) and created again later with its new definition".to_owned()
                } else {
                    "dropped first: nothing depends on it, and it may use columns, tables or functions dropped later".to_owned()
                }
            }
            Change::DropFunction(_) => {
                "dropped after the triggers that call it and before the relations its body uses"
                    .to_owned()
            }
            Change::DropConstraint { table, name } => {
                let fk = self
                    .current
                    .tables
                    .get(table)
                    .and_then(|t| t.constraints.get(name))
                    .is_some_and(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }));
                let again = self
                    .desired
                    .tables
                    .get(table)
                    .is_some_and(|t| t.constraints.contains_key(name));
                let base = if fk {
                    "foreign keys are dropped before other constraints and tables, so no reference blocks a later drop"
                } else {
                    "dropped before the indexes, columns and tables it uses"
                };
                if again {
                    format!("{base}; added again later with its new definition")
                } else {
                    base.to_owned()
                }
            }
            Change::DropIndex(i) => match rebuilt(&i.table) {
                Some(_) => format!("dropped with {}, which is recreated", i.table),
                None => "dropped before the columns and tables it uses".to_owned(),
            },
            Change::DropColumn { table, column } => {
                let views = self.rebuilt_over_column(table, column);
                if views.is_empty() {
                    "dropped after the views, indexes and constraints that use it".to_owned()
                } else {
                    format!(
                        "dropped after {}, which read it (they are recreated without it)",
                        list(&views)
                    )
                }
            }
            Change::DetachPartition { parent, .. } => format!(
                "detached from {parent} before the tables and columns change, keeping its rows"
            ),
            Change::AttachPartition { parent, .. } => format!(
                "attached to {parent} once both tables have their desired columns, keeping its rows"
            ),
            Change::DropTable(t) => {
                let readers = self.planned(view_readers(self.current_graph, t));
                let mut why = if readers.is_empty() {
                    "dropped after the views, functions, foreign keys and indexes that use it, and the tables that reference it"
                        .to_owned()
                } else {
                    format!("dropped after {}, which read it", list(&readers))
                };
                if self.current.tables.values().any(|p| {
                    p.partition_of.as_ref().is_some_and(|(parent, _)| parent == t)
                }) {
                    why.push_str("; its partitions go with it");
                }
                why
            }
            Change::DropSequence(_) | Change::DropType(_) => {
                "dropped after the tables and columns that used it".to_owned()
            }
            Change::DropExtension(_) | Change::DropSchema(_) => {
                "dropped last: every object that could live in it or use it is gone by now"
                    .to_owned()
            }
            Change::CreateSchema(_) => "schemas first: every other object lives in one".to_owned(),
            Change::CreateExtension { .. } | Change::AlterExtension { .. } => {
                "extensions before the types, tables and functions that may use them".to_owned()
            }
            Change::CreateType(_)
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::AlterDomain { .. }
            | Change::AlterCompositeType { .. } => {
                "types before the tables, columns and functions that use them".to_owned()
            }
            Change::CreateSequence(_) | Change::AlterSequence { .. } => {
                "sequences before the column defaults that use them".to_owned()
            }
            Change::Rename { from, to, .. } => format!(
                "renamed before any other change, so {from} keeps its data and every later step uses {to}"
            ),
            Change::RenameColumn { table, from, to } => format!(
                "renamed after {table} has its desired name and before any other change to it, so {from} keeps its data and later steps use {to}"
            ),
            Change::RenameConstraint { table, from, to } => format!(
                "renamed after {table} has its desired name: {from} is unchanged but for its name, so it is renamed to {to} rather than dropped and built again"
            ),
            Change::RenameIndex { from, to } => format!(
                "renamed before any other change: {from} is unchanged but for its name, so it is renamed to {} rather than built again",
                to.name
            ),
            Change::CreateTable(t) => {
                let mut why = "created before the views, indexes and policies on it; its foreign keys are added once every table exists".to_owned();
                if let Some(cycle) = self.cycle_through(&t.name) {
                    why.push_str(&format!(" (it is part of the foreign-key cycle {cycle})"));
                }
                if let Some((parent, _)) = &t.partition_of {
                    why.push_str(&format!("; after {parent}, of which it is a partition"));
                }
                why
            }
            Change::AlterColumnType { table, column, .. } => {
                let views = self.rebuilt_over_column(table, column);
                if views.is_empty() {
                    "table alterations come after types and sequences and before the views that read them".to_owned()
                } else {
                    format!(
                        "after {} were dropped (they read {table}.{column}) and before they are recreated",
                        list(&views)
                    )
                }
            }
            Change::AddColumn { .. }
            | Change::SetDefault { .. }
            | Change::SetNotNull { .. }
            | Change::SetIdentity { .. }
            | Change::SetGenerated { .. }
            | Change::SetLogged { .. }
            | Change::SetTableOptions { .. } => {
                "table alterations come after the types and sequences they use and before the views, indexes and constraints that use the columns".to_owned()
            }
            Change::AddConstraint { table, constraint } => match &constraint.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    let mut why = format!(
                        "foreign keys are added once every table exists, so {ref_table} is there"
                    );
                    if let Some(path) = fk_path(self.desired, ref_table, table) {
                        let names: Vec<String> = std::iter::once(table)
                            .chain(path.iter())
                            .map(ToString::to_string)
                            .collect();
                        why.push_str(&format!(
                            ", and the cycle {} needs no order among the tables",
                            names.join(" → ")
                        ));
                    }
                    if constraint.not_valid {
                        why.push_str(
                            "; added NOT VALID (no scan under a strong lock) and validated by a later step",
                        );
                    }
                    why
                }
                _ => {
                    let mut why =
                        format!("after {table}'s columns and indexes exist in their desired form");
                    if constraint.not_valid {
                        why.push_str(
                            "; added NOT VALID (no scan under a strong lock) and validated by a later step",
                        );
                    }
                    why
                }
            },
            Change::ValidateConstraint { .. } => {
                "validated after it was added NOT VALID, without blocking writes".to_owned()
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
                let planned = self.planned(used.into_iter().collect());
                if planned.is_empty() {
                    format!("{} comes with the routines and views, in dependency order", f.name)
                } else {
                    format!("after {} (its body uses them)", list(&planned))
                }
            }
            Change::CreateTrigger(t) => format!(
                "after {} and the function it calls, {}",
                t.table, t.function
            ),
            Change::SetRowSecurity { table, .. } | Change::ForceRowSecurity { table, .. } => {
                format!("row-level security once {table} exists and before its policies")
            }
            Change::CreatePolicy(p) | Change::ReplacePolicy { to: p, .. } => format!(
                "after row-level security is set on {} and every relation and function its expressions use exist",
                p.table
            ),
            Change::AlterPolicy { table, .. } => format!(
                "after row-level security is set on {table} and every relation and function its expressions use exist"
            ),
            Change::Comment { .. }
            | Change::Grant { .. }
            | Change::Revoke { .. }
            | Change::SetOwner { .. } => "annotations once every object exists".to_owned(),
            Change::Unsupported { .. } => "not planned".to_owned(),
        }
    }

    /// `a → b → a` when `table` is part of a foreign-key cycle of the desired state.
    fn cycle_through(&self, table: &QualifiedName) -> Option<String> {
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
