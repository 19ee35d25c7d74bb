//! Views and materialized views: created, dropped, replaced in place (`CREATE OR REPLACE`,
//! or dropped and created again when their output columns change), a materialized view
//! rebuilt with its options; and the dependency graphs that decide it, built once.

use std::collections::BTreeMap;

use super::meta::without_meta;
use super::{Differ, option_changes, pair};
use crate::catalog::{Meta, View};
use crate::diff::{Change, ObjectRef};
use crate::graph::DepGraph;

impl Differ<'_> {
    fn graphs(&mut self) -> &(DepGraph, DepGraph) {
        let (current, desired) = (self.current, self.desired);
        self.graphs
            .get_or_insert_with(|| (DepGraph::build(current), DepGraph::build(desired)))
    }

    /// Views (or materialized views) of both sides: created, dropped or altered.
    pub(super) fn views(&mut self, materialized: bool) {
        let (cur, des) = if materialized {
            (
                &self.current.materialized_views,
                &self.desired.materialized_views,
            )
        } else {
            (&self.current.views, &self.desired.views)
        };
        for (name, old, new) in pair(cur, des) {
            if self.opts.ignores(name) {
                continue;
            }
            let target = if materialized {
                ObjectRef::MaterializedView(name.clone())
            } else {
                ObjectRef::View(name.clone())
            };
            match (old, new) {
                (None, Some(v)) => self.create(&target, v, Change::CreateView),
                (Some(_), None) => self.push(Change::DropView {
                    name: name.clone(),
                    materialized,
                }),
                (Some(o), Some(n)) => self.alter_view(&target, o, n),
                (None, None) => {}
            }
        }
    }

    fn alter_view(&mut self, target: &ObjectRef, old: &View, new: &View) {
        let View {
            name,
            query,
            column_names,
            options,
            check_option,
            materialized,
            with_no_data: _, // only how a new materialized view is first populated
            search_path: _,  // names are compared resolved, through the deparsed query
            meta,
        } = new;
        let definition_changed = old.query != *query
            || old.column_names != *column_names
            || old.check_option != *check_option;
        let created = without_meta(new);
        if definition_changed && *materialized {
            self.replaced_matviews.insert(name.clone());
            self.push(Change::ReplaceMaterializedView(Box::new(created)));
            // The new materialized view starts without options, comments or grants.
            let fresh = View {
                options: BTreeMap::new(),
                ..old.clone()
            };
            let (set, reset) = option_changes(&fresh.options, options);
            if !set.is_empty() || !reset.is_empty() {
                self.push(Change::SetViewOptions {
                    name: name.clone(),
                    materialized: true,
                    set,
                    reset,
                });
            }
            self.meta(target, &Meta::default(), meta);
            return;
        }
        if definition_changed {
            let recreate = {
                let (g0, g1) = self.graphs();
                match (g0.view_output_columns(name), g1.view_output_columns(name)) {
                    (Some(a), Some(b)) => !b.starts_with(a),
                    _ => false,
                }
            };
            self.push(Change::ReplaceView {
                view: Box::new(created),
                recreate,
            });
        }
        // CREATE OR REPLACE VIEW replaces the options with those of its WITH clause (even
        // none), so a replaced view needs no ALTER VIEW … SET.
        let (set, reset) = option_changes(&old.options, options);
        if !definition_changed && (!set.is_empty() || !reset.is_empty()) {
            self.push(Change::SetViewOptions {
                name: name.clone(),
                materialized: *materialized,
                set,
                reset,
            });
        }
        self.meta(target, &old.meta, meta);
    }
}
