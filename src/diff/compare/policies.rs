//! Row-level security policies: created, dropped (unless their table takes them along),
//! altered in place (roles, USING, WITH CHECK) or replaced when `ALTER POLICY` cannot.

use std::collections::BTreeSet;

use super::{Differ, pair};
use crate::catalog::{Meta, Policy};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Policies of both sides: created, dropped, altered or replaced.
    pub(super) fn policies(&mut self) {
        for ((table, pname), old, new) in pair(&self.current.policies, &self.desired.policies) {
            if self.opts.ignores(table) || self.is_external(table) {
                continue;
            }
            match (old, new) {
                (None, Some(p)) => self.create_policy(p),
                (Some(_), Some(n)) if self.recreated(table) => self.create_policy(n),
                (Some(_), None) => {
                    if !self.dropped_with_table(table) {
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
        let target = ObjectRef::Policy(p.table.clone(), p.name.clone());
        self.create(&target, p, Change::CreatePolicy);
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
        let target = ObjectRef::Policy(table.clone(), name.clone());
        if needs_replace {
            self.replace(old, new, |from, to| Change::ReplacePolicy { from, to });
            self.meta(&target, &Meta::default(), meta);
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
        self.meta(&target, &old.meta, meta);
    }
}
