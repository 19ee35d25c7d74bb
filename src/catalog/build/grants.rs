//! `GRANT` / `REVOKE` on objects, and `ALTER … OWNER TO`.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ObjectType};

use super::Builder;
use super::context::Ctx;
use super::describe::object_type_name;
use crate::catalog::{Grant, Meta};
use crate::parse::nodes::{role_name, role_names, strings};

impl Builder {
    /// `GRANT` / `REVOKE` on objects: updates their grants.
    pub(super) fn grant(&mut self, s: &protobuf::GrantStmt, ctx: &Ctx<'_>) {
        if s.targtype != protobuf::GrantTargetType::AclTargetObject as i32 {
            self.warn(
                ctx,
                "GRANT/REVOKE ON ALL … IN SCHEMA and default privileges are not modelled",
            );
            return;
        }
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        let grantees = role_names(&s.grantees);
        let mut privileges: Vec<(String, Option<String>)> = Vec::new();
        for p in s.privileges.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AccessPriv(p)) => Some(p),
            _ => None,
        }) {
            let name = p.priv_name.to_uppercase();
            let cols = strings(&p.cols);
            if cols.is_empty() {
                privileges.push((name, None));
            } else {
                privileges.extend(cols.into_iter().map(|c| (name.clone(), Some(c))));
            }
        }
        let all: &[&str] = match objtype {
            ObjectType::ObjectTable => &[
                "SELECT",
                "INSERT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
            ],
            ObjectType::ObjectSequence => &["USAGE", "SELECT", "UPDATE"],
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => &["EXECUTE"],
            ObjectType::ObjectSchema => &["USAGE", "CREATE"],
            ObjectType::ObjectType | ObjectType::ObjectDomain => &["USAGE"],
            _ => {
                self.warn(
                    ctx,
                    format!("GRANT on {} is not modelled", object_type_name(objtype)),
                );
                return;
            }
        };
        if privileges.is_empty() {
            privileges = all.iter().map(|p| ((*p).to_owned(), None)).collect();
        }
        for obj in s.objects.iter().filter_map(|n| n.node.as_ref()) {
            let meta: Option<&mut Meta> = match (objtype, obj) {
                (ObjectType::ObjectTable | ObjectType::ObjectSequence, NodeEnum::RangeVar(rv)) => {
                    let name = ctx.qualify(rv);
                    let m = self.meta_of_relation(&name);
                    if m.is_none() {
                        self.unknown(ctx, "relation", &name);
                        continue;
                    }
                    m
                }
                (_, NodeEnum::ObjectWithArgs(o)) => match self.find_function(o, ctx) {
                    Some(key) => self.catalog.functions.get_mut(&key).map(|f| &mut f.meta),
                    None => {
                        self.unknown(ctx, "function", &ctx.qualify_list(&o.objname));
                        continue;
                    }
                },
                (ObjectType::ObjectSchema, NodeEnum::String(name)) => self
                    .catalog
                    .schemas
                    .get_mut(&name.sval)
                    .map(|s| &mut s.meta),
                (_, NodeEnum::List(l)) => {
                    let name = ctx.qualify_list(&l.items);
                    self.catalog.types.get_mut(&name).map(|t| &mut t.meta)
                }
                _ => None,
            };
            let Some(meta) = meta else {
                self.warn(ctx, "GRANT target is not modelled");
                continue;
            };
            for grantee in &grantees {
                for (privilege, column) in &privileges {
                    let entry = Grant {
                        grantee: grantee.clone(),
                        privilege: privilege.clone(),
                        column: column.clone(),
                        with_grant_option: s.grant_option,
                    };
                    meta.grants.retain(|g| {
                        !(g.grantee == entry.grantee
                            && g.privilege == entry.privilege
                            && g.column == entry.column)
                    });
                    if s.is_grant {
                        meta.grants.push(entry);
                    }
                }
            }
            meta.grants.sort();
        }
    }

    /// `ALTER SCHEMA/FUNCTION/TYPE … OWNER TO`.
    pub(super) fn alter_owner(&mut self, s: &protobuf::AlterOwnerStmt, ctx: &Ctx<'_>) {
        let owner = s.newowner.as_ref().and_then(role_name);
        let objtype = ObjectType::try_from(s.object_type).unwrap_or(ObjectType::Undefined);
        let object = s.object.as_deref().and_then(|n| n.node.as_ref());
        match (objtype, object) {
            (ObjectType::ObjectSchema, Some(NodeEnum::String(n))) => {
                if let Some(sc) = self.catalog.schemas.get_mut(&n.sval) {
                    sc.meta.owner = owner;
                }
            }
            (
                ObjectType::ObjectFunction | ObjectType::ObjectProcedure,
                Some(NodeEnum::ObjectWithArgs(o)),
            ) => {
                if let Some(key) = self.find_function(o, ctx) {
                    if let Some(f) = self.catalog.functions.get_mut(&key) {
                        f.meta.owner = owner;
                    }
                }
            }
            (ObjectType::ObjectType | ObjectType::ObjectDomain, Some(NodeEnum::List(l))) => {
                if let Some(t) = self.catalog.types.get_mut(&ctx.qualify_list(&l.items)) {
                    t.meta.owner = owner;
                }
            }
            _ => self.warn(
                ctx,
                format!("ALTER {} OWNER is not modelled", object_type_name(objtype)),
            ),
        }
    }
}
