//! One in-memory model of a schema, whatever its source (files, live database, shadow).
//!
//! Objects live in `BTreeMap`s keyed by name so every iteration is deterministic. The catalog
//! does no I/O and cannot fail: [`build::build_catalog`] turns statements into a catalog plus
//! diagnostics for whatever it could not understand.

pub mod build;
pub mod coercion;
pub mod expr;
pub mod names;
pub mod normalize;
pub mod objects;
pub mod typename;

use std::collections::BTreeMap;

pub use expr::Expr;
pub use names::QualifiedName;
pub use objects::*;

use crate::source::Span;

/// Two declarations of one object (same kind, same name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// Object kind (`table`, `view`, …).
    pub kind: &'static str,
    /// Qualified name, printed.
    pub name: String,
    /// The declaration that was kept.
    pub first: Option<Span>,
    /// The later declaration, which was ignored.
    pub second: Option<Span>,
}

/// The schema model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Schemas created with `CREATE SCHEMA` (plus `public`, which always exists).
    pub schemas: BTreeMap<String, Schema>,
    /// The project's own tables.
    pub tables: BTreeMap<QualifiedName, Table>,
    /// Tables other services own, declared so references can be checked.
    pub externals: BTreeMap<QualifiedName, Table>,
    /// Views.
    pub views: BTreeMap<QualifiedName, View>,
    /// Materialized views.
    pub materialized_views: BTreeMap<QualifiedName, View>,
    /// Indexes (not those backing PK/UNIQUE/EXCLUDE constraints).
    pub indexes: BTreeMap<QualifiedName, Index>,
    /// Functions and procedures by identity (`schema.name(types)`).
    pub functions: BTreeMap<String, Function>,
    /// Triggers by (table, name).
    pub triggers: BTreeMap<(QualifiedName, String), Trigger>,
    /// Policies by (table, name).
    pub policies: BTreeMap<(QualifiedName, String), Policy>,
    /// Sequences.
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    /// Enums, domains, composite and range types.
    pub types: BTreeMap<QualifiedName, TypeDef>,
    /// Extensions by name.
    pub extensions: BTreeMap<String, Extension>,
    /// Objects recorded but not modelled in detail.
    pub others: Vec<OtherObject>,
    /// Second declarations of an existing object (kept out of the maps, reported by lint).
    pub duplicates: Vec<Duplicate>,
}

/// A relation found by name, whichever kind it is.
#[derive(Clone, Copy, Debug)]
pub enum Relation<'a> {
    /// Own table.
    Table(&'a Table),
    /// Declared external table.
    External(&'a Table),
    /// View.
    View(&'a View),
    /// Materialized view.
    MaterializedView(&'a View),
    /// Sequence.
    Sequence(&'a Sequence),
    /// Index.
    Index(&'a Index),
}

impl Relation<'_> {
    /// Human name of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Relation::Table(_) => "table",
            Relation::External(_) => "external table",
            Relation::View(_) => "view",
            Relation::MaterializedView(_) => "materialized view",
            Relation::Sequence(_) => "sequence",
            Relation::Index(_) => "index",
        }
    }

    /// Where it was declared.
    pub fn span(&self) -> Option<Span> {
        match self {
            Relation::Table(t) | Relation::External(t) => t.meta.span,
            Relation::View(v) | Relation::MaterializedView(v) => v.meta.span,
            Relation::Sequence(s) => s.meta.span,
            Relation::Index(i) => i.meta.span,
        }
    }

    /// Columns of a table or external table (views: see the graph's analysis).
    pub fn table(&self) -> Option<&Table> {
        match self {
            Relation::Table(t) | Relation::External(t) => Some(t),
            _ => None,
        }
    }
}

impl Catalog {
    /// An empty catalog holding only the `public` schema.
    pub fn new() -> Self {
        let mut c = Catalog::default();
        c.schemas.insert(
            "public".to_owned(),
            Schema {
                name: "public".to_owned(),
                meta: Meta::default(),
            },
        );
        c
    }

    /// Every relation with this exact name, in a fixed kind order (more than one means a
    /// name collision).
    pub fn relations_named(&self, name: &QualifiedName) -> Vec<Relation<'_>> {
        let mut out = Vec::new();
        if let Some(t) = self.tables.get(name) {
            out.push(Relation::Table(t));
        }
        if let Some(t) = self.externals.get(name) {
            out.push(Relation::External(t));
        }
        if let Some(v) = self.views.get(name) {
            out.push(Relation::View(v));
        }
        if let Some(v) = self.materialized_views.get(name) {
            out.push(Relation::MaterializedView(v));
        }
        if let Some(s) = self.sequences.get(name) {
            out.push(Relation::Sequence(s));
        }
        if let Some(i) = self.indexes.get(name) {
            out.push(Relation::Index(i));
        }
        out
    }

    /// The relation with this name (the first kind found when names collide).
    pub fn relation(&self, name: &QualifiedName) -> Option<Relation<'_>> {
        self.relations_named(name).into_iter().next()
    }

    /// Resolves a possibly unqualified relation name against a search path.
    pub fn resolve_relation(
        &self,
        schema: Option<&str>,
        name: &str,
        search_path: &[String],
    ) -> Option<QualifiedName> {
        if let Some(s) = schema.filter(|s| !s.is_empty()) {
            let q = QualifiedName::new(s, name);
            return self.relation(&q).map(|_| q);
        }
        search_path
            .iter()
            .map(|s| QualifiedName::new(s.as_str(), name))
            .find(|q| self.relation(q).is_some())
    }

    /// A table or external table by name.
    pub fn any_table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.get(name).or_else(|| self.externals.get(name))
    }

    /// Indexes on one relation, in name order.
    pub fn indexes_on<'a>(&'a self, table: &'a QualifiedName) -> impl Iterator<Item = &'a Index> {
        self.indexes.values().filter(move |i| &i.table == table)
    }

    /// Policies on one table, in name order.
    pub fn policies_on<'a>(&'a self, table: &'a QualifiedName) -> impl Iterator<Item = &'a Policy> {
        self.policies
            .range((table.clone(), String::new())..)
            .take_while(move |((t, _), _)| t == table)
            .map(|(_, p)| p)
    }

    /// Number of objects (for summaries).
    pub fn object_count(&self) -> usize {
        self.tables.len()
            + self.views.len()
            + self.materialized_views.len()
            + self.indexes.len()
            + self.functions.len()
            + self.triggers.len()
            + self.policies.len()
            + self.sequences.len()
            + self.types.len()
            + self.extensions.len()
            + self.others.len()
            + self
                .tables
                .values()
                .map(|t| t.constraints.len())
                .sum::<usize>()
    }
    /// Forgets where objects were declared: the spans of tables (with their columns,
    /// constraints and RLS), views, indexes, routines (with their body references), triggers,
    /// policies, sequences and types. Schemas, extensions and unmodelled objects keep theirs
    /// (a schema's span says that a file declares it).
    pub fn clear_object_spans(&mut self) {
        for t in self.tables.values_mut().chain(self.externals.values_mut()) {
            t.meta.span = None;
            t.rls_span = None;
            for col in &mut t.columns {
                col.span = None;
            }
            for k in t.constraints.values_mut() {
                k.span = None;
            }
        }
        for v in self
            .views
            .values_mut()
            .chain(self.materialized_views.values_mut())
        {
            v.meta.span = None;
        }
        for i in self.indexes.values_mut() {
            i.meta.span = None;
        }
        for f in self.functions.values_mut() {
            f.meta.span = None;
            for r in &mut f.references {
                r.span = None;
            }
        }
        for t in self.triggers.values_mut() {
            t.meta.span = None;
        }
        for p in self.policies.values_mut() {
            p.meta.span = None;
        }
        for s in self.sequences.values_mut() {
            s.meta.span = None;
        }
        for t in self.types.values_mut() {
            t.meta.span = None;
        }
    }
}
