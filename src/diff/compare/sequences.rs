//! Sequences: created, dropped (unless a dropped column or table takes them along), altered,
//! and released from a table that is created again.

use super::meta::without_meta;
use super::{Differ, pair, same_type};
use crate::catalog::Sequence;
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Sequences of both sides: created, dropped, released or altered.
    pub(super) fn sequences(&mut self) {
        for (name, old, new) in pair(&self.current.sequences, &self.desired.sequences) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = ObjectRef::Sequence(name.clone());
            match (old, new) {
                (None, Some(s)) => self.create(&target, s, Change::CreateSequence),
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
                (Some(o), Some(n))
                    if o.owned_by.as_ref().is_some_and(|(t, _)| self.recreated(t)) =>
                {
                    self.release_sequence(o, n);
                    self.meta(&target, &o.meta, &n.meta);
                }
                (Some(o), Some(n)) => {
                    if differs(o, n) {
                        self.replace(o, n, |from, to| Change::AlterSequence { from, to });
                    }
                    self.meta(&target, &o.meta, &n.meta);
                }
                (None, None) => {}
            }
        }
    }

    /// A sequence that stays, owned by a table that is dropped and created again: released
    /// before the drop (which would take it along, and its position with it) and given to
    /// the desired column afterwards.
    fn release_sequence(&mut self, old: &Sequence, new: &Sequence) {
        let mut released = old.clone();
        released.owned_by = None;
        self.replace(old, &released, |from, to| Change::AlterSequence {
            from,
            to,
        });
        let mut to = new.clone();
        if to.start.is_none() {
            to.start.clone_from(&old.start);
        }
        if without_meta(&to) != without_meta(&released) {
            self.replace(&released, &to, |from, to| Change::AlterSequence {
                from,
                to,
            });
        }
    }
}

/// Whether sequence `old` must be altered to become `new`.
fn differs(old: &Sequence, new: &Sequence) -> bool {
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
        meta: _, // diffed as changes of their own
    } = new;
    !same_type(&old.data_type, data_type)
        // START WITH only matters when the sequence is created (RESTART is not declarative):
        // an unspecified start is no change.
        || (start.is_some() && old.start != *start)
        || old.increment != *increment
        || old.min_value != *min_value
        || old.max_value != *max_value
        || old.cache != *cache
        || old.cycle != *cycle
        || old.owned_by != *owned_by
}
