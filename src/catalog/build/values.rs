//! Scalar values of option lists as the catalog records them: constants and type names as
//! text, `WITH (…)` storage options as a map.

use std::collections::BTreeMap;

use pg_query::NodeEnum;
use pg_query::protobuf::Node;

use crate::catalog::typename::format_type_name;
use crate::parse::deparse_expr;
use crate::parse::nodes::{self, def_elems};

/// Text of a constant or a `String` node ([`nodes::const_string`]), or of a type name printed
/// as `format_type` does.
pub(super) fn const_string(n: &Node) -> Option<String> {
    match n.node.as_ref()? {
        NodeEnum::TypeName(t) => Some(format_type_name(t)),
        _ => nodes::const_string(n),
    }
}

/// Text of a DefElem argument or similar scalar node.
pub(super) fn value_text(n: &Node) -> String {
    match n.node.as_ref() {
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::List(l)) => l
            .items
            .iter()
            .map(value_text)
            .collect::<Vec<_>>()
            .join(", "),
        Some(NodeEnum::TypeName(t)) => format_type_name(t),
        _ => const_string(n).unwrap_or_else(|| deparse_expr(n).unwrap_or_default()),
    }
}

/// `WITH (…)` storage options by name (`namespace.name` for `toast.…`); an option without a
/// value is `true`.
pub(super) fn reloptions(nodes: &[Node]) -> BTreeMap<String, String> {
    def_elems(nodes)
        .map(|d| {
            let key = if d.defnamespace.is_empty() {
                d.defname.clone()
            } else {
                format!("{}.{}", d.defnamespace, d.defname)
            };
            (
                key,
                d.arg
                    .as_deref()
                    .map_or_else(|| "true".to_owned(), value_text),
            )
        })
        .collect()
}
