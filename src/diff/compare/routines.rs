//! Functions and procedures: created (with PostgreSQL's implicit `EXECUTE` for `PUBLIC`),
//! dropped, replaced in place, or dropped and created again when the signature changes.

use super::meta::without_meta;
use super::{Differ, pair};
use crate::catalog::{Function, Meta};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Routines of both sides: created, dropped, replaced, or dropped and created again.
    pub(super) fn functions(&mut self) {
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
}
