//! Sequences: created, dropped (unless a dropped column or table takes them along), altered,
//! and released from a table that is created again.

use super::meta::without_meta;
use super::{Differ, pair, same_type};
use crate::catalog::{Meta, Sequence};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    pub(super) fn sequences(&mut self) {
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
}
