//! Triggers: created, dropped (unless their table takes them along), or dropped and created
//! again when their definition changes.

use super::{Differ, pair};
use crate::catalog::Trigger;
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Triggers of both sides: created, dropped, or dropped and created again.
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
                    if !self.dropped_with_table(table) {
                        self.push(drop);
                    }
                }
                (Some(_), Some(n)) if self.recreated(table) => self.create_trigger(n),
                (Some(o), Some(n)) if !same_definition(o, n) => {
                    self.push(drop);
                    self.create_trigger(n);
                }
                (Some(o), Some(n)) => {
                    let target = ObjectRef::Trigger(table.clone(), tname.clone());
                    self.meta(&target, &o.meta, &n.meta);
                }
                (None, None) => {}
            }
        }
    }

    fn create_trigger(&mut self, t: &Trigger) {
        let target = ObjectRef::Trigger(t.table.clone(), t.name.clone());
        self.create(&target, t, Change::CreateTrigger);
    }
}

/// Whether two triggers of one table have the same definition.
fn same_definition(old: &Trigger, new: &Trigger) -> bool {
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
        meta: _, // diffed as changes of their own
    } = new;
    old.timing == *timing
        && old.events == *events
        && old.for_each_row == *for_each_row
        && old.function == *function
        && old.args == *args
        && old.when == *when
        && old.constraint == *constraint
}
