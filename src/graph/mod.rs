//! The dependency graph (petgraph) over catalog objects, declared external tables and the
//! columns of relations.
//!
//! An edge `A → B` means "A depends on B" and carries a [`Reason`]. Nodes are inserted in a
//! fixed order (kind, then name), and every traversal visits neighbours in node order, so
//! output is deterministic. A column node depends on its relation, so whatever depends on a
//! column is reached from the relation too. References to relations or columns that are
//! neither defined nor declared external are kept in [`DepGraph::unresolved`].

mod build;
mod render;

use std::collections::{HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::catalog::{Catalog, QualifiedName};
use crate::source::Span;

/// What kind of object a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// Own table.
    Table,
    /// Declared external table.
    External,
    /// View.
    View,
    /// Materialized view.
    MaterializedView,
    /// Column of a table, external table or view.
    Column,
    /// Index.
    Index,
    /// Sequence.
    Sequence,
    /// Function or procedure.
    Function,
    /// Trigger.
    Trigger,
    /// RLS policy.
    Policy,
    /// User-defined type.
    Type,
}

impl NodeKind {
    /// Human name.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Table => "table",
            NodeKind::External => "external table",
            NodeKind::View => "view",
            NodeKind::MaterializedView => "materialized view",
            NodeKind::Column => "column",
            NodeKind::Index => "index",
            NodeKind::Sequence => "sequence",
            NodeKind::Function => "function",
            NodeKind::Trigger => "trigger",
            NodeKind::Policy => "policy",
            NodeKind::Type => "type",
        }
    }

    /// Human name, plural (graph group titles).
    pub fn plural(self) -> &'static str {
        match self {
            NodeKind::Table => "tables",
            NodeKind::External => "external tables",
            NodeKind::View => "views",
            NodeKind::MaterializedView => "materialized views",
            NodeKind::Column => "columns",
            NodeKind::Index => "indexes",
            NodeKind::Sequence => "sequences",
            NodeKind::Function => "functions",
            NodeKind::Trigger => "triggers",
            NodeKind::Policy => "policies",
            NodeKind::Type => "types",
        }
    }

    /// Whether the node is a relation that can be read (table, external, view, matview).
    pub fn is_relation(self) -> bool {
        matches!(
            self,
            NodeKind::Table | NodeKind::External | NodeKind::View | NodeKind::MaterializedView
        )
    }
}

/// One object of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Kind.
    pub kind: NodeKind,
    /// Printed name: `schema.rel`, `schema.rel.column`, `schema.f(types)`,
    /// `schema.table.policy_or_trigger`.
    pub name: String,
    /// The relation (relations and their columns, indexes, triggers and policies: their table).
    pub relation: Option<QualifiedName>,
    /// Column name, for column nodes.
    pub column: Option<String>,
    /// Where it was declared.
    pub span: Option<Span>,
    /// Owning service, for external tables and their columns.
    pub owner: Option<String>,
}

/// Why one object depends on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// A column belongs to its relation.
    ColumnOf,
    /// A view reads a relation.
    Reads,
    /// A view reads a column.
    ReadsColumn,
    /// A foreign key references a table (or its column).
    ForeignKey,
    /// An index is on a table (or uses its column).
    IndexOn,
    /// A policy protects a table.
    PolicyOn,
    /// A policy's expression reads a relation or column.
    PolicyReads,
    /// A trigger fires on a table.
    TriggerOn,
    /// A trigger calls a function.
    TriggerCalls,
    /// A function body reads a relation.
    FunctionReads,
    /// A function body writes a relation.
    FunctionWrites,
    /// A function body refreshes a materialized view.
    FunctionRefreshes,
    /// A SQL function body, or a view, calls a routine.
    FunctionCalls,
    /// A sequence is owned by a column.
    OwnedBy,
    /// A column default (or CHECK, generated expression) uses an object.
    DefaultUses,
}

impl Reason {
    /// Short edge label.
    pub fn label(self) -> &'static str {
        match self {
            Reason::ColumnOf => "column of",
            Reason::Reads | Reason::ReadsColumn | Reason::FunctionReads => "reads",
            Reason::ForeignKey => "fk",
            Reason::IndexOn => "index on",
            Reason::PolicyOn => "policy on",
            Reason::PolicyReads => "policy reads",
            Reason::TriggerOn => "trigger on",
            Reason::TriggerCalls | Reason::FunctionCalls => "calls",
            Reason::FunctionWrites => "writes",
            Reason::FunctionRefreshes => "refreshes",
            Reason::OwnedBy => "owned by",
            Reason::DefaultUses => "uses",
        }
    }
}

/// A relation or column used but neither defined nor declared external.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The object that uses it (node name).
    pub from: String,
    /// Kind of that object.
    pub from_kind: NodeKind,
    /// The relation.
    pub relation: QualifiedName,
    /// The column, when a column of a known relation is missing.
    pub column: Option<String>,
    /// Where the reference is.
    pub span: Option<Span>,
}

/// A path from one object to another, as node names (start first).
pub type Path = Vec<String>;

/// Dependency graph of a catalog.
#[derive(Debug, Default)]
pub struct DepGraph {
    graph: DiGraph<Node, Reason>,
    by_name: HashMap<(NodeKind, String), NodeIndex>,
    /// Relations and their columns, looked up without building strings.
    rels: HashMap<QualifiedName, (NodeIndex, HashMap<String, NodeIndex>)>,
    view_columns: HashMap<QualifiedName, Vec<String>>,
    /// References to relations or columns that are neither defined nor declared external,
    /// in object order.
    pub unresolved: Vec<Unresolved>,
}

impl DepGraph {
    /// Builds the graph of a catalog.
    pub fn build(catalog: &Catalog) -> DepGraph {
        build::build(catalog)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// A node's data.
    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.graph[index]
    }

    /// All nodes in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.graph.node_indices().map(|i| (i, &self.graph[i]))
    }

    /// The node of a relation (table, external, view or materialized view).
    pub fn relation(&self, name: &QualifiedName) -> Option<NodeIndex> {
        self.rels.get(name).map(|(i, _)| *i)
    }

    /// The node of a column of a relation.
    pub fn column(&self, relation: &QualifiedName, column: &str) -> Option<NodeIndex> {
        self.rels.get(relation)?.1.get(column).copied()
    }

    /// A node by kind and printed name.
    pub fn by_kind(&self, kind: NodeKind, name: &str) -> Option<NodeIndex> {
        self.by_name.get(&(kind, name.to_owned())).copied()
    }

    /// Looks up `table`, `schema.table`, `table.column` or `schema.table.column` (relations of
    /// any kind; unqualified names in `public`), then any other object by its printed name.
    pub fn lookup(&self, name: &str) -> Option<NodeIndex> {
        let parts: Vec<&str> = name.split('.').collect();
        let rel = |s: &str, n: &str| self.relation(&QualifiedName::new(s, n));
        let found = match parts.as_slice() {
            [t] => rel("public", t),
            [s, t] => rel(s, t).or_else(|| self.column(&QualifiedName::new("public", *s), t)),
            [s, t, c] => self.column(&QualifiedName::new(*s, *t), c),
            _ => None,
        };
        found.or_else(|| {
            self.graph
                .node_indices()
                .find(|&i| self.graph[i].name == name)
        })
    }

    /// Output columns of a view or materialized view, as analysed.
    pub fn view_output_columns(&self, name: &QualifiedName) -> Option<&[String]> {
        self.view_columns.get(name).map(Vec::as_slice)
    }

    /// Direct dependencies of a node, in node order.
    pub fn dependencies(&self, index: NodeIndex) -> Vec<(NodeIndex, Reason)> {
        self.neighbours(index, Direction::Outgoing)
    }

    /// Direct dependents of a node, in node order.
    pub fn dependents(&self, index: NodeIndex) -> Vec<(NodeIndex, Reason)> {
        self.neighbours(index, Direction::Incoming)
    }

    fn neighbours(&self, index: NodeIndex, dir: Direction) -> Vec<(NodeIndex, Reason)> {
        let mut out: Vec<(NodeIndex, Reason)> = self
            .graph
            .edges_directed(index, dir)
            .map(|e| {
                let other = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                (other, *e.weight())
            })
            .collect();
        out.sort();
        out.dedup_by_key(|(n, _)| *n);
        out
    }

    /// Everything a node depends on, transitively, each with the shortest path from `index`
    /// (breadth first, neighbours in node order).
    pub fn transitive_dependencies(&self, index: NodeIndex) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        self.bfs(index, Direction::Outgoing, |_| true)
    }

    /// Everything that depends on a node, transitively, each with the shortest path from
    /// `index` (breadth first, neighbours in node order).
    pub fn transitive_dependents(&self, index: NodeIndex) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        self.bfs(index, Direction::Incoming, |_| true)
    }

    /// Breadth-first search from `start`, expanding only nodes for which `expand` holds
    /// (the start node always expands).
    fn bfs(
        &self,
        start: NodeIndex,
        dir: Direction,
        expand: impl Fn(&Node) -> bool,
    ) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut order = Vec::new();
        parent.insert(start, start);
        while let Some(n) = queue.pop_front() {
            if n != start && !expand(&self.graph[n]) {
                continue;
            }
            for (m, _) in self.neighbours(n, dir) {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(m) {
                    e.insert(n);
                    order.push(m);
                    queue.push_back(m);
                }
            }
        }
        order
            .into_iter()
            .map(|n| {
                let mut path = vec![n];
                let mut at = n;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                (n, path)
            })
            .collect()
    }

    /// Relations a view or materialized view reads, directly or through other views, each with
    /// the path of relations from the view (the view first).
    pub fn relations_reached(
        &self,
        view: &QualifiedName,
    ) -> Vec<(QualifiedName, Vec<QualifiedName>)> {
        let Some(start) = self.relation(view) else {
            return Vec::new();
        };
        let found = self.bfs(start, Direction::Outgoing, |n| {
            matches!(
                n.kind,
                NodeKind::View | NodeKind::MaterializedView | NodeKind::Column
            )
        });
        let mut out: Vec<(QualifiedName, Vec<QualifiedName>)> = Vec::new();
        for (n, path) in found {
            let node = &self.graph[n];
            if !node.kind.is_relation() {
                continue;
            }
            // Only read edges count: a path goes view → (column →) relation.
            let mut rels: Vec<QualifiedName> = Vec::new();
            for p in &path {
                let pn = &self.graph[*p];
                if pn.kind.is_relation() {
                    if let Some(r) = &pn.relation {
                        rels.push(r.clone());
                    }
                }
            }
            if let Some(r) = &node.relation {
                out.push((r.clone(), rels));
            }
        }
        out
    }

    /// External tables a view or materialized view reaches (through views), with the owning
    /// service and the path of relations.
    pub fn externals_reached(
        &self,
        view: &QualifiedName,
    ) -> Vec<(QualifiedName, String, Vec<QualifiedName>)> {
        self.relations_reached(view)
            .into_iter()
            .filter_map(|(r, path)| {
                let n = &self.graph[self.relation(&r)?];
                (n.kind == NodeKind::External)
                    .then(|| (r, n.owner.clone().unwrap_or_default(), path))
            })
            .collect()
    }

    /// Every node, dependencies before dependents (Kahn's algorithm, ties in node order;
    /// nodes on a cycle, such as tables with mutual foreign keys, come last in node order).
    pub fn topological_order(&self) -> Vec<NodeIndex> {
        let n = self.graph.node_count();
        let mut remaining: Vec<usize> = self
            .graph
            .node_indices()
            .map(|i| self.neighbours(i, Direction::Outgoing).len())
            .collect();
        let mut ready: std::collections::BTreeSet<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|i| remaining[i.index()] == 0)
            .collect();
        let mut done = vec![false; n];
        let mut out = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            done[i.index()] = true;
            out.push(i);
            for (d, _) in self.neighbours(i, Direction::Incoming) {
                remaining[d.index()] -= 1;
                if remaining[d.index()] == 0 {
                    ready.insert(d);
                }
            }
        }
        out.extend(self.graph.node_indices().filter(|i| !done[i.index()]));
        out
    }

    /// Objects that depend on `name` (see [`DepGraph::lookup`]), transitively, with the path
    /// of names from `name`; column nodes are traversed but not listed. `None` when no object
    /// has that name.
    pub fn impact(&self, name: &str) -> Option<Vec<(String, Path)>> {
        let start = self.lookup(name)?;
        Some(
            self.transitive_dependents(start)
                .into_iter()
                .filter(|(n, _)| self.graph[*n].kind != NodeKind::Column)
                .map(|(n, path)| {
                    let names = path
                        .iter()
                        .filter(|p| **p == start || self.graph[**p].kind != NodeKind::Column)
                        .map(|p| self.graph[*p].name.clone())
                        .collect();
                    (self.graph[n].name.clone(), names)
                })
                .collect(),
        )
    }

    /// Graphviz DOT text.
    pub fn render_dot(&self) -> String {
        render::dot(self)
    }

    /// Mermaid flowchart text.
    pub fn render_mermaid(&self) -> String {
        render::mermaid(self)
    }
}

#[cfg(test)]
mod tests;
