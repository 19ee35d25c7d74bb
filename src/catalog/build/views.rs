//! `CREATE VIEW` and `CREATE MATERIALIZED VIEW` (`CREATE TABLE … AS` otherwise).

use pg_query::protobuf::{self, ObjectType};

use super::Builder;
use super::context::Ctx;
use super::values::reloptions;
use crate::catalog::{Duplicate, Expr, View};
use crate::parse::nodes::strings;

impl Builder {
    /// `CREATE [OR REPLACE] VIEW`.
    pub(super) fn create_view(&mut self, s: &protobuf::ViewStmt, ctx: &Ctx<'_>) {
        let Some(rv) = &s.view else { return };
        let Some(query) = s.query.as_deref().and_then(|n| n.node.clone()) else {
            return;
        };
        if rv.relpersistence == "t" {
            self.warn(ctx, "temporary view is not part of a schema and is ignored");
            return;
        }
        if ctx.external_owner.is_some() {
            self.warn(
                ctx,
                "only tables can be declared external; this view is ignored",
            );
            return;
        }
        let name = ctx.qualify(rv);
        let mut options = reloptions(&s.options);
        let check_option = match protobuf::ViewCheckOption::try_from(s.with_check_option) {
            Ok(protobuf::ViewCheckOption::LocalCheckOption) => Some("local".to_owned()),
            Ok(protobuf::ViewCheckOption::CascadedCheckOption) => Some("cascaded".to_owned()),
            _ => options.remove("check_option"),
        };
        let view = View {
            name: name.clone(),
            query: Expr::from_enum(query),
            column_names: strings(&s.aliases),
            options,
            check_option,
            materialized: false,
            with_no_data: false,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.insert_view(view, s.replace, false, ctx);
    }

    /// Adds a view or materialized view; a second declaration is recorded as a duplicate unless
    /// it replaces (`OR REPLACE`) or yields (`IF NOT EXISTS`).
    pub(super) fn insert_view(
        &mut self,
        view: View,
        replace: bool,
        if_not_exists: bool,
        ctx: &Ctx<'_>,
    ) {
        let (map, kind) = if view.materialized {
            (&mut self.catalog.materialized_views, "materialized view")
        } else {
            (&mut self.catalog.views, "view")
        };
        if let Some(old) = map.get(&view.name) {
            if !replace {
                if !if_not_exists {
                    self.catalog.duplicates.push(Duplicate {
                        kind,
                        name: view.name.to_string(),
                        first: old.meta.span,
                        second: Some(ctx.span),
                    });
                }
                return;
            }
        }
        self.taken_relations.insert(view.name.clone());
        map.insert(view.name.clone(), view);
    }

    /// `CREATE MATERIALIZED VIEW` (a plain `CREATE TABLE … AS` is reported).
    pub(super) fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt, ctx: &Ctx<'_>) {
        let Some(into) = &s.into else { return };
        let Some(rv) = &into.rel else { return };
        let name = ctx.qualify(rv);
        if ObjectType::try_from(s.objtype).ok() != Some(ObjectType::ObjectMatview) {
            self.warn(
                ctx,
                format!("CREATE TABLE {name} AS … is not modelled: declare the table's columns with CREATE TABLE"),
            );
            return;
        }
        let Some(query) = s.query.as_deref().and_then(|n| n.node.clone()) else {
            return;
        };
        let view = View {
            name: name.clone(),
            query: Expr::from_enum(query),
            column_names: strings(&into.col_names),
            options: reloptions(&into.options),
            check_option: None,
            materialized: true,
            with_no_data: into.skip_data,
            search_path: ctx.search_path.clone(),
            meta: ctx.meta(),
        };
        self.insert_view(view, false, s.if_not_exists, ctx);
    }
}
