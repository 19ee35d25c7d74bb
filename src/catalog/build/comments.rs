//! `COMMENT ON`: a comment attached to the object it names.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ObjectType};

use super::Builder;
use super::context::Ctx;
use super::describe::object_type_name;
use crate::catalog::names::QualifiedName;
use crate::parse::nodes::strings;

impl Builder {
    /// `COMMENT ON …`: sets the comment of the object it names.
    pub(super) fn comment(&mut self, s: &protobuf::CommentStmt, ctx: &Ctx<'_>) {
        let text = (!s.comment.is_empty()).then(|| s.comment.clone());
        let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
        let object = s.object.as_deref().and_then(|n| n.node.as_ref());
        let list = match object {
            Some(NodeEnum::List(l)) => strings(&l.items),
            Some(NodeEnum::String(s)) => vec![s.sval.clone()],
            Some(NodeEnum::TypeName(t)) => t
                .names
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let qualify = |parts: &[String]| -> QualifiedName {
            match parts {
                [one] => QualifiedName::new(ctx.schema(), one.clone()),
                [.., s, n] => QualifiedName::new(s.clone(), n.clone()),
                [] => QualifiedName::new(ctx.schema(), ""),
            }
        };
        let found = match objtype {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectIndex
            | ObjectType::ObjectSequence
            | ObjectType::ObjectForeignTable => {
                let name = qualify(&list);
                match self.meta_of_relation(&name) {
                    Some(meta) => {
                        meta.comment = text;
                        true
                    }
                    None => {
                        self.unknown(ctx, "relation", &name);
                        return;
                    }
                }
            }
            ObjectType::ObjectColumn => {
                let (rel, col) = list.split_at(list.len().saturating_sub(1));
                let name = qualify(rel);
                let col = col.first().cloned().unwrap_or_default();
                if let Some(t) = self.table_mut(&name) {
                    if let Some(c) = t.column_mut(&col) {
                        c.comment = text;
                        true
                    } else {
                        false
                    }
                } else {
                    // Comments on view columns are accepted but not modelled.
                    self.catalog.views.contains_key(&name)
                        || self.catalog.materialized_views.contains_key(&name)
                }
            }
            ObjectType::ObjectSchema => match self
                .catalog
                .schemas
                .get_mut(list.first().map_or("", String::as_str))
            {
                Some(s) => {
                    s.meta.comment = text;
                    true
                }
                None => false,
            },
            ObjectType::ObjectExtension => match self
                .catalog
                .extensions
                .get_mut(list.first().map_or("", String::as_str))
            {
                Some(e) => {
                    e.meta.comment = text;
                    true
                }
                None => false,
            },
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                match self.catalog.types.get_mut(&qualify(&list)) {
                    Some(t) => {
                        t.meta.comment = text;
                        true
                    }
                    None => false,
                }
            }
            ObjectType::ObjectFunction
            | ObjectType::ObjectProcedure
            | ObjectType::ObjectRoutine => {
                let Some(NodeEnum::ObjectWithArgs(o)) = object else {
                    return;
                };
                match self.find_function(o, ctx) {
                    Some(key) => {
                        if let Some(f) = self.catalog.functions.get_mut(&key) {
                            f.meta.comment = text;
                        }
                        true
                    }
                    None => false,
                }
            }
            ObjectType::ObjectPolicy
            | ObjectType::ObjectTrigger
            | ObjectType::ObjectTabconstraint => {
                let (rel, obj) = list.split_at(list.len().saturating_sub(1));
                let key = (qualify(rel), obj.first().cloned().unwrap_or_default());
                match objtype {
                    ObjectType::ObjectPolicy => self
                        .catalog
                        .policies
                        .get_mut(&key)
                        .map(|p| p.meta.comment = text)
                        .is_some(),
                    ObjectType::ObjectTrigger => self
                        .catalog
                        .triggers
                        .get_mut(&key)
                        .map(|t| t.meta.comment = text)
                        .is_some(),
                    _ => self
                        .table_mut(&key.0)
                        .is_some_and(|t| t.constraints.contains_key(&key.1)),
                }
            }
            _ => {
                self.warn(
                    ctx,
                    format!("COMMENT ON {} is not modelled", object_type_name(objtype)),
                );
                return;
            }
        };
        if !found {
            self.unknown(ctx, object_type_name(objtype), &list.join("."));
        }
    }
}
