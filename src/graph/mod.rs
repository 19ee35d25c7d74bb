//! The dependency graph (petgraph) over catalog objects and declared external tables.
//!
//! PLACEHOLDER until the graph module lands: an empty graph, so the lint pipeline compiles.
//! Rules that need edges are not registered until then.

use crate::catalog::Catalog;

/// Dependency graph of a catalog.
#[derive(Debug, Default)]
pub struct DepGraph {}

impl DepGraph {
    /// Builds the graph of a catalog.
    pub fn build(_catalog: &Catalog) -> DepGraph {
        DepGraph::default()
    }
}
