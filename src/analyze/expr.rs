//! Walking raw pg_query expression and query trees: every child of a node, the
//! `current_setting(…)` calls in an expression and how each one is wrapped, and the relations a
//! subquery reads.
//!
//! pg_query's own `NodeEnum::nodes()` skips some children that matter here (a `SubLink`'s test
//! expression, named arguments, `FILTER` clauses), so the policy rules walk with [`walk`].

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AExprKind, FuncCall, Node, SelectStmt, SubLinkType};

use crate::catalog::typename::format_type_name;
use crate::parse::nodes::string_value;

/// Visits `node` and its descendants depth first; `visit` returns `false` to skip a node's
/// children.
pub fn walk<'a>(node: &'a Node, visit: &mut dyn FnMut(&'a NodeEnum) -> bool) {
    if let Some(n) = node.node.as_ref() {
        walk_enum(n, visit);
    }
}

/// Like [`walk`], starting from a node that is not wrapped in a `Node`.
pub fn walk_enum<'a>(node: &'a NodeEnum, visit: &mut dyn FnMut(&'a NodeEnum) -> bool) {
    if visit(node) {
        for child in children(node) {
            walk(child, visit);
        }
    }
}

/// The direct children of an expression or query node. The arms of a set operation
/// (`UNION` …) are flattened into their parent's children.
pub fn children(node: &NodeEnum) -> Vec<&Node> {
    let mut out: Vec<&Node> = Vec::new();
    match node {
        NodeEnum::AExpr(e) => out.extend(e.lexpr.as_deref().into_iter().chain(e.rexpr.as_deref())),
        NodeEnum::BoolExpr(e) => out.extend(&e.args),
        NodeEnum::BooleanTest(e) => out.extend(e.arg.as_deref()),
        NodeEnum::NullTest(e) => out.extend(e.arg.as_deref()),
        NodeEnum::CoalesceExpr(e) => out.extend(&e.args),
        NodeEnum::MinMaxExpr(e) => out.extend(&e.args),
        NodeEnum::FuncCall(f) => {
            out.extend(&f.args);
            out.extend(&f.agg_order);
            out.extend(f.agg_filter.as_deref());
            if let Some(w) = &f.over {
                out.extend(&w.partition_clause);
                out.extend(&w.order_clause);
            }
        }
        NodeEnum::NamedArgExpr(n) => out.extend(n.arg.as_deref()),
        NodeEnum::TypeCast(t) => out.extend(t.arg.as_deref()),
        NodeEnum::CollateClause(c) => out.extend(c.arg.as_deref()),
        NodeEnum::SubLink(s) => {
            out.extend(s.testexpr.as_deref());
            out.extend(s.subselect.as_deref());
        }
        NodeEnum::CaseExpr(c) => {
            out.extend(c.arg.as_deref());
            out.extend(&c.args);
            out.extend(c.defresult.as_deref());
        }
        NodeEnum::CaseWhen(w) => {
            out.extend(w.expr.as_deref().into_iter().chain(w.result.as_deref()))
        }
        NodeEnum::AArrayExpr(a) => out.extend(&a.elements),
        NodeEnum::RowExpr(r) => out.extend(&r.args),
        NodeEnum::AIndirection(a) => {
            out.extend(a.arg.as_deref());
            out.extend(&a.indirection);
        }
        NodeEnum::AIndices(i) => out.extend(i.lidx.as_deref().into_iter().chain(i.uidx.as_deref())),
        NodeEnum::List(l) => out.extend(&l.items),
        NodeEnum::ResTarget(t) => out.extend(t.val.as_deref()),
        NodeEnum::SortBy(s) => out.extend(s.node.as_deref()),
        NodeEnum::GroupingSet(g) => out.extend(&g.content),
        NodeEnum::WindowDef(w) => {
            out.extend(&w.partition_clause);
            out.extend(&w.order_clause);
        }
        NodeEnum::SelectStmt(s) => select_children(s, &mut out),
        NodeEnum::CommonTableExpr(c) => out.extend(c.ctequery.as_deref()),
        NodeEnum::JoinExpr(j) => {
            out.extend(j.larg.as_deref());
            out.extend(j.rarg.as_deref());
            out.extend(j.quals.as_deref());
        }
        NodeEnum::RangeSubselect(r) => out.extend(r.subquery.as_deref()),
        NodeEnum::RangeFunction(r) => out.extend(&r.functions),
        _ => {}
    }
    out
}

fn select_children<'a>(s: &'a SelectStmt, out: &mut Vec<&'a Node>) {
    if let Some(w) = &s.with_clause {
        out.extend(&w.ctes);
    }
    out.extend(&s.distinct_clause);
    out.extend(&s.target_list);
    out.extend(&s.from_clause);
    out.extend(s.where_clause.as_deref());
    out.extend(&s.group_clause);
    out.extend(s.having_clause.as_deref());
    out.extend(&s.window_clause);
    out.extend(&s.values_lists);
    out.extend(&s.sort_clause);
    out.extend(s.limit_offset.as_deref());
    out.extend(s.limit_count.as_deref());
    for arm in [&s.larg, &s.rarg].into_iter().flatten() {
        select_children(arm, out);
    }
}

/// Relations a query or expression reads, as written (`(schema, name)`, schema empty when
/// unqualified), in order of appearance, without duplicates and without CTE names.
pub fn relations_read(node: &Node) -> Vec<(String, String)> {
    let mut ctes = Vec::new();
    let mut found = Vec::new();
    walk(node, &mut |n| {
        match n {
            NodeEnum::CommonTableExpr(c) => ctes.push(c.ctename.clone()),
            NodeEnum::RangeVar(rv) => {
                let key = (rv.schemaname.clone(), rv.relname.clone());
                if !found.contains(&key) {
                    found.push(key);
                }
            }
            _ => {}
        }
        true
    });
    found.retain(|(schema, name)| !schema.is_empty() || !ctes.contains(name));
    found
}

/// The `missing_ok` argument of a `current_setting` call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MissingOk {
    /// Not given (the call raises an error when the setting does not exist).
    Absent,
    /// A constant.
    Const(bool),
    /// Something else, deparsed.
    Other(String),
}

impl MissingOk {
    /// Whether the call is known not to raise an error for an unset setting.
    pub fn is_true(&self) -> bool {
        *self == MissingOk::Const(true)
    }
}

impl std::fmt::Display for MissingOk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MissingOk::Absent => f.write_str("none"),
            MissingOk::Const(b) => write!(f, "{b}"),
            MissingOk::Other(s) => f.write_str(s),
        }
    }
}

/// A call `current_setting(name [, missing_ok])`.
#[derive(Clone, Debug)]
pub struct SettingCall<'a> {
    /// Setting name in lower case (PostgreSQL's setting names are case-insensitive), when it
    /// is a constant.
    pub name: Option<String>,
    /// The `missing_ok` argument.
    pub missing_ok: MissingOk,
    /// The call.
    pub call: &'a FuncCall,
}

/// The call, when `node` is `current_setting(…)` (or `pg_catalog.current_setting(…)`).
pub fn setting_call(node: &NodeEnum) -> Option<SettingCall<'_>> {
    let NodeEnum::FuncCall(f) = node else {
        return None;
    };
    let name: Vec<&str> = f.funcname.iter().filter_map(string_value).collect();
    match name.as_slice() {
        ["current_setting"] | ["pg_catalog", "current_setting"] => {}
        _ => return None,
    }
    let mut setting = None;
    let mut missing_ok = MissingOk::Absent;
    for (i, arg) in f.args.iter().enumerate() {
        let (key, value) = match arg.node.as_ref() {
            Some(NodeEnum::NamedArgExpr(n)) => (n.name.as_str(), n.arg.as_deref()),
            _ => (
                if i == 0 { "setting_name" } else { "missing_ok" },
                Some(arg),
            ),
        };
        let Some(value) = value else { continue };
        match key {
            "setting_name" => setting = const_text(value).map(|s| s.to_lowercase()),
            "missing_ok" => {
                missing_ok = const_bool(value).map_or_else(
                    || MissingOk::Other(crate::parse::deparse_expr(value).unwrap_or_default()),
                    MissingOk::Const,
                );
            }
            _ => {}
        }
    }
    Some(SettingCall {
        name: setting,
        missing_ok,
        call: f,
    })
}

/// A `current_setting(…)` call with what wraps it: `NULLIF(…, '')`, a cast, a scalar
/// `(SELECT …)`.
#[derive(Clone, Debug)]
pub struct SettingOperand<'a> {
    /// The call.
    pub call: SettingCall<'a>,
    /// The outermost cast (`uuid`, `integer`, …), as `format_type` prints it.
    pub cast: Option<String>,
    /// Wrapped in `NULLIF(…, '')`.
    pub nullif: bool,
    /// Wrapped in a scalar subquery without `FROM` (`(SELECT current_setting(…))`).
    pub scalar_select: bool,
}

/// The operand, when `node` is a `current_setting` call under nothing but casts, `COLLATE`,
/// `NULLIF(…, '')` and scalar `(SELECT …)` without `FROM`.
pub fn setting_operand(node: &Node) -> Option<SettingOperand<'_>> {
    let mut cast = None;
    let mut nullif = false;
    let mut scalar_select = false;
    let mut current = node;
    loop {
        match current.node.as_ref()? {
            NodeEnum::TypeCast(t) => {
                if cast.is_none() {
                    cast = t.type_name.as_ref().map(format_type_name);
                }
                current = t.arg.as_deref()?;
            }
            NodeEnum::CollateClause(c) => current = c.arg.as_deref()?,
            NodeEnum::AExpr(e) if is_nullif_empty(e) => {
                nullif = true;
                current = e.lexpr.as_deref()?;
            }
            NodeEnum::SubLink(s) => {
                current = scalar_select_value(s)?;
                scalar_select = true;
            }
            other => {
                return setting_call(other).map(|call| SettingOperand {
                    call,
                    cast,
                    nullif,
                    scalar_select,
                });
            }
        }
    }
}

/// Whether a `NULLIF` expression compares with the empty string.
pub fn is_nullif_empty(e: &protobuf::AExpr) -> bool {
    e.kind == AExprKind::AexprNullif as i32
        && e.rexpr
            .as_deref()
            .and_then(const_text)
            .is_some_and(|s| s.is_empty())
}

/// The value of `(SELECT value)`: a scalar subquery with one target and no `FROM`, `WHERE` or
/// set operation (PostgreSQL evaluates it once per query, as an InitPlan).
pub fn scalar_select_value(s: &protobuf::SubLink) -> Option<&Node> {
    if s.sub_link_type != SubLinkType::ExprSublink as i32 {
        return None;
    }
    let Some(NodeEnum::SelectStmt(q)) = s.subselect.as_deref()?.node.as_ref() else {
        return None;
    };
    if !q.from_clause.is_empty()
        || q.where_clause.is_some()
        || q.larg.is_some()
        || q.target_list.len() != 1
    {
        return None;
    }
    match q.target_list[0].node.as_ref()? {
        NodeEnum::ResTarget(t) => t.val.as_deref(),
        _ => None,
    }
}

/// Text of a string constant (through casts such as `'x'::text`).
pub fn const_text(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::TypeCast(t) => const_text(t.arg.as_deref()?),
        _ => None,
    }
}

/// Value of a boolean constant: `true`, `'on'`, `'t'::boolean` …
pub fn const_bool(node: &Node) -> Option<bool> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            protobuf::a_const::Val::Boolval(b) => Some(b.boolval),
            protobuf::a_const::Val::Sval(s) => match s.sval.trim().to_lowercase().as_str() {
                "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
                "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        },
        NodeEnum::TypeCast(t) => const_bool(t.arg.as_deref()?),
        _ => None,
    }
}

/// Last part of a column reference (`t.tenant_id` → `tenant_id`).
pub fn column_name(node: &Node) -> Option<&str> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => c.fields.last().and_then(string_value),
        _ => None,
    }
}

/// The operator of an `A_Expr`, as written (`=`, `<>`, `~~`), schema dropped.
pub fn operator_name(e: &protobuf::AExpr) -> String {
    e.name
        .last()
        .and_then(string_value)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(sql: &str) -> Node {
        crate::parse::nodes::parse_expr_node(sql).expect("expression parses")
    }

    #[test]
    fn setting_operand_sees_through_casts_and_nullif() {
        let e = expr("NULLIF(current_setting('App.Current_Tenant', true), '')::uuid");
        let op = setting_operand(&e).expect("a setting operand");
        assert_eq!(op.call.name.as_deref(), Some("app.current_tenant"));
        assert_eq!(op.call.missing_ok, MissingOk::Const(true));
        assert_eq!(op.cast.as_deref(), Some("uuid"));
        assert!(op.nullif);
        assert!(!op.scalar_select);
    }

    #[test]
    fn named_and_string_missing_ok_are_read() {
        let e = expr("pg_catalog.current_setting(setting_name => 'app.x', missing_ok => 'on')");
        let op = setting_operand(&e).expect("a setting operand");
        assert_eq!(op.call.name.as_deref(), Some("app.x"));
        assert_eq!(op.call.missing_ok, MissingOk::Const(true));
        let e = expr("current_setting('app.x')");
        assert_eq!(
            setting_operand(&e).unwrap().call.missing_ok,
            MissingOk::Absent
        );
    }

    #[test]
    fn scalar_select_is_seen_through() {
        let e = expr("(SELECT current_setting('app.x', true)::uuid)");
        let op = setting_operand(&e).expect("a setting operand");
        assert!(op.scalar_select);
        assert_eq!(op.cast.as_deref(), Some("uuid"));
    }

    #[test]
    fn walk_reaches_sublink_test_expressions_and_named_args() {
        let e =
            expr("current_setting('a.one') IN (SELECT f(x => current_setting('a.two')) FROM t)");
        let mut names = Vec::new();
        walk(&e, &mut |n| {
            if let Some(c) = setting_call(n) {
                names.extend(c.name);
            }
            true
        });
        assert_eq!(names, ["a.one", "a.two"]);
    }

    #[test]
    fn relations_read_skips_ctes() {
        let e = expr(
            "EXISTS (WITH c AS (SELECT 1 FROM public.a) SELECT 1 FROM c JOIN b ON true UNION SELECT 1 FROM public.a)",
        );
        assert_eq!(
            relations_read(&e),
            [
                ("public".to_owned(), "a".to_owned()),
                (String::new(), "b".to_owned())
            ]
        );
    }
}
