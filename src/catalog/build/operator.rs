//! `CREATE OPERATOR` in one canonical spelling, so that an operator written by a person and the
//! same operator printed back by introspection are recorded identically.
//!
//! The catalog keeps operators as [`OtherObject`](crate::catalog::OtherObject)s (they are never
//! planned), but a round trip must still see the same object on both sides: options are put in
//! one order, `PROCEDURE` becomes `FUNCTION`, types are printed as `format_type` does and
//! unqualified names are qualified the way PostgreSQL would most likely resolve them: the
//! operator's function and commutator/negator in the operator's schema, `RESTRICT`/`JOIN`
//! estimators in `pg_catalog`.

use pg_query::NodeEnum;
use pg_query::protobuf::{DefElem, DefineStmt};

use crate::catalog::names::{display_ident, quote_ident};
use crate::catalog::typename::format_type_name;
use crate::parse::nodes::strings;

/// The order options are printed in (PostgreSQL accepts any order).
const OPTION_ORDER: [&str; 9] = [
    "function",
    "leftarg",
    "rightarg",
    "commutator",
    "negator",
    "restrict",
    "join",
    "hashes",
    "merges",
];

/// The canonical name (`schema.op(left, right)`, which tells overloads apart) and statement of
/// a `CREATE OPERATOR`, or `None` when the statement is not one.
pub fn canonical(stmt: &DefineStmt, schema: &str) -> Option<(String, String)> {
    if stmt.kind != pg_query::protobuf::ObjectType::ObjectOperator as i32 {
        return None;
    }
    let parts = strings(&stmt.defnames);
    let (op_schema, op) = match parts.as_slice() {
        [op] => (schema.to_owned(), op.clone()),
        [.., s, op] => (s.clone(), op.clone()),
        [] => return None,
    };
    let mut options: Vec<(usize, String)> = Vec::new();
    let mut left = "NONE".to_owned();
    let mut right = "NONE".to_owned();
    for node in &stmt.definition {
        let Some(NodeEnum::DefElem(d)) = node.node.as_ref() else {
            continue;
        };
        let name = match d.defname.to_ascii_lowercase().as_str() {
            "procedure" => "function".to_owned(),
            other => other.to_owned(),
        };
        let value = option_value(&name, d, &op_schema, schema);
        match name.as_str() {
            "leftarg" => left.clone_from(&value),
            "rightarg" => right.clone_from(&value),
            _ => {}
        }
        let rank = OPTION_ORDER
            .iter()
            .position(|o| *o == name)
            .unwrap_or(OPTION_ORDER.len());
        let text = if value.is_empty() {
            name.to_ascii_uppercase()
        } else {
            format!("{} = {value}", name.to_ascii_uppercase())
        };
        options.push((rank, text));
    }
    options.sort();
    let qualified = format!("{}.{op}", quote_ident(&op_schema));
    let sql = format!(
        "CREATE OPERATOR {qualified} ({})",
        options
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let name = format!("{}.{op}({left}, {right})", display_ident(&op_schema));
    Some((name, sql))
}

/// One option's value in canonical form; empty for flags (`HASHES`, `MERGES`).
fn option_value(name: &str, d: &DefElem, op_schema: &str, schema: &str) -> String {
    let Some(arg) = d.arg.as_ref().and_then(|a| a.node.as_ref()) else {
        return String::new();
    };
    match (name, arg) {
        ("leftarg" | "rightarg", NodeEnum::TypeName(t)) => format_type_name(t),
        ("function", NodeEnum::TypeName(t)) => qualified_name(&strings(&t.names), schema),
        // Selectivity estimators are PostgreSQL's own (`eqsel`, `scalarltjoinsel`, …) in all
        // but exotic schemas, and `pg_catalog` comes first on the search path.
        ("restrict" | "join", NodeEnum::TypeName(t)) => {
            qualified_name(&strings(&t.names), "pg_catalog")
        }
        ("commutator" | "negator", NodeEnum::List(l)) => {
            let parts = strings(&l.items);
            match parts.as_slice() {
                [op] => format!("OPERATOR({}.{op})", quote_ident(op_schema)),
                [.., s, op] => format!("OPERATOR({}.{op})", quote_ident(s)),
                [] => String::new(),
            }
        }
        (_, NodeEnum::TypeName(t)) => format_type_name(t),
        (_, NodeEnum::String(s)) => s.sval.clone(),
        (_, NodeEnum::Integer(i)) => i.ival.to_string(),
        (_, NodeEnum::Float(f)) => f.fval.clone(),
        (_, other) => crate::parse::deparse_expr(&pg_query::protobuf::Node {
            node: Some(other.clone()),
        })
        .unwrap_or_default(),
    }
}

/// `schema.name` with both parts quoted; an unqualified name gets `schema`.
fn qualified_name(parts: &[String], schema: &str) -> String {
    match parts {
        [one] => format!("{}.{}", quote_ident(schema), quote_ident(one)),
        [.., s, n] => format!("{}.{}", quote_ident(s), quote_ident(n)),
        [] => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(sql: &str) -> (String, String) {
        let parsed = pg_query::parse(sql, 0).unwrap();
        let stmt = parsed.protobuf.stmts[0].stmt.as_ref().unwrap();
        let Some(NodeEnum::DefineStmt(d)) = stmt.node.as_ref() else {
            panic!("not a DefineStmt")
        };
        canonical(d, "public").unwrap()
    }

    #[test]
    fn spelling_and_option_order_do_not_matter() {
        let written = canon(
            "CREATE OPERATOR ~<< (RIGHTARG = text, LEFTARG = pg_catalog.text, \
             PROCEDURE = reverse_textregexeq, COMMUTATOR = ~<<, HASHES)",
        );
        let printed = canon(
            "CREATE OPERATOR public.~<< (FUNCTION = public.reverse_textregexeq, \
             LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(public.~<<), HASHES)",
        );
        assert_eq!(written, printed);
        assert_eq!(written.0, "public.~<<(text, text)");
        assert_eq!(
            written.1,
            "CREATE OPERATOR \"public\".~<< (FUNCTION = \"public\".\"reverse_textregexeq\", \
             LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(\"public\".~<<), HASHES)"
        );
    }

    #[test]
    fn overloads_have_different_names_and_prefix_operators_have_no_left_type() {
        let (a, _) = canon("CREATE OPERATOR === (FUNCTION = f, LEFTARG = int4, RIGHTARG = int4)");
        let (b, _) = canon("CREATE OPERATOR === (FUNCTION = g, LEFTARG = text, RIGHTARG = text)");
        let (c, _) = canon("CREATE OPERATOR !! (FUNCTION = h, RIGHTARG = bigint)");
        assert_eq!(a, "public.===(integer, integer)");
        assert_ne!(a, b);
        assert_eq!(c, "public.!!(NONE, bigint)");
    }

    #[test]
    fn other_define_statements_are_not_operators() {
        let parsed =
            pg_query::parse("CREATE AGGREGATE a (int) (SFUNC = int4pl, STYPE = int)", 0).unwrap();
        let stmt = parsed.protobuf.stmts[0].stmt.as_ref().unwrap();
        let Some(NodeEnum::DefineStmt(d)) = stmt.node.as_ref() else {
            panic!()
        };
        assert!(canonical(d, "public").is_none());
    }
}
