//! Type names printed the way PostgreSQL's `format_type` prints them, so a type declared in a
//! file (`int`, `varchar(20)`, `timestamptz`) and a type read from a live catalog compare equal.

use pg_query::NodeEnum;
use pg_query::protobuf::{Node, TypeName};

use super::names::display_ident;
use crate::parse::nodes::string_value;

/// Canonical spelling of a built-in type (`int4` → `integer`), or the name itself.
pub fn canonical_builtin(name: &str) -> &str {
    match name {
        "int" | "int4" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "float8" | "double precision" => "double precision",
        "float4" | "real" => "real",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "character varying",
        "bpchar" | "char" | "character" => "character",
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone",
        "timestamp" | "timestamp without time zone" => "timestamp without time zone",
        "timetz" | "time with time zone" => "time with time zone",
        "time" | "time without time zone" => "time without time zone",
        "varbit" | "bit varying" => "bit varying",
        "decimal" | "numeric" => "numeric",
        "serial" | "serial4" => "serial",
        "bigserial" | "serial8" => "bigserial",
        "smallserial" | "serial2" => "smallserial",
        other => other,
    }
}

/// Formats a parsed type name: `character varying(20)`, `numeric(12,2)`, `text[]`,
/// `public.mood`, `timestamp(3) with time zone`.
pub fn format_type_name(t: &TypeName) -> String {
    let parts: Vec<&str> = t.names.iter().filter_map(string_value).collect();
    let (schema, base) = match parts.as_slice() {
        [] => (None, "?"),
        [one] => (None, *one),
        [.., s, n] => (Some(*s), *n),
    };
    let is_pg_catalog = schema.is_none_or(|s| s == "pg_catalog");
    let modifiers: Vec<String> = t.typmods.iter().filter_map(typmod_text).collect();
    let mods = if modifiers.is_empty() {
        String::new()
    } else {
        format!("({})", modifiers.join(","))
    };
    let mut out = if is_pg_catalog {
        let canon = canonical_builtin(base);
        match canon {
            "timestamp with time zone" | "timestamp without time zone" if !mods.is_empty() => {
                let zone = canon.trim_start_matches("timestamp");
                format!("timestamp{mods}{zone}")
            }
            "time with time zone" | "time without time zone" if !mods.is_empty() => {
                let zone = canon.trim_start_matches("time");
                format!("time{mods}{zone}")
            }
            "interval" if t.typemod != -1 && modifiers.len() > 1 => "interval".to_owned(),
            // A numeric precision without a scale means scale 0, which format_type spells out.
            "numeric" if modifiers.len() == 1 => format!("numeric({},0)", modifiers[0]),
            "character" if mods.is_empty() && base == "bpchar" => "character".to_owned(),
            "character" if mods.is_empty() => "character(1)".to_owned(),
            _ if schema.is_none() && !is_builtin(canon) => format!("{}{mods}", display_ident(base)),
            _ => format!("{canon}{mods}"),
        }
    } else {
        format!(
            "{}.{}{mods}",
            display_ident(schema.unwrap_or("public")),
            display_ident(base)
        )
    };
    // PostgreSQL ignores declared array dimensions: `int[][]` and `int[3]` are `integer[]`.
    if !t.array_bounds.is_empty() {
        out.push_str("[]");
    }
    if t.setof {
        out = format!("SETOF {out}");
    }
    out
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "integer"
            | "bigint"
            | "smallint"
            | "double precision"
            | "real"
            | "boolean"
            | "character varying"
            | "character"
            | "timestamp with time zone"
            | "timestamp without time zone"
            | "time with time zone"
            | "time without time zone"
            | "bit varying"
            | "bit"
            | "numeric"
            | "interval"
            | "serial"
            | "bigserial"
            | "smallserial"
    )
}

fn typmod_text(n: &Node) -> Option<String> {
    match n.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            pg_query::protobuf::a_const::Val::Ival(i) => Some(i.ival.to_string()),
            pg_query::protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
            pg_query::protobuf::a_const::Val::Fval(f) => Some(f.fval.clone()),
            _ => None,
        },
        NodeEnum::ColumnRef(c) => c.fields.iter().find_map(string_value).map(str::to_owned),
        _ => None,
    }
}

/// The last component of a possibly qualified type name (`pg_catalog.int4` → `int4`).
pub fn base_name(t: &TypeName) -> &str {
    t.names
        .iter()
        .filter_map(string_value)
        .next_back()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::nodes::first_statement;

    fn fmt(sql_type: &str) -> String {
        let statement = first_statement(&format!("create table t (c {sql_type})"));
        let NodeEnum::CreateStmt(c) = &statement else {
            panic!()
        };
        let NodeEnum::ColumnDef(col) = c.table_elts[0].node.as_ref().unwrap() else {
            panic!()
        };
        format_type_name(col.type_name.as_ref().unwrap())
    }

    #[test]
    fn builtins_print_like_format_type() {
        assert_eq!(fmt("int"), "integer");
        assert_eq!(fmt("int8"), "bigint");
        assert_eq!(fmt("varchar(20)"), "character varying(20)");
        assert_eq!(fmt("character varying"), "character varying");
        assert_eq!(fmt("numeric(12, 2)"), "numeric(12,2)");
        assert_eq!(fmt("timestamptz"), "timestamp with time zone");
        assert_eq!(
            fmt("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(fmt("timestamp"), "timestamp without time zone");
        assert_eq!(fmt("text[]"), "text[]");
        assert_eq!(fmt("int[][]"), "integer[]");
        assert_eq!(fmt("text[3][3]"), "text[]");
        assert_eq!(fmt("numeric(5)"), "numeric(5,0)");
        assert_eq!(fmt("decimal(10, 2)"), "numeric(10,2)");
        assert_eq!(fmt("uuid"), "uuid");
        assert_eq!(fmt("char(2)"), "character(2)");
        assert_eq!(fmt("public.mood"), "public.mood");
        assert_eq!(fmt("double precision"), "double precision");
        assert_eq!(fmt("\"Weird\""), "\"Weird\"");
    }
}
