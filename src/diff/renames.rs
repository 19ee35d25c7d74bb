//! Rename hints (`-- schema: renamed from old` on tables, columns, views, materialized views
//! and indexes): which apply, the `Rename*` changes they become, and the current catalog as
//! it is after them, so that the rest of the diff and the planner compare and look up each
//! renamed object under its desired name. Renaming follows PostgreSQL: a renamed relation or
//! column is followed by the keys, indexes, policies, triggers, sequences and view queries
//! that reference it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::{Change, DiffOptions, RenameKind};
use crate::catalog::{Catalog, ConstraintKind, Expr, QualifiedName};

/// Resolves a rename hint (`old` or `schema.old`) against the new name's schema.
fn hinted_name(hint: &str, new: &QualifiedName) -> QualifiedName {
    match hint.split_once('.') {
        Some((s, n)) => QualifiedName::new(s.trim_matches('"'), n.trim_matches('"')),
        None => QualifiedName::new(new.schema.clone(), hint),
    }
}

/// A relation rename hint that applies: (kind, current name, desired name).
type RelationRename = (RenameKind, QualifiedName, QualifiedName);

/// Turns rename hints into `Rename` changes and returns the current catalog as it will be
/// after them, so the rest of the diff compares the renamed object with its desired state.
pub(super) fn apply_renames<'a>(
    current: &'a Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> (Cow<'a, Catalog>, Vec<Change>) {
    let found = relation_renames(current, desired, opts);
    let columns = column_renames(current, desired, &found, opts);
    if found.is_empty() && columns.is_empty() {
        return (Cow::Borrowed(current), Vec::new());
    }
    let mut cat = current.clone();
    let mut changes = Vec::new();
    for (kind, old, new) in found {
        rename_relation(&mut cat, kind, &old, &new);
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

/// The relation rename hints of `desired` that apply: the old object exists now, and the
/// new name is free.
fn relation_renames(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> Vec<RelationRename> {
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
    found
}

/// Renames a table, view, materialized view or index in a catalog, with what follows it in
/// PostgreSQL.
fn rename_relation(cat: &mut Catalog, kind: RenameKind, old: &QualifiedName, new: &QualifiedName) {
    match kind {
        RenameKind::Table => rename_table(cat, old, new),
        RenameKind::Index => {
            if let Some(mut i) = cat.indexes.remove(old) {
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
            if let Some(mut v) = map.remove(old) {
                v.name = new.clone();
                map.insert(new.clone(), v);
            }
            // Only a materialized view has indexes; when a table shares its name (two
            // desired states can say so, a database cannot), the indexes are the table's.
            if kind == RenameKind::MaterializedView && !cat.tables.contains_key(old) {
                for i in cat.indexes.values_mut().filter(|i| i.table == *old) {
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
        if let Some(q) = super::references::rename_relation(&v.query, old, new) {
            v.query = q;
        }
    }
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
    relation_renames: &[RelationRename],
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
    move_to_table(&mut cat.policies, old, new, |p| &mut p.table);
    move_to_table(&mut cat.triggers, old, new, |t| &mut t.table);
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

/// Moves the objects of a map keyed by (table, name) from table `old` to table `new`: their
/// key and the table they name.
fn move_to_table<T>(
    map: &mut BTreeMap<(QualifiedName, String), T>,
    old: &QualifiedName,
    new: &QualifiedName,
    table_of: impl Fn(&mut T) -> &mut QualifiedName,
) {
    *map = std::mem::take(map)
        .into_iter()
        .map(|((t, n), mut object)| {
            if &t == old {
                *table_of(&mut object) = new.clone();
                ((new.clone(), n), object)
            } else {
                ((t, n), object)
            }
        })
        .collect();
}
