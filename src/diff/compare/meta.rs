//! Comments, owners and grants of every object, diffed the same way whatever the object; and
//! the copy of an object without them that a change carries, since they are changes of their
//! own (so an object is created, or replaced, by one change and its metadata by others).

use std::collections::BTreeSet;

use super::Differ;
use crate::catalog::{
    Extension, Function, Index, Meta, Policy, Schema, Sequence, Table, Trigger, TypeDef, View,
};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// A new object: the change that creates it (`create`, given the object without its
    /// provenance), then its comment, owner and grants.
    pub(super) fn create<T: HasMeta>(
        &mut self,
        target: &ObjectRef,
        object: &T,
        create: impl FnOnce(Box<T>) -> Change,
    ) {
        self.push(create(Box::new(without_meta(object))));
        self.meta(target, &Meta::default(), object.meta());
    }

    /// An object whose definition changes: the change (`replace`, given both sides without
    /// their provenance) that turns `old` into `new`.
    pub(super) fn replace<T: HasMeta>(
        &mut self,
        old: &T,
        new: &T,
        replace: impl FnOnce(Box<T>, Box<T>) -> Change,
    ) {
        self.push(replace(
            Box::new(without_meta(old)),
            Box::new(without_meta(new)),
        ));
    }

    /// Comment, owner and grants. Owner: only when the desired side names one (a file that
    /// says nothing about ownership leaves the live owner alone).
    pub(super) fn meta(&mut self, target: &ObjectRef, old: &Meta, new: &Meta) {
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
}

/// Objects that carry provenance ([`Meta`]: span, comment, owner, grants): changes carry the
/// object's definition only, since comments, owners and grants are diffed as changes of their own.
pub(super) trait HasMeta: Clone {
    /// The object's provenance.
    fn meta(&self) -> &Meta;
    /// The object's provenance, to clear it.
    fn meta_mut(&mut self) -> &mut Meta;
}

macro_rules! has_meta {
    ($($t:ty),* $(,)?) => {
        $(impl HasMeta for $t {
            fn meta(&self) -> &Meta {
                &self.meta
            }

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
pub(super) fn without_meta<T: HasMeta>(object: &T) -> T {
    let mut copy = object.clone();
    *copy.meta_mut() = Meta::default();
    copy
}
