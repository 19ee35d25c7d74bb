//! Planning: turning a diff into ordered, hazard-annotated steps.
//!
//! [`plan_diff`] takes the [`Diff`] of [`crate::diff::diff`] (changes, catalogs, partitioning
//! decisions, graphs) and orders the changes with the dependency graphs of both sides: drops
//! first, dependents before what they depend on (current graph), then creates and alterations, dependencies first (desired graph), in fixed phases
//! (schemas, extensions, types, sequences, tables, routines and views, indexes, constraints,
//! triggers, RLS, policies, comments, grants). Ties are broken by object name, so a plan is
//! deterministic. Views whose query cannot be replaced in place, and the views and
//! materialized views over a changed column or view, are dropped and created around the change.
//! SQL comes from [`crate::ddl`] (whole objects) and [`sql`] (everything else); hazards from
//! [`hazard`]; both, with each step's explanation and phase, are written by the family of
//! the change in `steps`.

pub mod backfill;
mod casts;
mod concurrency;
mod explain;
pub mod file;
mod fingerprints;
pub mod hazard;
mod partition;
pub mod sql;
pub(crate) mod steps;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::catalog::{Catalog, QualifiedName, View};
use crate::diff::{Change, Diff, DiffOptions, ObjectRef};
use crate::graph::{DepGraph, NodeKind};
use backfill::{DataStep, DataSteps};
use concurrency::Concurrency;
use fingerprints::{DesiredState, Fingerprints};
pub use fingerprints::{fingerprint, sha256_hex};
use hazard::{Hazard, HazardKind, RowCounts, hazards};

/// A number of steps for people: `1 step`, `0 steps`, `3 steps`.
pub fn step_count(n: usize) -> String {
    if n == 1 {
        "1 step".to_owned()
    } else {
        format!("{n} steps")
    }
}

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

impl Step {
    /// Whether the step runs before the apply transaction rather than after it: a
    /// non-transactional `ALTER TYPE … ADD VALUE` (a label added inside a transaction cannot
    /// be used by it, so the label is committed first).
    pub fn runs_before_transaction(&self) -> bool {
        if self.transactional {
            return false;
        }
        let Ok(parsed) = pg_query::parse(&self.sql, 0) else {
            return false;
        };
        let stmts = &parsed.protobuf.stmts;
        stmts.len() == 1
            && stmts.iter().all(|s| {
                matches!(
                    s.stmt.as_ref().and_then(|n| n.node.as_ref()),
                    Some(pg_query::NodeEnum::AlterEnumStmt(a)) if a.old_val.is_empty()
                )
            })
    }
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
    /// SHA-256 of each object of the current catalog (keyed by its `schema-dump` file), so
    /// that a drift check can say which objects changed.
    pub objects: BTreeMap<String, String>,
    /// The desired catalog as one script (without externals), so that a plan file can be
    /// verified after it is applied without the source files.
    pub desired_sql: String,
    /// The desired catalog's external tables, as `CREATE TABLE` statements.
    pub externals_sql: String,
    /// Counts.
    pub summary: Summary,
}

/// How to plan.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// What the diff compares.
    pub diff: DiffOptions,
    /// Rows of the target's tables, when known (see [`backfill::tables_to_check`]).
    pub rows: Option<RowCounts>,
    /// Data steps by the column they fill (see [`backfill`]).
    pub data_steps: DataSteps,
    /// The target's [`fingerprint`], when the caller computed it already (for instance while
    /// the server elaborated definitions); computed here otherwise.
    pub target_fingerprint: Option<TargetFingerprint>,
}

/// A catalog's [`fingerprint`]: one digest, and one per object.
pub type TargetFingerprint = (String, BTreeMap<String, String>);

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
    steps::order(change, phase)
}

/// Phases of a plan, in order (each family of changes says its own in `steps/`).
fn phase(change: &Change, current: &Catalog, desired: &Catalog) -> u8 {
    steps::phase(change, current, desired)
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
    recreated_tables: &BTreeMap<QualifiedName, String>,
) -> (Vec<Change>, BTreeMap<QualifiedName, String>) {
    let mut rebuild: BTreeMap<QualifiedName, String> = BTreeMap::new();
    for t in recreated_tables.keys() {
        for d in view_dependents(graph, t, None) {
            rebuild
                .entry(d.clone())
                .or_insert_with(|| format!("{d} reads {t}, which is dropped and created again"));
        }
    }
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
            // A view that stays (or reads something else now) cannot outlive a table it
            // reads: it is dropped before the table and created again.
            Change::DropTable(table) => {
                for d in view_dependents(graph, table, None) {
                    rebuild
                        .entry(d.clone())
                        .or_insert_with(|| format!("{d} reads {table}, which is dropped"));
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

/// Whether an expression's text names `column` (bare or quoted): a policy that does is
/// dropped and created again around a change of that column.
fn names_column(e: Option<&crate::catalog::Expr>, column: &str) -> bool {
    let Some(e) = e else { return false };
    let quoted = crate::catalog::names::quote_ident(column);
    let sql = e.sql();
    sql.contains(&quoted)
        || sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .any(|w| w == column)
}

/// PostgreSQL refuses to drop or retype a column a policy uses: such policies are dropped
/// before the column changes (first phase) and created again afterwards, whether or not their
/// own definition changes.
fn rebuild_policies(changes: Vec<Change>, current: &Catalog, desired: &Catalog) -> Vec<Change> {
    let mut rebuilt: BTreeSet<(QualifiedName, String)> = BTreeSet::new();
    for c in &changes {
        let (Change::DropColumn { table, column } | Change::AlterColumnType { table, column, .. }) =
            c
        else {
            continue;
        };
        for ((t, name), p) in current.policies.range((table.clone(), String::new())..) {
            if t != table {
                break;
            }
            if names_column(p.using.as_ref(), column) || names_column(p.with_check.as_ref(), column)
            {
                rebuilt.insert((t.clone(), name.clone()));
            }
        }
    }
    if rebuilt.is_empty() {
        return changes;
    }
    let key = |c: &Change| match c {
        Change::AlterPolicy { table, name, .. } | Change::DropPolicy { table, name } => {
            Some((table.clone(), name.clone()))
        }
        Change::ReplacePolicy { from, .. } => Some((from.table.clone(), from.name.clone())),
        Change::CreatePolicy(p) => Some((p.table.clone(), p.name.clone())),
        _ => None,
    };
    let mut out: Vec<Change> = changes
        .into_iter()
        .filter(|c| key(c).is_none_or(|k| !rebuilt.contains(&k)))
        .collect();
    for (table, name) in rebuilt {
        if let Some(p) = desired.policies.get(&(table.clone(), name.clone())) {
            out.push(Change::CreatePolicy(Box::new(p.clone())));
            // A new policy has no comment: give it the desired one again.
            let target = ObjectRef::Policy(table.clone(), name.clone());
            let has_comment = out
                .iter()
                .any(|c| matches!(c, Change::Comment { target: t, .. } if *t == target));
            if p.meta.comment.is_some() && !has_comment {
                out.push(Change::Comment {
                    target,
                    comment: p.meta.comment.clone(),
                });
            }
        }
        out.push(Change::DropPolicy { table, name });
    }
    out
}

/// A sequence moving from one owning column to another is released first (before drops: the
/// old table or column would take it along) and given to the new column once that exists.
fn release_sequences_first(changes: Vec<Change>) -> Vec<Change> {
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        match c {
            Change::AlterSequence { from, to }
                if from.owned_by.is_some()
                    && to.owned_by.is_some()
                    && from.owned_by != to.owned_by =>
            {
                let mut released = (*from).clone();
                released.owned_by = None;
                out.push(Change::AlterSequence {
                    from: from.clone(),
                    to: Box::new(released.clone()),
                });
                out.push(Change::AlterSequence {
                    from: Box::new(released),
                    to,
                });
            }
            other => out.push(other),
        }
    }
    out
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

/// `schema-apply` runs the transactional steps in one transaction and the others after it, so
/// a step about an object that a non-transactional step builds or drops (the rename that swaps
/// in an index built `CONCURRENTLY`, the comment on it) must run after that step: outside the
/// transaction too, in plan order.
fn defer_after_concurrent(steps: &mut [Step]) {
    let mut deferred: BTreeSet<String> = BTreeSet::new();
    for s in steps.iter_mut() {
        if !s.transactional && !s.runs_before_transaction() {
            deferred.extend(s.objects.iter().cloned());
        } else if s.objects.iter().any(|o| deferred.contains(o)) {
            s.transactional = false;
            s.why
                .push_str("; after the statement outside the transaction it depends on");
        }
    }
}

/// The steps of a column that the plan makes NOT NULL with a data step: for a new column,
/// `ADD COLUMN` without NOT NULL, the data step, then NOT NULL enforced online; for an
/// existing one, the data step, then the usual `SET NOT NULL` step (rendered by the caller).
fn data_step_steps(
    change: &Change,
    step: &DataStep,
    current: &Catalog,
    desired: &Catalog,
    graph: &DepGraph,
) -> Vec<Step> {
    let run = |table: &QualifiedName, column: &str, hazards: Vec<Hazard>| Step {
        sql: step.sql.trim().to_owned(),
        objects: vec![format!("{table}.{column}")],
        hazards,
        transactional: true,
        why: format!(
            "data step {} fills {table}.{column} before NOT NULL is enforced",
            step.source
        ),
    };
    match change {
        Change::AddColumn { table, column } => {
            let mut nullable = (**column).clone();
            nullable.not_null = false;
            let add = Change::AddColumn {
                table: table.clone(),
                column: Box::new(nullable),
            };
            let enforce = Change::SetNotNull {
                table: table.clone(),
                column: column.name.clone(),
                not_null: true,
            };
            let sql_of = |c: &Change| {
                sql::render(c, current, desired, false)
                    .into_iter()
                    .map(|s| s.sql)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            vec![
                Step {
                    sql: sql_of(&add),
                    objects: objects(&add),
                    hazards: hazards(&add, current, graph, None),
                    transactional: true,
                    why: format!(
                        "added without NOT NULL so that the data step {} can fill it",
                        step.source
                    ),
                },
                run(
                    table,
                    &column.name,
                    hazard::data_step_hazards(table, &column.name, &step.source),
                ),
                Step {
                    sql: sql_of(&enforce),
                    objects: objects(&enforce),
                    hazards: hazards(&enforce, current, graph, None),
                    transactional: true,
                    why: "NOT NULL enforced once the data step has filled the column".to_owned(),
                },
            ]
        }
        Change::SetNotNull { table, column, .. } => vec![run(table, column, Vec::new())],
        _ => Vec::new(),
    }
}

/// Says, in the `security-weakened` hazard of a dropped policy, which policies the same plan
/// creates on that table (in the same transaction), so the reader can compare them.
fn replacement_policies(
    hz: &mut [Hazard],
    table: &QualifiedName,
    dropped: &str,
    keyed: &[(SortKey, Change)],
) {
    let created: Vec<String> = keyed
        .iter()
        .filter_map(|(_, c)| match c {
            Change::CreatePolicy(p) if &p.table == table && p.name != dropped => {
                let mut text = format!("{} FOR {}", p.name, p.command);
                if let Some(u) = &p.using {
                    text.push_str(&format!(" USING ({u})"));
                }
                if let Some(w) = &p.with_check {
                    text.push_str(&format!(" WITH CHECK ({w})"));
                }
                Some(text)
            }
            _ => None,
        })
        .collect();
    if created.is_empty() {
        return;
    }
    for h in hz
        .iter_mut()
        .filter(|h| h.kind == HazardKind::SecurityWeakened)
    {
        h.message.push_str(&format!(
            "; the same transaction creates on {table}: {}",
            created.join("; ")
        ));
    }
}

/// The data step a change uses, if the user supplied one for its column.
fn data_step_of<'a>(change: &Change, steps: &'a DataSteps) -> Option<&'a DataStep> {
    let key = match change {
        Change::AddColumn { table, column } if backfill::needs_value(column) => {
            (table.clone(), column.name.clone())
        }
        Change::SetNotNull {
            table,
            column,
            not_null: true,
        } => (table.clone(), column.clone()),
        _ => return None,
    };
    steps.get(&key)
}

/// Plans the changes that turn `current` into `desired`: [`crate::diff::diff`] with
/// `opts.diff`, then [`plan_diff`]. For callers that want only the plan.
pub fn plan(current: &Catalog, desired: &Catalog, opts: &PlanOptions) -> Result<Plan, PlanError> {
    plan_diff(&crate::diff::diff(current, desired, &opts.diff), opts)
}

/// Plans a diff into ordered steps, with the catalogs, partitioning decisions and (when the
/// diff built them) dependency graphs it carries; the graphs it lacks are built here.
pub fn plan_diff(diff: &Diff<'_>, opts: &PlanOptions) -> Result<Plan, PlanError> {
    // Every lookup is in the current catalog with the hinted renames applied, since every step
    // after the renames names objects by their desired names (the fingerprints are of the
    // target as it is).
    let (current, desired) = (&*diff.renamed_current, diff.desired);
    let (mut built, prints) = missing_graphs_and_fingerprints(diff, opts);
    let (current_graph, desired_graph) = match &diff.graphs {
        Some(graphs) => graphs,
        None => built.get_or_insert_with(|| (DepGraph::build(current), DepGraph::build(desired))),
    };
    refuse_unsupported(&diff.changes)?;
    let parts = &diff.partitioning;
    let (changes, rebuild) = expand_rebuilds(
        diff.changes.clone(),
        current,
        desired,
        current_graph,
        &parts.recreated,
    );
    let changes = rebuild_policies(changes, current, desired);
    let changes = release_sequences_first(changes);
    let (changes, drop_ranks) = tables::settle_drops(changes, current);
    let changes = tables::keep_adopted_indexes(changes, current, desired);
    let keyed = in_order(
        changes,
        current,
        desired,
        (current_graph, desired_graph),
        &drop_ranks,
    );
    let concurrency = Concurrency::new(current, desired, parts, keyed.iter().map(|(_, c)| c));
    let explainer = explain::Explainer::new(
        current,
        desired,
        current_graph,
        desired_graph,
        &rebuild,
        keyed.iter().map(|(_, c)| c),
    );
    // Whether a table of the plan (by its desired name) exists before the plan runs (a table
    // renamed by a hint does: `current` has it under its new name).
    let existed = |t: &QualifiedName| current.tables.contains_key(t);
    let mut steps = Vec::new();
    for (_, change) in &keyed {
        let concurrent = concurrency.of(change);
        if let Some(ds) = data_step_of(change, &opts.data_steps) {
            let extra = data_step_steps(change, ds, current, desired, current_graph);
            let replaces = matches!(change, Change::AddColumn { .. });
            steps.extend(extra);
            if replaces {
                continue;
            }
        }
        let statements = sql::render(change, current, desired, concurrent);
        if statements.is_empty() {
            continue;
        }
        let mut hz = hazards(change, current, current_graph, opts.rows.as_ref());
        match change {
            // A rebuilt materialized view is new in this transaction: nobody else can see it
            // (or write to it) while its indexes are built.
            Change::CreateIndex(i) if rebuild.contains_key(&i.table) => {
                hz.retain(|h| h.kind != HazardKind::IndexBuild);
            }
            Change::CreateView(v) if v.materialized && rebuild.contains_key(&v.name) => {
                hz.push(Hazard {
                    kind: HazardKind::AccessExclusiveLock,
                    message: format!(
                        "materialized view {} is dropped and created again inside the apply transaction, and filled by running its query: readers of {} wait until commit",
                        v.name, v.name
                    ),
                });
            }
            _ => {}
        }
        if let Change::DropPolicy { table, name } = change {
            replacement_policies(&mut hz, table, name, &keyed);
        }
        // A table dropped to be created again: its loss says why and what comes back.
        if let Change::DropTable(t) = change
            && let Some(reason) = parts.recreated.get(t)
        {
            let message = partition::loss_message(current, t, Some(reason.as_str()));
            for h in hz.iter_mut().filter(|h| h.kind == HazardKind::DataLoss) {
                h.message.clone_from(&message);
            }
        }
        if let Change::AddColumn { table, column } = change {
            // A renamed table exists under its old name: the hazard model sees the new one.
            hz.retain(|h| h.kind != HazardKind::NeedsBackfill);
            if existed(table) && backfill::needs_value(column) {
                hz.extend(hazard::needs_backfill(
                    table,
                    &column.name,
                    opts.rows.as_ref(),
                ));
            }
        }
        if concurrent {
            // The index family's hazards are those of the plain statements (a SHARE lock to
            // build, ACCESS EXCLUSIVE to drop); CONCURRENTLY takes neither, only SHARE UPDATE
            // EXCLUSIVE, and cannot run in the transaction.
            hz.retain(|h| {
                !matches!(
                    h.kind,
                    HazardKind::IndexBuild | HazardKind::AccessExclusiveLock
                )
            });
            if let Change::CreateIndex(i) | Change::ReplaceIndex { to: i, .. } = change {
                hz.extend(hazard::index_hazards(&i.name, &i.table, true, "built"));
            }
            if let Change::DropIndex(i) | Change::ReplaceIndex { from: i, .. } = change {
                hz.extend(hazard::index_hazards(&i.name, &i.table, true, "dropped"));
            }
        }
        let transactional = statements.iter().all(|s| s.transactional);
        let objects = objects(change);
        let mut why = explainer.why(change, phase(change, current, desired), concurrent);
        if let Some(w) = partition::recreated_why(parts, change) {
            why = format!("{w}; {why}");
        }
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
    Ok(assemble(steps, &keyed, prints))
}

/// The changes with their sort keys, in plan order: by phase, then by rank in the graphs
/// (drops in reverse order of the current graph, dependents first; the rest in the order of
/// the desired graph), then by object names.
fn in_order(
    changes: Vec<Change>,
    current: &Catalog,
    desired: &Catalog,
    (current_graph, desired_graph): (&DepGraph, &DepGraph),
    drop_ranks: &HashMap<QualifiedName, usize>,
) -> Vec<(SortKey, Change)> {
    let current_ranks = ranks(current_graph);
    let desired_ranks = ranks(desired_graph);
    let mut keyed: Vec<(SortKey, Change)> = changes
        .into_iter()
        .map(|c| {
            let p = phase(&c, current, desired);
            // Drops go in reverse order of the current graph: dependents first.
            let dropped = p <= 10 || matches!(c, Change::DropFunction(_));
            let rank = match (&c, ranked_name(&c)) {
                (Change::DropTable(t), _) => drop_ranks.get(t).copied().unwrap_or(0),
                (Change::CreateTable(t), _) => tables::creation_depth(desired, &t.name),
                (_, Some(n)) if dropped => usize::MAX - current_ranks.get(&n).copied().unwrap_or(0),
                (_, Some(n)) => desired_ranks.get(&n).copied().unwrap_or(0),
                (_, None) => 0,
            };
            ((order(&c, p), rank, objects(&c)), c)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
}

/// The dependency graphs the diff did not build (current after the renames, desired) and the
/// fingerprints of both sides, computed on three threads since they are independent.
fn missing_graphs_and_fingerprints(
    diff: &Diff<'_>,
    opts: &PlanOptions,
) -> (Option<(DepGraph, DepGraph)>, Fingerprints) {
    let (target, current, desired) = (diff.current, &*diff.renamed_current, diff.desired);
    std::thread::scope(|s| {
        let known = opts.target_fingerprint.clone();
        let target_printer = on_thread(s, || known.unwrap_or_else(|| fingerprint(target)));
        let desired_printer = on_thread(s, || DesiredState::of(desired));
        let built = diff.graphs.is_none().then(|| {
            let grapher = on_thread(s, || DepGraph::build(current));
            let desired_graph = DepGraph::build(desired);
            (joined(grapher, || DepGraph::build(current)), desired_graph)
        });
        let (current, objects) = joined(target_printer, || fingerprint(target));
        let state = joined(desired_printer, || DesiredState::of(desired));
        (
            built,
            Fingerprints {
                current,
                desired: state.digest,
                objects,
                desired_sql: state.sql,
                externals_sql: state.externals_sql,
            },
        )
    })
}

/// Refuses a plan whose changes hold what the tool cannot plan: unsupported changes, column
/// type changes without a cast.
fn refuse_unsupported(changes: &[Change]) -> Result<(), PlanError> {
    let mut unsupported: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Unsupported { object, reason } => Some(format!("{object}: {reason}")),
            _ => None,
        })
        .collect();
    unsupported.extend(casts::unconvertible(changes));
    if !unsupported.is_empty() {
        return Err(PlanError::Unsupported(unsupported));
    }
    Ok(())
}

/// The plan of `steps` (in order) for the changes `keyed`: concurrent steps' followers moved
/// after them, sequence ownership after the tables, the summary and fingerprints.
fn assemble(mut steps: Vec<Step>, keyed: &[(SortKey, Change)], prints: Fingerprints) -> Plan {
    defer_after_concurrent(&mut steps);
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
    for (_, c) in keyed {
        *summary.by_kind.entry(c.kind().to_owned()).or_default() += 1;
    }
    for s in &steps {
        for h in &s.hazards {
            *summary.hazards.entry(h.kind.name().to_owned()).or_default() += 1;
        }
    }
    let mut fingerprint = BTreeMap::new();
    fingerprint.insert("current".to_owned(), prints.current);
    fingerprint.insert("desired".to_owned(), prints.desired);
    Plan {
        steps,
        fingerprint,
        objects: prints.objects,
        desired_sql: prints.desired_sql,
        externals_sql: prints.externals_sql,
        summary,
    }
}

/// Runs `f` on a scoped thread with a deep stack (expression trees nest as deep as the SQL).
fn on_thread<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> Option<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .stack_size(crate::stack::DEEP_STACK)
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

impl Plan {
    /// Position of the first step whose SQL contains `needle` (tests' ordering assertions).
    #[cfg(test)]
    pub(crate) fn position_of(&self, needle: &str) -> usize {
        self.steps
            .iter()
            .position(|s| s.sql.contains(needle))
            .unwrap_or_else(|| panic!("no step with {needle}: {:#?}", self.steps))
    }

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
            "fingerprint": {
                "current": self.fingerprint.get("current"),
                "desired": self.fingerprint.get("desired"),
                "objects": self.objects,
            },
            "summary": {
                "steps": self.summary.steps,
                "changes": self.summary.by_kind,
                "hazards": self.summary.hazards,
            },
        })
    }
}
