//! `CREATE SCHEMA` (with the objects it creates inside) and `CREATE EXTENSION`.

use std::sync::Arc;

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::context::Ctx;
use super::values::const_string;
use super::{Builder, phase};
use crate::catalog::{Extension, Schema};
use crate::parse::nodes::{def_elems, role_name};

impl Builder {
    /// `CREATE SCHEMA`, and the objects it creates inside, in phase order.
    pub(super) fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt, ctx: &Ctx<'_>) {
        let name = s.schemaname.clone();
        let mut meta = ctx.meta();
        meta.owner = s.authrole.as_ref().and_then(role_name);
        if self
            .catalog
            .schemas
            .get(&name)
            .is_some_and(|e| e.meta.span.is_some())
            && !s.if_not_exists
        {
            self.duplicate("schema", &name, ctx);
        } else {
            self.catalog.schemas.insert(
                name.clone(),
                Schema {
                    name: name.clone(),
                    meta,
                },
            );
        }
        if !s.schema_elts.is_empty() {
            let mut inner = ctx.clone();
            inner.search_path = Arc::from(vec![name]);
            let mut elts: Vec<&NodeEnum> = s
                .schema_elts
                .iter()
                .filter_map(|n| n.node.as_ref())
                .collect();
            elts.sort_by_key(|n| phase(n));
            for n in elts {
                self.apply(n, &inner);
            }
        }
    }

    /// `CREATE EXTENSION`.
    pub(super) fn create_extension(&mut self, s: &protobuf::CreateExtensionStmt, ctx: &Ctx<'_>) {
        let mut ext = Extension {
            name: s.extname.clone(),
            schema: None,
            version: None,
            meta: ctx.meta(),
        };
        for opt in def_elems(&s.options) {
            match opt.defname.as_str() {
                "schema" => ext.schema = opt.arg.as_deref().and_then(const_string),
                "new_version" => ext.version = opt.arg.as_deref().and_then(const_string),
                _ => {}
            }
        }
        self.catalog
            .extensions
            .entry(ext.name.clone())
            .or_insert(ext);
    }
}
