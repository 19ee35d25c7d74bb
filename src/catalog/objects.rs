//! The object kinds of the catalog: tables and what hangs off them, views, routines, types.
//!
//! Plain data. Every object remembers the span of the statement that declared it (`None` when
//! it came from a live database).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::expr::Expr;
use super::names::QualifiedName;
use crate::source::Span;

/// Schemas searched, in order, to resolve unqualified names used by an object's SQL.
pub type SearchPath = Arc<[String]>;

/// A privilege granted to a role on an object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    /// Role name, or `PUBLIC`.
    pub grantee: String,
    /// Privilege keyword in upper case (`SELECT`, `EXECUTE`, …).
    pub privilege: String,
    /// Column, for column-level privileges.
    pub column: Option<String>,
    /// `WITH GRANT OPTION`.
    pub with_grant_option: bool,
}

/// Where an object came from and what was said about it outside its CREATE statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// Span of the defining statement.
    pub span: Option<Span>,
    /// `COMMENT ON` text.
    pub comment: Option<String>,
    /// Owner set with `ALTER … OWNER TO` or `AUTHORIZATION`.
    pub owner: Option<String>,
    /// Granted privileges (after REVOKEs).
    pub grants: Vec<Grant>,
    /// Rename hint from a leading comment (`-- schema: renamed from old_name`).
    pub renamed_from: Option<String>,
    /// Offset to add to pg_query `location`s inside this object's trees (view query, policy
    /// expressions) to get file offsets; see `parse::Statement::base`.
    pub location_base: u32,
}

/// A schema (namespace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    /// Name.
    pub name: String,
    /// Common metadata.
    pub meta: Meta,
}

/// Identity column settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// `GENERATED ALWAYS` (else `BY DEFAULT`).
    pub always: bool,
    /// Sequence options given in parentheses, as `name value` pairs.
    pub options: Vec<(String, String)>,
}

/// A table column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Type as `format_type` prints it.
    pub ty: String,
    /// `NOT NULL` (including implied by a primary key).
    pub not_null: bool,
    /// `DEFAULT` expression.
    pub default: Option<Expr>,
    /// `GENERATED … AS IDENTITY`.
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED` expression.
    pub generated: Option<Expr>,
    /// `COLLATE` name.
    pub collation: Option<String>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
    /// Where the column was declared.
    pub span: Option<Span>,
    /// Rename hint from a comment on the line(s) right above the column in `CREATE TABLE`
    /// (`-- schema: renamed from old_name`).
    pub renamed_from: Option<String>,
}

/// Foreign-key referential action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FkAction {
    /// `NO ACTION` (the default).
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// From the one-letter code pg_query and `pg_constraint` use.
    pub fn from_code(code: &str) -> Self {
        match code {
            "r" => FkAction::Restrict,
            "c" => FkAction::Cascade,
            "n" => FkAction::SetNull,
            "d" => FkAction::SetDefault,
            _ => FkAction::NoAction,
        }
    }

    /// SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// What kind of constraint, with its kind-specific parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (columns) INCLUDE (…)`.
    PrimaryKey {
        /// Key columns.
        columns: Vec<String>,
        /// `INCLUDE` columns.
        include: Vec<String>,
    },
    /// `UNIQUE [NULLS NOT DISTINCT] (columns) INCLUDE (…)`.
    Unique {
        /// Key columns.
        columns: Vec<String>,
        /// `INCLUDE` columns.
        include: Vec<String>,
        /// `NULLS NOT DISTINCT`.
        nulls_not_distinct: bool,
    },
    /// `FOREIGN KEY (columns) REFERENCES table (columns)`.
    ForeignKey {
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced table (resolved against the search path when unqualified).
        ref_table: QualifiedName,
        /// Referenced columns (empty: the referenced table's primary key).
        ref_columns: Vec<String>,
        /// `ON DELETE`.
        on_delete: FkAction,
        /// `ON UPDATE`.
        on_update: FkAction,
        /// `MATCH FULL` (else simple).
        match_full: bool,
    },
    /// `CHECK (expr)`.
    Check {
        /// The condition.
        expr: Expr,
        /// `NO INHERIT`.
        no_inherit: bool,
    },
    /// `EXCLUDE USING method (element WITH operator, …) [WHERE (…)]`.
    Exclude {
        /// Index access method.
        method: String,
        /// Elements: expression (or column) text and operator.
        elements: Vec<(String, String)>,
        /// Partial-constraint predicate.
        predicate: Option<Expr>,
    },
}

/// The index behind a PRIMARY KEY or UNIQUE key, as the key declares it.
#[derive(Clone, Copy, Debug)]
pub struct KeyIndex<'a> {
    /// Key columns.
    pub columns: &'a [String],
    /// `INCLUDE` columns.
    pub include: &'a [String],
    /// A primary key (its columns are NOT NULL).
    pub primary: bool,
    /// `NULLS NOT DISTINCT` as written (never, for a primary key).
    pub nulls_not_distinct: bool,
}

impl ConstraintKind {
    /// The index a PRIMARY KEY or UNIQUE key is backed by; `None` for other kinds.
    pub fn key_index(&self) -> Option<KeyIndex<'_>> {
        match self {
            ConstraintKind::PrimaryKey { columns, include } => Some(KeyIndex {
                columns,
                include,
                primary: true,
                nulls_not_distinct: false,
            }),
            ConstraintKind::Unique {
                columns,
                include,
                nulls_not_distinct,
            } => Some(KeyIndex {
                columns,
                include,
                primary: false,
                nulls_not_distinct: *nulls_not_distinct,
            }),
            _ => None,
        }
    }
}

/// A table constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// Name (PostgreSQL's generated name when none was given).
    pub name: String,
    /// Kind and its parts.
    pub kind: ConstraintKind,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// `NOT VALID` (existing rows not checked).
    pub not_valid: bool,
    /// Where it was declared.
    pub span: Option<Span>,
}

impl Constraint {
    /// Key columns of a PK, UNIQUE or FK constraint (empty for CHECK/EXCLUDE).
    pub fn columns(&self) -> &[String] {
        match &self.kind {
            ConstraintKind::PrimaryKey { columns, .. }
            | ConstraintKind::Unique { columns, .. }
            | ConstraintKind::ForeignKey { columns, .. } => columns,
            _ => &[],
        }
    }
}

/// A table (own, or declared external).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Name.
    pub name: QualifiedName,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// Constraints by name.
    pub constraints: BTreeMap<String, Constraint>,
    /// `ENABLE ROW LEVEL SECURITY`.
    pub rls_enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    pub rls_forced: bool,
    /// Where RLS was enabled.
    pub rls_span: Option<Span>,
    /// `UNLOGGED`.
    pub unlogged: bool,
    /// `PARTITION BY …` text, for partitioned tables.
    pub partition_by: Option<String>,
    /// Parent table and bound text, for partitions (`PARTITION OF`).
    pub partition_of: Option<(QualifiedName, String)>,
    /// `INHERITS (…)` parents.
    pub inherits: Vec<QualifiedName>,
    /// Storage parameters (`WITH (fillfactor = 70)`).
    pub options: BTreeMap<String, String>,
    /// Owning service, for external tables.
    pub external_owner: Option<String>,
    /// Common metadata.
    pub meta: Meta,
}

impl Table {
    /// A table with no columns.
    pub fn new(name: QualifiedName) -> Self {
        Table {
            name,
            columns: Vec::new(),
            constraints: BTreeMap::new(),
            rls_enabled: false,
            rls_forced: false,
            rls_span: None,
            unlogged: false,
            partition_by: None,
            partition_of: None,
            inherits: Vec::new(),
            options: BTreeMap::new(),
            external_owner: None,
            meta: Meta::default(),
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column with this name, mutable.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// The primary-key constraint.
    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .values()
            .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
    }
}

/// One key of an index: a column or an expression, with its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexKey {
    /// A plain column…
    pub column: Option<String>,
    /// …or an expression.
    pub expr: Option<Expr>,
    /// Operator class, when not the default.
    pub opclass: Option<String>,
    /// Collation, when given.
    pub collation: Option<String>,
    /// `DESC`.
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`), `NULLS LAST` (`Some(false)`), default (`None`).
    pub nulls_first: Option<bool>,
}

impl IndexKey {
    /// Readable text of the key (column name or expression).
    pub fn text(&self) -> String {
        match (&self.column, &self.expr) {
            (Some(c), _) => c.clone(),
            (None, Some(e)) => format!("({})", e.sql()),
            (None, None) => "?".to_owned(),
        }
    }
}

/// An index on a table or materialized view (not one backing a PK/UNIQUE/EXCLUDE constraint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// Name (same schema as its table).
    pub name: QualifiedName,
    /// Indexed relation.
    pub table: QualifiedName,
    /// `UNIQUE`.
    pub unique: bool,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
    /// Access method (`btree`, `gin`, …).
    pub method: String,
    /// Keys in order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE` columns.
    pub include: Vec<String>,
    /// `WHERE` predicate of a partial index.
    pub predicate: Option<Expr>,
    /// Storage parameters.
    pub options: BTreeMap<String, String>,
    /// Common metadata.
    pub meta: Meta,
}

impl Index {
    /// Key column names when every key is a plain column.
    pub fn plain_columns(&self) -> Option<Vec<&str>> {
        self.keys.iter().map(|k| k.column.as_deref()).collect()
    }
}

/// A view or materialized view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// Name.
    pub name: QualifiedName,
    /// The defining query (a `SelectStmt` tree).
    pub query: Expr,
    /// Explicit column names (`CREATE VIEW v (a, b) AS …`).
    pub column_names: Vec<String>,
    /// `WITH (…)` options such as `security_invoker`, `security_barrier`, `check_option`.
    pub options: BTreeMap<String, String>,
    /// `WITH [LOCAL|CASCADED] CHECK OPTION`.
    pub check_option: Option<String>,
    /// Materialized view.
    pub materialized: bool,
    /// `WITH NO DATA` (materialized views only).
    pub with_no_data: bool,
    /// Search path in effect where it was declared.
    pub search_path: SearchPath,
    /// Common metadata.
    pub meta: Meta,
}

impl View {
    /// Whether `security_invoker` is on.
    pub fn security_invoker(&self) -> bool {
        self.options
            .get("security_invoker")
            .is_some_and(|v| matches!(v.as_str(), "true" | "on" | "1" | "yes"))
    }
}

/// A function argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionArg {
    /// Name, when given.
    pub name: Option<String>,
    /// Type as printed by `format_type`.
    pub ty: String,
    /// `IN`, `OUT`, `INOUT`, `VARIADIC`, `TABLE`.
    pub mode: String,
    /// Default expression.
    pub default: Option<Expr>,
}

/// A statement inside a function body that touches a relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyReference {
    /// Relation name as written (schema may be empty: resolve with the search path).
    pub schema: Option<String>,
    /// Relation name.
    pub name: String,
    /// What the statement does with it.
    pub action: BodyAction,
    /// Where, when the function came from a file.
    pub span: Option<Span>,
}

/// How a function body uses a relation (or, for [`BodyAction::Call`], a routine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyAction {
    /// Read (`SELECT … FROM`).
    Read,
    /// Written (`INSERT`/`UPDATE`/`DELETE`/`TRUNCATE`).
    Write,
    /// `REFRESH MATERIALIZED VIEW`.
    Refresh,
    /// `REFRESH MATERIALIZED VIEW CONCURRENTLY`.
    RefreshConcurrently,
    /// A routine called by a SQL body (`name` is the routine's): PostgreSQL checks it exists
    /// when the routine is created, and a SQL-standard body depends on it.
    Call,
}

/// A function or procedure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Name.
    pub name: QualifiedName,
    /// Arguments in order.
    pub args: Vec<FunctionArg>,
    /// Return type (`None` for procedures).
    pub returns: Option<String>,
    /// Procedure rather than function.
    pub is_procedure: bool,
    /// `LANGUAGE`.
    pub language: String,
    /// Body text (`AS '…'` / `$$…$$`), or the SQL-standard body deparsed.
    pub body: String,
    /// `IMMUTABLE`, `STABLE` or `VOLATILE` (default).
    pub volatility: String,
    /// `SECURITY DEFINER`.
    pub security_definer: bool,
    /// `STRICT`.
    pub strict: bool,
    /// `LEAKPROOF`.
    pub leakproof: bool,
    /// `PARALLEL` setting (`unsafe` default).
    pub parallel: String,
    /// `SET name = value` clauses, by the setting's name in lower case (setting names are
    /// case-insensitive; PostgreSQL stores `SET timezone` as `TimeZone`).
    pub config: BTreeMap<String, String>,
    /// Relations the body reads, writes or refreshes (parsed from SQL and PL/pgSQL bodies).
    pub references: Vec<BodyReference>,
    /// Why the body could not be analysed, when it could not.
    pub body_error: Option<String>,
    /// Search path in effect where it was declared.
    pub search_path: SearchPath,
    /// Common metadata.
    pub meta: Meta,
}

impl Function {
    /// Whether the body is SQL-standard (`RETURN expr` or `BEGIN ATOMIC … END`): a parsed
    /// statement that PostgreSQL prints back itself, not a string kept verbatim.
    pub fn has_standard_body(&self) -> bool {
        self.language == "sql"
            && (self.body.starts_with("RETURN ") || self.body.starts_with("BEGIN ATOMIC"))
    }

    /// Identity used as a key: `schema.name(argtype, …)` with input argument types only.
    pub fn identity(&self) -> String {
        identity(&self.name, &self.args)
    }
}

/// Identity of a routine from its name and arguments (input types only, as PostgreSQL does).
pub fn identity(name: &QualifiedName, args: &[FunctionArg]) -> String {
    let types: Vec<&str> = args
        .iter()
        .filter(|a| matches!(a.mode.as_str(), "IN" | "INOUT" | "VARIADIC"))
        .map(|a| a.ty.as_str())
        .collect();
    format!("{name}({})", types.join(", "))
}

/// A trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// Name (unique per table).
    pub name: String,
    /// Table (or view) it is on.
    pub table: QualifiedName,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// Events in canonical order (`INSERT`, `UPDATE [OF cols]`, `DELETE`, `TRUNCATE`).
    pub events: Vec<String>,
    /// `FOR EACH ROW` (else statement).
    pub for_each_row: bool,
    /// Function called.
    pub function: QualifiedName,
    /// Arguments passed.
    pub args: Vec<String>,
    /// `WHEN (…)`.
    pub when: Option<Expr>,
    /// Constraint trigger.
    pub constraint: bool,
    /// Common metadata.
    pub meta: Meta,
}

/// A row-level-security policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Name (unique per table).
    pub name: String,
    /// Table it protects.
    pub table: QualifiedName,
    /// `PERMISSIVE` (else restrictive).
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE`, `DELETE`.
    pub command: String,
    /// Roles (`PUBLIC` when none given).
    pub roles: Vec<String>,
    /// `USING (…)`.
    pub using: Option<Expr>,
    /// `WITH CHECK (…)`.
    pub with_check: Option<Expr>,
    /// Search path in effect where it was declared.
    pub search_path: SearchPath,
    /// Common metadata.
    pub meta: Meta,
}

/// A sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    /// Name.
    pub name: QualifiedName,
    /// `AS type` (`bigint` by default).
    pub data_type: String,
    /// `START WITH`.
    pub start: Option<i64>,
    /// `INCREMENT BY` (1 by default).
    pub increment: i64,
    /// `MINVALUE`.
    pub min_value: Option<i64>,
    /// `MAXVALUE`.
    pub max_value: Option<i64>,
    /// `CACHE` (1 by default).
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QualifiedName, String)>,
    /// Common metadata.
    pub meta: Meta,
}

impl Sequence {
    /// A sequence with PostgreSQL's defaults.
    pub fn new(name: QualifiedName) -> Self {
        Sequence {
            name,
            data_type: "bigint".to_owned(),
            start: None,
            increment: 1,
            min_value: None,
            max_value: None,
            cache: 1,
            cycle: false,
            owned_by: None,
            meta: Meta::default(),
        }
    }
}

/// The definition of a user-defined type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    /// `CREATE TYPE … AS ENUM (…)`.
    Enum {
        /// Labels in order.
        values: Vec<String>,
        /// `(old, new)` labels that rename hints say were renamed (desired side only).
        renamed: Vec<(String, String)>,
    },
    /// `CREATE DOMAIN … AS base …`.
    Domain {
        /// Base type.
        base: String,
        /// `NOT NULL`.
        not_null: bool,
        /// `DEFAULT`.
        default: Option<Expr>,
        /// Named CHECK constraints.
        checks: Vec<(String, Expr)>,
        /// `COLLATE`.
        collation: Option<String>,
    },
    /// `CREATE TYPE … AS (attr type, …)`.
    Composite {
        /// Attributes in order.
        attributes: Vec<(String, String)>,
    },
    /// `CREATE TYPE … AS RANGE (…)`.
    Range {
        /// `subtype`.
        subtype: String,
    },
}

/// A user-defined type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDef {
    /// Name.
    pub name: QualifiedName,
    /// Definition.
    pub kind: TypeKind,
    /// Common metadata.
    pub meta: Meta,
}

/// An extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// Name.
    pub name: String,
    /// `SCHEMA`.
    pub schema: Option<String>,
    /// `VERSION`.
    pub version: Option<String>,
    /// Common metadata.
    pub meta: Meta,
}

/// An object kind the catalog does not model in detail but records so nothing is silently lost
/// (operators, aggregates, collations, event triggers, rules, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherObject {
    /// Statement kind (`CreateOpClassStmt` → "operator class").
    pub kind: String,
    /// Name, as far as it could be told.
    pub name: String,
    /// Canonical SQL of the statement.
    pub sql: String,
    /// Common metadata.
    pub meta: Meta,
}
