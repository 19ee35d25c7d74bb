//! The comparison itself: one function per object kind, each destructuring the desired object
//! exhaustively so that a new catalog field stops the build here until someone decides
//! whether it matters to a plan.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::partition::{Partitioning, compared_columns, partitioning};
use super::{AttributeChange, Change, DiffOptions, DomainChange, ObjectRef, RenameKind};
use crate::catalog::normalize::{identity_options, identity_start, unqualify_type};
use crate::catalog::{
    Catalog, Column, Constraint, ConstraintKind, Expr, Extension, Function, Identity, Index, Meta,
    OtherObject, Policy, QualifiedName, Schema, Sequence, Table, Trigger, TypeDef, TypeKind, View,
};
use crate::graph::DepGraph;

/// The schema whose names the loader and PostgreSQL's print-back may write bare.
const DEFAULT_SCHEMA: &str = "public";

/// Whether two type names are the same type: `format_type` qualifies a type of the default
/// schema (`public.mood`) that a file writes bare (`mood`), read with `search_path =
/// pg_catalog`.
fn same_type(a: &str, b: &str) -> bool {
    a == b || unqualify_type(a, DEFAULT_SCHEMA) == unqualify_type(b, DEFAULT_SCHEMA)
}

/// Whether two identities are the same: the same kind, and the same options once those
/// PostgreSQL picks by itself are left out. `START` only matters when the sequence is created:
/// a desired identity that does not state one accepts any.
fn same_identity(old: Option<&Identity>, new: Option<&Identity>, column_type: &str) -> bool {
    match (old, new) {
        (None, None) => true,
        (Some(o), Some(n)) => {
            o.always == n.always && identity_changes(o, n, column_type).is_empty()
        }
        _ => false,
    }
}

/// The identity options to set for `old` to become `new` (name, value; an empty value resets
/// an option to what PostgreSQL picks by itself).
pub(crate) fn identity_changes(
    old: &Identity,
    new: &Identity,
    column_type: &str,
) -> Vec<(String, String)> {
    let from = identity_options(&old.options, column_type);
    let to = identity_options(&new.options, column_type);
    let mut out: Vec<(String, String)> = to
        .iter()
        .filter(|o| !from.contains(o))
        .filter(|(n, _)| n != "sequence_name")
        .cloned()
        .collect();
    for (name, _) in &from {
        let reset = match name.as_str() {
            "start" | "sequence_name" => continue,
            "increment" | "cache" => "1",
            "cycle" => "false",
            _ => "",
        };
        if !to.iter().any(|(n, _)| n == name) {
            out.push((name.clone(), reset.to_owned()));
        }
    }
    // A START left to PostgreSQL follows the new bounds; PostgreSQL checks the old one against
    // them, so it is set whenever the effective start moves.
    let start = identity_start(&new.options, column_type);
    if !out.iter().any(|(n, _)| n == "start") && identity_start(&old.options, column_type) != start
    {
        out.push(("start".to_owned(), start.to_string()));
    }
    out
}

/// Keys of two maps merged, each with the value on either side.
fn pair<'a, K: Ord, V>(
    a: &'a BTreeMap<K, V>,
    b: &'a BTreeMap<K, V>,
) -> Vec<(&'a K, Option<&'a V>, Option<&'a V>)> {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    keys.into_iter().map(|k| (k, a.get(k), b.get(k))).collect()
}

struct Differ<'a> {
    opts: &'a DiffOptions,
    current: &'a Catalog,
    desired: &'a Catalog,
    out: Vec<Change>,
    /// Materialized views dropped and created again: their indexes come back with them.
    replaced_matviews: BTreeSet<QualifiedName>,
    graphs: Option<(DepGraph, DepGraph)>,
    /// Tables dropped and created again, attached or detached because their partitioning
    /// changes.
    parts: Partitioning,
}

pub(super) fn diff(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> (Vec<Change>, Option<(DepGraph, DepGraph)>) {
    let (current, renames) = apply_renames(current, desired, opts);
    let parts = partitioning(&current, desired, opts);
    let mut d = Differ {
        opts,
        current: &current,
        desired,
        out: renames,
        replaced_matviews: BTreeSet::new(),
        graphs: None,
        parts,
    };
    d.schemas();
    d.extensions();
    d.types();
    d.sequences();
    d.tables();
    d.views(false);
    d.views(true);
    d.indexes();
    d.functions();
    d.triggers();
    d.policies();
    d.others();
    (d.out, d.graphs)
}

/// Resolves a rename hint (`old` or `schema.old`) against the new name's schema.
fn hinted_name(hint: &str, new: &QualifiedName) -> QualifiedName {
    match hint.split_once('.') {
        Some((s, n)) => QualifiedName::new(s.trim_matches('"'), n.trim_matches('"')),
        None => QualifiedName::new(new.schema.clone(), hint),
    }
}

/// Turns rename hints into `Rename` changes and returns the current catalog as it will be
/// after them, so the rest of the diff compares the renamed object with its desired state.
pub(super) fn apply_renames<'a>(
    current: &'a Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> (Cow<'a, Catalog>, Vec<Change>) {
    let mut found = Vec::new();
    let hints = desired
        .tables
        .values()
        .map(|t| (RenameKind::Table, &t.name, &t.meta))
        .chain(
            desired
                .views
                .values()
                .map(|v| (RenameKind::View, &v.name, &v.meta)),
        )
        .chain(
            desired
                .materialized_views
                .values()
                .map(|v| (RenameKind::MaterializedView, &v.name, &v.meta)),
        )
        .chain(
            desired
                .indexes
                .values()
                .map(|i| (RenameKind::Index, &i.name, &i.meta)),
        );
    for (kind, new, meta) in hints {
        let Some(hint) = &meta.renamed_from else {
            continue;
        };
        let old = hinted_name(hint, new);
        let same_kind = |c: &Catalog, name: &QualifiedName| match kind {
            RenameKind::Table => c.tables.contains_key(name),
            RenameKind::View => c.views.contains_key(name),
            RenameKind::MaterializedView => c.materialized_views.contains_key(name),
            RenameKind::Index => c.indexes.contains_key(name),
        };
        // The old name may be taken again by a relation of another kind (the view
        // `venue_analytics` renamed so that a table of that name can exist): the rename runs
        // first and frees it. Only a desired relation of the same kind keeps the old object.
        if same_kind(current, &old)
            && !same_kind(desired, &old)
            && !same_kind(current, new)
            && current.relation(new).is_none()
            && !opts.ignores(&old)
            && !opts.ignores(new)
        {
            found.push((kind, old, new.clone()));
        }
    }
    let columns = column_renames(current, desired, &found, opts);
    if found.is_empty() && columns.is_empty() {
        return (Cow::Borrowed(current), Vec::new());
    }
    let mut cat = current.clone();
    let mut changes = Vec::new();
    for (kind, old, new) in found {
        match kind {
            RenameKind::Table => rename_table(&mut cat, &old, &new),
            RenameKind::Index => {
                if let Some(mut i) = cat.indexes.remove(&old) {
                    i.name = new.clone();
                    cat.indexes.insert(new.clone(), i);
                }
            }
            RenameKind::View | RenameKind::MaterializedView => {
                let map = if kind == RenameKind::View {
                    &mut cat.views
                } else {
                    &mut cat.materialized_views
                };
                if let Some(mut v) = map.remove(&old) {
                    v.name = new.clone();
                    map.insert(new.clone(), v);
                }
                // Only a materialized view has indexes; when a table shares its name (two
                // desired states can say so, a database cannot), the indexes are the table's.
                if kind == RenameKind::MaterializedView && !cat.tables.contains_key(&old) {
                    for i in cat.indexes.values_mut().filter(|i| i.table == old) {
                        i.table = new.clone();
                    }
                }
            }
        }
        // Views follow the relations they read by oid: their stored queries read the new name.
        for v in cat
            .views
            .values_mut()
            .chain(cat.materialized_views.values_mut())
        {
            if let Some(q) = super::references::rename_relation(&v.query, &old, &new) {
                v.query = q;
            }
        }
        changes.push(Change::Rename {
            kind,
            from: old,
            to: new,
        });
    }
    let mut renamed_tables: BTreeSet<QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Rename {
                kind: RenameKind::Table,
                to,
                ..
            } => Some(to.clone()),
            _ => None,
        })
        .collect();
    for (table, from, to) in columns {
        rename_column(&mut cat, &table, &from, &to);
        renamed_tables.insert(table.clone());
        changes.push(Change::RenameColumn { table, from, to });
    }
    for table in renamed_tables {
        for (from, to) in constraint_renames(&cat, desired, &table) {
            if let Some(t) = cat.tables.get_mut(&table)
                && let Some(mut c) = t.constraints.remove(&from)
            {
                c.name = to.clone();
                t.constraints.insert(to.clone(), c);
            }
            changes.push(Change::RenameConstraint {
                table: table.clone(),
                from,
                to,
            });
        }
    }
    (Cow::Owned(cat), changes)
}

/// Constraints of a renamed table (or a table with renamed columns) whose name changes but
/// whose definition does not: PostgreSQL keeps `orders_pkey` when `orders` becomes
/// `purchases`, while the desired state names it `purchases_pkey`. Renaming the constraint
/// (and the index behind it) beats dropping and rebuilding it.
fn constraint_renames(
    cat: &Catalog,
    desired: &Catalog,
    table: &QualifiedName,
) -> Vec<(String, String)> {
    let (Some(cur), Some(des)) = (cat.tables.get(table), desired.tables.get(table)) else {
        return Vec::new();
    };
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for (name, c) in &cur.constraints {
        if des.constraints.contains_key(name) {
            continue;
        }
        let same = des.constraints.values().find(|d| {
            !cur.constraints.contains_key(&d.name)
                && !taken.contains(&d.name)
                && d.kind == c.kind
                && d.deferrable == c.deferrable
                && d.initially_deferred == c.initially_deferred
        });
        if let Some(d) = same {
            taken.insert(d.name.clone());
            out.push((name.clone(), d.name.clone()));
        }
    }
    out
}

/// Column rename hints that apply: the table exists now (under its current or hinted old
/// name), has the old column and not the new one, and the desired table no longer has the old.
fn column_renames(
    current: &Catalog,
    desired: &Catalog,
    relation_renames: &[(RenameKind, QualifiedName, QualifiedName)],
    opts: &DiffOptions,
) -> Vec<(QualifiedName, String, String)> {
    let mut out = Vec::new();
    for t in desired.tables.values() {
        if opts.ignores(&t.name) {
            continue;
        }
        let now = relation_renames
            .iter()
            .find(|(k, _, new)| *k == RenameKind::Table && *new == t.name)
            .map_or(&t.name, |(_, old, _)| old);
        let Some(cur) = current.tables.get(now) else {
            continue;
        };
        for col in &t.columns {
            let Some(old) = &col.renamed_from else {
                continue;
            };
            if cur.column(old).is_some()
                && cur.column(&col.name).is_none()
                && t.column(old).is_none()
            {
                out.push((t.name.clone(), old.clone(), col.name.clone()));
            }
        }
    }
    out
}

/// Renames a column in a catalog as `ALTER TABLE … RENAME COLUMN` does: the column, the keys
/// and indexes naming it, foreign keys referencing it, a sequence owned by it, and the
/// expressions over the table that use it (CHECKs, generated columns, index keys and
/// predicates, policies, trigger conditions). A view keeps the old name as its output
/// column's, so a view written with the new one is a real change.
fn rename_column(cat: &mut Catalog, table: &QualifiedName, from: &str, to: &str) {
    let follow = |e: &mut Expr| {
        if let Some(renamed) = super::references::rename_column(e, &[&table.name], from, to) {
            *e = renamed;
        }
    };
    let swap = |names: &mut Vec<String>| {
        for n in names.iter_mut().filter(|n| *n == from) {
            *n = to.to_owned();
        }
    };
    if let Some(t) = cat.tables.get_mut(table) {
        if let Some(c) = t.column_mut(from) {
            c.name = to.to_owned();
        }
        for k in t.constraints.values_mut() {
            match &mut k.kind {
                ConstraintKind::PrimaryKey { columns, include }
                | ConstraintKind::Unique {
                    columns, include, ..
                } => {
                    swap(columns);
                    swap(include);
                }
                ConstraintKind::ForeignKey { columns, .. } => swap(columns),
                ConstraintKind::Check { expr, .. } => follow(expr),
                ConstraintKind::Exclude { predicate, .. } => {
                    if let Some(p) = predicate {
                        follow(p);
                    }
                }
            }
        }
        for c in &mut t.columns {
            if let Some(g) = &mut c.generated {
                follow(g);
            }
        }
    }
    for p in cat.policies.values_mut().filter(|p| &p.table == table) {
        for e in [&mut p.using, &mut p.with_check].into_iter().flatten() {
            follow(e);
        }
    }
    for t in cat.triggers.values_mut().filter(|t| &t.table == table) {
        if let Some(w) = &mut t.when {
            let trigger_names = [table.name.as_str(), "new", "old"];
            if let Some(e) = super::references::rename_column(w, &trigger_names, from, to) {
                *w = e;
            }
        }
    }
    for t in cat.tables.values_mut() {
        for k in t.constraints.values_mut() {
            if let ConstraintKind::ForeignKey {
                ref_table,
                ref_columns,
                ..
            } = &mut k.kind
                && ref_table == table
            {
                swap(ref_columns);
            }
        }
    }
    for i in cat.indexes.values_mut().filter(|i| &i.table == table) {
        for k in &mut i.keys {
            if k.column.as_deref() == Some(from) {
                k.column = Some(to.to_owned());
            }
            if let Some(e) = &mut k.expr {
                follow(e);
            }
        }
        swap(&mut i.include);
        if let Some(p) = &mut i.predicate {
            follow(p);
        }
    }
    for s in cat.sequences.values_mut() {
        if let Some((t, c)) = &mut s.owned_by
            && t == table
            && c == from
        {
            *c = to.to_owned();
        }
    }
}

/// Renames a table in a catalog and every reference to it that a rename carries along in
/// PostgreSQL (indexes, policies, triggers, foreign keys, owned sequences).
fn rename_table(cat: &mut Catalog, old: &QualifiedName, new: &QualifiedName) {
    if let Some(mut t) = cat.tables.remove(old) {
        t.name = new.clone();
        cat.tables.insert(new.clone(), t);
    }
    for i in cat.indexes.values_mut().filter(|i| &i.table == old) {
        i.table = new.clone();
    }
    cat.policies = std::mem::take(&mut cat.policies)
        .into_iter()
        .map(|((t, n), mut p)| {
            if &t == old {
                p.table = new.clone();
                ((new.clone(), n), p)
            } else {
                ((t, n), p)
            }
        })
        .collect();
    cat.triggers = std::mem::take(&mut cat.triggers)
        .into_iter()
        .map(|((t, n), mut tr)| {
            if &t == old {
                tr.table = new.clone();
                ((new.clone(), n), tr)
            } else {
                ((t, n), tr)
            }
        })
        .collect();
    for t in cat.tables.values_mut() {
        for c in t.constraints.values_mut() {
            if let ConstraintKind::ForeignKey { ref_table, .. } = &mut c.kind
                && ref_table == old
            {
                *ref_table = new.clone();
            }
        }
    }
    for s in cat.sequences.values_mut() {
        if let Some((t, _)) = &mut s.owned_by
            && t == old
        {
            *t = new.clone();
        }
    }
}

/// Constraints that only changed name: (current name, desired name) for each current
/// constraint the desired side no longer names whose definition equals that of a desired
/// constraint the current side does not name yet, paired in name order.
fn renamed_constraints(
    old: &BTreeMap<String, Constraint>,
    new: &BTreeMap<String, Constraint>,
) -> Vec<(String, String)> {
    let same = |a: &Constraint, b: &Constraint| {
        a.kind == b.kind
            && a.deferrable == b.deferrable
            && a.initially_deferred == b.initially_deferred
    };
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for (from, o) in old.iter().filter(|(n, _)| !new.contains_key(*n)) {
        let found = new
            .iter()
            .filter(|(n, _)| !old.contains_key(*n) && !taken.contains(*n))
            .find(|(_, c)| same(o, c));
        if let Some((to, _)) = found {
            taken.insert(to.clone());
            out.push((from.clone(), to.clone()));
        }
    }
    out
}

/// Keys of two string maps: what to set (new or changed) and what to reset.
fn option_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reset = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (set, reset)
}

impl Differ<'_> {
    fn push(&mut self, c: Change) {
        self.out.push(c);
    }

    /// Whether a relation of the current side belongs to someone else: declared external on
    /// either side. Such tables are never planned.
    fn is_external(&self, name: &QualifiedName) -> bool {
        self.desired.externals.contains_key(name) || self.current.externals.contains_key(name)
    }

    /// Whether a table of the current side is a partition of a table that is dropped and created
    /// again, or (when it is created again itself) of one that is dropped: `DROP TABLE` of the
    /// parent takes it along.
    fn goes_with_parent(&self, t: &Table) -> bool {
        t.partition_of.as_ref().is_some_and(|(p, _)| {
            self.parts.is_recreated(p)
                || (self.parts.is_recreated(&t.name) && self.parent_dropped(p))
        })
    }

    /// Whether a table's children (indexes, triggers, policies) are dropped with it and created
    /// again from the desired state.
    fn recreated(&self, table: &QualifiedName) -> bool {
        self.parts.is_recreated(table)
    }

    /// Whether a table or materialized view is dropped by this diff (its children go with it).
    fn parent_dropped(&self, table: &QualifiedName) -> bool {
        let existed = self.current.tables.contains_key(table)
            || self.current.materialized_views.contains_key(table);
        let stays = self.desired.tables.contains_key(table)
            || self.desired.materialized_views.contains_key(table);
        existed && !stays
    }

    /// Comment, owner and grants. Owner: only when the desired side names one (a file that
    /// says nothing about ownership leaves the live owner alone).
    fn meta(&mut self, target: &ObjectRef, old: &Meta, new: &Meta) {
        let Meta {
            span: _, // source position never affects the plan
            comment,
            owner,
            grants,
            renamed_from: _,  // consumed by apply_renames
            location_base: _, // source position
        } = new;
        if old.comment != *comment {
            self.push(Change::Comment {
                target: target.clone(),
                comment: comment.clone(),
            });
        }
        if let Some(owner) = owner
            && old.owner.as_ref() != Some(owner)
        {
            self.push(Change::SetOwner {
                target: target.clone(),
                owner: owner.clone(),
            });
        }
        let old_grants: BTreeSet<_> = old.grants.iter().collect();
        let new_grants: BTreeSet<_> = grants.iter().collect();
        for g in old_grants.difference(&new_grants) {
            self.push(Change::Revoke {
                target: target.clone(),
                grant: (*g).clone(),
            });
        }
        for g in new_grants.difference(&old_grants) {
            self.push(Change::Grant {
                target: target.clone(),
                grant: (*g).clone(),
            });
        }
    }

    fn schemas(&mut self) {
        for (name, old, new) in pair(&self.current.schemas, &self.desired.schemas) {
            if !self.opts.manages_schema(name) || self.opts.ignores_bare(name) {
                continue;
            }
            let target = ObjectRef::Schema(name.clone());
            match (old, new) {
                (None, Some(Schema { name, meta })) => {
                    self.push(Change::CreateSchema(name.clone()));
                    self.meta(&target, &Meta::default(), meta);
                }
                (Some(_), None) => self.push(Change::DropSchema(name.clone())),
                // A schema no file declares (`public`, which every catalog starts with) says
                // nothing about its comment, owner or grants: leave the database's as they are.
                // Diffing them would drop `public`'s comment and revoke its USAGE from PUBLIC.
                (Some(_), Some(Schema { name: _, meta })) if meta.span.is_none() => {}
                (Some(o), Some(Schema { name: _, meta })) => self.meta(&target, &o.meta, meta),
                (None, None) => {}
            }
        }
    }

    fn extensions(&mut self) {
        for (name, old, new) in pair(&self.current.extensions, &self.desired.extensions) {
            if self.opts.ignores_bare(name) {
                continue;
            }
            let target = ObjectRef::Extension(name.clone());
            match (old, new) {
                (None, Some(e)) => {
                    let Extension {
                        name,
                        schema,
                        version,
                        meta,
                    } = e;
                    self.push(Change::CreateExtension {
                        name: name.clone(),
                        schema: schema.clone(),
                        version: version.clone(),
                    });
                    self.meta(&target, &Meta::default(), meta);
                }
                (Some(_), None) => self.push(Change::DropExtension(name.clone())),
                (Some(o), Some(e)) => {
                    let Extension {
                        name,
                        schema,
                        version,
                        meta,
                    } = e;
                    // An unspecified version or schema means "whatever is there".
                    let version = version.clone().filter(|v| o.version.as_ref() != Some(v));
                    let schema = schema.clone().filter(|s| o.schema.as_ref() != Some(s));
                    if version.is_some() || schema.is_some() {
                        self.push(Change::AlterExtension {
                            name: name.clone(),
                            version,
                            schema,
                        });
                    }
                    // So does an unstated comment: the control file sets one when the
                    // extension is created, which no file repeats.
                    let mut meta = meta.clone();
                    if meta.comment.is_none() {
                        meta.comment.clone_from(&o.meta.comment);
                    }
                    self.meta(&target, &o.meta, &meta);
                }
                (None, None) => {}
            }
        }
    }

    fn types(&mut self) {
        for (name, old, new) in pair(&self.current.types, &self.desired.types) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = ObjectRef::Type(name.clone());
            match (old, new) {
                (None, Some(t)) => {
                    let created = without_meta(t);
                    self.push(Change::CreateType(Box::new(created)));
                    self.meta(&target, &Meta::default(), &t.meta);
                }
                (Some(_), None) => self.push(Change::DropType(name.clone())),
                (Some(o), Some(n)) => self.alter_type(o, n),
                (None, None) => {}
            }
        }
    }

    fn alter_type(&mut self, old: &TypeDef, new: &TypeDef) {
        let TypeDef { name, kind, meta } = new;
        let target = ObjectRef::Type(name.clone());
        let unsupported = |reason: String| Change::Unsupported {
            object: target.clone(),
            reason,
        };
        match (&old.kind, kind) {
            (
                TypeKind::Enum { values: from, .. },
                TypeKind::Enum {
                    values: to,
                    renamed,
                },
            ) => match super::enums::plan(self.current, name, from, to, renamed) {
                super::enums::EnumPlan::InPlace(changes) => {
                    for c in changes {
                        self.push(c);
                    }
                }
                super::enums::EnumPlan::Recreate => {
                    self.push(Change::DropType(name.clone()));
                    self.push(Change::CreateType(Box::new(without_meta(new))));
                    self.meta(&target, &Meta::default(), meta);
                    return;
                }
                super::enums::EnumPlan::Refuse(reason) => self.push(unsupported(reason)),
            },
            (
                TypeKind::Domain {
                    base: b0,
                    not_null: n0,
                    default: d0,
                    checks: c0,
                    collation: col0,
                },
                TypeKind::Domain {
                    base,
                    not_null,
                    default,
                    checks,
                    collation,
                },
            ) => {
                if !same_type(b0, base) || col0 != collation {
                    self.push(unsupported(format!(
                        "domain base type or collation changed ({b0} → {base}); drop and create it with its dependent columns by hand"
                    )));
                    return;
                }
                if d0 != default {
                    self.push(Change::AlterDomain {
                        name: name.clone(),
                        change: DomainChange::SetDefault(default.clone()),
                    });
                }
                if n0 != not_null {
                    self.push(Change::AlterDomain {
                        name: name.clone(),
                        change: DomainChange::SetNotNull(*not_null),
                    });
                }
                for (cname, expr) in c0 {
                    if !checks.iter().any(|(n, e)| n == cname && e == expr) {
                        self.push(Change::AlterDomain {
                            name: name.clone(),
                            change: DomainChange::DropCheck(cname.clone()),
                        });
                    }
                }
                for (cname, expr) in checks {
                    if !c0.iter().any(|(n, e)| n == cname && e == expr) {
                        self.push(Change::AlterDomain {
                            name: name.clone(),
                            change: DomainChange::AddCheck(cname.clone(), expr.clone()),
                        });
                    }
                }
            }
            (TypeKind::Composite { attributes: a0 }, TypeKind::Composite { attributes }) => {
                for (attr, _) in a0 {
                    if !attributes.iter().any(|(n, _)| n == attr) {
                        self.push(Change::AlterCompositeType {
                            name: name.clone(),
                            change: AttributeChange::Drop(attr.clone()),
                        });
                    }
                }
                for (attr, ty) in attributes {
                    match a0.iter().find(|(n, _)| n == attr) {
                        None => self.push(Change::AlterCompositeType {
                            name: name.clone(),
                            change: AttributeChange::Add(attr.clone(), ty.clone()),
                        }),
                        Some((_, t0)) if !same_type(t0, ty) => {
                            self.push(Change::AlterCompositeType {
                                name: name.clone(),
                                change: AttributeChange::AlterType(attr.clone(), ty.clone()),
                            })
                        }
                        Some(_) => {}
                    }
                }
            }
            (TypeKind::Range { subtype: s0 }, TypeKind::Range { subtype }) => {
                if !same_type(s0, subtype) {
                    self.push(unsupported(format!(
                        "range subtype changed ({s0} → {subtype}); PostgreSQL cannot alter it"
                    )));
                }
            }
            _ => {
                self.push(unsupported(
                    "type changed kind (enum, domain, composite or range); drop and create it with its dependent columns by hand"
                        .to_owned(),
                ));
            }
        }
        self.meta(&target, &old.meta, meta);
    }

    fn sequences(&mut self) {
        for (name, old, new) in pair(&self.current.sequences, &self.desired.sequences) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = ObjectRef::Sequence(name.clone());
            match (old, new) {
                (None, Some(s)) => {
                    let created = without_meta(s);
                    self.push(Change::CreateSequence(Box::new(created)));
                    self.meta(&target, &Meta::default(), &s.meta);
                }
                // A sequence owned by a column goes with it: DROP TABLE or DROP COLUMN takes
                // it along, and a DROP SEQUENCE after that fails.
                (Some(o), None)
                    if o.owned_by.as_ref().is_some_and(|(t, c)| {
                        self.desired
                            .tables
                            .get(t)
                            .is_none_or(|t| t.column(c).is_none())
                    }) => {}
                // One owned by a table that is dropped and created again goes with it.
                (Some(o), None) if o.owned_by.as_ref().is_some_and(|(t, _)| self.recreated(t)) => {}
                (Some(_), None) => self.push(Change::DropSequence(name.clone())),
                // One that stays, owned by a table that is dropped and created again, is
                // released before the drop (which would take it along, and its position with
                // it) and given to the desired column afterwards.
                (Some(o), Some(n))
                    if o.owned_by.as_ref().is_some_and(|(t, _)| self.recreated(t)) =>
                {
                    let mut released = without_meta(o);
                    released.owned_by = None;
                    self.push(Change::AlterSequence {
                        from: Box::new(without_meta(o)),
                        to: Box::new(released.clone()),
                    });
                    let mut to = without_meta(n);
                    if to.start.is_none() {
                        to.start.clone_from(&o.start);
                    }
                    if to != released {
                        self.push(Change::AlterSequence {
                            from: Box::new(released),
                            to: Box::new(to),
                        });
                    }
                    self.meta(&target, &o.meta, &n.meta);
                }
                (Some(o), Some(n)) => {
                    let Sequence {
                        name: _,
                        data_type,
                        start,
                        increment,
                        min_value,
                        max_value,
                        cache,
                        cycle,
                        owned_by,
                        meta,
                    } = n;
                    let differs = !same_type(&o.data_type, data_type)
                        // START WITH only matters when the sequence is created (RESTART is
                        // not declarative): an unspecified start is no change.
                        || (start.is_some() && o.start != *start)
                        || o.increment != *increment
                        || o.min_value != *min_value
                        || o.max_value != *max_value
                        || o.cache != *cache
                        || o.cycle != *cycle
                        || o.owned_by != *owned_by;
                    if differs {
                        let from = without_meta(o);
                        let to = without_meta(n);
                        self.push(Change::AlterSequence {
                            from: Box::new(from),
                            to: Box::new(to),
                        });
                    }
                    self.meta(&target, &o.meta, meta);
                }
                (None, None) => {}
            }
        }
    }

    fn tables(&mut self) {
        for (name, old, new) in pair(&self.current.tables, &self.desired.tables) {
            if self.opts.ignores(name) || self.is_external(name) {
                continue;
            }
            match (old, new) {
                (None, Some(t)) => self.create_table(t),
                (Some(o), None) => {
                    if !self.goes_with_parent(o) {
                        self.push(Change::DropTable(name.clone()));
                    }
                }
                (Some(o), Some(n)) if self.parts.is_recreated(name) => {
                    // Its foreign keys to other tables created again go first, or dropping
                    // those would fail.
                    for c in o.constraints.values() {
                        if let ConstraintKind::ForeignKey { ref_table, .. } = &c.kind
                            && ref_table != name
                            && self.recreated(ref_table)
                        {
                            self.push(Change::DropConstraint {
                                table: name.clone(),
                                name: c.name.clone(),
                            });
                        }
                    }
                    if !self.goes_with_parent(o) {
                        self.push(Change::DropTable(name.clone()));
                    }
                    self.create_table(n);
                }
                (Some(o), Some(n)) => self.alter_table(o, n),
                (None, None) => {}
            }
        }
    }

    fn create_table(&mut self, t: &Table) {
        let mut created = without_meta(t);
        created.rls_enabled = false;
        created.rls_forced = false;
        created.rls_span = None;
        for c in &mut created.columns {
            c.comment = None;
        }
        // Foreign keys once every table exists; a NOT VALID constraint by ALTER TABLE (inside
        // CREATE TABLE, PostgreSQL would record it as validated).
        let deferred = |c: &Constraint| crate::ddl::constraint_is_deferred(c, false);
        let fks: Vec<Constraint> = t
            .constraints
            .values()
            .filter(|c| deferred(c))
            .cloned()
            .collect();
        created.constraints.retain(|_, c| !deferred(c));
        self.push(Change::CreateTable(Box::new(created)));
        for c in fks {
            self.push(Change::AddConstraint {
                table: t.name.clone(),
                constraint: Box::new(c),
            });
        }
        if t.rls_enabled {
            self.push(Change::SetRowSecurity {
                table: t.name.clone(),
                enabled: true,
            });
        }
        if t.rls_forced {
            self.push(Change::ForceRowSecurity {
                table: t.name.clone(),
                forced: true,
            });
        }
        for c in &t.columns {
            if c.comment.is_some() {
                self.push(Change::Comment {
                    target: ObjectRef::Column(t.name.clone(), c.name.clone()),
                    comment: c.comment.clone(),
                });
            }
        }
        self.meta(&ObjectRef::Table(t.name.clone()), &Meta::default(), &t.meta);
    }

    fn alter_table(&mut self, old: &Table, new: &Table) {
        let Table {
            name,
            columns: _, // compared as PostgreSQL has them (`compared_columns`)
            constraints,
            rls_enabled,
            rls_forced,
            rls_span: _, // source position
            unlogged,
            partition_by: _, // decided by `partitioning` (table created again)
            partition_of: _, // decided by `partitioning` (attached, detached)
            inherits,
            options,
            external_owner: _, // only meaningful for external tables, which are never planned
            meta,
        } = new;
        let unsupported = |what: &str| Change::Unsupported {
            object: ObjectRef::Table(name.clone()),
            reason: format!(
                "{what} changed; recreate the table by hand (the tool does not move data)"
            ),
        };
        // A changed PARTITION BY makes the table one that is created again (`partitioning`);
        // a changed PARTITION OF, one that is detached and/or attached.
        let detach =
            self.parts
                .detached
                .iter()
                .filter(|(c, _)| c == name)
                .map(|(child, parent)| Change::DetachPartition {
                    parent: parent.clone(),
                    child: child.clone(),
                });
        let attach = self
            .parts
            .attached
            .iter()
            .filter(|(c, _, _)| c == name)
            .map(|(child, parent, bound)| Change::AttachPartition {
                parent: parent.clone(),
                child: child.clone(),
                bound: bound.clone(),
            });
        let moves: Vec<Change> = detach.chain(attach).collect();
        self.out.extend(moves);
        if old.inherits != *inherits {
            self.push(unsupported("INHERITS"));
        }
        // Columns: by name, so column order never matters; a partition's are compared as
        // PostgreSQL has them (`compared_columns`).
        let (old_columns, columns) = compared_columns(self.current, self.desired, old, new);
        let old_column = |n: &str| old_columns.iter().find(|c| c.name == n);
        for c in &old_columns {
            if !columns.iter().any(|d| d.name == c.name) {
                self.push(Change::DropColumn {
                    table: name.clone(),
                    column: c.name.clone(),
                });
            }
        }
        for c in &columns {
            match old_column(&c.name) {
                Some(o) => self.alter_column(name, o, c),
                None => {
                    let mut added = c.clone();
                    added.comment = None;
                    self.push(Change::AddColumn {
                        table: name.clone(),
                        column: Box::new(added),
                    });
                    if c.comment.is_some() {
                        self.push(Change::Comment {
                            target: ObjectRef::Column(name.clone(), c.name.clone()),
                            comment: c.comment.clone(),
                        });
                    }
                }
            }
        }
        let renamed = renamed_constraints(&old.constraints, constraints);
        for (from, to) in &renamed {
            self.push(Change::RenameConstraint {
                table: name.clone(),
                from: from.clone(),
                to: to.clone(),
            });
            if old.constraints[from].not_valid && !constraints[to].not_valid {
                self.push(Change::ValidateConstraint {
                    table: name.clone(),
                    name: to.clone(),
                });
            }
        }
        for (cname, o, n) in pair(&old.constraints, constraints) {
            let is_renamed = renamed
                .iter()
                .any(|(from, to)| from == cname || to == cname);
            if is_renamed {
                continue;
            }
            match (o, n) {
                (Some(_), None) => self.push(Change::DropConstraint {
                    table: name.clone(),
                    name: cname.clone(),
                }),
                (None, Some(c)) => self.add_constraint(name, c),
                (Some(o), Some(c)) => {
                    let Constraint {
                        name: _,
                        kind,
                        deferrable,
                        initially_deferred,
                        not_valid,
                        span: _, // source position
                    } = c;
                    // A foreign key to a table that is dropped and created again goes before
                    // it and comes back after it.
                    let to_recreated = matches!(kind, ConstraintKind::ForeignKey { ref_table, .. } if self.recreated(ref_table));
                    if o.kind != *kind
                        || o.deferrable != *deferrable
                        || o.initially_deferred != *initially_deferred
                        || to_recreated
                    {
                        self.push(Change::DropConstraint {
                            table: name.clone(),
                            name: cname.clone(),
                        });
                        self.add_constraint(name, c);
                    } else if o.not_valid && !not_valid {
                        self.push(Change::ValidateConstraint {
                            table: name.clone(),
                            name: cname.clone(),
                        });
                    }
                    // Desired NOT VALID over a validated constraint: nothing to do, a
                    // constraint cannot be un-validated and the rows satisfy it anyway.
                }
                (None, None) => {}
            }
        }
        if old.unlogged != *unlogged {
            self.push(Change::SetLogged {
                table: name.clone(),
                logged: !unlogged,
            });
        }
        let (set, reset) = option_changes(&old.options, options);
        if !set.is_empty() || !reset.is_empty() {
            self.push(Change::SetTableOptions {
                table: name.clone(),
                set,
                reset,
            });
        }
        if old.rls_enabled != *rls_enabled {
            self.push(Change::SetRowSecurity {
                table: name.clone(),
                enabled: *rls_enabled,
            });
        }
        if old.rls_forced != *rls_forced {
            self.push(Change::ForceRowSecurity {
                table: name.clone(),
                forced: *rls_forced,
            });
        }
        self.meta(&ObjectRef::Table(name.clone()), &old.meta, meta);
    }

    /// A constraint added to an existing table: foreign keys and CHECKs go in NOT VALID and
    /// are validated by a separate change, which takes a weaker lock and can be retried.
    fn add_constraint(&mut self, table: &QualifiedName, c: &Constraint) {
        // PostgreSQL refuses a NOT VALID foreign key on a partitioned table.
        let partitioned = self
            .desired
            .tables
            .get(table)
            .is_some_and(|t| t.partition_by.is_some());
        let two_step = match c.kind {
            ConstraintKind::ForeignKey { .. } => !partitioned,
            ConstraintKind::Check { .. } => true,
            _ => false,
        } && !c.not_valid;
        let mut added = c.clone();
        added.not_valid |= two_step;
        self.push(Change::AddConstraint {
            table: table.clone(),
            constraint: Box::new(added),
        });
        if two_step {
            self.push(Change::ValidateConstraint {
                table: table.clone(),
                name: c.name.clone(),
            });
        }
    }

    fn alter_column(&mut self, table: &QualifiedName, old: &Column, new: &Column) {
        let Column {
            name,
            ty,
            not_null,
            default,
            identity,
            generated,
            collation,
            comment,
            span: _,         // source position never affects the plan
            renamed_from: _, // consumed by apply_renames
        } = new;
        if !same_type(&old.ty, ty) || old.collation != *collation {
            self.push(Change::AlterColumnType {
                table: table.clone(),
                column: name.clone(),
                from: old.ty.clone(),
                to: ty.clone(),
                collation: collation.clone(),
            });
        }
        if old.generated != *generated {
            self.push(Change::SetGenerated {
                table: table.clone(),
                column: name.clone(),
                expr: generated.clone(),
            });
        }
        // `DEFAULT NULL` is no default: PostgreSQL stores none.
        let stated = |d: &Option<Expr>| d.clone().filter(|e| e.sql() != "NULL");
        if stated(&old.default) != stated(default) {
            self.push(Change::SetDefault {
                table: table.clone(),
                column: name.clone(),
                default: stated(default),
            });
        }
        let identity_changes = !same_identity(old.identity.as_ref(), identity.as_ref(), ty);
        let set_identity = || Change::SetIdentity {
            table: table.clone(),
            column: name.clone(),
            from: old.identity.clone(),
            to: identity.clone(),
        };
        // DROP NOT NULL is refused on an identity column: the identity goes first.
        let identity_first = identity_changes && identity.is_none();
        if identity_first {
            self.push(set_identity());
        }
        if old.not_null != *not_null {
            self.push(Change::SetNotNull {
                table: table.clone(),
                column: name.clone(),
                not_null: *not_null,
            });
        }
        // ADD IDENTITY needs the column NOT NULL first.
        if identity_changes && !identity_first {
            self.push(set_identity());
        }
        if old.comment != *comment {
            self.push(Change::Comment {
                target: ObjectRef::Column(table.clone(), name.clone()),
                comment: comment.clone(),
            });
        }
    }

    fn graphs(&mut self) -> &(DepGraph, DepGraph) {
        let (current, desired) = (self.current, self.desired);
        self.graphs
            .get_or_insert_with(|| (DepGraph::build(current), DepGraph::build(desired)))
    }

    fn views(&mut self, materialized: bool) {
        let (cur, des) = if materialized {
            (
                &self.current.materialized_views,
                &self.desired.materialized_views,
            )
        } else {
            (&self.current.views, &self.desired.views)
        };
        for (name, old, new) in pair(cur, des) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = if materialized {
                ObjectRef::MaterializedView(name.clone())
            } else {
                ObjectRef::View(name.clone())
            };
            match (old, new) {
                (None, Some(v)) => {
                    let created = without_meta(v);
                    self.push(Change::CreateView(Box::new(created)));
                    self.meta(&target, &Meta::default(), &v.meta);
                }
                (Some(_), None) => self.push(Change::DropView {
                    name: name.clone(),
                    materialized,
                }),
                (Some(o), Some(n)) => self.alter_view(&target, o, n),
                (None, None) => {}
            }
        }
    }

    fn alter_view(&mut self, target: &ObjectRef, old: &View, new: &View) {
        let View {
            name,
            query,
            column_names,
            options,
            check_option,
            materialized,
            with_no_data: _, // only how a new materialized view is first populated
            search_path: _,  // names are compared resolved, through the deparsed query
            meta,
        } = new;
        let definition_changed = old.query != *query
            || old.column_names != *column_names
            || old.check_option != *check_option;
        let created = without_meta(new);
        if definition_changed && *materialized {
            self.replaced_matviews.insert(name.clone());
            self.push(Change::ReplaceMaterializedView(Box::new(created)));
            // The new materialized view starts without options, comments or grants.
            let fresh = View {
                options: BTreeMap::new(),
                ..old.clone()
            };
            let (set, reset) = option_changes(&fresh.options, options);
            if !set.is_empty() || !reset.is_empty() {
                self.push(Change::SetViewOptions {
                    name: name.clone(),
                    materialized: true,
                    set,
                    reset,
                });
            }
            self.meta(target, &Meta::default(), meta);
            return;
        }
        if definition_changed {
            let recreate = {
                let (g0, g1) = self.graphs();
                match (g0.view_output_columns(name), g1.view_output_columns(name)) {
                    (Some(a), Some(b)) => !b.starts_with(a),
                    _ => false,
                }
            };
            self.push(Change::ReplaceView {
                view: Box::new(created),
                recreate,
            });
        }
        // CREATE OR REPLACE VIEW replaces the options with those of its WITH clause (even
        // none), so a replaced view needs no ALTER VIEW … SET.
        let (set, reset) = option_changes(&old.options, options);
        if !definition_changed && (!set.is_empty() || !reset.is_empty()) {
            self.push(Change::SetViewOptions {
                name: name.clone(),
                materialized: *materialized,
                set,
                reset,
            });
        }
        self.meta(target, &old.meta, meta);
    }

    /// Indexes that only changed name: (current name, desired name), paired in name order.
    fn renamed_indexes(&self) -> Vec<(QualifiedName, QualifiedName)> {
        let same = |a: &Index, b: &Index| {
            a.table == b.table
                && a.unique == b.unique
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.method == b.method
                && a.keys == b.keys
                && a.include == b.include
                && a.predicate == b.predicate
                && a.options == b.options
        };
        let (current, desired) = (&self.current.indexes, &self.desired.indexes);
        let movable = |i: &Index| {
            !self.opts.ignores(&i.name)
                && !self.opts.ignores(&i.table)
                && !self.is_external(&i.table)
                && !self.parent_dropped(&i.table)
                && !self.replaced_matviews.contains(&i.table)
                && !self.recreated(&i.table)
        };
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for (from, o) in current.iter().filter(|(n, _)| !desired.contains_key(*n)) {
            if !movable(o) {
                continue;
            }
            let found = desired
                .iter()
                .filter(|(n, i)| {
                    !current.contains_key(*n)
                        && !taken.contains(*n)
                        && n.schema == from.schema
                        && movable(i)
                })
                .find(|(_, i)| same(o, i));
            if let Some((to, _)) = found {
                taken.insert(to.clone());
                out.push((from.clone(), to.clone()));
            }
        }
        out
    }

    fn indexes(&mut self) {
        let renamed = self.renamed_indexes();
        for (from, to) in &renamed {
            self.push(Change::RenameIndex {
                from: from.clone(),
                to: to.clone(),
            });
            let (o, n) = (&self.current.indexes[from], &self.desired.indexes[to]);
            self.meta(&ObjectRef::Index(to.clone()), &o.meta, &n.meta);
        }
        for (name, old, new) in pair(&self.current.indexes, &self.desired.indexes) {
            if renamed.iter().any(|(from, to)| from == name || to == name) {
                continue;
            }
            let table = new.or(old).map(|i| &i.table);
            if self.opts.ignores(name)
                || table.is_some_and(|t| self.opts.ignores(t) || self.is_external(t))
            {
                continue;
            }
            let target = ObjectRef::Index(name.clone());
            match (old, new) {
                (None, Some(i)) => self.create_index(i),
                (Some(i), None) => {
                    if !self.parent_dropped(&i.table)
                        && !self.replaced_matviews.contains(&i.table)
                        && !self.recreated(&i.table)
                    {
                        let dropped = without_meta(i);
                        self.push(Change::DropIndex(Box::new(dropped)));
                    }
                }
                (Some(o), Some(n)) => {
                    // The old index goes with its dropped (or recreated) table or rebuilt
                    // materialized view: the name is free again.
                    if self.replaced_matviews.contains(&n.table)
                        || self.recreated(&n.table)
                        || self.recreated(&o.table)
                        || self.parent_dropped(&o.table)
                    {
                        self.create_index(n);
                        continue;
                    }
                    if self.adopted_on_attach(o) {
                        // ATTACH PARTITION would make it the parent's: it is dropped before and
                        // built again after, as the partition's own.
                        self.push(Change::DropIndex(Box::new(without_meta(o))));
                        self.create_index(n);
                        continue;
                    }
                    let Index {
                        name: _,
                        table,
                        unique,
                        nulls_not_distinct,
                        method,
                        keys,
                        include,
                        predicate,
                        options,
                        meta,
                    } = n;
                    let changed = o.table != *table
                        || o.unique != *unique
                        || o.nulls_not_distinct != *nulls_not_distinct
                        || o.method != *method
                        || o.keys != *keys
                        || o.include != *include
                        || o.predicate != *predicate
                        || o.options != *options;
                    if changed {
                        let from = without_meta(o);
                        let to = without_meta(n);
                        self.push(Change::ReplaceIndex {
                            from: Box::new(from),
                            to: Box::new(to),
                        });
                    }
                    self.meta(&target, &o.meta, meta);
                }
                (None, None) => {}
            }
        }
    }

    /// Whether an index of the current side is on a table the plan attaches as a partition
    /// and has the shape of an index of the desired parent: `ATTACH PARTITION` would adopt it
    /// (it would belong to the parent's index from then on).
    fn adopted_on_attach(&self, i: &Index) -> bool {
        use crate::catalog::build::partition_index::IndexShape;
        let shape = IndexShape::of_index(i);
        self.parts
            .attached
            .iter()
            .filter(|(child, _, _)| *child == i.table)
            .any(|(_, parent, _)| {
                self.desired
                    .indexes
                    .values()
                    .any(|p| &p.table == parent && IndexShape::of_index(p) == shape)
            })
    }

    fn create_index(&mut self, i: &Index) {
        let created = without_meta(i);
        self.push(Change::CreateIndex(Box::new(created)));
        self.meta(&ObjectRef::Index(i.name.clone()), &Meta::default(), &i.meta);
    }

    fn functions(&mut self) {
        for (_, old, new) in pair(&self.current.functions, &self.desired.functions) {
            let Some(f) = new.or(old) else { continue };
            if self.opts.ignores(&f.name) {
                continue;
            }
            match (old, new) {
                (None, Some(f)) => self.create_function(f),
                (Some(f), None) => self.push(Change::DropFunction(ObjectRef::function(f))),
                (Some(o), Some(n)) => self.alter_function(o, n),
                (None, None) => {}
            }
        }
    }

    fn create_function(&mut self, f: &Function) {
        let created = without_meta(f);
        self.push(Change::CreateFunction(Box::new(created)));
        // PostgreSQL grants EXECUTE to PUBLIC on every new routine.
        let implicit = Meta {
            grants: f
                .meta
                .grants
                .iter()
                .filter(|g| g.grantee == "PUBLIC" && g.privilege == "EXECUTE" && g.column.is_none())
                .cloned()
                .collect(),
            ..Meta::default()
        };
        self.meta(&ObjectRef::function(f), &implicit, &f.meta);
    }

    fn alter_function(&mut self, old: &Function, new: &Function) {
        let Function {
            name: _, // same identity
            args,
            returns,
            is_procedure,
            language,
            body,
            volatility,
            security_definer,
            strict,
            leakproof,
            parallel,
            config,
            references: _,  // derived from the body
            body_error: _,  // derived from the body
            search_path: _, // only resolves names for analysis; SET search_path is in config
            meta,
        } = new;
        // CREATE OR REPLACE cannot change the return type, parameter names or modes, or
        // remove a default: those need DROP and CREATE.
        let signature_changed =
            old.args != *args || old.returns != *returns || old.is_procedure != *is_procedure;
        if signature_changed {
            self.push(Change::DropFunction(ObjectRef::function(old)));
            self.create_function(new);
            return;
        }
        let attributes_changed = old.language != *language
            || old.body != *body
            || old.volatility != *volatility
            || old.security_definer != *security_definer
            || old.strict != *strict
            || old.leakproof != *leakproof
            || old.parallel != *parallel
            || old.config != *config;
        if attributes_changed {
            let replaced = without_meta(new);
            self.push(Change::ReplaceFunction(Box::new(replaced)));
        }
        self.meta(&ObjectRef::function(new), &old.meta, meta);
    }

    fn triggers(&mut self) {
        for ((table, tname), old, new) in pair(&self.current.triggers, &self.desired.triggers) {
            if self.opts.ignores(table) || self.is_external(table) {
                continue;
            }
            let drop = Change::DropTrigger {
                table: table.clone(),
                name: tname.clone(),
            };
            match (old, new) {
                (None, Some(t)) => self.create_trigger(t),
                (Some(_), None) => {
                    if !self.parent_dropped(table) && !self.recreated(table) {
                        self.push(drop);
                    }
                }
                (Some(_), Some(n)) if self.recreated(table) => self.create_trigger(n),
                (Some(o), Some(n)) => {
                    let Trigger {
                        name: _,
                        table: _,
                        timing,
                        events,
                        for_each_row,
                        function,
                        args,
                        when,
                        constraint,
                        meta,
                    } = n;
                    let changed = o.timing != *timing
                        || o.events != *events
                        || o.for_each_row != *for_each_row
                        || o.function != *function
                        || o.args != *args
                        || o.when != *when
                        || o.constraint != *constraint;
                    if changed {
                        self.push(drop);
                        self.create_trigger(n);
                    } else {
                        self.meta(
                            &ObjectRef::Trigger(table.clone(), tname.clone()),
                            &o.meta,
                            meta,
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn create_trigger(&mut self, t: &Trigger) {
        let created = without_meta(t);
        self.push(Change::CreateTrigger(Box::new(created)));
        let target = ObjectRef::Trigger(t.table.clone(), t.name.clone());
        self.meta(&target, &Meta::default(), &t.meta);
    }

    fn policies(&mut self) {
        for ((table, pname), old, new) in pair(&self.current.policies, &self.desired.policies) {
            if self.opts.ignores(table) || self.is_external(table) {
                continue;
            }
            match (old, new) {
                (None, Some(p)) => self.create_policy(p),
                (Some(_), Some(n)) if self.recreated(table) => self.create_policy(n),
                (Some(_), None) => {
                    if !self.parent_dropped(table) && !self.recreated(table) {
                        self.push(Change::DropPolicy {
                            table: table.clone(),
                            name: pname.clone(),
                        });
                    }
                }
                (Some(o), Some(n)) => self.alter_policy(o, n),
                (None, None) => {}
            }
        }
    }

    fn create_policy(&mut self, p: &Policy) {
        let created = without_meta(p);
        self.push(Change::CreatePolicy(Box::new(created)));
        let target = ObjectRef::Policy(p.table.clone(), p.name.clone());
        self.meta(&target, &Meta::default(), &p.meta);
    }

    fn alter_policy(&mut self, old: &Policy, new: &Policy) {
        let Policy {
            name,
            table,
            permissive,
            command,
            roles,
            using,
            with_check,
            search_path: _, // names are compared through the deparsed expressions
            meta,
        } = new;
        // ALTER POLICY can set roles, USING and WITH CHECK, but cannot change the command or
        // the kind, nor remove a clause.
        let needs_replace = old.permissive != *permissive
            || old.command != *command
            || (old.using.is_some() && using.is_none())
            || (old.with_check.is_some() && with_check.is_none());
        if needs_replace {
            let from = without_meta(old);
            let to = without_meta(new);
            self.push(Change::ReplacePolicy {
                from: Box::new(from),
                to: Box::new(to),
            });
            self.meta(
                &ObjectRef::Policy(table.clone(), name.clone()),
                &Meta::default(),
                meta,
            );
            return;
        }
        let roles_changed = {
            let a: BTreeSet<&String> = old.roles.iter().collect();
            let b: BTreeSet<&String> = roles.iter().collect();
            a != b
        };
        let using_changed = old.using != *using;
        let check_changed = old.with_check != *with_check;
        if roles_changed || using_changed || check_changed {
            self.push(Change::AlterPolicy {
                table: table.clone(),
                name: name.clone(),
                roles: roles_changed.then(|| roles.clone()),
                using: using.clone().filter(|_| using_changed),
                with_check: with_check.clone().filter(|_| check_changed),
            });
        }
        self.meta(
            &ObjectRef::Policy(table.clone(), name.clone()),
            &old.meta,
            meta,
        );
    }

    fn others(&mut self) {
        let key = |o: &OtherObject| (o.kind.clone(), o.name.clone());
        let cur: BTreeMap<_, _> = self.current.others.iter().map(|o| (key(o), o)).collect();
        let des: BTreeMap<_, _> = self.desired.others.iter().map(|o| (key(o), o)).collect();
        for ((kind, name), old, new) in pair(&cur, &des) {
            if self.opts.ignores_bare(name) {
                continue;
            }
            let reason = match (old, new) {
                (None, Some(_)) => "not modelled by the catalog: create it by hand",
                (Some(_), None) => "not modelled by the catalog: drop it by hand if it should go",
                (Some(o), Some(n)) if o.sql != n.sql => {
                    "not modelled by the catalog: its definition differs; change it by hand"
                }
                _ => continue,
            };
            self.push(Change::Unsupported {
                object: ObjectRef::Other(kind.clone(), name.clone()),
                reason: reason.to_owned(),
            });
        }
    }
}

/// Objects that carry provenance ([`Meta`]: span, comment, owner, grants): changes carry the
/// object's definition only, since comments, owners and grants are diffed as changes of their own.
trait HasMeta: Clone {
    fn meta_mut(&mut self) -> &mut Meta;
}

macro_rules! has_meta {
    ($($t:ty),* $(,)?) => {
        $(impl HasMeta for $t {
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
        })*
    };
}

has_meta!(
    Table, View, Index, Function, Trigger, Policy, Sequence, TypeDef, Extension, Schema
);

/// A copy of the object without its provenance.
fn without_meta<T: HasMeta>(object: &T) -> T {
    let mut copy = object.clone();
    *copy.meta_mut() = Meta::default();
    copy
}
