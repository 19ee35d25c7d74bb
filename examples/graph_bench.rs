//! Times `DepGraph::build` on a schema directory: `cargo run --release --example graph_bench -- DIR`.

use std::time::Instant;

use schema_tool::graph::DepGraph;
use schema_tool::loaded::Project;
use schema_tool::project::LoadOptions;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "schema".to_owned());
    let opts = LoadOptions {
        paths: vec![dir.into()],
        external: Vec::new(),
        external_owners: Vec::new(),
        default_schema: "public".to_owned(),
    };
    let project = Project::load(&opts).expect("load");
    let mut took = std::time::Duration::MAX;
    let mut graph = DepGraph::default();
    for _ in 0..5 {
        let start = Instant::now();
        graph = DepGraph::build(&project.catalog);
        took = took.min(start.elapsed());
    }
    #[expect(clippy::print_stdout, reason = "a benchmark prints its result")]
    {
        println!(
            "{} nodes, {} edges, {} unresolved; best of 5 builds: {took:?}",
            graph.node_count(),
            graph.edge_count(),
            graph.unresolved.len()
        );
    }
}
