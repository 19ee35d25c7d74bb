//! User-defined types: enums (labels planned by [`crate::diff::enums`]), domains (default,
//! NOT NULL, CHECKs), composite types (attributes) and ranges.

use super::{Differ, pair, same_type};
use crate::catalog::{TypeDef, TypeKind};
use crate::diff::enums::{self, EnumPlan};
use crate::diff::{AttributeChange, Change, DomainChange, ObjectRef};

/// What a type of one kind becoming another, or a domain changing base, asks of people.
const KIND_CHANGED: &str = "type changed kind (enum, domain, composite or range); drop and create it with its dependent columns by hand";

impl Differ<'_> {
    /// Types of both sides: created, dropped or altered.
    pub(super) fn types(&mut self) {
        for (name, old, new) in pair(&self.current.types, &self.desired.types) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = ObjectRef::Type(name.clone());
            match (old, new) {
                (None, Some(t)) => self.create(&target, t, Change::CreateType),
                (Some(_), None) => self.push(Change::DropType(name.clone())),
                (Some(o), Some(n)) => self.alter_type(o, n),
                (None, None) => {}
            }
        }
    }

    fn alter_type(&mut self, old: &TypeDef, new: &TypeDef) {
        let TypeDef { name, kind, meta } = new;
        let target = ObjectRef::Type(name.clone());
        let unsupported = |reason: String| Change::Unsupported {
            object: target.clone(),
            reason,
        };
        match (&old.kind, kind) {
            (
                TypeKind::Enum { values: from, .. },
                TypeKind::Enum {
                    values: to,
                    renamed,
                },
            ) => match enums::plan(self.current, name, from, to, renamed) {
                EnumPlan::InPlace(changes) => {
                    for c in changes {
                        self.push(c);
                    }
                }
                EnumPlan::Recreate => {
                    self.push(Change::DropType(name.clone()));
                    self.create(&target, new, Change::CreateType);
                    return;
                }
                EnumPlan::Refuse(reason) => self.push(unsupported(reason)),
            },
            (TypeKind::Domain { .. }, TypeKind::Domain { .. }) => {
                match domain_changes(&old.kind, kind) {
                    Ok(changes) => {
                        for change in changes {
                            self.push(Change::AlterDomain {
                                name: name.clone(),
                                change,
                            });
                        }
                    }
                    Err(reason) => {
                        self.push(unsupported(reason));
                        return;
                    }
                }
            }
            (TypeKind::Composite { attributes: a0 }, TypeKind::Composite { attributes }) => {
                for change in attribute_changes(a0, attributes) {
                    self.push(Change::AlterCompositeType {
                        name: name.clone(),
                        change,
                    });
                }
            }
            (TypeKind::Range { subtype: s0 }, TypeKind::Range { subtype }) => {
                if !same_type(s0, subtype) {
                    self.push(unsupported(format!(
                        "range subtype changed ({s0} → {subtype}); PostgreSQL cannot alter it"
                    )));
                }
            }
            _ => self.push(unsupported(KIND_CHANGED.to_owned())),
        }
        self.meta(&target, &old.meta, meta);
    }
}

/// The `ALTER DOMAIN` changes that turn domain `old` into domain `new`, in order (default,
/// NOT NULL, CHECKs dropped, CHECKs added), or why PostgreSQL cannot alter it in place.
fn domain_changes(old: &TypeKind, new: &TypeKind) -> Result<Vec<DomainChange>, String> {
    let (
        TypeKind::Domain {
            base: b0,
            not_null: n0,
            default: d0,
            checks: c0,
            collation: col0,
        },
        TypeKind::Domain {
            base,
            not_null,
            default,
            checks: desired_checks,
            collation,
        },
    ) = (old, new)
    else {
        return Err(KIND_CHANGED.to_owned());
    };
    if !same_type(b0, base) || col0 != collation {
        return Err(format!(
            "domain base type or collation changed ({b0} → {base}); drop and create it with its dependent columns by hand"
        ));
    }
    let mut out = Vec::new();
    if d0 != default {
        out.push(DomainChange::SetDefault(default.clone()));
    }
    if n0 != not_null {
        out.push(DomainChange::SetNotNull(*not_null));
    }
    for (cname, expr) in c0 {
        if !desired_checks.iter().any(|(n, e)| n == cname && e == expr) {
            out.push(DomainChange::DropCheck(cname.clone()));
        }
    }
    for (cname, expr) in desired_checks {
        if !c0.iter().any(|(n, e)| n == cname && e == expr) {
            out.push(DomainChange::AddCheck(cname.clone(), expr.clone()));
        }
    }
    Ok(out)
}

/// The attribute changes that turn a composite type's attributes `old` into `new`: dropped
/// ones first, then added ones and changed types in the desired order.
fn attribute_changes(old: &[(String, String)], new: &[(String, String)]) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    for (attr, _) in old {
        if !new.iter().any(|(n, _)| n == attr) {
            out.push(AttributeChange::Drop(attr.clone()));
        }
    }
    for (attr, ty) in new {
        match old.iter().find(|(n, _)| n == attr) {
            None => out.push(AttributeChange::Add(attr.clone(), ty.clone())),
            Some((_, t0)) if !same_type(t0, ty) => {
                out.push(AttributeChange::AlterType(attr.clone(), ty.clone()));
            }
            Some(_) => {}
        }
    }
    out
}
