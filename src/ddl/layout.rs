//! A catalog as a directory of declarative files, in the layout of the project's own `schema/`:
//! `tables/`, `views/`, `matviews/`, `functions/`, `types/`, `sequences/`, `external/`, plus
//! `schemas.sql`, `extensions.sql` and `others.sql`.
//!
//! A table's file holds everything that hangs off it: the sequences its columns own, its
//! indexes, constraints, row-level security, policies, triggers, comments, owner and grants.
//! A materialized view's file holds its indexes. Objects outside `public` are prefixed with
//! their schema (`<schema>.<name>.sql`). File names are sanitised (`[A-Za-z0-9_.-]`, anything
//! else becomes `_`) and made unique, ignoring case, by a `-2`, `-3`, … suffix given in name
//! order, so the same catalog always gives the same files. Within a file, statements follow
//! the loader's needs only: it reads a directory in any order.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Index, QualifiedName, Sequence, Table, Trigger, View};

use super::{
    Target, add_constraint, annotations, column_comments, constraint_is_deferred, create_table,
    extension, function, index, other, policy, row_level_security, schema, sequence,
    sequence_owned_by, trigger, type_def, view,
};

/// One file name part: characters outside `[A-Za-z0-9_.-]` become `_`; a leading dot too.
fn sanitise(part: &str) -> String {
    let s: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match s.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None if s.is_empty() => "_".to_owned(),
        None => s,
    }
}

/// Hands out unique file names within one directory.
#[derive(Default)]
struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    fn file(&mut self, dir: &str, name: &QualifiedName) -> String {
        let stem = if name.schema == "public" {
            sanitise(&name.name)
        } else {
            format!("{}.{}", sanitise(&name.schema), sanitise(&name.name))
        };
        let mut candidate = stem.clone();
        let mut n = 1;
        while !self
            .taken
            .insert(format!("{dir}/{candidate}").to_lowercase())
        {
            n += 1;
            candidate = format!("{stem}-{n}");
        }
        format!("{dir}/{candidate}.sql")
    }
}

/// What hangs off each relation (indexes, triggers, owned sequences), gathered in one pass
/// over the catalog so that writing a file never scans every object again.
#[derive(Default)]
struct Attached<'a> {
    indexes: BTreeMap<&'a QualifiedName, Vec<&'a Index>>,
    triggers: BTreeMap<&'a QualifiedName, Vec<&'a Trigger>>,
    sequences: BTreeMap<&'a QualifiedName, Vec<&'a Sequence>>,
}

impl<'a> Attached<'a> {
    fn of(c: &'a Catalog) -> Self {
        let mut a = Attached::default();
        for i in c.indexes.values() {
            a.indexes.entry(&i.table).or_default().push(i);
        }
        for t in c.triggers.values() {
            a.triggers.entry(&t.table).or_default().push(t);
        }
        for s in c.sequences.values() {
            if let Some((table, _)) = &s.owned_by {
                a.sequences.entry(table).or_default().push(s);
            }
        }
        a
    }

    fn indexes(&self, relation: &QualifiedName) -> &[&'a Index] {
        self.indexes.get(relation).map_or(&[], Vec::as_slice)
    }

    fn triggers(&self, relation: &QualifiedName) -> &[&'a Trigger] {
        self.triggers.get(relation).map_or(&[], Vec::as_slice)
    }

    fn sequences(&self, table: &QualifiedName) -> &[&'a Sequence] {
        self.sequences.get(table).map_or(&[], Vec::as_slice)
    }
}

/// Everything that goes into a table's file after its `CREATE TABLE`.
fn table_attachments(c: &Catalog, a: &Attached<'_>, t: &Table, out: &mut String) {
    for k in t
        .constraints
        .values()
        .filter(|k| constraint_is_deferred(k, true))
    {
        out.push_str(&add_constraint(&t.name, k));
    }
    for s in a.sequences(&t.name) {
        out.push_str(&sequence_owned_by(s));
    }
    relation_attachments(a, &t.name, out);
    out.push_str(&row_level_security(t));
    for p in c.policies_on(&t.name) {
        out.push_str(&policy(p));
        out.push_str(&annotations(&Target::policy(p), &p.meta));
    }
    out.push_str(&annotations(&Target::table(t), &t.meta));
    out.push_str(&column_comments(t));
}

/// Indexes and triggers of a relation, with their annotations.
fn relation_attachments(a: &Attached<'_>, name: &QualifiedName, out: &mut String) {
    for i in a.indexes(name) {
        out.push_str(&index(i));
        out.push_str(&annotations(&Target::index(i), &i.meta));
    }
    for t in a.triggers(name) {
        out.push_str(&trigger(t));
        out.push_str(&annotations(&Target::trigger(t), &t.meta));
    }
}

fn view_file(a: &Attached<'_>, v: &View) -> String {
    let mut out = view(v);
    out.push_str(&annotations(&Target::view(v), &v.meta));
    relation_attachments(a, &v.name, &mut out);
    out
}

/// The files (relative path → content) that declare the catalog.
pub fn files(c: &Catalog) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut names = Names::default();
    let attached = Attached::of(c);
    let mut schemas = String::new();
    for s in c.schemas.values() {
        schemas.push_str(&schema(s));
        schemas.push_str(&annotations(&Target::schema(s), &s.meta));
    }
    if !schemas.is_empty() {
        files.insert("schemas.sql".to_owned(), schemas);
    }
    let mut extensions = String::new();
    for e in c.extensions.values() {
        extensions.push_str(&extension(e));
        extensions.push_str(&annotations(&Target::extension(e), &e.meta));
    }
    if !extensions.is_empty() {
        files.insert("extensions.sql".to_owned(), extensions);
    }
    for t in c.types.values() {
        let mut text = type_def(t);
        text.push_str(&annotations(&Target::type_def(t), &t.meta));
        files.insert(names.file("types", &t.name), text);
    }
    let owned_by_table = |s: &crate::catalog::Sequence| {
        s.owned_by
            .as_ref()
            .is_some_and(|(t, _)| c.any_table(t).is_some())
    };
    for s in c.sequences.values() {
        if owned_by_table(s) {
            continue;
        }
        let mut text = sequence(s);
        text.push_str(&sequence_owned_by(s));
        text.push_str(&annotations(&Target::sequence(s), &s.meta));
        files.insert(names.file("sequences", &s.name), text);
    }
    for (dir, tables) in [("tables", &c.tables), ("external", &c.externals)] {
        for t in tables.values() {
            let mut text = match &t.external_owner {
                Some(owner) => format!("-- owner: {owner}\n"),
                None => String::new(),
            };
            for s in attached.sequences(&t.name) {
                text.push_str(&sequence(s));
                text.push_str(&annotations(&Target::sequence(s), &s.meta));
            }
            text.push_str(&create_table(t, true));
            table_attachments(c, &attached, t, &mut text);
            files.insert(names.file(dir, &t.name), text);
        }
    }
    for v in c.views.values() {
        files.insert(names.file("views", &v.name), view_file(&attached, v));
    }
    for v in c.materialized_views.values() {
        files.insert(names.file("matviews", &v.name), view_file(&attached, v));
    }
    let mut by_name: BTreeMap<&QualifiedName, String> = BTreeMap::new();
    for f in c.functions.values() {
        let text = by_name.entry(&f.name).or_default();
        text.push_str(&function(f));
        text.push_str(&annotations(&Target::function(f), &f.meta));
    }
    for (name, text) in by_name {
        files.insert(names.file("functions", name), text);
    }
    let mut others = String::new();
    for o in &c.others {
        others.push_str(&other(o));
    }
    if !others.is_empty() {
        files.insert("others.sql".to_owned(), others);
    }
    files
}
