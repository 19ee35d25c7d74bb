//! Schemas and extensions: created, dropped, altered (an extension's version or schema), and
//! their comments, owners and grants.

use super::{Differ, pair};
use crate::catalog::{Extension, Meta, Schema};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// Schemas of both sides: created or dropped, and their comments, owners and grants.
    pub(super) fn schemas(&mut self) {
        for (name, old, new) in pair(&self.current.schemas, &self.desired.schemas) {
            if !self.opts.manages_schema(name) || self.opts.ignores_bare(name) {
                continue;
            }
            let target = ObjectRef::Schema(name.clone());
            match (old, new) {
                (None, Some(Schema { name, meta })) => {
                    self.push(Change::CreateSchema(name.clone()));
                    self.meta(&target, &Meta::default(), meta);
                }
                (Some(_), None) => self.push(Change::DropSchema(name.clone())),
                // A schema no file declares (`public`, which every catalog starts with) says
                // nothing about its comment, owner or grants: leave the database's as they are.
                // Diffing them would drop `public`'s comment and revoke its USAGE from PUBLIC.
                (Some(_), Some(Schema { name: _, meta })) if meta.span.is_none() => {}
                (Some(o), Some(Schema { name: _, meta })) => self.meta(&target, &o.meta, meta),
                (None, None) => {}
            }
        }
    }

    /// Extensions of both sides: created, dropped, or moved to another version or schema.
    pub(super) fn extensions(&mut self) {
        for (name, old, new) in pair(&self.current.extensions, &self.desired.extensions) {
            if self.opts.ignores_bare(name) {
                continue;
            }
            let target = ObjectRef::Extension(name.clone());
            match (old, new) {
                (None, Some(e)) => {
                    self.push(Change::CreateExtension {
                        name: e.name.clone(),
                        schema: e.schema.clone(),
                        version: e.version.clone(),
                    });
                    self.meta(&target, &Meta::default(), &e.meta);
                }
                (Some(_), None) => self.push(Change::DropExtension(name.clone())),
                (Some(o), Some(e)) => {
                    let Extension {
                        name,
                        schema,
                        version,
                        meta,
                    } = e;
                    // An unspecified version or schema means "whatever is there".
                    let version = version.clone().filter(|v| o.version.as_ref() != Some(v));
                    let schema = schema.clone().filter(|s| o.schema.as_ref() != Some(s));
                    if version.is_some() || schema.is_some() {
                        self.push(Change::AlterExtension {
                            name: name.clone(),
                            version,
                            schema,
                        });
                    }
                    // So does an unstated comment: the control file sets one when the
                    // extension is created, which no file repeats.
                    let mut meta = meta.clone();
                    if meta.comment.is_none() {
                        meta.comment.clone_from(&o.meta.comment);
                    }
                    self.meta(&target, &o.meta, &meta);
                }
                (None, None) => {}
            }
        }
    }
}
