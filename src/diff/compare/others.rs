//! Objects the catalog records but does not model (`OtherObject`): any difference is an
//! [`Change::Unsupported`] that names it, so that nothing is dropped silently.

use std::collections::BTreeMap;

use super::{Differ, pair};
use crate::catalog::OtherObject;
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Unmodelled objects of both sides: every difference is unsupported.
    pub(super) fn others(&mut self) {
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
