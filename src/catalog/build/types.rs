//! `CREATE TYPE` (enum, composite, range), `CREATE DOMAIN` and `ALTER TYPE … ADD/RENAME VALUE`.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ConstrType};

use super::context::Ctx;
use super::{Builder, enum_hints};
use crate::catalog::names::{QualifiedName, choose_name};
use crate::catalog::typename::format_type_name;
use crate::catalog::{Expr, Grant, TypeDef, TypeKind};
use crate::parse::nodes::{def_elems, strings};

impl Builder {
    /// Adds a type (USAGE granted to PUBLIC, as PostgreSQL does), unless it is a duplicate.
    pub(super) fn insert_type(&mut self, name: QualifiedName, kind: TypeKind, ctx: &Ctx<'_>) {
        if self.catalog.types.contains_key(&name) {
            self.duplicate("type", &name.to_string(), ctx);
            return;
        }
        // Like EXECUTE on routines, USAGE on a new type is PostgreSQL's default for PUBLIC.
        let mut meta = ctx.meta();
        meta.grants.push(Grant {
            grantee: "PUBLIC".to_owned(),
            privilege: "USAGE".to_owned(),
            column: None,
            with_grant_option: false,
        });
        self.catalog
            .types
            .insert(name.clone(), TypeDef { name, kind, meta });
    }

    /// `CREATE TYPE … AS ENUM`, with label rename hints.
    pub(super) fn create_enum(&mut self, s: &protobuf::CreateEnumStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let values = strings(&s.vals);
        let renamed = enum_hints::label_renames(ctx.statement_text(), &values);
        self.insert_type(name, TypeKind::Enum { values, renamed }, ctx);
    }

    /// `ALTER TYPE … ADD VALUE / RENAME VALUE`.
    pub(super) fn alter_enum(&mut self, s: &protobuf::AlterEnumStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let Some(TypeDef {
            kind: TypeKind::Enum { values, .. },
            ..
        }) = self.catalog.types.get_mut(&name)
        else {
            self.unknown(ctx, "enum type", &name);
            return;
        };
        if !s.old_val.is_empty() {
            if let Some(v) = values.iter_mut().find(|v| **v == s.old_val) {
                v.clone_from(&s.new_val);
            }
            return;
        }
        if values.contains(&s.new_val) {
            return;
        }
        let at = if s.new_val_neighbor.is_empty() {
            values.len()
        } else {
            values
                .iter()
                .position(|v| *v == s.new_val_neighbor)
                .map_or(values.len(), |i| if s.new_val_is_after { i + 1 } else { i })
        };
        values.insert(at, s.new_val.clone());
    }

    /// `CREATE DOMAIN`.
    pub(super) fn create_domain(&mut self, s: &protobuf::CreateDomainStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.domainname);
        let mut not_null = false;
        let mut default = None;
        let mut checks = Vec::new();
        for k in s.constraints.iter().filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::Constraint(k)) => Some(k),
            _ => None,
        }) {
            match ConstrType::try_from(k.contype).unwrap_or(ConstrType::Undefined) {
                ConstrType::ConstrNotnull => not_null = true,
                ConstrType::ConstrDefault => {
                    default = k.raw_expr.as_deref().map(|n| Expr::new(n.clone()))
                }
                ConstrType::ConstrCheck => {
                    if let Some(e) = k.raw_expr.as_deref() {
                        let cname = if k.conname.is_empty() {
                            let taken: Vec<&String> = checks.iter().map(|(n, _)| n).collect();
                            choose_name(&name.name, None, "check", |n| {
                                taken.iter().any(|t| *t == n)
                            })
                        } else {
                            k.conname.clone()
                        };
                        checks.push((cname, Expr::new(e.clone())));
                    }
                }
                _ => {}
            }
        }
        let kind = TypeKind::Domain {
            base: s
                .type_name
                .as_ref()
                .map(format_type_name)
                .unwrap_or_default(),
            not_null,
            default,
            checks,
            collation: s
                .coll_clause
                .as_ref()
                .map(|c| strings(&c.collname).join(".")),
        };
        self.insert_type(name, kind, ctx);
    }

    /// `CREATE TYPE … AS (…)`.
    pub(super) fn create_composite(&mut self, s: &protobuf::CompositeTypeStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.typevar else { return };
        let name = ctx.qualify(rv);
        let attributes = s
            .coldeflist
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::ColumnDef(c)) => Some((
                    c.colname.clone(),
                    c.type_name
                        .as_ref()
                        .map(format_type_name)
                        .unwrap_or_default(),
                )),
                _ => None,
            })
            .collect();
        self.insert_type(name, TypeKind::Composite { attributes }, ctx);
    }

    /// `CREATE TYPE … AS RANGE`.
    pub(super) fn create_range(&mut self, s: &protobuf::CreateRangeStmt, ctx: &Ctx<'_>) {
        let name = ctx.qualify_list(&s.type_name);
        let subtype = def_elems(&s.params)
            .find(|d| d.defname == "subtype")
            .and_then(|d| match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::TypeName(t)) => Some(format_type_name(t)),
                _ => None,
            })
            .unwrap_or_default();
        self.insert_type(name, TypeKind::Range { subtype }, ctx);
    }
}
