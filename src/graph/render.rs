//! DOT and Mermaid renderings of the graph, at the level of objects: column nodes are folded
//! into their relation, indexes are left out (attachments of their table, listed by
//! `--impact`), own objects are grouped by kind and external tables by owning service.

use std::collections::BTreeMap;
use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{DepGraph, NodeKind, Reason};

/// Groups (title → nodes) and deduplicated object-level edges.
struct Folded {
    groups: BTreeMap<(u8, String), Vec<NodeIndex>>,
    edges: BTreeMap<(NodeIndex, NodeIndex), &'static str>,
}

fn fold(g: &DepGraph) -> Folded {
    let mut groups: BTreeMap<(u8, String), Vec<NodeIndex>> = BTreeMap::new();
    for (i, n) in g.nodes() {
        let key = match n.kind {
            NodeKind::Column | NodeKind::Index => continue,
            NodeKind::External => (
                1,
                n.owner
                    .clone()
                    .unwrap_or_else(|| "unknown service".to_owned()),
            ),
            kind => (0, kind.plural().to_owned()),
        };
        groups.entry(key).or_default().push(i);
    }
    let owner = |i: NodeIndex| -> NodeIndex {
        let n = g.node(i);
        if n.kind == NodeKind::Column {
            n.relation.as_ref().and_then(|r| g.relation(r)).unwrap_or(i)
        } else {
            i
        }
    };
    let mut edges = BTreeMap::new();
    for e in g.graph.edge_references() {
        if *e.weight() == Reason::ColumnOf {
            continue;
        }
        let (a, b) = (owner(e.source()), owner(e.target()));
        let is_index = |i: NodeIndex| g.node(i).kind == NodeKind::Index;
        if a != b && !is_index(a) && !is_index(b) {
            edges.entry((a, b)).or_insert(e.weight().label());
        }
    }
    Folded { groups, edges }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub(super) fn dot(g: &DepGraph) -> String {
    let f = fold(g);
    let mut out = String::from(
        "digraph schema {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontsize=10];\n",
    );
    for (n, ((external, title), nodes)) in f.groups.iter().enumerate() {
        let label = if *external == 1 {
            format!("service: {title}")
        } else {
            title.clone()
        };
        let _ = writeln!(
            out,
            "  subgraph cluster_{n} {{\n    label={};",
            quote(&label)
        );
        if *external == 1 {
            let _ = writeln!(out, "    style=dashed;");
        }
        for i in nodes {
            let _ = writeln!(out, "    {};", quote(&g.node(*i).name));
        }
        out.push_str("  }\n");
    }
    for ((a, b), label) in &f.edges {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            quote(&g.node(*a).name),
            quote(&g.node(*b).name),
            quote(label)
        );
    }
    out.push_str("}\n");
    out
}

pub(super) fn mermaid(g: &DepGraph) -> String {
    let f = fold(g);
    let mut out = String::from("flowchart LR\n");
    let label = |s: &str| s.replace('"', "#quot;");
    for (n, ((external, title), nodes)) in f.groups.iter().enumerate() {
        let title = if *external == 1 {
            format!("service: {title}")
        } else {
            title.clone()
        };
        let _ = writeln!(out, "  subgraph g{n}[\"{}\"]", label(&title));
        for i in nodes {
            let _ = writeln!(out, "    n{}[\"{}\"]", i.index(), label(&g.node(*i).name));
        }
        out.push_str("  end\n");
    }
    for ((a, b), l) in &f.edges {
        let _ = writeln!(out, "  n{} -->|{l}| n{}", a.index(), b.index());
    }
    out
}
