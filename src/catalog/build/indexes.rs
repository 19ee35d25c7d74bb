//! `CREATE INDEX`, and index keys as the catalog models them.

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::context::Ctx;
use super::implicit_names::index_column_name;
use super::values::reloptions;
use super::{Builder, partition_index};
use crate::catalog::names::{QualifiedName, choose_name, column_name_addition};
use crate::catalog::{Duplicate, Expr, Index, IndexKey};
use crate::parse::nodes::strings;

impl Builder {
    /// `CREATE INDEX`: named as PostgreSQL would when unnamed, adopted by partitions.
    pub(super) fn create_index(&mut self, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.relation else { return };
        let table = ctx.qualify(rv);
        let on_known = self.catalog.any_table(&table).is_some()
            || self.catalog.materialized_views.contains_key(&table);
        if !on_known {
            self.unknown(ctx, "table", &table);
            return;
        }
        let keys: Vec<IndexKey> = s
            .index_params
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::IndexElem(e)) => Some(index_key(e, ctx)),
                _ => None,
            })
            .collect();
        let name = if s.idxname.is_empty() {
            let cols: Vec<String> = s
                .index_params
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::IndexElem(e)) => Some(index_column_name(e)),
                    _ => None,
                })
                .collect();
            let add = column_name_addition(cols.iter().map(String::as_str));
            let label = if s.primary {
                "pkey"
            } else if s.unique && s.isconstraint {
                "key"
            } else {
                "idx"
            };
            let taken = &self.taken_relations;
            QualifiedName::new(
                table.schema.clone(),
                choose_name(
                    &table.name,
                    (!s.primary).then_some(add.as_str()),
                    label,
                    |n| taken.contains(&QualifiedName::new(table.schema.clone(), n)),
                ),
            )
        } else {
            QualifiedName::new(table.schema.clone(), s.idxname.clone())
        };
        if self.catalog.indexes.contains_key(&name) {
            if !s.if_not_exists {
                self.catalog.duplicates.push(Duplicate {
                    kind: "index",
                    name: name.to_string(),
                    first: self.catalog.indexes[&name].meta.span,
                    second: Some(ctx.span),
                });
            }
            return;
        }
        self.taken_relations.insert(name.clone());
        let index = Index {
            name: name.clone(),
            table,
            unique: s.unique,
            nulls_not_distinct: s.nulls_not_distinct,
            method: access_method(&s.access_method),
            keys,
            include: s
                .index_including_params
                .iter()
                .filter_map(|n| match n.node.as_ref() {
                    Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
                    _ => None,
                })
                .collect(),
            predicate: s.where_clause.as_deref().map(|n| Expr::new(n.clone())),
            options: reloptions(&s.options),
            meta: ctx.meta(),
        };
        let recurse = rv.inh
            && self
                .catalog
                .tables
                .get(&index.table)
                .is_some_and(|t| t.partition_by.is_some());
        let shape = recurse.then(|| partition_index::IndexShape::of_index(&index));
        let parent = index.table.clone();
        self.catalog.indexes.insert(name, index);
        if let Some(shape) = shape {
            partition_index::adopt_in_partitions(
                &mut self.catalog,
                &mut self.adopted_keys,
                &parent,
                &shape,
                false,
            );
        }
    }
}

/// An index key (column or expression, with opclass, collation and ordering).
pub(super) fn index_key(e: &protobuf::IndexElem, _ctx: &Ctx<'_>) -> IndexKey {
    let opclass = strings(&e.opclass);
    IndexKey {
        column: (!e.name.is_empty()).then(|| e.name.clone()),
        expr: e.expr.as_deref().map(|n| Expr::new(n.clone())),
        opclass: (!opclass.is_empty()).then(|| opclass.join(".")),
        collation: {
            let c = strings(&e.collation);
            (!c.is_empty()).then(|| c.join("."))
        },
        descending: e.ordering == protobuf::SortByDir::SortbyDesc as i32,
        nulls_first: match protobuf::SortByNulls::try_from(e.nulls_ordering) {
            Ok(protobuf::SortByNulls::SortbyNullsFirst) => Some(true),
            Ok(protobuf::SortByNulls::SortbyNullsLast) => Some(false),
            _ => None,
        },
    }
}

/// An index's access method; `btree` when none is written.
pub(super) fn access_method(written: &str) -> String {
    if written.is_empty() {
        "btree".to_owned()
    } else {
        written.to_owned()
    }
}
