//! A whole catalog as one script that `psql -v ON_ERROR_STOP=1` loads into an empty database.
//!
//! Order: schemas, extensions, types, sequences, the routines whose signature names no table,
//! tables (partition and inheritance parents first; foreign keys and `NOT VALID` constraints
//! left out), the other routines, views and materialized views in the dependency graph's
//! topological order, indexes, the constraints left out, `OWNED BY`, triggers, row-level
//! security and policies, unmodelled statements, then comments, owners and grants. Routine
//! bodies are not checked while loading (`SET check_function_bodies = false`, as pg_dump
//! does), so a SQL function may read a table created after it.

use std::collections::BTreeSet;

use crate::catalog::names::display_ident;
use crate::catalog::{Catalog, Function, QualifiedName, Table, TypeDef, TypeKind};
use crate::graph::{DepGraph, NodeKind};

use super::{
    Target, add_constraint, annotations, column_comments, constraint_is_deferred, create_table,
    extension, function, index, other, policy, row_level_security, schema, sequence,
    sequence_owned_by, trigger, type_def, view,
};

/// What [`script`] includes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScriptOptions {
    /// Also create the declared external tables (a test database needs them; a plan never
    /// creates them).
    pub externals: bool,
}

/// Whether a routine's arguments or result name a relation of the catalog (its row type), so
/// that it must be created after the tables.
fn signature_uses_relation(f: &Function, relations: &BTreeSet<String>) -> bool {
    let mut types: Vec<&str> = f.args.iter().map(|a| a.ty.as_str()).collect();
    if let Some(r) = &f.returns {
        types.push(r);
    }
    types.iter().any(|ty| {
        let ty = ty.strip_prefix("SETOF ").unwrap_or(ty);
        relations.contains(ty.trim_end_matches("[]"))
    })
}

/// Tables with their partition and inheritance parents first, otherwise in name order.
fn tables_in_order<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    let names: BTreeSet<&QualifiedName> = tables.iter().map(|t| &t.name).collect();
    let mut done: BTreeSet<&QualifiedName> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let before = out.len();
        for t in tables {
            if done.contains(&t.name) {
                continue;
            }
            let parents = t
                .partition_of
                .iter()
                .map(|(p, _)| p)
                .chain(&t.inherits)
                .filter(|p| names.contains(p) && *p != &t.name);
            if parents.into_iter().all(|p| done.contains(p)) {
                done.insert(&t.name);
                out.push(*t);
            }
        }
        if out.len() == before {
            // A cycle of parents cannot load anyway; keep the rest in name order.
            out.extend(tables.iter().filter(|t| !done.contains(&t.name)).copied());
            break;
        }
    }
    out
}

/// The catalog as one loadable script (see the module documentation for the order).
pub fn script(c: &Catalog, opts: &ScriptOptions) -> String {
    let mut out = String::from("SET check_function_bodies = false;\n");
    for s in c.schemas.values() {
        out.push_str(&schema(s));
    }
    for e in c.extensions.values() {
        out.push_str(&extension(e));
    }
    let types = types_in_order(c);
    for t in &types {
        out.push_str(&type_def(t));
    }
    for s in c.sequences.values() {
        out.push_str(&sequence(s));
    }
    let mut tables: Vec<&Table> = c.tables.values().collect();
    if opts.externals {
        tables.extend(c.externals.values());
        tables.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let relations: BTreeSet<String> = tables
        .iter()
        .map(|t| &t.name)
        .chain(c.views.keys())
        .chain(c.materialized_views.keys())
        .flat_map(|n| [n.to_string(), display_ident(&n.name)])
        .collect();
    let (late, early): (Vec<&Function>, Vec<&Function>) = c
        .functions
        .values()
        .partition(|f| signature_uses_relation(f, &relations));
    for f in early {
        out.push_str(&function(f));
    }
    // Operators need their functions, and columns, indexes and views may use them.
    let (operators, others): (Vec<_>, Vec<_>) =
        c.others.iter().partition(|o| o.kind == "CREATE OPERATOR");
    for o in operators {
        out.push_str(&other(o));
    }
    for t in tables_in_order(&tables) {
        out.push_str(&create_table(t, false));
    }
    for f in late {
        out.push_str(&function(f));
    }
    push_views(&mut out, c);
    push_attachments(&mut out, c, &tables);
    for o in others {
        out.push_str(&other(o));
    }
    push_annotations(&mut out, c, &types, &tables);
    out
}

/// Types in the order they can be created: enums and ranges, then domains, then composites.
fn types_in_order(c: &Catalog) -> Vec<&TypeDef> {
    let type_rank = |k: &TypeKind| match k {
        TypeKind::Enum { .. } | TypeKind::Range { .. } => 0,
        TypeKind::Domain { .. } => 1,
        TypeKind::Composite { .. } => 2,
    };
    let mut types: Vec<_> = c.types.values().collect();
    types.sort_by_key(|t| type_rank(&t.kind));
    types
}

/// Views and materialized views, in the dependency graph's topological order.
fn push_views(out: &mut String, c: &Catalog) {
    let graph = DepGraph::build(c);
    for i in graph.topological_order() {
        let node = graph.node(i);
        let Some(name) = &node.relation else { continue };
        match node.kind {
            NodeKind::View => {
                if let Some(v) = c.views.get(name) {
                    out.push_str(&view(v));
                }
            }
            NodeKind::MaterializedView => {
                if let Some(v) = c.materialized_views.get(name) {
                    out.push_str(&view(v));
                }
            }
            _ => {}
        }
    }
}

/// What attaches to the relations once they all exist: indexes, the constraints left out of
/// `CREATE TABLE`, `OWNED BY`, triggers, row-level security and policies.
fn push_attachments(out: &mut String, c: &Catalog, tables: &[&Table]) {
    for i in c.indexes.values() {
        out.push_str(&index(i));
    }
    for t in tables {
        for k in t
            .constraints
            .values()
            .filter(|k| constraint_is_deferred(k, false))
        {
            out.push_str(&add_constraint(&t.name, k));
        }
    }
    for s in c.sequences.values() {
        out.push_str(&sequence_owned_by(s));
    }
    for t in c.triggers.values() {
        out.push_str(&trigger(t));
    }
    for t in tables {
        out.push_str(&row_level_security(t));
    }
    for p in c.policies.values() {
        out.push_str(&policy(p));
    }
}

/// Comments, owners and grants of every object, last.
fn push_annotations(out: &mut String, c: &Catalog, types: &[&TypeDef], tables: &[&Table]) {
    for s in c.schemas.values() {
        out.push_str(&annotations(&Target::schema(s), &s.meta));
    }
    for e in c.extensions.values() {
        out.push_str(&annotations(&Target::extension(e), &e.meta));
    }
    for t in types {
        out.push_str(&annotations(&Target::type_def(t), &t.meta));
    }
    for s in c.sequences.values() {
        out.push_str(&annotations(&Target::sequence(s), &s.meta));
    }
    for t in tables {
        out.push_str(&annotations(&Target::table(t), &t.meta));
        out.push_str(&column_comments(t));
    }
    for v in c.views.values().chain(c.materialized_views.values()) {
        out.push_str(&annotations(&Target::view(v), &v.meta));
    }
    for i in c.indexes.values() {
        out.push_str(&annotations(&Target::index(i), &i.meta));
    }
    for f in c.functions.values() {
        out.push_str(&annotations(&Target::function(f), &f.meta));
    }
    for t in c.triggers.values() {
        out.push_str(&annotations(&Target::trigger(t), &t.meta));
    }
    for p in c.policies.values() {
        out.push_str(&annotations(&Target::policy(p), &p.meta));
    }
}
