//! Triggers: created, dropped (unless their table takes them along), or dropped and created
//! again when their definition changes.

use super::meta::without_meta;
use super::{Differ, pair};
use crate::catalog::{Meta, Trigger};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    pub(super) fn triggers(&mut self) {
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
}
