//! Queries and expressions inside objects: which relations and columns they use, and what a
//! view's output columns are.
//!
//! The walker follows PostgreSQL's name resolution closely enough for dependency tracking:
//! FROM items (tables, joins, subqueries, functions, CTEs) form a scope; a column reference is
//! resolved in the innermost scope that has it, then in the outer ones (correlated sublinks,
//! LATERAL). Expression kinds the walker does not know are not skipped: their column
//! references are still collected through pg_query's generic node iterator.

use std::collections::HashMap;

use pg_query::NodeEnum;
use pg_query::protobuf::{Node, RangeVar, SelectStmt};

use crate::catalog::{Catalog, QualifiedName, Relation};
use crate::parse::nodes::strings;
use crate::source::Span;

/// A relation a query or expression reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationUse {
    /// Schema-qualified name (resolved with the search path; the first search-path schema
    /// when it could not be resolved).
    pub name: QualifiedName,
    /// Whether the catalog defines or declares it.
    pub resolved: bool,
    /// Where it is named.
    pub span: Option<Span>,
}

/// A column of a relation a query or expression reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnUse {
    /// The relation.
    pub relation: QualifiedName,
    /// The column.
    pub column: String,
    /// Whether the relation is known to have this column (`true` when its columns are unknown).
    pub resolved: bool,
    /// Where it is named.
    pub span: Option<Span>,
}

/// What one query or expression uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryAnalysis {
    /// Relations in order of first use (one entry per relation).
    pub relations: Vec<RelationUse>,
    /// Columns in order of first use (one entry per relation and column).
    pub columns: Vec<ColumnUse>,
    /// Output column names (queries only).
    pub output: Vec<String>,
}

/// Where to look up the names a query uses.
pub struct Env<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// Search path for unqualified names.
    pub search_path: &'a [String],
    /// Output columns of views analysed so far.
    pub view_columns: &'a HashMap<QualifiedName, Vec<String>>,
    /// Statement span (locations are clamped into it).
    pub span: Option<Span>,
    /// Offset to add to node locations.
    pub base: u32,
}

/// Analyses a query (`SelectStmt`, or any statement tree).
pub fn analyze_query(env: &Env<'_>, query: &Node, column_names: &[String]) -> QueryAnalysis {
    let mut w = Walker {
        env,
        out: QueryAnalysis::default(),
        scopes: Vec::new(),
        ctes: Vec::new(),
    };
    let mut output = w.query(query);
    for (i, name) in column_names.iter().enumerate() {
        if let Some(slot) = output.get_mut(i) {
            slot.clone_from(name);
        }
    }
    w.out.output = output;
    w.out
}

/// Analyses an expression evaluated on the rows of `table` (policy, CHECK, default, index):
/// unqualified columns belong to that table; sublinks may read other relations.
pub fn analyze_expr(env: &Env<'_>, table: Option<&QualifiedName>, expr: &Node) -> QueryAnalysis {
    let mut w = Walker {
        env,
        out: QueryAnalysis::default(),
        scopes: Vec::new(),
        ctes: Vec::new(),
    };
    let mut scope = Vec::new();
    if let Some(t) = table {
        scope.push(Item {
            alias: t.name.clone(),
            source: Source::Relation(t.clone(), w.relation_columns(t)),
        });
    }
    w.scopes.push(scope);
    w.expr(expr);
    w.out
}

/// Relations a query names (for ordering views before analysing them); CTE names included.
pub fn relation_names(query: &Node) -> Vec<(Option<&str>, &str)> {
    let mut out = Vec::new();
    if let Some(n) = query.node.as_ref() {
        if let NodeEnum::RangeVar(rv) = n {
            out.push((opt(&rv.schemaname), rv.relname.as_str()));
        }
        for (child, _, _, _) in n.nodes() {
            if let pg_query::NodeRef::RangeVar(rv) = child {
                out.push((opt(&rv.schemaname), rv.relname.as_str()));
            }
        }
    }
    out
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// A FROM item visible to column references.
#[derive(Clone, Debug)]
struct Item {
    alias: String,
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    /// A relation, with its columns when known.
    Relation(QualifiedName, Option<Vec<String>>),
    /// A subquery, CTE or function: its output columns (`None`: unknown).
    Derived(Option<Vec<String>>),
}

impl Item {
    fn columns(&self) -> Option<&[String]> {
        match &self.source {
            Source::Relation(_, c) | Source::Derived(c) => c.as_deref(),
        }
    }

    fn has(&self, column: &str) -> bool {
        self.columns()
            .is_some_and(|c| c.iter().any(|x| x == column))
    }
}

struct Walker<'e, 'a> {
    env: &'e Env<'a>,
    out: QueryAnalysis,
    /// FROM scopes, outermost first.
    scopes: Vec<Vec<Item>>,
    /// CTEs in scope, innermost last: name and output columns.
    ctes: Vec<(String, Vec<String>)>,
}

impl Walker<'_, '_> {
    fn span(&self, location: i32, len: usize) -> Option<Span> {
        let stmt = self.env.span?;
        let Ok(loc) = u32::try_from(location) else {
            return Some(stmt);
        };
        let start = (self.env.base + loc).clamp(stmt.start, stmt.end);
        let end = (start as usize + len.max(1)).min(stmt.end as usize);
        Some(Span::new(stmt.file, start as usize, end))
    }

    fn relation_columns(&self, name: &QualifiedName) -> Option<Vec<String>> {
        match self.env.catalog.relation(name)? {
            Relation::Table(t) | Relation::External(t) => {
                Some(t.columns.iter().map(|c| c.name.clone()).collect())
            }
            Relation::View(_) | Relation::MaterializedView(_) => {
                self.env.view_columns.get(name).cloned()
            }
            _ => None,
        }
    }

    fn add_relation(&mut self, name: &QualifiedName, resolved: bool, span: Option<Span>) {
        if !self.out.relations.iter().any(|r| &r.name == name) {
            self.out.relations.push(RelationUse {
                name: name.clone(),
                resolved,
                span,
            });
        }
    }

    fn add_column(
        &mut self,
        relation: &QualifiedName,
        column: &str,
        resolved: bool,
        span: Option<Span>,
    ) {
        if !self
            .out
            .columns
            .iter()
            .any(|c| &c.relation == relation && c.column == column)
        {
            self.out.columns.push(ColumnUse {
                relation: relation.clone(),
                column: column.to_owned(),
                resolved,
                span,
            });
        }
    }

    /// Resolves a relation name: `None` for a CTE.
    fn resolve(&mut self, rv: &RangeVar) -> Option<QualifiedName> {
        if rv.schemaname.is_empty() && self.ctes.iter().any(|(n, _)| n == &rv.relname) {
            return None;
        }
        let len = if rv.schemaname.is_empty() {
            rv.relname.len()
        } else {
            rv.schemaname.len() + 1 + rv.relname.len()
        };
        let span = self.span(rv.location, len);
        let schema = opt(&rv.schemaname);
        if let Some(q) =
            self.env
                .catalog
                .resolve_relation(schema, &rv.relname, self.env.search_path)
        {
            self.add_relation(&q, true, span);
            return Some(q);
        }
        let schema = schema
            .or_else(|| self.env.search_path.first().map(String::as_str))
            .unwrap_or("public");
        let q = QualifiedName::new(schema, rv.relname.clone());
        let system = matches!(schema, "pg_catalog" | "information_schema")
            || (rv.schemaname.is_empty() && rv.relname.starts_with("pg_"));
        if !system {
            self.add_relation(&q, false, span);
        }
        Some(q)
    }

    /// Walks a query; returns its output columns.
    fn query(&mut self, node: &Node) -> Vec<String> {
        match node.node.as_ref() {
            Some(NodeEnum::SelectStmt(s)) => self.select(s),
            Some(other) => {
                self.fallback(other);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    fn select(&mut self, s: &SelectStmt) -> Vec<String> {
        let ctes_before = self.ctes.len();
        if let Some(with) = &s.with_clause {
            for cte in &with.ctes {
                if let Some(NodeEnum::CommonTableExpr(c)) = cte.node.as_ref() {
                    let names = strings(&c.aliascolnames);
                    if with.recursive {
                        self.ctes.push((c.ctename.clone(), names.clone()));
                    }
                    let mut output = c
                        .ctequery
                        .as_deref()
                        .map(|q| self.query(q))
                        .unwrap_or_default();
                    for (i, n) in names.iter().enumerate() {
                        if let Some(slot) = output.get_mut(i) {
                            slot.clone_from(n);
                        }
                    }
                    if with.recursive {
                        self.ctes.pop();
                    }
                    self.ctes.push((c.ctename.clone(), output));
                }
            }
        }
        let output = if s.op > 1 {
            let left = s
                .larg
                .as_deref()
                .map(|l| self.select(l))
                .unwrap_or_default();
            if let Some(r) = s.rarg.as_deref() {
                self.select(r);
            }
            self.exprs(&s.sort_clause);
            left
        } else {
            self.scopes.push(Vec::new());
            for item in &s.from_clause {
                self.range_item(item);
            }
            for list in &s.values_lists {
                self.expr(list);
            }
            let mut output = Vec::new();
            for target in &s.target_list {
                self.target(target, &mut output);
            }
            if let Some(w) = &s.where_clause {
                self.expr(w);
            }
            // GROUP BY / ORDER BY may name output columns.
            for n in s
                .group_clause
                .iter()
                .chain(&s.sort_clause)
                .chain(&s.distinct_clause)
            {
                self.expr_with_outputs(n, &output);
            }
            if let Some(h) = &s.having_clause {
                self.expr(h);
            }
            self.exprs(&s.window_clause);
            if let Some(first) = s.values_lists.first() {
                if let Some(NodeEnum::List(l)) = first.node.as_ref() {
                    output = (1..=l.items.len()).map(|i| format!("column{i}")).collect();
                }
            }
            self.scopes.pop();
            output
        };
        if let Some(n) = &s.limit_count {
            self.expr(n);
        }
        if let Some(n) = &s.limit_offset {
            self.expr(n);
        }
        self.ctes.truncate(ctes_before);
        output
    }

    fn target(&mut self, target: &Node, output: &mut Vec<String>) {
        let Some(NodeEnum::ResTarget(t)) = target.node.as_ref() else {
            self.expr(target);
            return;
        };
        let Some(val) = t.val.as_deref() else {
            return;
        };
        if let Some(NodeEnum::ColumnRef(c)) = val.node.as_ref() {
            if matches!(
                c.fields.last().and_then(|f| f.node.as_ref()),
                Some(NodeEnum::AStar(_))
            ) {
                let qualifier: Vec<String> = strings(&c.fields[..c.fields.len() - 1]);
                let scope = self.scopes.last().cloned().unwrap_or_default();
                for item in &scope {
                    let matches = match qualifier.as_slice() {
                        [] => true,
                        [.., alias] => &item.alias == alias,
                    };
                    if matches {
                        if let Some(cols) = item.columns() {
                            output.extend(cols.iter().cloned());
                        }
                        if let Source::Relation(r, Some(cols)) = &item.source {
                            let span = self.span(c.location, 1);
                            for col in cols {
                                self.add_column(r, col, true, span);
                            }
                        }
                    }
                }
                return;
            }
        }
        self.expr(val);
        output.push(if t.name.is_empty() {
            output_name(val)
        } else {
            t.name.clone()
        });
    }

    fn range_item(&mut self, node: &Node) {
        let Some(n) = node.node.as_ref() else {
            return;
        };
        match n {
            NodeEnum::RangeVar(rv) => {
                let alias = rv
                    .alias
                    .as_ref()
                    .map_or_else(|| rv.relname.clone(), |a| a.aliasname.clone());
                let source = match self.resolve(rv) {
                    Some(q) => {
                        let cols = self.relation_columns(&q);
                        Source::Relation(q, cols)
                    }
                    None => Source::Derived(
                        self.ctes
                            .iter()
                            .rev()
                            .find(|(name, _)| name == &rv.relname)
                            .map(|(_, c)| c.clone()),
                    ),
                };
                let source = rename(source, rv.alias.as_ref().map(|a| &a.colnames));
                self.push_item(Item { alias, source });
            }
            NodeEnum::RangeSubselect(r) => {
                let cols = r
                    .subquery
                    .as_deref()
                    .map(|q| self.query(q))
                    .unwrap_or_default();
                let alias = r
                    .alias
                    .as_ref()
                    .map(|a| a.aliasname.clone())
                    .unwrap_or_default();
                let source = rename(
                    Source::Derived(Some(cols)),
                    r.alias.as_ref().map(|a| &a.colnames),
                );
                self.push_item(Item { alias, source });
            }
            NodeEnum::JoinExpr(j) => {
                if let Some(l) = j.larg.as_deref() {
                    self.range_item(l);
                }
                if let Some(r) = j.rarg.as_deref() {
                    self.range_item(r);
                }
                for u in strings(&j.using_clause) {
                    self.using_column(&u);
                }
                if let Some(q) = j.quals.as_deref() {
                    self.expr(q);
                }
            }
            NodeEnum::RangeFunction(f) => {
                let mut name = String::new();
                for item in &f.functions {
                    if let Some(NodeEnum::List(l)) = item.node.as_ref() {
                        if let Some(call) = l.items.first() {
                            if name.is_empty() {
                                name = output_name(call);
                            }
                            self.expr(call);
                        }
                    } else {
                        self.expr(item);
                    }
                }
                let alias = f
                    .alias
                    .as_ref()
                    .map_or_else(|| name.clone(), |a| a.aliasname.clone());
                let mut cols: Vec<String> = f
                    .coldeflist
                    .iter()
                    .filter_map(|c| match c.node.as_ref() {
                        Some(NodeEnum::ColumnDef(d)) => Some(d.colname.clone()),
                        _ => None,
                    })
                    .collect();
                let renamed = f
                    .alias
                    .as_ref()
                    .map(|a| strings(&a.colnames))
                    .unwrap_or_default();
                if !renamed.is_empty() {
                    cols = renamed;
                }
                let source = if cols.is_empty() {
                    Source::Derived(Some(vec![alias.clone()]))
                } else {
                    Source::Derived(Some(cols))
                };
                self.push_item(Item { alias, source });
            }
            other => {
                self.fallback(other);
                self.push_item(Item {
                    alias: String::new(),
                    source: Source::Derived(None),
                });
            }
        }
    }

    fn push_item(&mut self, item: Item) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(item);
        }
    }

    fn using_column(&mut self, column: &str) {
        let items: Vec<(QualifiedName, bool)> = self
            .scopes
            .last()
            .into_iter()
            .flatten()
            .filter_map(|i| match &i.source {
                Source::Relation(r, cols) => Some((
                    r.clone(),
                    cols.as_ref().is_none_or(|c| c.iter().any(|x| x == column)),
                )),
                Source::Derived(_) => None,
            })
            .collect();
        for (r, has) in items {
            if has {
                self.add_column(&r, column, true, self.env.span);
            }
        }
    }

    fn exprs(&mut self, nodes: &[Node]) {
        for n in nodes {
            self.expr(n);
        }
    }

    /// An ORDER BY / GROUP BY item, which may name an output column.
    fn expr_with_outputs(&mut self, node: &Node, outputs: &[String]) {
        let inner = match node.node.as_ref() {
            Some(NodeEnum::SortBy(s)) => s.node.as_deref(),
            _ => Some(node),
        };
        if let Some(NodeEnum::ColumnRef(c)) = inner.and_then(|n| n.node.as_ref()) {
            let fields = strings(&c.fields);
            if let [name] = fields.as_slice() {
                if outputs.contains(name) && self.lookup_unqualified(name).is_none() {
                    return;
                }
            }
        }
        self.expr(node);
    }

    fn lookup_unqualified(&self, column: &str) -> Option<Item> {
        for scope in self.scopes.iter().rev() {
            if let Some(i) = scope.iter().find(|i| i.has(column)) {
                return Some(i.clone());
            }
        }
        None
    }

    fn column_ref(&mut self, fields: &[Node], location: i32) {
        if matches!(
            fields.last().and_then(|f| f.node.as_ref()),
            Some(NodeEnum::AStar(_))
        ) {
            let qualifier = strings(&fields[..fields.len() - 1]);
            if let Some(alias) = qualifier.last() {
                if let Some(item) = self.find_alias(alias) {
                    if let Source::Relation(r, cols) = &item.source {
                        let span = self.span(location, alias.len());
                        for col in cols.iter().flatten() {
                            self.add_column(r, col, true, span);
                        }
                    }
                }
            }
            return;
        }
        let names = strings(fields);
        let len = names.iter().map(String::len).sum::<usize>() + names.len().saturating_sub(1);
        let span = self.span(location, len);
        match names.as_slice() {
            [column] => {
                if let Some(item) = self.lookup_unqualified(column) {
                    if let Source::Relation(r, _) = &item.source {
                        self.add_column(r, column, true, span);
                    }
                    return;
                }
                // Not found: blame the single relation in scope whose columns are known.
                let current = self.scopes.last().map(Vec::as_slice).unwrap_or_default();
                if let [
                    Item {
                        source: Source::Relation(r, Some(_)),
                        ..
                    },
                ] = current
                {
                    let r = r.clone();
                    if self.env.catalog.relation(&r).is_some() {
                        self.add_column(&r, column, false, span);
                    }
                }
            }
            [.., alias, column] => {
                let Some(item) = self.find_alias(alias) else {
                    return;
                };
                if let Source::Relation(r, cols) = &item.source {
                    let known = cols.as_ref().is_none_or(|c| c.iter().any(|x| x == column));
                    self.add_column(r, column, known, span);
                }
            }
            [] => {}
        }
    }

    fn find_alias(&self, alias: &str) -> Option<Item> {
        for scope in self.scopes.iter().rev() {
            if let Some(i) = scope.iter().rev().find(|i| i.alias == alias) {
                return Some(i.clone());
            }
        }
        None
    }

    /// Walks an expression.
    fn expr(&mut self, node: &Node) {
        let Some(n) = node.node.as_ref() else {
            return;
        };
        match n {
            NodeEnum::ColumnRef(c) => self.column_ref(&c.fields, c.location),
            NodeEnum::AConst(_)
            | NodeEnum::ParamRef(_)
            | NodeEnum::SqlvalueFunction(_)
            | NodeEnum::String(_)
            | NodeEnum::Integer(_)
            | NodeEnum::Float(_)
            | NodeEnum::Boolean(_)
            | NodeEnum::AStar(_)
            | NodeEnum::TypeName(_)
            | NodeEnum::SetToDefault(_) => {}
            NodeEnum::AExpr(e) => {
                self.opt(e.lexpr.as_deref());
                self.opt(e.rexpr.as_deref());
            }
            NodeEnum::BoolExpr(e) => self.exprs(&e.args),
            NodeEnum::FuncCall(f) => {
                self.exprs(&f.args);
                self.exprs(&f.agg_order);
                self.opt(f.agg_filter.as_deref());
                if let Some(w) = &f.over {
                    self.exprs(&w.partition_clause);
                    self.exprs(&w.order_clause);
                }
            }
            NodeEnum::TypeCast(t) => self.opt(t.arg.as_deref()),
            NodeEnum::SubLink(s) => {
                self.opt(s.testexpr.as_deref());
                if let Some(q) = s.subselect.as_deref() {
                    self.query(q);
                }
            }
            NodeEnum::SelectStmt(s) => {
                self.select(s);
            }
            NodeEnum::CaseExpr(c) => {
                self.opt(c.arg.as_deref());
                self.exprs(&c.args);
                self.opt(c.defresult.as_deref());
            }
            NodeEnum::CaseWhen(w) => {
                self.opt(w.expr.as_deref());
                self.opt(w.result.as_deref());
            }
            NodeEnum::CoalesceExpr(c) => self.exprs(&c.args),
            NodeEnum::NullTest(t) => self.opt(t.arg.as_deref()),
            NodeEnum::BooleanTest(t) => self.opt(t.arg.as_deref()),
            NodeEnum::MinMaxExpr(m) => self.exprs(&m.args),
            NodeEnum::AArrayExpr(a) => self.exprs(&a.elements),
            NodeEnum::RowExpr(r) => self.exprs(&r.args),
            NodeEnum::AIndirection(i) => {
                self.opt(i.arg.as_deref());
                self.exprs(&i.indirection);
            }
            NodeEnum::AIndices(i) => {
                self.opt(i.lidx.as_deref());
                self.opt(i.uidx.as_deref());
            }
            NodeEnum::CollateClause(c) => self.opt(c.arg.as_deref()),
            NodeEnum::NamedArgExpr(a) => self.opt(a.arg.as_deref()),
            NodeEnum::SortBy(s) => self.opt(s.node.as_deref()),
            NodeEnum::WindowDef(w) => {
                self.exprs(&w.partition_clause);
                self.exprs(&w.order_clause);
            }
            NodeEnum::GroupingSet(g) => self.exprs(&g.content),
            NodeEnum::GroupingFunc(g) => self.exprs(&g.args),
            NodeEnum::List(l) => self.exprs(&l.items),
            NodeEnum::ResTarget(t) => self.opt(t.val.as_deref()),
            NodeEnum::RangeFunction(_) | NodeEnum::RangeSubselect(_) | NodeEnum::JoinExpr(_) => {
                self.range_item(node);
            }
            other => self.fallback(other),
        }
    }

    fn opt(&mut self, node: Option<&Node>) {
        if let Some(n) = node {
            self.expr(n);
        }
    }

    /// Node kinds without a dedicated arm: every column reference and relation inside is still
    /// resolved, in the current scope.
    fn fallback(&mut self, node: &NodeEnum) {
        for (child, _, _, _) in node.nodes() {
            match child {
                pg_query::NodeRef::ColumnRef(c) => self.column_ref(&c.fields, c.location),
                pg_query::NodeRef::RangeVar(rv) => {
                    self.resolve(rv);
                }
                _ => {}
            }
        }
    }
}

fn rename(source: Source, colnames: Option<&Vec<Node>>) -> Source {
    let names = colnames.map(|c| strings(c)).unwrap_or_default();
    if names.is_empty() {
        return source;
    }
    match source {
        Source::Relation(r, cols) => {
            let mut cols = cols.unwrap_or_default();
            for (i, n) in names.iter().enumerate() {
                match cols.get_mut(i) {
                    Some(slot) => slot.clone_from(n),
                    None => cols.push(n.clone()),
                }
            }
            Source::Relation(r, Some(cols))
        }
        Source::Derived(cols) => {
            let mut cols = cols.unwrap_or_default();
            for (i, n) in names.iter().enumerate() {
                match cols.get_mut(i) {
                    Some(slot) => slot.clone_from(n),
                    None => cols.push(n.clone()),
                }
            }
            Source::Derived(Some(cols))
        }
    }
}

/// The name PostgreSQL gives an output column without an alias.
fn output_name(node: &Node) -> String {
    match node.node.as_ref() {
        Some(NodeEnum::ColumnRef(c)) => strings(&c.fields).pop().unwrap_or_else(unknown),
        Some(NodeEnum::FuncCall(f)) => strings(&f.funcname).pop().unwrap_or_else(unknown),
        Some(NodeEnum::TypeCast(t)) => match t.arg.as_deref() {
            Some(arg) if !matches!(arg.node.as_ref(), Some(NodeEnum::AConst(_))) => {
                output_name(arg)
            }
            _ => t
                .type_name
                .as_ref()
                .and_then(|tn| strings(&tn.names).pop())
                .unwrap_or_else(unknown),
        },
        Some(NodeEnum::CoalesceExpr(_)) => "coalesce".to_owned(),
        Some(NodeEnum::CaseExpr(_)) => "case".to_owned(),
        Some(NodeEnum::AIndirection(i)) => match i.indirection.last().and_then(|n| n.node.as_ref())
        {
            Some(NodeEnum::String(s)) => s.sval.clone(),
            _ => i.arg.as_deref().map_or_else(unknown, output_name),
        },
        Some(NodeEnum::MinMaxExpr(m)) => if m.op == 1 { "greatest" } else { "least" }.to_owned(),
        Some(NodeEnum::SubLink(s)) if s.sub_link_type == 1 => "exists".to_owned(),
        Some(NodeEnum::SubLink(s)) => s
            .subselect
            .as_deref()
            .and_then(|q| match q.node.as_ref() {
                Some(NodeEnum::SelectStmt(sel)) => sel.target_list.first(),
                _ => None,
            })
            .and_then(|t| match t.node.as_ref() {
                Some(NodeEnum::ResTarget(r)) if !r.name.is_empty() => Some(r.name.clone()),
                Some(NodeEnum::ResTarget(r)) => r.val.as_deref().map(output_name),
                _ => None,
            })
            .unwrap_or_else(unknown),
        _ => unknown(),
    }
}

fn unknown() -> String {
    "?column?".to_owned()
}

#[cfg(test)]
mod tests;
