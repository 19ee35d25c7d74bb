//! SQL expressions kept as pg_query trees, compared by their deparsed (location-free) text.

use std::fmt;
use std::sync::OnceLock;

use pg_query::protobuf::Node;

/// An expression or query: the parse tree, and its canonical SQL text computed on demand.
///
/// Two expressions are equal when PostgreSQL's deparser prints them the same way, so source
/// positions, whitespace, comments and keyword case never make a difference.
#[derive(Clone)]
pub struct Expr {
    node: Node,
    text: OnceLock<String>,
}

impl Expr {
    /// Wraps an expression tree.
    pub fn new(node: Node) -> Self {
        Expr {
            node,
            text: OnceLock::new(),
        }
    }

    /// Wraps a statement tree (a view's `SELECT`, say).
    pub fn from_enum(node: pg_query::NodeEnum) -> Self {
        Expr::new(Node { node: Some(node) })
    }

    /// The tree.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Canonical SQL text (deparsed). Statements deparse whole; expressions inside `SELECT`.
    pub fn sql(&self) -> &str {
        self.text.get_or_init(|| {
            let deparsed = match &self.node.node {
                Some(
                    e @ (pg_query::NodeEnum::SelectStmt(_)
                    | pg_query::NodeEnum::InsertStmt(_)
                    | pg_query::NodeEnum::UpdateStmt(_)
                    | pg_query::NodeEnum::DeleteStmt(_)),
                ) => crate::parse::deparse_stmt(e),
                _ => crate::parse::deparse_expr(&self.node),
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
