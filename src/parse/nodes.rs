//! Small readers of pg_query nodes that every consumer of parse trees needs: the strings of a
//! name list, constants, `DefElem` options, role names, and an expression parsed on its own.
//!
//! They live with the parser so that the catalog builder, `analyze` and the graph read nodes
//! the same way without depending on one another.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node, RoleSpecType};

/// String values of a list of `String` nodes.
pub fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// The string of a `String` node (one part of a name).
pub fn string_value(n: &Node) -> Option<&str> {
    match n.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.as_str()),
        _ => None,
    }
}

/// Text of a `String` node or of a constant (`'x'`, `1`, `1.5`, `true`, `B'01'`).
pub fn const_string(n: &Node) -> Option<String> {
    match n.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.clone()),
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
            protobuf::a_const::Val::Ival(i) => Some(i.ival.to_string()),
            protobuf::a_const::Val::Fval(f) => Some(f.fval.clone()),
            protobuf::a_const::Val::Boolval(b) => Some(b.boolval.to_string()),
            protobuf::a_const::Val::Bsval(b) => Some(b.bsval.clone()),
        },
        _ => None,
    }
}

/// The `DefElem`s of an option list (`WITH (…)`, function options, sequence options).
pub fn def_elems(nodes: &[Node]) -> impl Iterator<Item = &protobuf::DefElem> {
    nodes.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::DefElem(d)) => Some(&**d),
        _ => None,
    })
}

/// A boolean option value: `true`, `1`, `'on'`…; an option given without a value is true.
pub fn bool_value(n: &Node) -> bool {
    match n.node.as_ref() {
        Some(NodeEnum::Boolean(b)) => b.boolval,
        Some(NodeEnum::Integer(i)) => i.ival != 0,
        Some(NodeEnum::String(s)) => matches!(s.sval.as_str(), "true" | "on" | "yes" | "1"),
        _ => true,
    }
}

/// An integer option value (written as an integer, a float or a string).
pub fn int_value(n: &Node) -> Option<i64> {
    match n.node.as_ref()? {
        NodeEnum::Integer(i) => Some(i64::from(i.ival)),
        NodeEnum::Float(f) => f.fval.parse().ok(),
        NodeEnum::String(s) => s.sval.parse().ok(),
        _ => None,
    }
}

/// A role as written (`PUBLIC`, `CURRENT_USER`… in capitals); `None` when undefined.
pub fn role_name(r: &protobuf::RoleSpec) -> Option<String> {
    match RoleSpecType::try_from(r.roletype).ok()? {
        RoleSpecType::RolespecCstring => Some(r.rolename.clone()),
        RoleSpecType::RolespecPublic => Some("PUBLIC".to_owned()),
        RoleSpecType::RolespecCurrentUser => Some("CURRENT_USER".to_owned()),
        RoleSpecType::RolespecCurrentRole => Some("CURRENT_ROLE".to_owned()),
        RoleSpecType::RolespecSessionUser => Some("SESSION_USER".to_owned()),
        RoleSpecType::Undefined => None,
    }
}

/// The roles of a list of `RoleSpec` nodes, as [`role_name`] writes them.
pub fn role_names(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) => role_name(r),
            _ => None,
        })
        .collect()
}

/// Parses a standalone expression into its tree.
pub fn parse_expr_node(sql: &str) -> Option<Node> {
    let r = pg_query::parse(&format!("SELECT {sql}"), 0).ok()?;
    let stmt = r.protobuf.stmts.into_iter().next()?.stmt?.node?;
    let NodeEnum::SelectStmt(s) = stmt else {
        return None;
    };
    let target = s.target_list.into_iter().next()?.node?;
    let NodeEnum::ResTarget(t) = target else {
        return None;
    };
    t.val.map(|v| *v)
}

/// The tree of the first statement of `sql`, for tests.
#[cfg(test)]
pub(crate) fn first_statement(sql: &str) -> NodeEnum {
    pg_query::parse(sql, 0)
        .expect("SQL parses")
        .protobuf
        .stmts
        .into_iter()
        .next()
        .and_then(|s| s.stmt)
        .and_then(|s| s.node)
        .expect("a statement")
}
