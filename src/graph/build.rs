//! Building the graph from a catalog: nodes in a fixed order, then edges object by object.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use pg_query::NodeEnum;

use super::{DepGraph, Node, NodeKind, Reason, Unresolved};
use crate::analyze::query::{self, Env, QueryAnalysis};
use crate::catalog::{BodyAction, Catalog, ConstraintKind, Expr, QualifiedName, Table, View};
use crate::source::Span;

pub(super) fn build(catalog: &Catalog) -> DepGraph {
    let mut g = Builder {
        catalog,
        out: DepGraph::default(),
        view_analyses: HashMap::new(),
    };
    g.nodes();
    g.edges();
    g.out
}

struct Builder<'a> {
    catalog: &'a Catalog,
    out: DepGraph,
    view_analyses: HashMap<QualifiedName, QueryAnalysis>,
}

fn all_views(c: &Catalog) -> impl Iterator<Item = &View> {
    c.views.values().chain(c.materialized_views.values())
}

impl Builder<'_> {
    fn add(&mut self, node: Node) -> NodeIndex {
        let key = (node.kind, node.name.clone());
        if let Some(&i) = self.out.by_name.get(&key) {
            return i;
        }
        let i = self.out.graph.add_node(node);
        self.out.by_name.insert(key, i);
        i
    }

    fn relation_node(
        &mut self,
        kind: NodeKind,
        name: &QualifiedName,
        span: Option<Span>,
        owner: Option<&String>,
    ) {
        let i = self.add(Node {
            kind,
            name: name.to_string(),
            relation: Some(name.clone()),
            column: None,
            span,
            owner: owner.cloned(),
        });
        self.out
            .rels
            .entry(name.clone())
            .or_insert_with(|| (i, HashMap::new()));
    }

    fn column_nodes(
        &mut self,
        rel: &QualifiedName,
        columns: &[(String, Option<Span>)],
        owner: Option<&String>,
    ) {
        let Some(parent) = self.out.relation(rel) else {
            return;
        };
        for (col, span) in columns {
            let i = self.add(Node {
                kind: NodeKind::Column,
                name: format!("{rel}.{col}"),
                relation: Some(rel.clone()),
                column: Some(col.clone()),
                span: *span,
                owner: owner.cloned(),
            });
            self.edge(i, parent, Reason::ColumnOf);
            if let Some((_, cols)) = self.out.rels.get_mut(rel) {
                cols.entry(col.clone()).or_insert(i);
            }
        }
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, reason: Reason) {
        if from != to {
            self.out.graph.add_edge(from, to, reason);
        }
    }

    fn nodes(&mut self) {
        let c = self.catalog;
        for t in c.tables.values() {
            self.relation_node(NodeKind::Table, &t.name, t.meta.span, None);
        }
        for t in c.externals.values() {
            self.relation_node(
                NodeKind::External,
                &t.name,
                t.meta.span,
                t.external_owner.as_ref(),
            );
        }
        for v in c.views.values() {
            self.relation_node(NodeKind::View, &v.name, v.meta.span, None);
        }
        for v in c.materialized_views.values() {
            self.relation_node(NodeKind::MaterializedView, &v.name, v.meta.span, None);
        }
        for t in c.tables.values().chain(c.externals.values()) {
            let cols: Vec<(String, Option<Span>)> = t
                .columns
                .iter()
                .map(|col| (col.name.clone(), col.span))
                .collect();
            self.column_nodes(&t.name, &cols, t.external_owner.as_ref());
        }
        // View columns come from the analysis; views are analysed dependencies first.
        self.analyse_views();
        for v in all_views(c) {
            let cols: Vec<(String, Option<Span>)> = self
                .out
                .view_columns
                .get(&v.name)
                .into_iter()
                .flatten()
                .map(|col| (col.clone(), None))
                .collect();
            self.column_nodes(&v.name, &cols, None);
        }
        for s in c.sequences.values() {
            self.add(Node {
                kind: NodeKind::Sequence,
                name: s.name.to_string(),
                relation: Some(s.name.clone()),
                column: None,
                span: s.meta.span,
                owner: None,
            });
        }
        for t in c.types.values() {
            self.add(Node {
                kind: NodeKind::Type,
                name: t.name.to_string(),
                relation: None,
                column: None,
                span: t.meta.span,
                owner: None,
            });
        }
        for (id, f) in &c.functions {
            self.add(Node {
                kind: NodeKind::Function,
                name: id.clone(),
                relation: None,
                column: None,
                span: f.meta.span,
                owner: None,
            });
        }
        for i in c.indexes.values() {
            self.add(Node {
                kind: NodeKind::Index,
                name: i.name.to_string(),
                relation: Some(i.table.clone()),
                column: None,
                span: i.meta.span,
                owner: None,
            });
        }
        for t in c.triggers.values() {
            self.add(Node {
                kind: NodeKind::Trigger,
                name: format!("{}.{}", t.table, t.name),
                relation: Some(t.table.clone()),
                column: None,
                span: t.meta.span,
                owner: None,
            });
        }
        for p in c.policies.values() {
            self.add(Node {
                kind: NodeKind::Policy,
                name: format!("{}.{}", p.table, p.name),
                relation: Some(p.table.clone()),
                column: None,
                span: p.meta.span,
                owner: None,
            });
        }
    }

    fn analyse_views(&mut self) {
        let c = self.catalog;
        let mut state: HashMap<&QualifiedName, bool> = HashMap::new();
        let mut order: Vec<&View> = Vec::new();
        for v in all_views(c) {
            visit(c, v, &mut state, &mut order);
        }
        let mut analyses = Vec::with_capacity(order.len());
        for v in order {
            let env = Env {
                catalog: c,
                search_path: &v.search_path,
                view_columns: &self.out.view_columns,
                span: v.meta.span,
                base: v.meta.location_base,
            };
            let tree = v.query.node();
            let a = query::analyze_query(&env, &tree, &v.column_names);
            self.out
                .view_columns
                .insert(v.name.clone(), a.output.clone());
            analyses.push((v, a));
        }
        self.view_analyses = analyses
            .into_iter()
            .map(|(v, a)| (v.name.clone(), a))
            .collect();
    }

    /// Edges (and unresolved references) for what an analysis found.
    fn uses(&mut self, from: NodeIndex, a: &QueryAnalysis, rel_reason: Reason, col_reason: Reason) {
        let from_name = self.out.graph[from].name.clone();
        let from_kind = self.out.graph[from].kind;
        for r in &a.relations {
            match self.out.relation(&r.name) {
                Some(to) => self.edge(from, to, rel_reason),
                None if !r.resolved && self.catalog.relation(&r.name).is_none() => {
                    self.out.unresolved.push(Unresolved {
                        from: from_name.clone(),
                        from_kind,
                        relation: r.name.clone(),
                        column: None,
                        span: r.span,
                    });
                }
                None => {}
            }
        }
        for col in &a.columns {
            match self.out.column(&col.relation, &col.column) {
                Some(to) => self.edge(from, to, col_reason),
                None if !col.resolved => self.out.unresolved.push(Unresolved {
                    from: from_name.clone(),
                    from_kind,
                    relation: col.relation.clone(),
                    column: Some(col.column.clone()),
                    span: col.span,
                }),
                None => {}
            }
        }
    }

    fn expr_uses(
        &mut self,
        from: NodeIndex,
        table: Option<&QualifiedName>,
        expr: &Expr,
        env: (&[String], Option<Span>, u32),
        reasons: (Reason, Reason),
    ) {
        let (search_path, span, base) = env;
        let env = Env {
            catalog: self.catalog,
            search_path,
            view_columns: &self.out.view_columns,
            span,
            base,
        };
        let a = query::analyze_expr(&env, table, &expr.node());
        self.uses(from, &a, reasons.0, reasons.1);
    }

    /// Edges from `from` to the routines `expr` calls: by name, every overload; a bare name
    /// along `search_path` (`public` when empty), the first schema holding one winning.
    fn call_edges(&mut self, from: NodeIndex, expr: &Expr, search_path: &[String]) {
        use pg_query::NodeRef;
        let node = expr.node();
        let Some(root) = node.node.as_ref() else {
            return;
        };
        let mut callees: Vec<String> = Vec::new();
        for (n, ..) in root.nodes() {
            let NodeRef::FuncCall(fc) = n else { continue };
            let parts = crate::parse::nodes::strings(&fc.funcname);
            let (schemas, name): (Vec<&str>, &String) = match parts.as_slice() {
                [name] if search_path.is_empty() => (vec!["public"], name),
                [name] => (search_path.iter().map(String::as_str).collect(), name),
                [schema, name] => (vec![schema.as_str()], name),
                _ => continue,
            };
            let found = schemas.iter().find_map(|s| {
                let ids: Vec<String> = self
                    .catalog
                    .functions
                    .iter()
                    .filter(|(_, f)| f.name.schema == *s && f.name.name == *name)
                    .map(|(id, _)| id.clone())
                    .collect();
                (!ids.is_empty()).then_some(ids)
            });
            callees.extend(found.unwrap_or_default());
        }
        for id in callees {
            if let Some(to) = self.out.by_kind(NodeKind::Function, &id) {
                self.edge(from, to, Reason::FunctionCalls);
            }
        }
    }

    /// Every edge, kind by kind (the order edges are added in is the graph's order).
    fn edges(&mut self) {
        let c = self.catalog;
        let analyses = std::mem::take(&mut self.view_analyses);
        self.view_edges(&analyses);
        for t in c.tables.values() {
            let Some(from) = self.out.relation(&t.name) else {
                continue;
            };
            self.foreign_key_edges(t, from);
            self.column_edges(t);
        }
        self.sequence_edges();
        self.index_edges();
        self.function_edges();
        self.trigger_edges();
        self.policy_edges();
    }

    /// A view reads relations and columns, and calls routines.
    fn view_edges(&mut self, analyses: &HashMap<QualifiedName, QueryAnalysis>) {
        for v in all_views(self.catalog) {
            let (Some(from), Some(a)) = (self.out.relation(&v.name), analyses.get(&v.name)) else {
                continue;
            };
            self.uses(from, a, Reason::Reads, Reason::ReadsColumn);
            // PostgreSQL records the routines a view calls: create it after them.
            self.call_edges(from, &v.query, &v.search_path);
        }
    }

    /// A table's foreign keys: to the referenced table, and column to column.
    fn foreign_key_edges(&mut self, t: &Table, from: NodeIndex) {
        for con in t.constraints.values() {
            let ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                ..
            } = &con.kind
            else {
                continue;
            };
            let Some(to) = self.out.relation(ref_table) else {
                if !ref_table.schema.starts_with("pg_") {
                    self.out.unresolved.push(Unresolved {
                        from: t.name.to_string(),
                        from_kind: NodeKind::Table,
                        relation: ref_table.clone(),
                        column: None,
                        span: con.span,
                    });
                }
                continue;
            };
            self.edge(from, to, Reason::ForeignKey);
            for (i, rc) in ref_columns.iter().enumerate() {
                let src = columns
                    .get(i)
                    .and_then(|col| self.out.column(&t.name, col))
                    .unwrap_or(from);
                match self.out.column(ref_table, rc) {
                    Some(dst) => self.edge(src, dst, Reason::ForeignKey),
                    None => self.out.unresolved.push(Unresolved {
                        from: t.name.to_string(),
                        from_kind: NodeKind::Table,
                        relation: ref_table.clone(),
                        column: Some(rc.clone()),
                        span: con.span,
                    }),
                }
            }
        }
    }

    /// A column uses the sequence its default calls `nextval` on, and its own type.
    fn column_edges(&mut self, t: &Table) {
        for col in &t.columns {
            let Some(ci) = self.out.column(&t.name, &col.name) else {
                continue;
            };
            if let Some(seq) = col.default.as_ref().and_then(nextval_target) {
                let q = match seq.split_once('.') {
                    Some((s, n)) => QualifiedName::new(s, n),
                    None => QualifiedName::new(t.name.schema.clone(), seq.clone()),
                };
                if let Some(s) = self.out.by_kind(NodeKind::Sequence, &q.to_string()) {
                    self.edge(ci, s, Reason::DefaultUses);
                }
            }
            let ty = col.ty.trim_end_matches("[]");
            let ty_name = if ty.contains('.') {
                ty.to_owned()
            } else {
                format!("{}.{ty}", t.name.schema)
            };
            if let Some(ti) = self.out.by_kind(NodeKind::Type, &ty_name) {
                self.edge(ci, ti, Reason::DefaultUses);
            }
        }
    }

    /// A sequence is owned by a column.
    fn sequence_edges(&mut self) {
        for s in self.catalog.sequences.values() {
            let (Some(from), Some((table, col))) = (
                self.out.by_kind(NodeKind::Sequence, &s.name.to_string()),
                &s.owned_by,
            ) else {
                continue;
            };
            if let Some(to) = self.out.column(table, col) {
                self.edge(from, to, Reason::OwnedBy);
            }
        }
    }

    /// An index is on its table, its key and included columns, and what its expressions and
    /// predicate use.
    fn index_edges(&mut self) {
        let default_path: Vec<String> = vec!["public".to_owned()];
        for i in self.catalog.indexes.values() {
            let Some(from) = self.out.by_kind(NodeKind::Index, &i.name.to_string()) else {
                continue;
            };
            if let Some(to) = self.out.relation(&i.table) {
                self.edge(from, to, Reason::IndexOn);
            }
            let plain = i.keys.iter().filter_map(|k| k.column.as_ref());
            for col in plain.chain(&i.include) {
                if let Some(to) = self.out.column(&i.table, col) {
                    self.edge(from, to, Reason::IndexOn);
                }
            }
            let exprs = i
                .keys
                .iter()
                .filter_map(|k| k.expr.as_ref())
                .chain(&i.predicate);
            for e in exprs {
                let env = (&default_path[..], i.meta.span, i.meta.location_base);
                self.expr_uses(
                    from,
                    Some(&i.table),
                    e,
                    env,
                    (Reason::IndexOn, Reason::IndexOn),
                );
            }
        }
    }

    /// A routine calls routines (every overload of the name) and reads, writes or refreshes
    /// relations; a relation it names that no file declares is kept as unresolved.
    fn function_edges(&mut self) {
        let c = self.catalog;
        let mut by_schema_name: HashMap<(&str, &str), Vec<&String>> = HashMap::new();
        for (id, f) in &c.functions {
            by_schema_name
                .entry((f.name.schema.as_str(), f.name.name.as_str()))
                .or_default()
                .push(id);
        }
        for (id, f) in &c.functions {
            let Some(from) = self.out.by_kind(NodeKind::Function, id) else {
                continue;
            };
            for r in &f.references {
                let schema = r.schema.as_deref();
                if r.action == BodyAction::Call {
                    // Every overload of the name: the arguments' types are not resolved here.
                    for callee in called(&by_schema_name, schema, &r.name, f) {
                        if let Some(to) = self.out.by_kind(NodeKind::Function, callee) {
                            self.edge(from, to, Reason::FunctionCalls);
                        }
                    }
                    continue;
                }
                let resolved = c.resolve_relation(schema, &r.name, &f.search_path);
                let reason = match r.action {
                    BodyAction::Call => continue,
                    BodyAction::Read => Reason::FunctionReads,
                    BodyAction::Write => Reason::FunctionWrites,
                    BodyAction::Refresh | BodyAction::RefreshConcurrently => {
                        Reason::FunctionRefreshes
                    }
                };
                if let Some(to) = resolved.as_ref().and_then(|q| self.out.relation(q)) {
                    self.edge(from, to, reason);
                } else if resolved.is_none() {
                    let system = matches!(schema, Some("pg_catalog" | "information_schema"))
                        || (schema.is_none() && r.name.starts_with("pg_"));
                    let first = f.search_path.iter().find(|s| *s != "pg_catalog");
                    if !system {
                        self.out.unresolved.push(Unresolved {
                            from: id.clone(),
                            from_kind: NodeKind::Function,
                            relation: QualifiedName::new(
                                schema
                                    .map(str::to_owned)
                                    .or_else(|| first.cloned())
                                    .unwrap_or_else(|| "public".to_owned()),
                                r.name.clone(),
                            ),
                            column: None,
                            span: r.span,
                        });
                    }
                }
            }
        }
    }

    /// A trigger is on its table, calls its function and uses what its WHEN condition uses.
    fn trigger_edges(&mut self) {
        let c = self.catalog;
        let default_path: Vec<String> = vec!["public".to_owned()];
        // Functions by name (any arguments).
        let mut by_name: HashMap<String, &String> = HashMap::new();
        for (id, f) in &c.functions {
            by_name.entry(f.name.to_string()).or_insert(id);
        }
        for t in c.triggers.values() {
            let Some(from) = self
                .out
                .by_kind(NodeKind::Trigger, &format!("{}.{}", t.table, t.name))
            else {
                continue;
            };
            if let Some(to) = self.out.relation(&t.table) {
                self.edge(from, to, Reason::TriggerOn);
            }
            match by_name
                .get(&t.function.to_string())
                .and_then(|id| self.out.by_kind(NodeKind::Function, id))
            {
                Some(to) => self.edge(from, to, Reason::TriggerCalls),
                None if t.function.schema != "pg_catalog" => self.out.unresolved.push(Unresolved {
                    from: self.out.graph[from].name.clone(),
                    from_kind: NodeKind::Trigger,
                    relation: t.function.clone(),
                    column: None,
                    span: t.meta.span,
                }),
                None => {}
            }
            if let Some(w) = &t.when {
                let env = (&default_path[..], t.meta.span, t.meta.location_base);
                self.expr_uses(
                    from,
                    Some(&t.table),
                    w,
                    env,
                    (Reason::TriggerOn, Reason::TriggerOn),
                );
            }
        }
    }

    /// A policy is on its table and reads what its USING and WITH CHECK expressions use.
    fn policy_edges(&mut self) {
        for p in self.catalog.policies.values() {
            let Some(from) = self
                .out
                .by_kind(NodeKind::Policy, &format!("{}.{}", p.table, p.name))
            else {
                continue;
            };
            if let Some(to) = self.out.relation(&p.table) {
                self.edge(from, to, Reason::PolicyOn);
            }
            for e in p.using.iter().chain(&p.with_check) {
                let env = (&p.search_path[..], p.meta.span, p.meta.location_base);
                self.expr_uses(
                    from,
                    Some(&p.table),
                    e,
                    env,
                    (Reason::PolicyReads, Reason::PolicyReads),
                );
            }
        }
    }
}

/// Depth-first: views a view reads come before it.
fn visit<'c>(
    c: &'c Catalog,
    v: &'c View,
    state: &mut HashMap<&'c QualifiedName, bool>,
    order: &mut Vec<&'c View>,
) {
    if state.contains_key(&v.name) {
        return;
    }
    state.insert(&v.name, false);
    let tree = v.query.node();
    for (schema, name) in query::relation_names(&tree) {
        if let Some(q) = c.resolve_relation(schema, name, &v.search_path) {
            if let Some(dep) = c.views.get(&q).or_else(|| c.materialized_views.get(&q)) {
                visit(c, dep, state, order);
            }
        }
    }
    state.insert(&v.name, true);
    order.push(v);
}

/// The sequence named by `nextval('name'::regclass)` in a default.
fn nextval_target(e: &Expr) -> Option<String> {
    let tree = e.node();
    let NodeEnum::FuncCall(f) = tree.node.as_ref()? else {
        return None;
    };
    let last = f.funcname.last()?;
    if !matches!(last.node.as_ref(), Some(NodeEnum::String(s)) if s.sval == "nextval") {
        return None;
    }
    let mut arg = f.args.first()?;
    if let Some(NodeEnum::TypeCast(t)) = arg.node.as_ref() {
        arg = t.arg.as_deref()?;
    }
    let Some(NodeEnum::AConst(c)) = arg.node.as_ref() else {
        return None;
    };
    match c.val.as_ref()? {
        pg_query::protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
        _ => None,
    }
}

/// The routines (by identity) a call of `schema.name` (or bare `name`) in `caller`'s body can
/// reach: a bare name is looked up along the caller's search path (its own schema when it has
/// none), and the first schema holding routines of that name wins.
fn called<'a>(
    by_schema_name: &HashMap<(&str, &str), Vec<&'a String>>,
    schema: Option<&str>,
    name: &str,
    caller: &crate::catalog::Function,
) -> Vec<&'a String> {
    let found = |s: &str| by_schema_name.get(&(s, name)).cloned();
    match schema.filter(|s| !s.is_empty()) {
        Some(s) => found(s).unwrap_or_default(),
        None if caller.search_path.is_empty() => found(&caller.name.schema).unwrap_or_default(),
        None => caller
            .search_path
            .iter()
            .find_map(|s| found(s))
            .unwrap_or_default(),
    }
}
