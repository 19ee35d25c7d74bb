//! Differences between two catalogs, as a list of precise changes.
//!
//! [`diff`] compares the current state (a live database or another desired state) with the
//! desired state object by object and attribute by attribute. It decides *what* changes; the
//! planner decides *in which order* and *how* (transactions, `CONCURRENTLY`, NOT VALID then
//! VALIDATE). The output is deterministic: kinds in a fixed order, objects in name order.
//! It is one [`Diff`] value, computed once and taken whole by the planner: the changes, the
//! current catalog after the rename hints (`renames.rs`), the partitioning decisions
//! ([`partition`]) and the dependency graphs when the comparison built them.
//!
//! **Invariants** the planner relies on:
//! - external tables (declared on the desired side) never appear in a change, and a table of
//!   the current catalog with an external's name is never dropped;
//! - column order never causes a change;
//! - an object matched by `--ignore`, or outside the managed schemas, is never touched;
//! - children of a dropped table (indexes, policies, triggers, constraints) are not dropped
//!   one by one: `DROP TABLE` takes them along;
//! - whatever PostgreSQL cannot do in place and this module does not plan is an
//!   [`Change::Unsupported`], which the planner reports as an error.

mod compare;
pub(crate) use compare::identity_changes;
mod display;
mod enums;
pub mod partition;
mod references;
mod renames;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::catalog::{
    Catalog, Column, Constraint, Expr, Function, Grant, Identity, Index, Policy, QualifiedName,
    Sequence, Table, Trigger, TypeDef, View,
};
use crate::graph::DepGraph;
use partition::Partitioning;

/// What to compare.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    ignore: GlobSet,
    managed_schemas: Vec<String>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            ignore: GlobSet::empty(),
            managed_schemas: Vec::new(),
        }
    }
}

impl DiffOptions {
    /// Options from `--ignore` patterns (globs on the bare or schema-qualified name) and the
    /// managed schemas (empty: every schema is managed).
    pub fn new(ignore: &[String], managed_schemas: &[String]) -> Result<Self, globset::Error> {
        let mut set = GlobSetBuilder::new();
        for pattern in ignore {
            set.add(Glob::new(pattern)?);
        }
        Ok(DiffOptions {
            ignore: set.build()?,
            managed_schemas: managed_schemas.to_vec(),
        })
    }

    /// Whether a schema is managed by the project.
    pub fn manages_schema(&self, schema: &str) -> bool {
        self.managed_schemas.is_empty() || self.managed_schemas.iter().any(|s| s == schema)
    }

    /// Whether an object (by its qualified name) is left untouched.
    pub fn ignores(&self, name: &QualifiedName) -> bool {
        !self.manages_schema(&name.schema)
            || self.ignore.is_match(&name.name)
            || self
                .ignore
                .is_match(format!("{}.{}", name.schema, name.name))
    }

    /// Whether an object named without a schema (schema, extension) is left untouched.
    pub fn ignores_bare(&self, name: &str) -> bool {
        self.ignore.is_match(name)
    }
}

/// The object a change is about, for messages, plan JSON and `COMMENT`/`GRANT` targets.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectRef {
    /// A schema.
    Schema(String),
    /// An extension.
    Extension(String),
    /// A table.
    Table(QualifiedName),
    /// A column of a table.
    Column(QualifiedName, String),
    /// A table constraint.
    Constraint(QualifiedName, String),
    /// A view.
    View(QualifiedName),
    /// A materialized view.
    MaterializedView(QualifiedName),
    /// An index.
    Index(QualifiedName),
    /// A function or procedure, with its input argument types (`integer, text`).
    Function {
        /// Name.
        name: QualifiedName,
        /// Input argument types, comma separated.
        args: String,
        /// Procedure rather than function.
        procedure: bool,
    },
    /// A trigger on a table.
    Trigger(QualifiedName, String),
    /// A policy on a table.
    Policy(QualifiedName, String),
    /// A sequence.
    Sequence(QualifiedName),
    /// A user-defined type (enum, domain, composite, range).
    Type(QualifiedName),
    /// An object the catalog records but does not model (kind, name).
    Other(String, String),
}

impl ObjectRef {
    /// The reference of a function.
    pub fn function(f: &Function) -> Self {
        let args: Vec<&str> = f
            .args
            .iter()
            .filter(|a| matches!(a.mode.as_str(), "IN" | "INOUT" | "VARIADIC"))
            .map(|a| a.ty.as_str())
            .collect();
        ObjectRef::Function {
            name: f.name.clone(),
            args: args.join(", "),
            procedure: f.is_procedure,
        }
    }
}

/// Which kind of relation a rename is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RenameKind {
    /// `ALTER TABLE … RENAME TO`.
    Table,
    /// `ALTER VIEW … RENAME TO`.
    View,
    /// `ALTER MATERIALIZED VIEW … RENAME TO`.
    MaterializedView,
    /// `ALTER INDEX … RENAME TO` (an index stays in its table's schema).
    Index,
}

/// Where `ALTER TYPE … ADD VALUE` puts a new enum label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumPosition {
    /// At the end (no clause).
    End,
    /// `BEFORE 'label'`.
    Before(String),
    /// `AFTER 'label'`.
    After(String),
}

/// One `ALTER DOMAIN` action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainChange {
    /// `SET DEFAULT` / `DROP DEFAULT`.
    SetDefault(Option<Expr>),
    /// `SET NOT NULL` (`true`) / `DROP NOT NULL`.
    SetNotNull(bool),
    /// `ADD CONSTRAINT name CHECK (…)`.
    AddCheck(String, Expr),
    /// `DROP CONSTRAINT name`.
    DropCheck(String),
}

/// One `ALTER TYPE` action on a composite type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeChange {
    /// `ADD ATTRIBUTE name type`.
    Add(String, String),
    /// `DROP ATTRIBUTE name`.
    Drop(String),
    /// `ALTER ATTRIBUTE name TYPE type`.
    AlterType(String, String),
}

/// One change from the current to the desired state.
///
/// Creates carry the whole desired object (rendered by `crate::ddl` once that lands, see
/// [`display`]); alterations carry exactly what changes. A `Create*` object is stripped of
/// what follows it as separate changes: a created table carries neither its foreign keys
/// (added after every table exists, so cycles need no special case), nor RLS flags, comments,
/// grants or owner, which come as [`Change::SetRowSecurity`], [`Change::Comment`], … .
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `CREATE SCHEMA`.
    CreateSchema(String),
    /// `DROP SCHEMA` (RESTRICT: fails when objects remain).
    DropSchema(String),
    /// `CREATE EXTENSION`.
    CreateExtension {
        /// Name.
        name: String,
        /// `SCHEMA`.
        schema: Option<String>,
        /// `VERSION`.
        version: Option<String>,
    },
    /// `DROP EXTENSION`.
    DropExtension(String),
    /// `ALTER EXTENSION … UPDATE TO` and/or `SET SCHEMA`.
    AlterExtension {
        /// Name.
        name: String,
        /// New version, when it changes.
        version: Option<String>,
        /// New schema, when it changes.
        schema: Option<String>,
    },
    /// `ALTER TABLE|VIEW|MATERIALIZED VIEW old RENAME TO new` (from a rename hint).
    Rename {
        /// Relation kind.
        kind: RenameKind,
        /// Current name.
        from: QualifiedName,
        /// Desired name (same schema unless the hint named another).
        to: QualifiedName,
    },
    /// `ALTER TABLE … RENAME COLUMN old TO new` (from a rename hint above the column).
    RenameColumn {
        /// Table (its desired name: table renames come first).
        table: QualifiedName,
        /// Current column name.
        from: String,
        /// Desired column name.
        to: String,
    },
    /// `ALTER TABLE … RENAME CONSTRAINT old TO new`: a constraint whose definition is unchanged
    /// but whose name differs (knex's names, a renamed table's or columns' names); the index
    /// behind a key is renamed with it, nothing is rebuilt.
    RenameConstraint {
        /// Table (its desired name).
        table: QualifiedName,
        /// Current constraint name.
        from: String,
        /// Desired constraint name.
        to: String,
    },
    /// `CREATE TABLE` with columns and non-foreign-key constraints.
    CreateTable(Box<Table>),
    /// `DROP TABLE`.
    DropTable(QualifiedName),
    /// `ALTER TABLE parent ATTACH PARTITION child FOR VALUES …`: an existing table becomes a
    /// partition and keeps its rows (PostgreSQL scans them for the bound).
    AttachPartition {
        /// The partitioned table.
        parent: QualifiedName,
        /// The table attached.
        child: QualifiedName,
        /// The bound (`FOR VALUES …` or `DEFAULT`).
        bound: String,
    },
    /// `ALTER TABLE parent DETACH PARTITION child`: a partition becomes a table of its own and
    /// keeps its rows.
    DetachPartition {
        /// The partitioned table.
        parent: QualifiedName,
        /// The partition detached.
        child: QualifiedName,
    },
    /// `ALTER TABLE … ADD COLUMN`.
    AddColumn {
        /// Table.
        table: QualifiedName,
        /// The column as desired (its comment follows as a [`Change::Comment`]).
        column: Box<Column>,
    },
    /// `ALTER TABLE … DROP COLUMN`.
    DropColumn {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
    },
    /// `ALTER TABLE … ALTER COLUMN … TYPE … [COLLATE …]` (type or collation changed).
    AlterColumnType {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
        /// Current type.
        from: String,
        /// Desired type.
        to: String,
        /// Desired collation (changed, or carried along).
        collation: Option<String>,
    },
    /// `ALTER COLUMN … SET DEFAULT` / `DROP DEFAULT`.
    SetDefault {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
        /// Desired default.
        default: Option<Expr>,
    },
    /// `ALTER COLUMN … SET NOT NULL` / `DROP NOT NULL`.
    SetNotNull {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
        /// Desired nullability (`true`: NOT NULL).
        not_null: bool,
    },
    /// `ALTER COLUMN … ADD|SET|DROP IDENTITY`.
    SetIdentity {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
        /// Current identity.
        from: Option<Identity>,
        /// Desired identity.
        to: Option<Identity>,
    },
    /// `ALTER COLUMN … SET EXPRESSION AS (…)` / `DROP EXPRESSION`.
    SetGenerated {
        /// Table.
        table: QualifiedName,
        /// Column.
        column: String,
        /// Desired generation expression (`None`: becomes a plain column).
        expr: Option<Expr>,
    },
    /// `ALTER TABLE … SET LOGGED` / `SET UNLOGGED`.
    SetLogged {
        /// Table.
        table: QualifiedName,
        /// Desired: logged.
        logged: bool,
    },
    /// `ALTER TABLE … SET (…)` / `RESET (…)`.
    SetTableOptions {
        /// Table.
        table: QualifiedName,
        /// Options to set.
        set: BTreeMap<String, String>,
        /// Options to reset.
        reset: Vec<String>,
    },
    /// `ALTER TABLE … ENABLE|DISABLE ROW LEVEL SECURITY`.
    SetRowSecurity {
        /// Table.
        table: QualifiedName,
        /// Desired state.
        enabled: bool,
    },
    /// `ALTER TABLE … FORCE|NO FORCE ROW LEVEL SECURITY`.
    ForceRowSecurity {
        /// Table.
        table: QualifiedName,
        /// Desired state.
        forced: bool,
    },
    /// `ALTER TABLE … ADD CONSTRAINT`. On an existing table a foreign key or CHECK is added
    /// `NOT VALID` (the field says so) and a [`Change::ValidateConstraint`] follows.
    AddConstraint {
        /// Table.
        table: QualifiedName,
        /// The constraint as it is added.
        constraint: Box<Constraint>,
    },
    /// `ALTER TABLE … DROP CONSTRAINT`.
    DropConstraint {
        /// Table.
        table: QualifiedName,
        /// Constraint name.
        name: String,
    },
    /// `ALTER INDEX … RENAME TO`: an index whose definition is unchanged but whose name
    /// differs (nothing is built).
    RenameIndex {
        /// Current name.
        from: QualifiedName,
        /// Desired name (same schema).
        to: QualifiedName,
    },
    /// `ALTER TABLE … VALIDATE CONSTRAINT`.
    ValidateConstraint {
        /// Table.
        table: QualifiedName,
        /// Constraint name.
        name: String,
    },
    /// `CREATE INDEX`.
    CreateIndex(Box<Index>),
    /// `DROP INDEX`.
    DropIndex(Box<Index>),
    /// A changed index: the new definition is built under a temporary name, the old index is
    /// dropped, and the new one renamed, so the table is never without an index.
    ReplaceIndex {
        /// Current definition.
        from: Box<Index>,
        /// Desired definition.
        to: Box<Index>,
    },
    /// `CREATE VIEW` / `CREATE MATERIALIZED VIEW`.
    CreateView(Box<View>),
    /// `DROP VIEW` / `DROP MATERIALIZED VIEW`.
    DropView {
        /// Name.
        name: QualifiedName,
        /// Materialized view.
        materialized: bool,
    },
    /// A changed view query: `CREATE OR REPLACE VIEW` when the output columns only grow at the
    /// end, else (`recreate`) drop and create, with the dependents around it.
    ReplaceView {
        /// The desired view.
        view: Box<View>,
        /// Output columns were removed, renamed or reordered: `CREATE OR REPLACE` cannot do it.
        recreate: bool,
    },
    /// A changed materialized view: dropped and created again (and repopulated); its indexes
    /// come back as [`Change::CreateIndex`].
    ReplaceMaterializedView(Box<View>),
    /// `ALTER [MATERIALIZED] VIEW … SET (…)` / `RESET (…)`.
    SetViewOptions {
        /// Name.
        name: QualifiedName,
        /// Materialized view.
        materialized: bool,
        /// Options to set.
        set: BTreeMap<String, String>,
        /// Options to reset.
        reset: Vec<String>,
    },
    /// `CREATE FUNCTION` / `CREATE PROCEDURE`.
    CreateFunction(Box<Function>),
    /// `DROP FUNCTION` / `DROP PROCEDURE`.
    DropFunction(ObjectRef),
    /// `CREATE OR REPLACE FUNCTION`: same signature, body or attributes changed.
    ReplaceFunction(Box<Function>),
    /// `CREATE TRIGGER`.
    CreateTrigger(Box<Trigger>),
    /// `DROP TRIGGER`.
    DropTrigger {
        /// Table.
        table: QualifiedName,
        /// Trigger name.
        name: String,
    },
    /// `CREATE POLICY`.
    CreatePolicy(Box<Policy>),
    /// `DROP POLICY`.
    DropPolicy {
        /// Table.
        table: QualifiedName,
        /// Policy name.
        name: String,
    },
    /// `ALTER POLICY`: only what changed is `Some`.
    AlterPolicy {
        /// Table.
        table: QualifiedName,
        /// Policy name.
        name: String,
        /// New roles.
        roles: Option<Vec<String>>,
        /// New USING expression.
        using: Option<Expr>,
        /// New WITH CHECK expression.
        with_check: Option<Expr>,
    },
    /// A policy whose command or kind changed, or which loses a clause: `ALTER POLICY` cannot
    /// do that, so it is dropped and created (in one transaction).
    ReplacePolicy {
        /// Current policy.
        from: Box<Policy>,
        /// Desired policy.
        to: Box<Policy>,
    },
    /// `CREATE SEQUENCE`.
    CreateSequence(Box<Sequence>),
    /// `DROP SEQUENCE`.
    DropSequence(QualifiedName),
    /// `ALTER SEQUENCE` with the options that differ.
    AlterSequence {
        /// Current sequence.
        from: Box<Sequence>,
        /// Desired sequence.
        to: Box<Sequence>,
    },
    /// `CREATE TYPE` / `CREATE DOMAIN`.
    CreateType(Box<TypeDef>),
    /// `DROP TYPE` / `DROP DOMAIN`.
    DropType(QualifiedName),
    /// `ALTER TYPE … ADD VALUE`.
    AddEnumValue {
        /// Enum type.
        name: QualifiedName,
        /// New label.
        value: String,
        /// Where it goes.
        position: EnumPosition,
    },
    /// `ALTER TYPE … RENAME VALUE`, from a rename hint on the label.
    RenameEnumValue {
        /// Enum type.
        name: QualifiedName,
        /// Label now.
        from: String,
        /// Label wanted.
        to: String,
    },
    /// `ALTER DOMAIN`.
    AlterDomain {
        /// Domain.
        name: QualifiedName,
        /// Action.
        change: DomainChange,
    },
    /// `ALTER TYPE` on a composite type.
    AlterCompositeType {
        /// Type.
        name: QualifiedName,
        /// Action.
        change: AttributeChange,
    },
    /// `COMMENT ON … IS …` (`None`: `IS NULL`).
    Comment {
        /// Commented object.
        target: ObjectRef,
        /// Desired comment.
        comment: Option<String>,
    },
    /// `GRANT`.
    Grant {
        /// Object.
        target: ObjectRef,
        /// Privilege.
        grant: Grant,
    },
    /// `REVOKE`.
    Revoke {
        /// Object.
        target: ObjectRef,
        /// Privilege.
        grant: Grant,
    },
    /// `ALTER … OWNER TO`.
    SetOwner {
        /// Object.
        target: ObjectRef,
        /// Desired owner.
        owner: String,
    },
    /// A difference PostgreSQL cannot apply in place and the tool does not plan (an enum
    /// label removed or reordered, a table's inheritance changed, …): the planner reports it
    /// as an error.
    Unsupported {
        /// Object.
        object: ObjectRef,
        /// What differs and why it is not planned.
        reason: String,
    },
}

/// The difference between two catalogs, computed once and handed to the planner whole: the
/// changes, and what the diff decided on the way that the planner needs again (the current
/// catalog after the rename hints, the partitioning decisions, the dependency graphs).
#[derive(Debug)]
pub struct Diff<'a> {
    /// The current catalog as given (the target; a plan's fingerprint is of this one).
    pub current: &'a Catalog,
    /// The current catalog as it will be once the rename hints of `desired` are applied
    /// (borrowed when no hint applies). Every change after the renames names objects by their
    /// new names, so the planner and renderings look objects up here.
    pub renamed_current: Cow<'a, Catalog>,
    /// The desired catalog.
    pub desired: &'a Catalog,
    /// The changes that turn `current` into `desired`, renames first.
    pub changes: Vec<Change>,
    /// What the partitioning changes become (tables created again, attached, detached).
    pub partitioning: Partitioning,
    /// The dependency graphs of `renamed_current` and `desired`, when the diff built them (it
    /// does when a view changes), so that the planner need not build them again.
    pub graphs: Option<(DepGraph, DepGraph)>,
}

impl Diff<'_> {
    /// The changes and, when a rename hint applied, the current catalog after the renames
    /// (`None`: it is the current catalog as given), owned, for callers that keep them after
    /// the catalogs the diff borrows are moved.
    pub fn into_changes_and_renamed(self) -> (Vec<Change>, Option<Catalog>) {
        let renamed = match self.renamed_current {
            Cow::Owned(catalog) => Some(catalog),
            Cow::Borrowed(_) => None,
        };
        (self.changes, renamed)
    }
}

/// Computes the changes that turn `current` into `desired`, with what the planner needs of
/// the way there (see [`Diff`]).
pub fn diff<'a>(current: &'a Catalog, desired: &'a Catalog, opts: &DiffOptions) -> Diff<'a> {
    let (renamed_current, renames) = renames::apply_renames(current, desired, opts);
    let partitioning = partition::partitioning(&renamed_current, desired, opts);
    let (changes, graphs) =
        compare::compare(&renamed_current, desired, opts, &partitioning, renames);
    Diff {
        current,
        renamed_current,
        desired,
        changes,
        partitioning,
        graphs,
    }
}

/// Something wrong with an external table the project reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalProblem {
    /// The external table.
    pub table: QualifiedName,
    /// The missing column, when the table exists but lacks one.
    pub column: Option<String>,
    /// Owning service, as declared.
    pub owner: Option<String>,
    /// Readable explanation.
    pub message: String,
}

/// Checks that every external table declared on the desired side exists in `current` with
/// every column the declaration lists. A plan never creates or alters them, so a missing one
/// would only fail at apply time (or worse, when the views are used).
pub fn check_externals(desired: &Catalog, current: &Catalog) -> Vec<ExternalProblem> {
    let mut out = Vec::new();
    for (name, ext) in &desired.externals {
        let owner = ext.external_owner.clone();
        let owned_by = owner
            .as_deref()
            .map(|o| format!(" (owned by {o})"))
            .unwrap_or_default();
        let Some(found) = current.any_table(name) else {
            let as_view =
                current.views.contains_key(name) || current.materialized_views.contains_key(name);
            if !as_view {
                out.push(ExternalProblem {
                    table: name.clone(),
                    column: None,
                    owner,
                    message: format!(
                        "external table {name}{owned_by} does not exist in the target database; the project reads it, so deploy its owner's schema first or fix the declaration"
                    ),
                });
            }
            continue;
        };
        for col in &ext.columns {
            if found.column(&col.name).is_none() {
                out.push(ExternalProblem {
                    table: name.clone(),
                    column: Some(col.name.clone()),
                    owner: owner.clone(),
                    message: format!(
                        "external table {name}{owned_by} has no column {} in the target database, but the project's declaration uses it",
                        crate::catalog::names::display_ident(&col.name)
                    ),
                });
            }
        }
    }
    out
}
