//! SQL expressions kept as pg_query trees, compared by their deparsed (location-free) text.

use std::fmt;
use std::sync::OnceLock;

use pg_query::protobuf::Node;
use prost::Message;

/// Parses a standalone expression.
pub fn parse_expr(sql: &str) -> Option<Expr> {
    crate::parse::nodes::parse_expr_node(sql).map(Expr::new)
}

/// An expression or query: the parse tree, and its canonical SQL text computed on demand.
///
/// Two expressions are equal when PostgreSQL's deparser prints them the same way, so source
/// positions, whitespace, comments and keyword case never make a difference.
///
/// The tree is kept protobuf-encoded: pg_query's in-memory nodes take 608 bytes each, which
/// made the trees of a 2,000-table schema cost hundreds of megabytes; the encoding is a small
/// fraction of that and decodes in microseconds when a rule or the graph needs the tree.
#[derive(Clone)]
pub struct Expr {
    encoded: Box<[u8]>,
    text: OnceLock<String>,
}

impl Expr {
    /// Wraps an expression tree.
    pub fn new(node: Node) -> Self {
        Expr {
            encoded: node.encode_to_vec().into_boxed_slice(),
            text: OnceLock::new(),
        }
    }

    /// Wraps a statement tree (a view's `SELECT`, say).
    pub fn from_enum(node: pg_query::NodeEnum) -> Self {
        Expr::new(Node { node: Some(node) })
    }

    /// The tree (decoded from its compact form on each call: keep it while you walk it).
    pub fn node(&self) -> Node {
        Node::decode(&*self.encoded).unwrap_or_default()
    }

    /// Canonical SQL text (deparsed). Statements deparse whole; expressions inside `SELECT`.
    pub fn sql(&self) -> &str {
        self.text.get_or_init(|| {
            let node = self.node();
            let deparsed = match &node.node {
                Some(
                    e @ (pg_query::NodeEnum::SelectStmt(_)
                    | pg_query::NodeEnum::InsertStmt(_)
                    | pg_query::NodeEnum::UpdateStmt(_)
                    | pg_query::NodeEnum::DeleteStmt(_)),
                ) => crate::parse::deparse_stmt(e),
                _ => crate::parse::deparse_expr(&node),
            };
            deparsed.unwrap_or_else(|| "<expression>".to_owned())
        })
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.sql() == other.sql()
    }
}

impl Eq for Expr {}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expr({})", self.sql())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}
