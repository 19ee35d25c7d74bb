//! What can go wrong when a change is applied: the hazard model `schema-apply` enforces.
//!
//! [`hazards`] classifies one [`Change`] against the current catalog and its dependency graph.
//! Hazards are about the *change*; the planner adds what its own choices imply (for example
//! [`HazardKind::NonTransactional`] when it builds an index `CONCURRENTLY`, see
//! [`index_hazards`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::{Catalog, ConstraintKind, Expr, QualifiedName};
use crate::diff::{Change, DomainChange, ObjectRef};
use crate::graph::{DepGraph, NodeKind};

/// What can go wrong when a planned statement runs. `schema-apply` refuses any hazard that was
/// not allowed with `--allow-hazard <kind>`; the names are stable (CLI flags, plan JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HazardKind {
    /// Rows or column values are deleted for good (`DROP TABLE`, `DROP COLUMN`, `DROP
    /// SEQUENCE` loses its position). `schema-apply` refuses unless `data-loss` is allowed; it
    /// never takes a backup itself.
    DataLoss,
    /// The whole table is rewritten under ACCESS EXCLUSIVE (`ALTER COLUMN … TYPE` without a
    /// binary-coercible cast, a volatile default or stored generated column added, `SET
    /// LOGGED`). Time grows with table size; `schema-apply` refuses unless allowed and runs it
    /// under `statement_timeout`.
    TableRewrite,
    /// An ACCESS EXCLUSIVE lock is held for longer than a catalog update (it blocks reads and
    /// writes on the table). `schema-apply` takes it with `lock_timeout`, so a busy table makes
    /// the statement fail rather than queue every other session behind it.
    AccessExclusiveLock,
    /// An index is built while writes to the table are blocked (`CREATE INDEX` without
    /// `CONCURRENTLY`, `ADD PRIMARY KEY`/`UNIQUE`). Refused unless allowed; the planner
    /// prefers `CONCURRENTLY`, which trades this hazard for [`HazardKind::NonTransactional`].
    IndexBuild,
    /// Every row is read to check a constraint (`VALIDATE CONSTRAINT`, `SET NOT NULL` planned
    /// as `CHECK … NOT VALID` then `VALIDATE`). Writes continue (SHARE UPDATE EXCLUSIVE);
    /// if a row violates it, the statement fails and changes nothing.
    ValidationScan,
    /// Dependent objects (views, materialized views, triggers, indexes of a materialized view)
    /// must be dropped and created again around the change. The message lists them;
    /// `schema-apply` does it in one transaction; materialized views are repopulated.
    RebuildsDependents,
    /// Row-level security is weakened: RLS disabled or no longer forced, a policy dropped or
    /// its USING/WITH CHECK changed to something not provably narrower, a role added to a
    /// policy, a view losing `security_invoker`/`security_barrier`, a function becoming
    /// SECURITY DEFINER. Always refused unless `security-weakened` is allowed.
    SecurityWeakened,
    /// The statement cannot run inside a transaction (`CREATE|DROP INDEX CONCURRENTLY`):
    /// `schema-apply` runs it on its own after the transactional part; if it fails, an
    /// invalid index may remain, which the next apply drops and builds again.
    NonTransactional,
    /// A NOT NULL column without a default is added to a table that has (or may have) rows:
    /// the statement would certainly fail. `schema-apply` refuses until the user supplies the
    /// data step (add nullable, backfill, then set NOT NULL).
    NeedsBackfill,
}

impl HazardKind {
    /// Every kind, in a fixed order.
    pub const ALL: [HazardKind; 9] = [
        HazardKind::DataLoss,
        HazardKind::TableRewrite,
        HazardKind::AccessExclusiveLock,
        HazardKind::IndexBuild,
        HazardKind::ValidationScan,
        HazardKind::RebuildsDependents,
        HazardKind::SecurityWeakened,
        HazardKind::NonTransactional,
        HazardKind::NeedsBackfill,
    ];

    /// The stable name (`--allow-hazard`, plan JSON).
    pub fn name(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data-loss",
            HazardKind::TableRewrite => "table-rewrite",
            HazardKind::AccessExclusiveLock => "access-exclusive-lock",
            HazardKind::IndexBuild => "index-build",
            HazardKind::ValidationScan => "validation-scan",
            HazardKind::RebuildsDependents => "rebuilds-dependents",
            HazardKind::SecurityWeakened => "security-weakened",
            HazardKind::NonTransactional => "non-transactional",
            HazardKind::NeedsBackfill => "needs-backfill",
        }
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One hazard of one change, with a message saying exactly what happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hazard {
    /// Kind.
    pub kind: HazardKind,
    /// What happens (which lock on which table, which data is lost, what is rebuilt).
    pub message: String,
}

impl Hazard {
    fn new(kind: HazardKind, message: impl Into<String>) -> Self {
        Hazard {
            kind,
            message: message.into(),
        }
    }
}

/// What the target says about one table's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableRows {
    /// Whether the table has at least one row (exact: `EXISTS (SELECT 1 FROM t)`).
    pub any: bool,
    /// The planner's estimate (`pg_class.reltuples`), when the table was ever analysed.
    pub estimate: Option<u64>,
}

/// Rows of the target's tables, for the tables where they matter (those the plan adds a NOT
/// NULL column without a default to). A table missing from the map is not known.
/// Only [`HazardKind::NeedsBackfill`] depends on them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowCounts(pub BTreeMap<QualifiedName, TableRows>);

/// The `needs-backfill` hazard of adding NOT NULL column `column` without a default to
/// `table`, or `None` when the table is known to be empty. The message says what is known
/// about the rows and how to supply the data step.
pub fn needs_backfill(
    table: &QualifiedName,
    column: &str,
    rows: Option<&RowCounts>,
) -> Option<Hazard> {
    let known = rows.and_then(|r| r.0.get(table));
    let what = match known {
        Some(TableRows { any: false, .. }) => return None,
        Some(TableRows {
            any: true,
            estimate: Some(n),
        }) if *n > 0 => format!("{table} has rows (about {n}, by pg_class.reltuples)"),
        Some(TableRows { any: true, .. }) => format!("{table} has rows"),
        None => format!("{table} may have rows (not checked: no database, or the check failed)"),
    };
    let col = crate::catalog::names::display_ident(column);
    Some(Hazard::new(
        HazardKind::NeedsBackfill,
        format!(
            "{what}: adding NOT NULL column {col} without a default would fail. Supply a data step, a SQL file that fills {col} in every row: `--backfill {table}.{col}=FILE`, or `\"{table}.{col}\" = \"FILE\"` under `[plan.backfill]` in schema.toml; the plan then adds the column nullable, runs the file and enforces NOT NULL"
        ),
    ))
}

/// The hazards of running a data step (the file `source`) on `table` right after `ADD COLUMN
/// column` (nullable) in the same transaction: the ACCESS EXCLUSIVE lock `ADD COLUMN` took is
/// kept until commit, so the table is blocked while the data step runs.
pub fn data_step_hazards(table: &QualifiedName, column: &str, source: &str) -> Vec<Hazard> {
    let col = crate::catalog::names::display_ident(column);
    vec![Hazard::new(
        HazardKind::AccessExclusiveLock,
        format!(
            "ACCESS EXCLUSIVE lock on {table} (blocks reads and writes), taken by ADD COLUMN {col} and held until the transaction commits, while the data step {source} runs"
        ),
    )]
}

/// Whether `ALTER COLUMN … TYPE from → to` is binary coercible (no table rewrite). A small,
/// explicit table of the cases PostgreSQL documents; anything else is assumed to rewrite.
pub fn binary_coercible(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    let (fb, fm) = split_typmod(from);
    let (tb, tm) = split_typmod(to);
    let widened = |f: Option<&str>, t: Option<&str>| match (f, t) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(f), Some(t)) => match (f.parse::<u32>(), t.parse::<u32>()) {
            (Ok(f), Ok(t)) => t >= f,
            _ => false,
        },
    };
    match (fb.as_str(), tb.as_str()) {
        // Length limits only widen.
        ("character varying", "character varying") | ("bit varying", "bit varying") => {
            widened(fm, tm)
        }
        ("character varying", "text") | ("text", "character varying") => tm.is_none(),
        // numeric(p,s) → numeric(p2,s) with p2 ≥ p, or unconstrained numeric.
        ("numeric", "numeric") => match (fm, tm) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(f), Some(t)) => {
                let (fp, fs) = f.split_once(',').unwrap_or((f, "0"));
                let (tp, ts) = t.split_once(',').unwrap_or((t, "0"));
                fs.trim() == ts.trim() && widened(Some(fp.trim()), Some(tp.trim()))
            }
        },
        // Fractional-second precision only widens.
        (f, t)
            if f == t
                && matches!(
                    f,
                    "timestamp with time zone"
                        | "timestamp without time zone"
                        | "time with time zone"
                        | "time without time zone"
                        | "interval"
                ) =>
        {
            widened(fm, tm)
        }
        ("cidr", "inet") | ("xml", "text") => fm.is_none() && tm.is_none(),
        _ => false,
    }
}

/// `character varying(20)` → (`character varying`, `Some("20")`); `timestamp(3) with time
/// zone` → (`timestamp with time zone`, `Some("3")`).
fn split_typmod(ty: &str) -> (String, Option<&str>) {
    let Some((base, rest)) = ty.split_once('(') else {
        return (ty.to_owned(), None);
    };
    let (mods, tail) = rest.split_once(')').unwrap_or((rest, ""));
    (format!("{}{}", base.trim(), tail.trim_end()), Some(mods))
}

/// Functions whose use in a new column's default makes PostgreSQL rewrite the table (a
/// volatile default is evaluated per row; a stable or immutable one is stored once).
const VOLATILE_DEFAULTS: &[&str] = &[
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v4(",
    "uuidv4(",
    "uuidv7(",
    "random(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
];

fn is_volatile(e: &Expr) -> bool {
    let sql = e.sql();
    VOLATILE_DEFAULTS.iter().any(|f| sql.contains(f))
}

/// Objects that must be dropped and created again when `node`'s relation changes shape:
/// transitive dependents that are views, materialized views or their indexes and triggers,
/// printed in dependency order.
fn rebuilt_dependents(graph: &DepGraph, start: Option<petgraph::graph::NodeIndex>) -> Vec<String> {
    let Some(start) = start else {
        return Vec::new();
    };
    graph
        .transitive_dependents(start)
        .into_iter()
        .map(|(i, _)| graph.node(i))
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::View | NodeKind::MaterializedView | NodeKind::Trigger
            ) || (n.kind == NodeKind::Index
                && n.relation.as_ref().is_some_and(|r| {
                    graph
                        .relation(r)
                        .is_some_and(|ri| graph.node(ri).kind == NodeKind::MaterializedView)
                }))
        })
        .map(|n| format!("{} {}", n.kind.as_str(), n.name))
        .collect()
}

fn rebuilds(what: &str, deps: &[String]) -> Option<Hazard> {
    (!deps.is_empty()).then(|| {
        Hazard::new(
            HazardKind::RebuildsDependents,
            format!(
                "{what}: these dependents are dropped and created again: {}",
                deps.join(", ")
            ),
        )
    })
}

/// Whether `new` is provably at most as permissive as `old`: identical, or `old AND …`.
fn provably_narrower(old: Option<&Expr>, new: Option<&Expr>) -> bool {
    match (old, new) {
        (_, None) => old.is_none(),
        (None, Some(_)) => true,
        (Some(o), Some(n)) => {
            if o == n {
                return true;
            }
            let node = n.node();
            let Some(pg_query::NodeEnum::BoolExpr(b)) = node.node.as_ref() else {
                return false;
            };
            b.boolop == pg_query::protobuf::BoolExprType::AndExpr as i32
                && b.args
                    .iter()
                    .any(|a| crate::parse::deparse_expr(a).as_deref() == Some(o.sql()))
        }
    }
}

/// The hazards of one change, given the current catalog and its dependency graph. `rows`
/// decides [`HazardKind::NeedsBackfill`]: without row counts a NOT NULL column without a
/// default is assumed to meet rows (the table exists, so it may have some).
pub fn hazards(
    change: &Change,
    current: &Catalog,
    graph: &DepGraph,
    rows: Option<&RowCounts>,
) -> Vec<Hazard> {
    use HazardKind as H;
    let mut out = Vec::new();
    let lock = |table: &QualifiedName, why: &str| {
        Hazard::new(
            H::AccessExclusiveLock,
            format!("ACCESS EXCLUSIVE lock on {table} (blocks reads and writes) {why}"),
        )
    };
    match change {
        Change::DropTable(t) => out.push(Hazard::new(
            H::DataLoss,
            super::partition::loss_message(current, t, None),
        )),
        Change::AttachPartition {
            parent,
            child,
            bound,
        } => out.extend(super::partition::attach_hazards(
            current, parent, child, bound,
        )),
        Change::DetachPartition { parent, child } => {
            out.extend(super::partition::detach_hazards(parent, child));
        }
        Change::AddEnumValue { name, value, .. } => {
            out.push(Hazard::new(
                H::NonTransactional,
                format!(
                    "label '{value}' is added to {name} before the transaction (a label added inside it could not be used by it); it stays if the transaction fails"
                ),
            ));
        }
        Change::DropColumn { table, column } => {
            out.push(Hazard::new(
                H::DataLoss,
                format!("the values of column {table}.{column} are deleted"),
            ));
            let deps = rebuilt_dependents(graph, graph.column(table, column));
            out.extend(rebuilds(&format!("dropping {table}.{column}"), &deps));
        }
        Change::DropSequence(s) => out.push(Hazard::new(
            H::DataLoss,
            format!("the current value of sequence {s} is lost"),
        )),
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            ..
        } => {
            if binary_coercible(from, to) {
                out.push(lock(
                    table,
                    &format!("briefly, to change {column} from {from} to {to} (binary coercible: no rewrite)"),
                ));
            } else {
                out.push(Hazard::new(
                    H::TableRewrite,
                    format!("table {table} is rewritten to convert {column} from {from} to {to}, and its indexes are rebuilt"),
                ));
                out.push(lock(table, "for the whole rewrite"));
            }
            let deps = rebuilt_dependents(graph, graph.column(table, column));
            out.extend(rebuilds(
                &format!("PostgreSQL cannot change the type of {table}.{column} while views use it"),
                &deps,
            ));
        }
        Change::SetNotNull {
            table,
            column,
            not_null: true,
        } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every row of {table} is scanned for NULLs in {column} (CHECK … NOT VALID, VALIDATE, SET NOT NULL, drop the CHECK); these run in the apply transaction, which keeps the ACCESS EXCLUSIVE lock of ADD CONSTRAINT until it commits, so reads and writes of {table} wait for the scan; fails cleanly, changing nothing, if NULLs remain"),
        )),
        Change::AddColumn { table, column } => {
            let existing = current.tables.contains_key(table);
            if existing && super::backfill::needs_value(column) {
                out.extend(needs_backfill(table, &column.name, rows));
            }
            let rewrite = column.default.as_ref().is_some_and(is_volatile)
                || column.generated.is_some()
                || column.identity.is_some();
            if existing && rewrite {
                out.push(Hazard::new(
                    H::TableRewrite,
                    format!("table {table} is rewritten to fill the new column {} (volatile default, identity or stored generated value)", column.name),
                ));
                out.push(lock(table, "for the whole rewrite"));
            }
        }
        Change::SetGenerated {
            table,
            column,
            expr: Some(_),
        } => {
            out.push(Hazard::new(
                H::TableRewrite,
                format!("table {table} is rewritten to recompute {column}"),
            ));
            out.push(lock(table, "for the whole rewrite"));
        }
        Change::SetLogged { table, logged } => {
            let what = if *logged { "LOGGED" } else { "UNLOGGED" };
            out.push(Hazard::new(
                H::TableRewrite,
                format!("table {table} is rewritten to become {what}"),
            ));
            out.push(lock(table, "for the whole rewrite"));
        }
        Change::AddConstraint { table, constraint } => {
            let existing = current.tables.contains_key(table);
            match &constraint.kind {
                ConstraintKind::PrimaryKey { .. }
                | ConstraintKind::Unique { .. }
                | ConstraintKind::Exclude { .. }
                    if existing =>
                {
                    out.push(Hazard::new(
                        H::IndexBuild,
                        format!("the index of constraint {} is built on {table} while writes are blocked", constraint.name),
                    ));
                    out.push(lock(table, "while the index is built"));
                }
                ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. }
                    if existing && !constraint.not_valid =>
                {
                    out.push(Hazard::new(
                        H::ValidationScan,
                        format!("every row of {table} is checked against {} while the table is locked", constraint.name),
                    ));
                }
                _ => {}
            }
        }
        Change::ValidateConstraint { table, name } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every row of {table} is checked against {name} (SHARE UPDATE EXCLUSIVE: writes continue, unless the same transaction already locked {table} more strongly, as when this plan also added the constraint); fails, changing nothing, if a row violates it"),
        )),
        Change::CreateIndex(i) => {
            if current.tables.contains_key(&i.table)
                || current.materialized_views.contains_key(&i.table)
            {
                out.extend(index_hazards(&i.name, &i.table, false, "built"));
            }
        }
        Change::DropIndex(i) => out.push(lock(&i.table, &format!("briefly, to drop index {}", i.name))),
        Change::ReplaceIndex { from, to } => {
            out.extend(index_hazards(&to.name, &to.table, false, "built (new definition)"));
            out.push(lock(&from.table, &format!("briefly, to drop the old index {}", from.name)));
        }
        Change::ReplaceView { view, recreate } => {
            if *recreate {
                let deps = rebuilt_dependents(graph, graph.relation(&view.name));
                out.extend(rebuilds(
                    &format!("view {} changes its output columns and is dropped and created", view.name),
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
                &format!("materialized view {} is dropped, created and repopulated", view.name),
                &deps,
            ));
        }
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
                    H::SecurityWeakened,
                    format!("function {} becomes SECURITY DEFINER: it runs with its owner's privileges and bypasses the caller's RLS", f.identity()),
                ));
            }
        }
        Change::SetRowSecurity {
            table,
            enabled: false,
        } => out.push(Hazard::new(
            H::SecurityWeakened,
            format!("row level security is disabled on {table}: its policies stop applying and every row is visible to anyone with table privileges"),
        )),
        Change::ForceRowSecurity {
            table,
            forced: false,
        } => out.push(Hazard::new(
            H::SecurityWeakened,
            format!("row level security is no longer forced on {table}: the table owner bypasses its policies"),
        )),
        Change::DropPolicy { table, name } => {
            let was = current
                .policies
                .get(&(table.clone(), name.clone()))
                .and_then(|p| p.using.as_ref())
                .map(|u| format!(" (it allowed rows where {u})"))
                .unwrap_or_default();
            out.push(Hazard::new(
                H::SecurityWeakened,
                format!("policy {name} on {table} is dropped{was}"),
            ));
        }
        Change::AlterPolicy {
            table,
            name,
            roles,
            using,
            with_check,
        } => {
            let old = current.policies.get(&(table.clone(), name.clone()));
            if let (Some(old), Some(roles)) = (old, roles) {
                out.extend(role_widening(table, name, &old.roles, roles));
            }
            if let Some(u) = using
                && !provably_narrower(old.and_then(|o| o.using.as_ref()), Some(u))
            {
                out.push(Hazard::new(
                    H::SecurityWeakened,
                    format!("USING of policy {name} on {table} changes to ({u}), which is not provably narrower"),
                ));
            }
            if let Some(c) = with_check
                && !provably_narrower(old.and_then(|o| o.with_check.as_ref()), Some(c))
            {
                out.push(Hazard::new(
                    H::SecurityWeakened,
                    format!("WITH CHECK of policy {name} on {table} changes to ({c}), which is not provably narrower"),
                ));
            }
        }
        Change::ReplacePolicy { from, to } => {
            let (table, name) = (&to.table, &to.name);
            let mut reasons = Vec::new();
            if from.command != to.command && from.command != "ALL" {
                reasons.push(format!("command {} → {}", from.command, to.command));
            }
            if !from.permissive && to.permissive {
                reasons.push("restrictive → permissive".to_owned());
            }
            if !provably_narrower(from.using.as_ref(), to.using.as_ref()) {
                reasons.push("USING not provably narrower".to_owned());
            }
            if !provably_narrower(from.with_check.as_ref(), to.with_check.as_ref()) {
                reasons.push("WITH CHECK not provably narrower".to_owned());
            }
            out.extend(role_widening(table, name, &from.roles, &to.roles));
            if !reasons.is_empty() {
                out.push(Hazard::new(
                    H::SecurityWeakened,
                    format!("policy {name} on {table} is dropped and created wider: {}", reasons.join("; ")),
                ));
            }
        }
        Change::SetViewOptions {
            name, set, reset, ..
        } => {
            for opt in ["security_invoker", "security_barrier"] {
                let off = reset.iter().any(|r| r == opt)
                    || set.get(opt).is_some_and(|v| is_off(v));
                if off {
                    out.push(view_option_lost(name, opt));
                }
            }
        }
        Change::AlterDomain {
            name,
            change: DomainChange::AddCheck(check, _),
        } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every column of domain {name} is scanned to check {check}"),
        )),
        Change::AlterDomain {
            name,
            change: DomainChange::SetNotNull(true),
        } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every column of domain {name} is scanned for NULLs"),
        )),
        Change::CreateSchema(_)
        | Change::DropSchema(_)
        | Change::CreateExtension { .. }
        | Change::DropExtension(_)
        | Change::AlterExtension { .. }
        | Change::Rename { .. }
        | Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::CreateTable(_)
        | Change::SetDefault { .. }
        | Change::SetNotNull { .. }
        | Change::SetIdentity { .. }
        | Change::SetGenerated { .. }
        | Change::SetTableOptions { .. }
        | Change::SetRowSecurity { .. }
        | Change::ForceRowSecurity { .. }
        | Change::DropConstraint { .. }
        | Change::CreateView(_)
        | Change::DropView { .. }
        | Change::CreateFunction(_)
        | Change::CreateTrigger(_)
        | Change::DropTrigger { .. }
        | Change::CreatePolicy(_)
        | Change::CreateSequence(_)
        | Change::AlterSequence { .. }
        | Change::CreateType(_)
        | Change::DropType(_)
        | Change::RenameEnumValue { .. }
        | Change::AlterDomain { .. }
        | Change::AlterCompositeType { .. }
        | Change::Comment { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. }
        | Change::SetOwner { .. }
        | Change::Unsupported { .. } => {}
    }
    out
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

fn role_widening(
    table: &QualifiedName,
    name: &str,
    old: &[String],
    new: &[String],
) -> Option<Hazard> {
    let old_public = old.is_empty() || old.iter().any(|r| r.eq_ignore_ascii_case("public"));
    let added: Vec<&str> = new
        .iter()
        .filter(|r| !old.contains(r))
        .map(String::as_str)
        .collect();
    (!old_public && !added.is_empty()).then(|| {
        Hazard::new(
            HazardKind::SecurityWeakened,
            format!(
                "policy {name} on {table} now also applies to {}",
                added.join(", ")
            ),
        )
    })
}

/// Hazards of building an index, depending on how the planner builds it: a plain build blocks
/// writes ([`HazardKind::IndexBuild`]); `CONCURRENTLY` does not, but cannot run in a
/// transaction ([`HazardKind::NonTransactional`]).
pub fn index_hazards(
    index: &QualifiedName,
    table: &QualifiedName,
    concurrently: bool,
    what: &str,
) -> Vec<Hazard> {
    if concurrently {
        vec![Hazard::new(
            HazardKind::NonTransactional,
            format!(
                "index {index} on {table} is {what} CONCURRENTLY, outside the transaction; a failure leaves an invalid index that the next apply rebuilds"
            ),
        )]
    } else {
        vec![Hazard::new(
            HazardKind::IndexBuild,
            format!(
                "index {index} on {table} is {what} under a SHARE lock: writes to {table} are blocked until it finishes"
            ),
        )]
    }
}
