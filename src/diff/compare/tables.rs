//! Tables: created (foreign keys, row security and column comments after), dropped (unless
//! their parent takes them along), created again when their partitioning says so, or altered
//! attribute by attribute (partition moves, columns, constraints, storage, row security).

use super::meta::without_meta;
use super::{Differ, option_changes, pair};
use crate::catalog::{Constraint, ConstraintKind, Meta, QualifiedName, Table};
use crate::diff::partition::compared_columns;
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Tables of both sides (externals aside): created, dropped, created again or altered.
    pub(super) fn tables(&mut self) {
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

    /// A new table: created without its deferred foreign keys, row security and column
    /// comments, which follow as changes of their own.
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
        self.partition_moves(name);
        if old.inherits != *inherits {
            self.push(Change::Unsupported {
                object: ObjectRef::Table(name.clone()),
                reason:
                    "INHERITS changed; recreate the table by hand (the tool does not move data)"
                        .to_owned(),
            });
        }
        // Columns: by name, so column order never matters; a partition's are compared as
        // PostgreSQL has them (`compared_columns`).
        let (old_columns, columns) = compared_columns(self.current, self.desired, old, new);
        self.alter_columns(name, &old_columns, &columns);
        self.alter_constraints(name, &old.constraints, constraints);
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

    /// A table that stays and changes parent: a changed PARTITION BY makes the table one that
    /// is created again (`partitioning`); a changed PARTITION OF, one that is detached and/or
    /// attached.
    fn partition_moves(&mut self, name: &QualifiedName) {
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
    }
}
