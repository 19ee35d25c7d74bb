//! Planning: turning a diff into ordered, hazard-annotated steps.
//!
//! [`plan`] takes the changes of [`crate::diff::diff`] and orders them with the dependency
//! graphs of both sides: drops first, dependents before what they depend on (current graph),
//! then creates and alterations, dependencies first (desired graph), in fixed phases
//! (schemas, extensions, types, sequences, tables, routines and views, indexes, constraints,
//! triggers, RLS, policies, comments, grants). Ties are broken by object name, so a plan is
//! deterministic. Views whose query cannot be replaced in place, and the views and
//! materialized views over a changed column or view, are dropped and created around the change.
//! SQL comes from [`crate::ddl`] (whole objects) and [`sql`] (everything else); hazards from
//! [`hazard`].

mod explain;
pub mod hazard;
pub mod sql;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use crate::catalog::{Catalog, ConstraintKind, QualifiedName, View};
use crate::diff::{Change, DiffOptions, ObjectRef, diff};
use crate::graph::{DepGraph, NodeKind};
use hazard::{Hazard, HazardKind, RowCounts, hazards};

/// One planned step: one or more statements about one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The SQL (statements separated by newlines, each terminated by `;`).
    pub sql: String,
    /// Objects the step is about (schema-qualified names).
    pub objects: Vec<String>,
    /// What can go wrong.
    pub hazards: Vec<Hazard>,
    /// Whether the step runs inside the apply transaction (`false`: `CONCURRENTLY`).
    pub transactional: bool,
    /// Why the step is where it is, in one line.
    pub why: String,
}

/// Counts of steps, for summaries and the plan JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Number of steps.
    pub steps: usize,
    /// Steps by change kind (`create-table`, …).
    pub by_kind: BTreeMap<String, usize>,
    /// Steps carrying each hazard kind.
    pub hazards: BTreeMap<String, usize>,
}

/// An ordered plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Steps in order.
    pub steps: Vec<Step>,
    /// SHA-256 of the current and desired catalogs' scripts (the apply drift check).
    pub fingerprint: BTreeMap<String, String>,
    /// Counts.
    pub summary: Summary,
}

/// How to plan.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// What the diff compares.
    pub diff: DiffOptions,
    /// Row counts of the target's tables, when known.
    pub rows: Option<RowCounts>,
}

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlanError {
    /// The diff holds changes the tool cannot plan.
    #[error("cannot plan: {}", .0.join("; "))]
    #[diagnostic(help(
        "change the desired schema so that PostgreSQL can reach it in place, or migrate these objects by hand first"
    ))]
    Unsupported(Vec<String>),
}

/// Phase, rank in the graph, object names.
type SortKey = (u8, usize, Vec<String>);

/// Where a change of a phase goes: renames first of all (table renames, then column renames),
/// since every later step, drops included, names objects by their desired names; then the
/// phases in order.
fn order(change: &Change, phase: u8) -> u8 {
    match change {
        Change::Rename { .. } => 0,
        Change::RenameColumn { .. } | Change::RenameConstraint { .. } => 1,
        _ => phase.saturating_add(2),
    }
}

/// Phases of a plan, in order.
fn phase(change: &Change, current: &Catalog) -> u8 {
    match change {
        Change::DropPolicy { .. } | Change::DropTrigger { .. } => 0,
        Change::DropView { .. } | Change::DropFunction(_) => 1,
        Change::DropConstraint { table, name } => {
            let fk = current
                .tables
                .get(table)
                .and_then(|t| t.constraints.get(name))
                .is_some_and(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }));
            if fk { 2 } else { 3 }
        }
        Change::DropIndex(_) => 4,
        Change::DropColumn { .. } => 5,
        Change::DropTable(_) => 6,
        Change::DropSequence(_) => 7,
        Change::DropType(_) => 8,
        Change::DropExtension(_) => 9,
        Change::DropSchema(_) => 10,
        Change::CreateSchema(_) => 11,
        Change::CreateExtension { .. } | Change::AlterExtension { .. } => 12,
        Change::CreateType(_)
        | Change::AddEnumValue { .. }
        | Change::AlterDomain { .. }
        | Change::AlterCompositeType { .. } => 13,
        Change::CreateSequence(_) | Change::AlterSequence { .. } => 14,
        Change::Rename { .. } | Change::RenameColumn { .. } | Change::RenameConstraint { .. } => 15,
        Change::CreateTable(_)
        | Change::AddColumn { .. }
        | Change::AlterColumnType { .. }
        | Change::SetDefault { .. }
        | Change::SetNotNull { .. }
        | Change::SetIdentity { .. }
        | Change::SetGenerated { .. }
        | Change::SetLogged { .. }
        | Change::SetTableOptions { .. } => 16,
        Change::CreateFunction(_)
        | Change::ReplaceFunction(_)
        | Change::CreateView(_)
        | Change::ReplaceView { .. }
        | Change::ReplaceMaterializedView(_)
        | Change::SetViewOptions { .. } => 17,
        Change::CreateIndex(_) | Change::ReplaceIndex { .. } => 18,
        Change::AddConstraint { constraint, .. } => {
            if matches!(constraint.kind, ConstraintKind::ForeignKey { .. }) {
                20
            } else {
                19
            }
        }
        Change::ValidateConstraint { .. } => 21,
        Change::CreateTrigger(_) => 22,
        Change::SetRowSecurity { .. } | Change::ForceRowSecurity { .. } => 23,
        Change::CreatePolicy(_) | Change::AlterPolicy { .. } | Change::ReplacePolicy { .. } => 24,
        Change::Comment { .. } => 25,
        Change::Grant { .. } | Change::Revoke { .. } | Change::SetOwner { .. } => 26,
        Change::Unsupported { .. } => 27,
    }
}

/// Position of each relation and routine in a graph's topological order (dependencies first).
fn ranks(graph: &DepGraph) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (pos, i) in graph.topological_order().into_iter().enumerate() {
        let node = graph.node(i);
        match node.kind {
            NodeKind::Function => {
                let bare = node.name.split('(').next().unwrap_or(&node.name).to_owned();
                out.entry(bare).or_insert(pos);
            }
            _ if node.kind.is_relation() => {
                if let Some(r) = &node.relation {
                    out.entry(r.to_string()).or_insert(pos);
                }
            }
            _ => {}
        }
    }
    out
}

/// The relation or routine a change is ordered by, if it is ranked in a graph.
fn ranked_name(change: &Change) -> Option<String> {
    match change {
        Change::DropView { name, .. } => Some(name.to_string()),
        Change::DropTable(t) => Some(t.to_string()),
        Change::DropFunction(ObjectRef::Function { name, .. }) => Some(name.to_string()),
        Change::CreateView(v) | Change::ReplaceMaterializedView(v) => Some(v.name.to_string()),
        Change::ReplaceView { view, .. } => Some(view.name.to_string()),
        Change::SetViewOptions { name, .. } => Some(name.to_string()),
        Change::CreateFunction(f) | Change::ReplaceFunction(f) => Some(f.name.to_string()),
        _ => None,
    }
}

/// View and materialized-view dependents (transitively, in `graph`) of a relation or column.
fn view_dependents(
    graph: &DepGraph,
    relation: &QualifiedName,
    column: Option<&str>,
) -> BTreeSet<QualifiedName> {
    let start = match column {
        Some(c) => graph.column(relation, c),
        None => graph.relation(relation),
    };
    let mut out = BTreeSet::new();
    let mut stack: Vec<_> = start.into_iter().collect();
    if column.is_none() {
        for c in graph.view_output_columns(relation).unwrap_or_default() {
            stack.extend(graph.column(relation, c));
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        for (d, _) in graph.dependents(i) {
            let node = graph.node(d);
            if matches!(node.kind, NodeKind::View | NodeKind::MaterializedView) {
                if let Some(r) = &node.relation {
                    if r != relation && out.insert(r.clone()) {
                        for c in graph.view_output_columns(r).unwrap_or_default() {
                            stack.extend(graph.column(r, c));
                        }
                    }
                }
            }
            stack.push(d);
        }
    }
    out
}

fn find_view<'a>(c: &'a Catalog, name: &QualifiedName) -> Option<&'a View> {
    c.views.get(name).or_else(|| c.materialized_views.get(name))
}

/// The change list after views that must be rebuilt are turned into drop + create, with the
/// reason for each rebuilt view.
fn expand_rebuilds(
    changes: Vec<Change>,
    current: &Catalog,
    desired: &Catalog,
    graph: &DepGraph,
) -> (Vec<Change>, BTreeMap<QualifiedName, String>) {
    let mut rebuild: BTreeMap<QualifiedName, String> = BTreeMap::new();
    for c in &changes {
        match c {
            Change::ReplaceView {
                view,
                recreate: true,
            } => {
                rebuild.insert(
                    view.name.clone(),
                    "its output columns change, so CREATE OR REPLACE VIEW cannot do it".to_owned(),
                );
                for d in view_dependents(graph, &view.name, None) {
                    rebuild.entry(d.clone()).or_insert_with(|| {
                        format!("{d} depends on {}, which is recreated", view.name)
                    });
                }
            }
            Change::ReplaceMaterializedView(v) => {
                rebuild.insert(
                    v.name.clone(),
                    "a materialized view's query cannot be replaced in place".to_owned(),
                );
                for d in view_dependents(graph, &v.name, None) {
                    rebuild.entry(d.clone()).or_insert_with(|| {
                        format!("{d} depends on {}, which is recreated", v.name)
                    });
                }
            }
            Change::AlterColumnType { table, column, .. }
            | Change::DropColumn { table, column } => {
                for d in view_dependents(graph, table, Some(column)) {
                    rebuild
                        .entry(d.clone())
                        .or_insert_with(|| format!("{d} reads {table}.{column}, which changes"));
                }
            }
            _ => {}
        }
    }
    if rebuild.is_empty() {
        return (changes, rebuild);
    }
    let rebuilt = |n: &QualifiedName| rebuild.contains_key(n);
    let mut out: Vec<Change> = changes
        .into_iter()
        .filter(|c| match c {
            Change::ReplaceView { view, .. } => !rebuilt(&view.name),
            Change::ReplaceMaterializedView(v) | Change::CreateView(v) => !rebuilt(&v.name),
            Change::SetViewOptions { name, .. } => !rebuilt(name),
            Change::DropView { name, .. } => !rebuilt(name),
            Change::CreateIndex(i) => !rebuilt(&i.table),
            Change::DropIndex(i) => !rebuilt(&i.table),
            _ => true,
        })
        .collect();
    for name in rebuild.keys() {
        if let Some(v) = find_view(current, name) {
            out.push(Change::DropView {
                name: name.clone(),
                materialized: v.materialized,
            });
        }
        if let Some(v) = find_view(desired, name) {
            out.push(Change::CreateView(Box::new(v.clone())));
            for i in desired.indexes.values().filter(|i| &i.table == name) {
                out.push(Change::CreateIndex(Box::new(i.clone())));
            }
            let target = if v.materialized {
                ObjectRef::MaterializedView(name.clone())
            } else {
                ObjectRef::View(name.clone())
            };
            let has_comment = out
                .iter()
                .any(|c| matches!(c, Change::Comment { target: t, .. } if *t == target));
            if v.meta.comment.is_some() && !has_comment {
                out.push(Change::Comment {
                    target: target.clone(),
                    comment: v.meta.comment.clone(),
                });
            }
            for g in &v.meta.grants {
                let grant = Change::Grant {
                    target: target.clone(),
                    grant: g.clone(),
                };
                if !out.contains(&grant) {
                    out.push(grant);
                }
            }
        }
    }
    (out, rebuild)
}

fn objects(change: &Change) -> Vec<String> {
    let name = |o: &ObjectRef| match o {
        ObjectRef::Schema(s) | ObjectRef::Extension(s) => s.clone(),
        ObjectRef::Table(t)
        | ObjectRef::View(t)
        | ObjectRef::MaterializedView(t)
        | ObjectRef::Index(t)
        | ObjectRef::Sequence(t)
        | ObjectRef::Type(t) => t.to_string(),
        ObjectRef::Column(t, c)
        | ObjectRef::Constraint(t, c)
        | ObjectRef::Trigger(t, c)
        | ObjectRef::Policy(t, c) => format!("{t}.{c}"),
        ObjectRef::Function { name, args, .. } => format!("{name}({args})"),
        ObjectRef::Other(k, n) => format!("{k} {n}"),
    };
    let mut out = vec![name(&change.object())];
    if let Change::Rename { from, .. } = change {
        out.push(from.to_string());
    }
    out
}

/// Plans the changes that turn `current` into `desired`.
pub fn plan(current: &Catalog, desired: &Catalog, opts: &PlanOptions) -> Result<Plan, PlanError> {
    plan_with_changes(current, desired, opts).map(|(p, _)| p)
}

/// [`plan`], also returning the diff's changes (before views to rebuild are expanded), for
/// renderings that show them, such as the diffs of changed definitions.
pub fn plan_with_changes(
    current: &Catalog,
    desired: &Catalog,
    opts: &PlanOptions,
) -> Result<(Plan, Vec<Change>), PlanError> {
    // The target's catalog for the diff and fingerprints; the renamed one for every lookup.
    let target = current;
    let renamed = crate::diff::after_renames(current, desired, &opts.diff);
    let current: &Catalog = &renamed;
    // The diff, both graphs and both fingerprints are independent: three threads.
    let (changes, (current_graph, desired_graph), fingerprint) = std::thread::scope(|s| {
        let differ = on_thread(s, || diff(target, desired, &opts.diff));
        let printer = on_thread(s, || fingerprint(target, desired));
        let graphs = (DepGraph::build(current), DepGraph::build(desired));
        let changes = joined(differ, || diff(target, desired, &opts.diff));
        let fingerprint = joined(printer, || fingerprint(target, desired));
        (changes, graphs, fingerprint)
    });
    let diffed = changes.clone();
    let unsupported: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Unsupported { object, reason } => Some(format!("{object}: {reason}")),
            _ => None,
        })
        .collect();
    if !unsupported.is_empty() {
        return Err(PlanError::Unsupported(unsupported));
    }
    let (changes, rebuild) = expand_rebuilds(changes, current, desired, &current_graph);
    let current_ranks = ranks(&current_graph);
    let desired_ranks = ranks(&desired_graph);
    let mut keyed: Vec<(SortKey, Change)> = changes
        .into_iter()
        .map(|c| {
            let p = phase(&c, current);
            let rank = match ranked_name(&c) {
                Some(n) if p <= 10 => usize::MAX - current_ranks.get(&n).copied().unwrap_or(0),
                Some(n) => desired_ranks.get(&n).copied().unwrap_or(0),
                None => 0,
            };
            ((order(&c, p), rank, objects(&c)), c)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let explainer = explain::Explainer::new(
        current,
        desired,
        &current_graph,
        &desired_graph,
        &rebuild,
        keyed.iter().map(|(_, c)| c),
    );
    let mut steps = Vec::new();
    for (_, change) in &keyed {
        let concurrent = match change {
            Change::CreateIndex(i) | Change::DropIndex(i) => {
                current.tables.contains_key(&i.table) && desired.tables.contains_key(&i.table)
            }
            Change::ReplaceIndex { to, .. } => current.tables.contains_key(&to.table),
            _ => false,
        };
        let statements = sql::render(change, current, desired, concurrent);
        if statements.is_empty() {
            continue;
        }
        let mut hz = hazards(change, current, &current_graph, opts.rows.as_ref());
        if concurrent {
            hz.retain(|h| h.kind != HazardKind::IndexBuild);
            if let Change::CreateIndex(i) | Change::ReplaceIndex { to: i, .. } = change {
                hz.extend(hazard::index_hazards(&i.name, &i.table, true, "built"));
            }
            if let Change::DropIndex(i) = change {
                hz.extend(hazard::index_hazards(&i.name, &i.table, true, "dropped"));
            }
        }
        let transactional = statements.iter().all(|s| s.transactional);
        let objects = objects(change);
        let why = explainer.why(change, phase(change, current), concurrent);
        if transactional {
            let sql: Vec<String> = statements.into_iter().map(|s| s.sql).collect();
            steps.push(Step {
                sql: sql.join("\n"),
                objects,
                hazards: hz,
                transactional,
                why,
            });
        } else {
            // One step per statement, so that apply can run each outside a transaction.
            for s in statements {
                steps.push(Step {
                    sql: s.sql,
                    objects: objects.clone(),
                    hazards: hz.clone(),
                    transactional: s.transactional,
                    why: why.clone(),
                });
            }
        }
        if let Change::CreateSequence(s) = change {
            let owned = crate::ddl::sequence_owned_by(s);
            if !owned.is_empty() {
                steps.push(Step {
                    sql: owned.trim_end().to_owned(),
                    objects: vec![s.name.to_string()],
                    hazards: Vec::new(),
                    transactional: true,
                    why: "ownership set once its table exists".to_owned(),
                });
            }
        }
    }
    // Sequence ownership needs the owning table: move those steps after the tables.
    let (owned, mut rest): (Vec<Step>, Vec<Step>) = steps
        .into_iter()
        .partition(|s| s.why == "ownership set once its table exists");
    let at = rest
        .iter()
        .position(|s| {
            s.sql.starts_with("CREATE INDEX")
                || s.sql.starts_with("CREATE UNIQUE INDEX")
                || s.sql.starts_with("ALTER TABLE") && s.sql.contains(" ADD CONSTRAINT ")
        })
        .unwrap_or(rest.len());
    rest.splice(at..at, owned);
    let steps = rest;
    let mut summary = Summary {
        steps: steps.len(),
        ..Summary::default()
    };
    for (_, c) in &keyed {
        *summary.by_kind.entry(c.kind().to_owned()).or_default() += 1;
    }
    for s in &steps {
        for h in &s.hazards {
            *summary.hazards.entry(h.kind.name().to_owned()).or_default() += 1;
        }
    }
    Ok((
        Plan {
            steps,
            fingerprint,
            summary,
        },
        diffed,
    ))
}

/// Runs `f` on a scoped thread with a deep stack (expression trees nest as deep as the SQL).
fn on_thread<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> Option<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .stack_size(crate::project::DEEP_STACK)
        .spawn_scoped(s, f)
        .ok()
}

/// The result of a thread started by [`on_thread`], or of `fallback` when none could start.
fn joined<T>(
    handle: Option<std::thread::ScopedJoinHandle<'_, T>>,
    fallback: impl FnOnce() -> T,
) -> T {
    match handle.map(std::thread::ScopedJoinHandle::join) {
        Some(Ok(value)) => value,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => fallback(),
    }
}

/// SHA-256 of the scripts of the target's and the desired catalogs (the apply drift check).
fn fingerprint(target: &Catalog, desired: &Catalog) -> BTreeMap<String, String> {
    let script = |c: &Catalog| {
        let text = crate::ddl::script(c, &crate::ddl::ScriptOptions { externals: false });
        let digest = Sha256::digest(text.as_bytes());
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut fingerprint = BTreeMap::new();
    fingerprint.insert("current".to_owned(), script(target));
    fingerprint.insert("desired".to_owned(), script(desired));
    fingerprint
}

impl Plan {
    /// The plan JSON (DESIGN.md): `{"steps":[{"sql","objects","hazards","transactional"}],
    /// "fingerprint":{…},"summary":{…}}`; each step also carries `why`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let steps: Vec<serde_json::Value> = self
            .steps
            .iter()
            .map(|s| {
                json!({
                    "sql": s.sql,
                    "objects": s.objects,
                    "hazards": s.hazards.iter().map(|h| json!({"kind": h.kind.name(), "message": h.message})).collect::<Vec<_>>(),
                    "transactional": s.transactional,
                    "why": s.why,
                })
            })
            .collect();
        json!({
            "steps": steps,
            "fingerprint": self.fingerprint,
            "summary": {
                "steps": self.summary.steps,
                "changes": self.summary.by_kind,
                "hazards": self.summary.hazards,
            },
        })
    }
}
