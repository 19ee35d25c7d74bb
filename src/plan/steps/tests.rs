//! Every [`Change`] variant reaches a family that handles it: one sample of each variant goes
//! through every operation the family files offer (SQL, hazards, reason, phase, order, kind,
//! object, description), and none may give the neutral value of `shared::foreign` (kind
//! `unsupported`, an empty object, description or reason, phase 32, no SQL) unless it is
//! meant to. The `debug_assert` in `foreign` alone would not do: it fires only when a file
//! passes another family's tag, not when `Change::family` sends a variant to a file that
//! lacks it, nor when a file forgets one of its own variants. [`variant_name`] names every
//! variant without a wildcard, so a new variant does not compile until it is named there,
//! and `every_variant_has_a_sample` then fails until [`samples`] builds one.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::catalog::{Catalog, ConstraintKind, Grant, Identity, QualifiedName, TypeKind};
use crate::diff::{AttributeChange, Change, DomainChange, EnumPosition, ObjectRef, RenameKind};
use crate::graph::DepGraph;
use crate::loaded::Project;
use crate::plan::explain::Explainer;

/// A catalog with one object of each kind the samples refer to; it serves as both the current
/// and the desired state.
const WORLD: &str = "
create schema s;
create extension pgcrypto;
create table t (
    id int primary key,
    a int default 1 check (a > 0),
    b text,
    g int generated always as (a * 2) stored,
    n int generated always as identity
);
create table c (id int primary key, t_id int references t (id));
create table p (id int, k int) partition by range (k);
create table p1 partition of p for values from (0) to (10);
create index t_a on t (a);
create view v as select id, a from t;
create materialized view m as select id from t;
create function f(x int) returns int language sql as 'select x';
create procedure pr() language sql as 'select 1';
create function tf() returns trigger language plpgsql as 'begin return new; end';
create trigger tr before insert on t for each row execute function tf();
alter table t enable row level security;
create policy pol on t using (a > 0);
create sequence sq;
create type e as enum ('x', 'y');
create domain d as int check (value > 0);
create type ct as (a int, b text);
";

/// Variants whose sample emits no SQL, with the reason.
const NO_SQL: &[(&str, &str)] = &[(
    "Unsupported",
    "the planner refuses a diff with an unsupported change, so it has no SQL",
)];

/// The name of `change`'s variant. No wildcard: a new variant must be named here.
fn variant_name(change: &Change) -> &'static str {
    match change {
        Change::CreateSchema(_) => "CreateSchema",
        Change::DropSchema(_) => "DropSchema",
        Change::CreateExtension { .. } => "CreateExtension",
        Change::DropExtension(_) => "DropExtension",
        Change::AlterExtension { .. } => "AlterExtension",
        Change::Rename { .. } => "Rename",
        Change::RenameColumn { .. } => "RenameColumn",
        Change::RenameConstraint { .. } => "RenameConstraint",
        Change::CreateTable(_) => "CreateTable",
        Change::DropTable(_) => "DropTable",
        Change::AttachPartition { .. } => "AttachPartition",
        Change::DetachPartition { .. } => "DetachPartition",
        Change::AddColumn { .. } => "AddColumn",
        Change::DropColumn { .. } => "DropColumn",
        Change::AlterColumnType { .. } => "AlterColumnType",
        Change::SetDefault { .. } => "SetDefault",
        Change::SetNotNull { .. } => "SetNotNull",
        Change::SetIdentity { .. } => "SetIdentity",
        Change::SetGenerated { .. } => "SetGenerated",
        Change::SetLogged { .. } => "SetLogged",
        Change::SetTableOptions { .. } => "SetTableOptions",
        Change::SetRowSecurity { .. } => "SetRowSecurity",
        Change::ForceRowSecurity { .. } => "ForceRowSecurity",
        Change::AddConstraint { .. } => "AddConstraint",
        Change::DropConstraint { .. } => "DropConstraint",
        Change::RenameIndex { .. } => "RenameIndex",
        Change::ValidateConstraint { .. } => "ValidateConstraint",
        Change::CreateIndex(_) => "CreateIndex",
        Change::DropIndex(_) => "DropIndex",
        Change::ReplaceIndex { .. } => "ReplaceIndex",
        Change::CreateView(_) => "CreateView",
        Change::DropView { .. } => "DropView",
        Change::ReplaceView { .. } => "ReplaceView",
        Change::ReplaceMaterializedView(_) => "ReplaceMaterializedView",
        Change::SetViewOptions { .. } => "SetViewOptions",
        Change::CreateFunction(_) => "CreateFunction",
        Change::DropFunction(_) => "DropFunction",
        Change::ReplaceFunction(_) => "ReplaceFunction",
        Change::CreateTrigger(_) => "CreateTrigger",
        Change::DropTrigger { .. } => "DropTrigger",
        Change::CreatePolicy(_) => "CreatePolicy",
        Change::DropPolicy { .. } => "DropPolicy",
        Change::AlterPolicy { .. } => "AlterPolicy",
        Change::ReplacePolicy { .. } => "ReplacePolicy",
        Change::CreateSequence(_) => "CreateSequence",
        Change::DropSequence(_) => "DropSequence",
        Change::AlterSequence { .. } => "AlterSequence",
        Change::CreateType(_) => "CreateType",
        Change::DropType(_) => "DropType",
        Change::AddEnumValue { .. } => "AddEnumValue",
        Change::RenameEnumValue { .. } => "RenameEnumValue",
        Change::AlterDomain { .. } => "AlterDomain",
        Change::AlterCompositeType { .. } => "AlterCompositeType",
        Change::Comment { .. } => "Comment",
        Change::Grant { .. } => "Grant",
        Change::Revoke { .. } => "Revoke",
        Change::SetOwner { .. } => "SetOwner",
        Change::Unsupported { .. } => "Unsupported",
    }
}

/// Every variant's name, in the enum's order.
const ALL_VARIANTS: &[&str] = &[
    "CreateSchema",
    "DropSchema",
    "CreateExtension",
    "DropExtension",
    "AlterExtension",
    "Rename",
    "RenameColumn",
    "RenameConstraint",
    "CreateTable",
    "DropTable",
    "AttachPartition",
    "DetachPartition",
    "AddColumn",
    "DropColumn",
    "AlterColumnType",
    "SetDefault",
    "SetNotNull",
    "SetIdentity",
    "SetGenerated",
    "SetLogged",
    "SetTableOptions",
    "SetRowSecurity",
    "ForceRowSecurity",
    "AddConstraint",
    "DropConstraint",
    "RenameIndex",
    "ValidateConstraint",
    "CreateIndex",
    "DropIndex",
    "ReplaceIndex",
    "CreateView",
    "DropView",
    "ReplaceView",
    "ReplaceMaterializedView",
    "SetViewOptions",
    "CreateFunction",
    "DropFunction",
    "ReplaceFunction",
    "CreateTrigger",
    "DropTrigger",
    "CreatePolicy",
    "DropPolicy",
    "AlterPolicy",
    "ReplacePolicy",
    "CreateSequence",
    "DropSequence",
    "AlterSequence",
    "CreateType",
    "DropType",
    "AddEnumValue",
    "RenameEnumValue",
    "AlterDomain",
    "AlterCompositeType",
    "Comment",
    "Grant",
    "Revoke",
    "SetOwner",
    "Unsupported",
];

fn qn(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

/// The catalog built from [`WORLD`], checked to load cleanly.
fn world() -> Catalog {
    let project = Project::from_sql(WORLD, &[]);
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    project.catalog
}

/// At least one change of every variant (a few variants several times, for their sub-kinds),
/// each meant to do something on `world`.
fn samples(world: &Catalog) -> Vec<Change> {
    let t = world.tables[&qn("t")].clone();
    let c = world.tables[&qn("c")].clone();
    let column = |name: &str| t.column(name).cloned().expect("column of t");
    let check = t
        .constraints
        .values()
        .find(|k| matches!(k.kind, ConstraintKind::Check { .. }));
    let fk = c
        .constraints
        .values()
        .find(|k| matches!(k.kind, ConstraintKind::ForeignKey { .. }));
    let index = world.indexes[&qn("t_a")].clone();
    let mut wider = index.clone();
    wider.include = vec!["b".to_owned()];
    let view = world.views[&qn("v")].clone();
    let matview = world.materialized_views[&qn("m")].clone();
    let function = world
        .functions
        .values()
        .find(|f| f.name == qn("f"))
        .cloned();
    let function = function.expect("function f");
    let procedure = world.functions.values().find(|f| f.is_procedure).cloned();
    let trigger = world.triggers.values().next().cloned().expect("trigger");
    let policy = world.policies.values().next().cloned().expect("policy");
    let mut restrictive = policy.clone();
    restrictive.permissive = false;
    let sequence = world.sequences[&qn("sq")].clone();
    let mut bigger = sequence.clone();
    bigger.increment = 2;
    let enum_type = world.types[&qn("e")].clone();
    let default = column("a").default.expect("default of t.a");
    let generated = column("g").generated.expect("generated t.g");
    let using = policy.using.clone().expect("using of pol");
    let options = BTreeMap::from([("fillfactor".to_owned(), "70".to_owned())]);
    let grant = Grant {
        grantee: "app".to_owned(),
        privilege: "SELECT".to_owned(),
        column: None,
        with_grant_option: false,
    };
    let identity = Identity {
        always: false,
        options: Vec::new(),
    };
    let mut new_column = column("b");
    new_column.name = "z".to_owned();
    let check = Box::new(check.cloned().expect("check on t"));
    let mut not_valid_fk = fk.cloned().expect("foreign key on c");
    not_valid_fk.not_valid = true;
    assert!(matches!(enum_type.kind, TypeKind::Enum { .. }));
    let table = |name: &str| ObjectRef::Table(qn(name));
    let mut out = vec![
        Change::CreateSchema("s2".to_owned()),
        Change::DropSchema("s".to_owned()),
        Change::CreateExtension {
            name: "citext".to_owned(),
            schema: Some("s".to_owned()),
            version: Some("1.6".to_owned()),
        },
        Change::DropExtension("pgcrypto".to_owned()),
        Change::AlterExtension {
            name: "pgcrypto".to_owned(),
            version: Some("1.4".to_owned()),
            schema: None,
        },
        Change::RenameColumn {
            table: qn("t"),
            from: "b".to_owned(),
            to: "bb".to_owned(),
        },
        Change::RenameConstraint {
            table: qn("t"),
            from: check.name.clone(),
            to: "t_a_positive".to_owned(),
        },
        Change::CreateTable(Box::new(t.clone())),
        Change::DropTable(qn("c")),
        Change::AttachPartition {
            parent: qn("p"),
            child: qn("c"),
            bound: "FOR VALUES FROM (10) TO (20)".to_owned(),
        },
        Change::DetachPartition {
            parent: qn("p"),
            child: qn("p1"),
        },
        Change::AddColumn {
            table: qn("t"),
            column: Box::new(new_column),
        },
        Change::DropColumn {
            table: qn("t"),
            column: "b".to_owned(),
        },
        Change::AlterColumnType {
            table: qn("t"),
            column: "a".to_owned(),
            from: "integer".to_owned(),
            to: "bigint".to_owned(),
            collation: None,
        },
        Change::SetDefault {
            table: qn("t"),
            column: "b".to_owned(),
            default: Some(default),
        },
        Change::SetDefault {
            table: qn("t"),
            column: "a".to_owned(),
            default: None,
        },
        Change::SetNotNull {
            table: qn("t"),
            column: "b".to_owned(),
            not_null: true,
        },
        Change::SetIdentity {
            table: qn("t"),
            column: "id".to_owned(),
            from: None,
            to: Some(identity.clone()),
        },
        Change::SetIdentity {
            table: qn("t"),
            column: "n".to_owned(),
            from: Some(identity),
            to: None,
        },
        Change::SetGenerated {
            table: qn("t"),
            column: "g".to_owned(),
            expr: Some(generated),
        },
        Change::SetGenerated {
            table: qn("t"),
            column: "g".to_owned(),
            expr: None,
        },
        Change::SetLogged {
            table: qn("t"),
            logged: false,
        },
        Change::SetTableOptions {
            table: qn("t"),
            set: options.clone(),
            reset: vec!["autovacuum_enabled".to_owned()],
        },
        Change::SetRowSecurity {
            table: qn("c"),
            enabled: true,
        },
        Change::ForceRowSecurity {
            table: qn("t"),
            forced: true,
        },
        Change::AddConstraint {
            table: qn("c"),
            constraint: Box::new(not_valid_fk),
        },
        Change::AddConstraint {
            table: qn("t"),
            constraint: check.clone(),
        },
        Change::DropConstraint {
            table: qn("t"),
            name: check.name.clone(),
        },
        Change::RenameIndex {
            from: qn("t_a"),
            to: qn("t_a_idx"),
        },
        Change::ValidateConstraint {
            table: qn("t"),
            name: check.name.clone(),
        },
        Change::CreateIndex(Box::new(index.clone())),
        Change::DropIndex(Box::new(index.clone())),
        Change::ReplaceIndex {
            from: Box::new(index),
            to: Box::new(wider),
        },
        Change::CreateView(Box::new(view.clone())),
        Change::CreateView(Box::new(matview.clone())),
        Change::DropView {
            name: qn("v"),
            materialized: false,
        },
        Change::DropView {
            name: qn("m"),
            materialized: true,
        },
        Change::ReplaceView {
            view: Box::new(view.clone()),
            recreate: false,
        },
        Change::ReplaceView {
            view: Box::new(view),
            recreate: true,
        },
        Change::ReplaceMaterializedView(Box::new(matview)),
        Change::SetViewOptions {
            name: qn("v"),
            materialized: false,
            set: BTreeMap::from([("security_barrier".to_owned(), "true".to_owned())]),
            reset: Vec::new(),
        },
        Change::SetViewOptions {
            name: qn("m"),
            materialized: true,
            set: options,
            reset: Vec::new(),
        },
        Change::CreateFunction(Box::new(function.clone())),
        Change::DropFunction(ObjectRef::function(&function)),
        Change::ReplaceFunction(Box::new(function.clone())),
        Change::CreateTrigger(Box::new(trigger.clone())),
        Change::DropTrigger {
            table: trigger.table.clone(),
            name: trigger.name.clone(),
        },
        Change::CreatePolicy(Box::new(policy.clone())),
        Change::DropPolicy {
            table: policy.table.clone(),
            name: policy.name.clone(),
        },
        Change::AlterPolicy {
            table: policy.table.clone(),
            name: policy.name.clone(),
            roles: Some(vec!["app".to_owned()]),
            using: Some(using),
            with_check: None,
        },
        Change::ReplacePolicy {
            from: Box::new(policy),
            to: Box::new(restrictive),
        },
        Change::CreateSequence(Box::new(sequence.clone())),
        Change::DropSequence(qn("sq")),
        Change::AlterSequence {
            from: Box::new(sequence),
            to: Box::new(bigger),
        },
        Change::CreateType(Box::new(enum_type)),
        Change::DropType(qn("ct")),
        Change::AddEnumValue {
            name: qn("e"),
            value: "z".to_owned(),
            position: EnumPosition::After("x".to_owned()),
        },
        Change::RenameEnumValue {
            name: qn("e"),
            from: "y".to_owned(),
            to: "yy".to_owned(),
        },
        Change::Comment {
            target: table("t"),
            comment: Some("the t".to_owned()),
        },
        Change::Grant {
            target: table("t"),
            grant: grant.clone(),
        },
        Change::Revoke {
            target: ObjectRef::Sequence(qn("sq")),
            grant,
        },
        Change::SetOwner {
            target: ObjectRef::function(&function),
            owner: "app".to_owned(),
        },
        Change::Unsupported {
            object: ObjectRef::Type(qn("e")),
            reason: "an enum label is removed".to_owned(),
        },
    ];
    if let Some(procedure) = procedure {
        out.push(Change::DropFunction(ObjectRef::function(&procedure)));
    }
    for (kind, from, to) in [
        (RenameKind::Table, "t", "t2"),
        (RenameKind::View, "v", "v2"),
        (RenameKind::MaterializedView, "m", "m2"),
        (RenameKind::Index, "t_a", "t_a2"),
    ] {
        out.push(Change::Rename {
            kind,
            from: qn(from),
            to: qn(to),
        });
    }
    for change in [
        DomainChange::SetDefault(Some(check_expr(world))),
        DomainChange::SetDefault(None),
        DomainChange::SetNotNull(true),
        DomainChange::AddCheck("d_small".to_owned(), check_expr(world)),
        DomainChange::DropCheck("d_check".to_owned()),
    ] {
        out.push(Change::AlterDomain {
            name: qn("d"),
            change,
        });
    }
    for change in [
        AttributeChange::Add("c".to_owned(), "date".to_owned()),
        AttributeChange::Drop("b".to_owned()),
        AttributeChange::AlterType("a".to_owned(), "bigint".to_owned()),
    ] {
        out.push(Change::AlterCompositeType {
            name: qn("ct"),
            change,
        });
    }
    out
}

/// An expression of `world` (`a > 0`, the policy's `USING`) for the domain samples.
fn check_expr(world: &Catalog) -> crate::catalog::Expr {
    let policy = world.policies.values().next().expect("policy");
    policy.using.clone().expect("using of pol")
}

#[test]
fn every_variant_has_a_sample() {
    let world = world();
    let sampled: BTreeSet<&str> = samples(&world).iter().map(variant_name).collect();
    let all: BTreeSet<&str> = ALL_VARIANTS.iter().copied().collect();
    assert_eq!(all.len(), ALL_VARIANTS.len(), "a name is listed twice");
    let missing: Vec<&&str> = all.difference(&sampled).collect();
    let unknown: Vec<&&str> = sampled.difference(&all).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "no sample for {missing:?}; not in ALL_VARIANTS: {unknown:?}"
    );
    for (name, _reason) in NO_SQL {
        assert!(all.contains(name), "NO_SQL names an unknown variant {name}");
    }
}

/// What is wrong with `change` when each operation of its family runs on it (a panic, such
/// as `shared::foreign`'s `debug_assert`, is caught and reported).
fn problems(change: &Change, world: &Catalog, graph: &DepGraph) -> Vec<String> {
    let name = variant_name(change);
    let rebuild = BTreeMap::new();
    let run = catch_unwind(AssertUnwindSafe(|| {
        let mut found = Vec::new();
        let kind = change.kind();
        let object = change.object();
        let line = change.to_string();
        let phase = super::phase(change, world, world);
        let _ = super::order(change, phase);
        let _ = super::hazards(change, world, graph, None);
        let explainer = Explainer::new(world, world, graph, graph, &rebuild, [change]);
        let why = explainer.why(change, phase, false);
        let mut statements = super::sql(change, world, world, false);
        statements.extend(super::sql(change, world, world, true));
        if kind.is_empty() || kind == "unsupported" && name != "Unsupported" {
            found.push(format!("kind {kind:?}"));
        }
        if phase == 32 && name != "Unsupported" {
            found.push("phase 32, the neutral phase".to_owned());
        }
        if object == ObjectRef::Schema(String::new()) {
            found.push(format!("object {object:?}"));
        }
        if line.trim().is_empty() {
            found.push("empty description".to_owned());
        }
        if why.starts_with(" [phase") {
            found.push(format!("empty reason: {why}"));
        }
        let silent = NO_SQL.iter().any(|(n, _)| *n == name);
        let empty = statements.is_empty() || statements.iter().any(|s| s.sql.trim().is_empty());
        if empty != silent {
            found.push(format!("SQL {statements:?} (expected none: {silent})"));
        }
        found
    }));
    let found = run.unwrap_or_else(|_| vec!["panicked (see the message above)".to_owned()]);
    found
        .into_iter()
        .map(|p| format!("{name} ({change:?}): {p}"))
        .collect()
}

#[test]
fn every_variant_reaches_a_family_that_plans_it() {
    let world = world();
    let graph = DepGraph::build(&world);
    let bad: Vec<String> = samples(&world)
        .iter()
        .flat_map(|change| problems(change, &world, &graph))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
