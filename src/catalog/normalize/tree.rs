//! Tree rules of normalisation: rewrites of a parse tree into the form PostgreSQL's parse
//! analysis gives the same construct, so that a definition a person wrote and the one
//! `pg_get_expr`/`pg_get_viewdef` prints back compare equal without asking the server.
//!
//! Each rule rewrites only what PostgreSQL itself rewrites in exactly that way, and is applied
//! to both sides; anything a rule does not recognise stays as it is (and is left to
//! elaboration on the server).
//!
//! - [`between`]: `a BETWEEN b AND c` is stored as `a >= b AND a <= c`; `NOT BETWEEN` as
//!   `a < b OR a > c`.
//! - [`in_list`]: `a IN (constants)` is stored as `a = ANY (ARRAY[constants])`; `NOT IN` as
//!   `a <> ALL (ARRAY[…])`. Lists holding anything but constants (PostgreSQL makes those an
//!   `OR` of comparisons) are left alone.
//! - [`integer_comparand`]: in a comparison of a column with an integer constant, the constant
//!   is cast to the column's numeric type when the types differ (`amount >= 0` is printed
//!   `amount >= 0::numeric`); the cast is dropped. Comparing any number with a small integer
//!   gives the same answer in every numeric type, so the cast never changes a result.
//! - [`single_relation_qualifiers`]: in a `SELECT` over exactly one table and no subqueries,
//!   `pg_get_viewdef` qualifies every column with the table's name or alias; the qualifier is
//!   dropped (every column there can only belong to that table).

use pg_query::NodeEnum;
use pg_query::protobuf::{
    AArrayExpr, AExpr, AExprKind, BoolExpr, BoolExprType, Node, SelectStmt, a_const,
};

/// Applies every rule to `node`, bottom-up. Returns whether anything changed.
pub fn rewrite(node: &mut Node) -> bool {
    let mut changed = false;
    walk(node, &mut |n| {
        changed |= between(n);
        changed |= in_list(n);
        changed |= integer_comparand(n);
        changed |= single_relation_qualifiers(n);
    });
    changed
}

/// Visits the children of the node kinds that occur in definitions, then the node itself.
fn walk(node: &mut Node, f: &mut dyn FnMut(&mut Node)) {
    let Some(inner) = node.node.as_mut() else {
        return;
    };
    let one = |n: &mut Option<Box<Node>>, f: &mut dyn FnMut(&mut Node)| {
        if let Some(n) = n.as_deref_mut() {
            walk(n, f);
        }
    };
    match inner {
        NodeEnum::AExpr(e) => {
            one(&mut e.lexpr, f);
            one(&mut e.rexpr, f);
        }
        NodeEnum::BoolExpr(e) => e.args.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::List(l) => l.items.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::TypeCast(c) => one(&mut c.arg, f),
        NodeEnum::CollateClause(c) => one(&mut c.arg, f),
        NodeEnum::NullTest(t) => one(&mut t.arg, f),
        NodeEnum::BooleanTest(t) => one(&mut t.arg, f),
        NodeEnum::NamedArgExpr(a) => one(&mut a.arg, f),
        NodeEnum::FuncCall(c) => {
            c.args.iter_mut().for_each(|n| walk(n, f));
            one(&mut c.agg_filter, f);
        }
        NodeEnum::CoalesceExpr(c) => c.args.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::MinMaxExpr(c) => c.args.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::RowExpr(r) => r.args.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::AArrayExpr(a) => a.elements.iter_mut().for_each(|n| walk(n, f)),
        NodeEnum::CaseExpr(c) => {
            one(&mut c.arg, f);
            c.args.iter_mut().for_each(|n| walk(n, f));
            one(&mut c.defresult, f);
        }
        NodeEnum::CaseWhen(w) => {
            one(&mut w.expr, f);
            one(&mut w.result, f);
        }
        NodeEnum::ResTarget(t) => one(&mut t.val, f),
        NodeEnum::SortBy(s) => one(&mut s.node, f),
        NodeEnum::SubLink(s) => {
            one(&mut s.testexpr, f);
            one(&mut s.subselect, f);
        }
        NodeEnum::JoinExpr(j) => {
            one(&mut j.larg, f);
            one(&mut j.rarg, f);
            one(&mut j.quals, f);
        }
        NodeEnum::RangeSubselect(r) => one(&mut r.subquery, f),
        NodeEnum::SelectStmt(s) => {
            for list in [
                &mut s.target_list,
                &mut s.from_clause,
                &mut s.group_clause,
                &mut s.sort_clause,
            ] {
                list.iter_mut().for_each(|n| walk(n, f));
            }
            one(&mut s.where_clause, f);
            one(&mut s.having_clause, f);
            if let Some(l) = s.larg.as_deref_mut() {
                walk_select(l, f);
            }
            if let Some(r) = s.rarg.as_deref_mut() {
                walk_select(r, f);
            }
        }
        _ => {}
    }
    f(node);
}

/// A set operation's arms are bare `SelectStmt`s: wrap, walk and unwrap.
fn walk_select(s: &mut SelectStmt, f: &mut dyn FnMut(&mut Node)) {
    let mut node = Node {
        node: Some(NodeEnum::SelectStmt(Box::new(std::mem::take(s)))),
    };
    walk(&mut node, f);
    if let Some(NodeEnum::SelectStmt(back)) = node.node {
        *s = *back;
    }
}

/// The operator of an `A_Expr` with a one-part name (`=`, `<`, …).
fn operator(e: &AExpr) -> Option<&str> {
    match e.name.as_slice() {
        [
            Node {
                node: Some(NodeEnum::String(s)),
            },
        ] => Some(s.sval.as_str()),
        _ => None,
    }
}

fn op_name(op: &str) -> Vec<Node> {
    vec![Node {
        node: Some(NodeEnum::String(pg_query::protobuf::String {
            sval: op.to_owned(),
        })),
    }]
}

fn binary(op: &str, l: Node, r: Node) -> Node {
    Node {
        node: Some(NodeEnum::AExpr(Box::new(AExpr {
            kind: AExprKind::AexprOp as i32,
            name: op_name(op),
            lexpr: Some(Box::new(l)),
            rexpr: Some(Box::new(r)),
            ..AExpr::default()
        }))),
    }
}

fn boolean(op: BoolExprType, args: Vec<Node>) -> Node {
    Node {
        node: Some(NodeEnum::BoolExpr(Box::new(BoolExpr {
            boolop: op as i32,
            args,
            ..BoolExpr::default()
        }))),
    }
}

/// `a BETWEEN b AND c` → `a >= b AND a <= c`; `a NOT BETWEEN b AND c` → `a < b OR a > c`.
fn between(node: &mut Node) -> bool {
    let Some(NodeEnum::AExpr(e)) = node.node.as_ref() else {
        return false;
    };
    let negated = match AExprKind::try_from(e.kind) {
        Ok(AExprKind::AexprBetween) => false,
        Ok(AExprKind::AexprNotBetween) => true,
        _ => return false,
    };
    let (Some(a), Some(NodeEnum::List(bounds))) = (
        e.lexpr.as_deref(),
        e.rexpr.as_ref().and_then(|r| r.node.as_ref()),
    ) else {
        return false;
    };
    let [low, high] = bounds.items.as_slice() else {
        return false;
    };
    let (lo_op, hi_op, join) = if negated {
        ("<", ">", BoolExprType::OrExpr)
    } else {
        (">=", "<=", BoolExprType::AndExpr)
    };
    *node = boolean(
        join,
        vec![
            binary(lo_op, a.clone(), low.clone()),
            binary(hi_op, a.clone(), high.clone()),
        ],
    );
    true
}

/// Whether `n` is a constant (possibly cast, possibly negated by the parser already).
fn is_constant(n: &Node) -> bool {
    match n.node.as_ref() {
        Some(NodeEnum::AConst(_)) => true,
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().is_some_and(is_constant),
        _ => false,
    }
}

/// `a IN (k1, k2)` → `a = ANY (ARRAY[k1, k2])`; `a NOT IN (…)` → `a <> ALL (ARRAY[…])`, when
/// every `k` is a constant.
fn in_list(node: &mut Node) -> bool {
    let Some(NodeEnum::AExpr(e)) = node.node.as_mut() else {
        return false;
    };
    if AExprKind::try_from(e.kind) != Ok(AExprKind::AexprIn) {
        return false;
    }
    let kind = match operator(e) {
        Some("=") => AExprKind::AexprOpAny,
        Some("<>") => AExprKind::AexprOpAll,
        _ => return false,
    };
    let Some(NodeEnum::List(items)) = e.rexpr.as_mut().and_then(|r| r.node.as_mut()) else {
        return false;
    };
    // PostgreSQL keeps a one-element list as a plain comparison.
    if items.items.len() < 2 || !items.items.iter().all(is_constant) {
        return false;
    }
    let elements = std::mem::take(&mut items.items);
    e.kind = kind as i32;
    e.rexpr = Some(Box::new(Node {
        node: Some(NodeEnum::AArrayExpr(AArrayExpr {
            elements,
            ..AArrayExpr::default()
        })),
    }));
    true
}

/// The integer value of a constant, if it is one small enough to be exact in every numeric
/// type (including `real`).
fn small_integer(n: &Node) -> Option<i32> {
    match n.node.as_ref() {
        Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
            Some(a_const::Val::Ival(i)) if i.ival.unsigned_abs() < (1 << 24) => Some(i.ival),
            _ => None,
        },
        _ => None,
    }
}

const NUMERIC_TYPES: &[&str] = &["int2", "int4", "int8", "numeric", "float4", "float8"];

/// `column op k::numeric_type` → `column op k` for a comparison and a small integer `k`.
fn integer_comparand(node: &mut Node) -> bool {
    let Some(NodeEnum::AExpr(e)) = node.node.as_mut() else {
        return false;
    };
    if AExprKind::try_from(e.kind) != Ok(AExprKind::AexprOp)
        || !matches!(operator(e), Some("=" | "<>" | "<" | "<=" | ">" | ">="))
    {
        return false;
    }
    let is_column = |n: &Option<Box<Node>>| {
        matches!(
            n.as_deref().and_then(|n| n.node.as_ref()),
            Some(NodeEnum::ColumnRef(_))
        )
    };
    let mut changed = false;
    let (l_col, r_col) = (is_column(&e.lexpr), is_column(&e.rexpr));
    for (side, other_is_column) in [(&mut e.lexpr, r_col), (&mut e.rexpr, l_col)] {
        if !other_is_column {
            continue;
        }
        let Some(NodeEnum::TypeCast(cast)) = side.as_deref().and_then(|n| n.node.as_ref()) else {
            continue;
        };
        let numeric = cast
            .type_name
            .as_ref()
            .and_then(|t| t.names.last())
            .and_then(|n| match n.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })
            .is_some_and(|name| NUMERIC_TYPES.contains(&name));
        let constant = cast.arg.as_deref().filter(|a| small_integer(a).is_some());
        if let (true, Some(constant)) = (numeric, constant) {
            *side = Some(Box::new(constant.clone()));
            changed = true;
        }
    }
    changed
}

/// Whether a tree holds a subquery anywhere (a column there could belong to another scope).
fn has_sublink(node: &Node) -> bool {
    let mut found = false;
    let mut copy = node.clone();
    walk(&mut copy, &mut |n| {
        found |= matches!(n.node, Some(NodeEnum::SubLink(_)));
    });
    found
}

/// In a `SELECT … FROM one_table [alias]` with no subqueries, `t.col` → `col` where `t` is
/// the table's alias, or its name when it has none.
fn single_relation_qualifiers(node: &mut Node) -> bool {
    let Some(NodeEnum::SelectStmt(s)) = node.node.as_ref() else {
        return false;
    };
    let [from] = s.from_clause.as_slice() else {
        return false;
    };
    let Some(NodeEnum::RangeVar(rel)) = from.node.as_ref() else {
        return false;
    };
    let name = rel
        .alias
        .as_ref()
        .map_or(rel.relname.clone(), |a| a.aliasname.clone());
    if s.larg.is_some() || s.with_clause.is_some() || has_sublink(node) {
        return false;
    }
    let Some(NodeEnum::SelectStmt(s)) = node.node.as_mut() else {
        return false;
    };
    let mut changed = false;
    let mut strip = |n: &mut Node| {
        let Some(NodeEnum::ColumnRef(c)) = n.node.as_mut() else {
            return;
        };
        let qualified_by_it = matches!(
            c.fields.as_slice(),
            [Node { node: Some(NodeEnum::String(q)) }, Node { node: Some(NodeEnum::String(_)) }]
                if q.sval == name
        );
        if qualified_by_it {
            c.fields.remove(0);
            changed = true;
        }
    };
    for list in [&mut s.target_list, &mut s.group_clause, &mut s.sort_clause] {
        list.iter_mut().for_each(|n| walk(n, &mut strip));
    }
    for clause in [&mut s.where_clause, &mut s.having_clause] {
        if let Some(c) = clause.as_deref_mut() {
            walk(c, &mut strip);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `SELECT <sql>` or a whole query, rewrites it and deparses it again.
    fn rewritten(sql: &str) -> String {
        let mut parsed = pg_query::parse(sql, 0).expect("parses");
        let stmt = parsed.protobuf.stmts.remove(0).stmt.expect("a statement");
        let mut node = *stmt;
        rewrite(&mut node);
        crate::parse::deparse_stmt(node.node.as_ref().expect("a node")).expect("deparses")
    }

    #[test]
    fn between_becomes_the_two_comparisons_postgres_stores() {
        assert_eq!(
            rewritten("SELECT score BETWEEN 0 AND 100"),
            rewritten("SELECT score >= 0 AND score <= 100")
        );
        assert_eq!(
            rewritten("SELECT score NOT BETWEEN 0 AND 100"),
            rewritten("SELECT score < 0 OR score > 100")
        );
        // SYMMETRIC is stored differently: left alone.
        assert!(rewritten("SELECT a BETWEEN SYMMETRIC 1 AND 2").contains("SYMMETRIC"));
    }

    #[test]
    fn in_lists_of_constants_become_any_of_an_array() {
        assert_eq!(
            rewritten("SELECT status IN ('a', 'b')"),
            rewritten("SELECT status = ANY (ARRAY['a', 'b'])")
        );
        assert_eq!(
            rewritten("SELECT status NOT IN (1, 2)"),
            rewritten("SELECT status <> ALL (ARRAY[1, 2])")
        );
        // Columns in the list: PostgreSQL makes an OR of comparisons, not an array.
        assert!(rewritten("SELECT a IN (b, c)").contains(" IN "));
    }

    #[test]
    fn an_integer_cast_to_the_column_type_is_the_integer() {
        assert_eq!(
            rewritten("SELECT amount >= (0)::numeric"),
            rewritten("SELECT amount >= 0")
        );
        assert_eq!(
            rewritten("SELECT (-5)::bigint < n"),
            rewritten("SELECT -5 < n")
        );
        // Arithmetic keeps the cast: integer and numeric division differ.
        assert!(rewritten("SELECT n / (2)::numeric > 1").contains("numeric"));
        // A constant compared with a constant, or too large to be exact in real: kept.
        assert!(rewritten("SELECT n >= (99999999)::numeric").contains("numeric"));
    }

    #[test]
    fn columns_of_the_only_table_lose_their_qualifier() {
        assert_eq!(
            rewritten("SELECT t.a, count(*) FROM app.t WHERE t.b > 1 GROUP BY t.a"),
            rewritten("SELECT a, count(*) FROM app.t WHERE b > 1 GROUP BY a")
        );
        assert_eq!(
            rewritten("SELECT x.a FROM app.t x"),
            rewritten("SELECT a FROM app.t x")
        );
        // Two tables, or a subquery that could see another table: kept.
        assert!(rewritten("SELECT t.a FROM t, u").contains("t.a"));
        assert!(
            rewritten("SELECT t.a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)")
                .contains("t.a")
        );
    }
}
