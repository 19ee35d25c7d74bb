//! Rows → the DDL PostgreSQL would accept for them, one statement per object, labelled with the
//! object it describes (for error messages).
//!
//! Expression-bearing parts are PostgreSQL's own text (`pg_get_expr`, `pg_get_constraintdef`,
//! `pg_get_indexdef`, `pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`), printed with
//! `search_path = pg_catalog` so every name in them is schema-qualified. The rest is assembled
//! here with every identifier quoted.

use super::IntrospectError;
use super::decode;
use super::rows::{
    ColumnRow, ConstraintRow, FunctionRow, IdentitySequence, IndexRow, OperatorRow, PolicyRow,
    SequenceRow, TableRow, TriggerRow, TypeRow, ViewRow,
};
use crate::catalog::names::{quote_ident, quote_literal};

/// One generated statement and the object it describes.
pub struct Statement {
    /// `table public.t`, `index public.i` …
    pub object: String,
    /// The SQL, without a terminating semicolon.
    pub sql: String,
}

/// `"schema"."name"`.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// Readable `schema.name` for messages.
fn label(kind: &str, schema: &str, name: &str) -> String {
    format!(
        "{kind} {}",
        crate::catalog::QualifiedName::new(schema, name)
    )
}

/// `WITH (a='1', b='x')` from `reloptions` entries (`name=value`), or nothing.
fn with_options(options: &[String]) -> String {
    if options.is_empty() {
        return String::new();
    }
    let items: Vec<String> = options
        .iter()
        .map(|o| {
            let (key, value) = o.split_once('=').unwrap_or((o.as_str(), "true"));
            let key: Vec<String> = key.split('.').map(quote_ident).collect();
            format!("{}={}", key.join("."), quote_literal(value))
        })
        .collect();
    format!(" WITH ({})", items.join(", "))
}

/// Smallest and largest value of a sequence's data type.
pub fn type_bounds(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Sequence options that differ from what PostgreSQL would choose by itself, in the order
/// `CREATE SEQUENCE` prints them. Each item is (keyword text, value text).
fn sequence_options(
    data_type: &str,
    start: i64,
    increment: i64,
    min: i64,
    max: i64,
    cache: i64,
    cycle: bool,
) -> Vec<String> {
    let (type_min, type_max) = type_bounds(data_type);
    let (default_min, default_max) = if increment > 0 {
        (1, type_max)
    } else {
        (type_min, -1)
    };
    let default_start = if increment > 0 { min } else { max };
    let mut out = Vec::new();
    if increment != 1 {
        out.push(format!("INCREMENT BY {increment}"));
    }
    if min != default_min {
        out.push(format!("MINVALUE {min}"));
    }
    if max != default_max {
        out.push(format!("MAXVALUE {max}"));
    }
    if start != default_start {
        out.push(format!("START WITH {start}"));
    }
    if cache != 1 {
        out.push(format!("CACHE {cache}"));
    }
    if cycle {
        out.push("CYCLE".to_owned());
    }
    out
}

fn column_sql(c: &ColumnRow, object: &str) -> Result<String, IntrospectError> {
    let mut sql = format!("{} {}", quote_ident(&c.name), c.ty);
    if let Some(coll) = &c.collation {
        sql.push_str(" COLLATE ");
        sql.push_str(coll);
    }
    let generated = decode::generated(c.generated, object)?;
    match (&c.default_expr, generated) {
        (Some(expr), true) => sql.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED")),
        (Some(expr), false) => sql.push_str(&format!(" DEFAULT ({expr})")),
        (None, _) => {}
    }
    if c.not_null {
        sql.push_str(" NOT NULL");
    }
    if let Some(when) = decode::identity(c.identity, object)? {
        sql.push_str(&format!(" GENERATED {when} AS IDENTITY"));
        if let Some(IdentitySequence {
            data_type,
            start,
            increment,
            min,
            max,
            cache,
            cycle,
        }) = &c.sequence
        {
            let opts = sequence_options(data_type, *start, *increment, *min, *max, *cache, *cycle);
            if !opts.is_empty() {
                sql.push_str(&format!(" ({})", opts.join(" ")));
            }
        }
    }
    Ok(sql)
}

/// `CREATE TABLE` with its columns (constraints come separately, see [`constraint`]).
pub fn table(t: &TableRow, columns: &[&ColumnRow]) -> Result<Statement, IntrospectError> {
    let object = label("table", &t.schema, &t.name);
    let unlogged = if decode::unlogged(t.persistence, &object)? {
        "UNLOGGED "
    } else {
        ""
    };
    decode::partitioned(t.relkind, &object)?;
    let name = qualified(&t.schema, &t.name);
    let mut sql = format!("CREATE {unlogged}TABLE {name}");
    match (&t.partition_bound, t.parents.first()) {
        (Some(bound), Some(parent)) => {
            sql.push_str(&format!(" PARTITION OF {parent} {bound}"));
        }
        _ => {
            let cols = columns
                .iter()
                .map(|c| column_sql(c, &object))
                .collect::<Result<Vec<_>, _>>()?;
            sql.push_str(&format!(" (\n    {}\n)", cols.join(",\n    ")));
            if !t.parents.is_empty() {
                sql.push_str(&format!(" INHERITS ({})", t.parents.join(", ")));
            }
        }
    }
    if let Some(key) = &t.partition_key {
        sql.push_str(&format!(" PARTITION BY {key}"));
    }
    sql.push_str(&with_options(&t.options));
    Ok(Statement { object, sql })
}

/// `ALTER TABLE ONLY … ADD CONSTRAINT … <pg_get_constraintdef>`.
pub fn constraint(table: &TableRow, k: &ConstraintRow) -> Result<Statement, IntrospectError> {
    let object = format!(
        "constraint {} on {}",
        k.name,
        label("table", &table.schema, &table.name)
    );
    decode::check_contype(k.contype, &object)?;
    let sql = format!(
        "ALTER TABLE ONLY {} ADD CONSTRAINT {} {}",
        qualified(&table.schema, &table.name),
        quote_ident(&k.name),
        k.definition
    );
    Ok(Statement { object, sql })
}

/// `pg_get_indexdef` as it is.
pub fn index(i: &IndexRow) -> Statement {
    Statement {
        object: label("index", &i.schema, &i.name),
        sql: i.definition.clone(),
    }
}

/// `CREATE [MATERIALIZED] VIEW … AS <pg_get_viewdef>`.
pub fn view(v: &ViewRow) -> Result<Statement, IntrospectError> {
    let object = label("view", &v.schema, &v.name);
    let materialized = decode::materialized(v.relkind, &object)?;
    let query = v.definition.trim_end().trim_end_matches(';');
    let kind = if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let mut sql = format!(
        "CREATE {kind} {}{} AS {query}",
        qualified(&v.schema, &v.name),
        with_options(&v.options)
    );
    if materialized && !v.populated {
        sql.push_str(" WITH NO DATA");
    }
    Ok(Statement { object, sql })
}

/// `pg_get_functiondef` as it is.
pub fn function(f: &FunctionRow) -> Result<Statement, IntrospectError> {
    let object = format!(
        "{}({})",
        label("function", &f.schema, &f.name),
        f.input_types.join(", ")
    );
    decode::check_prokind(f.prokind, &object)?;
    Ok(Statement {
        object,
        sql: f.definition.trim_end().to_owned(),
    })
}

/// The `CREATE OPERATOR` statement `operators.sql` prints.
pub fn operator(o: &OperatorRow) -> Statement {
    Statement {
        object: format!("operator {}.{}", o.schema, o.name),
        sql: o.definition.clone(),
    }
}

/// `pg_get_triggerdef` as it is.
pub fn trigger(t: &TriggerRow) -> Statement {
    Statement {
        object: format!(
            "trigger {} on {}",
            t.name,
            label("table", &t.schema, &t.table_name)
        ),
        sql: t.definition.clone(),
    }
}

/// `CREATE POLICY` from `pg_policy` (expressions from `pg_get_expr`).
pub fn policy(p: &PolicyRow) -> Result<Statement, IntrospectError> {
    let object = format!(
        "policy {} on {}",
        p.name,
        label("table", &p.schema, &p.table_name)
    );
    let command = decode::policy_command(p.command, &object)?;
    let mut sql = format!(
        "CREATE POLICY {} ON {} AS {} FOR {command}",
        quote_ident(&p.name),
        qualified(&p.schema, &p.table_name),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
    );
    if !p.roles.is_empty() {
        sql.push_str(&format!(" TO {}", p.roles.join(", ")));
    }
    if let Some(e) = &p.using_expr {
        sql.push_str(&format!(" USING ({e})"));
    }
    if let Some(e) = &p.check_expr {
        sql.push_str(&format!(" WITH CHECK ({e})"));
    }
    Ok(Statement { object, sql })
}

/// `CREATE SEQUENCE` with the options that differ from the defaults, and `ALTER SEQUENCE …
/// OWNED BY` when it belongs to a column.
pub fn sequence(s: &SequenceRow) -> Vec<Statement> {
    let object = label("sequence", &s.schema, &s.name);
    let name = qualified(&s.schema, &s.name);
    let mut sql = format!("CREATE SEQUENCE {name}");
    if s.data_type != "bigint" {
        sql.push_str(&format!(" AS {}", s.data_type));
    }
    for o in sequence_options(
        &s.data_type,
        s.start,
        s.increment,
        s.min_value,
        s.max_value,
        s.cache,
        s.cycle,
    ) {
        sql.push(' ');
        sql.push_str(&o);
    }
    let mut out = vec![Statement {
        object: object.clone(),
        sql,
    }];
    if let (Some(t), Some(c)) = (&s.owned_by_table, &s.owned_by_column) {
        out.push(Statement {
            object,
            sql: format!("ALTER SEQUENCE {name} OWNED BY {t}.{c}"),
        });
    }
    out
}

/// `CREATE TYPE` / `CREATE DOMAIN`.
pub fn type_def(t: &TypeRow) -> Result<Statement, IntrospectError> {
    let object = label("type", &t.schema, &t.name);
    let name = qualified(&t.schema, &t.name);
    let sql = match decode::typtype(t.typtype, &object)? {
        decode::TypeCode::Enum => {
            let labels: Vec<String> = t.labels.iter().map(|l| quote_literal(l)).collect();
            format!("CREATE TYPE {name} AS ENUM ({})", labels.join(", "))
        }
        decode::TypeCode::Composite => {
            let attrs: Vec<String> = t
                .attribute_names
                .iter()
                .zip(&t.attribute_types)
                .map(|(n, ty)| format!("{} {ty}", quote_ident(n)))
                .collect();
            format!("CREATE TYPE {name} AS ({})", attrs.join(", "))
        }
        decode::TypeCode::Range => {
            format!(
                "CREATE TYPE {name} AS RANGE (subtype = {})",
                t.subtype.as_deref().unwrap_or("text")
            )
        }
        decode::TypeCode::Domain => {
            let mut sql = format!(
                "CREATE DOMAIN {name} AS {}",
                t.base_type.as_deref().unwrap_or("text")
            );
            if let Some(c) = &t.collation {
                sql.push_str(&format!(" COLLATE {c}"));
            }
            if let Some(d) = &t.default_expr {
                sql.push_str(&format!(" DEFAULT ({d})"));
            }
            if t.not_null {
                sql.push_str(" NOT NULL");
            }
            for (n, def) in t.check_names.iter().zip(&t.check_defs) {
                let def = def.strip_suffix(" NOT VALID").unwrap_or(def);
                sql.push_str(&format!(" CONSTRAINT {} {def}", quote_ident(n)));
            }
            sql
        }
    };
    Ok(Statement { object, sql })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_default_sequence_options_are_written() {
        assert!(sequence_options("bigint", 1, 1, 1, i64::MAX, 1, false).is_empty());
        assert_eq!(
            sequence_options("integer", -1, -1, i64::from(i32::MIN), -1, 1, false),
            ["INCREMENT BY -1"]
        );
        assert_eq!(
            sequence_options("integer", 100, 1, 1, i64::from(i32::MAX), 20, true),
            ["START WITH 100", "CACHE 20", "CYCLE"]
        );
    }

    #[test]
    fn reloptions_are_quoted() {
        assert_eq!(
            with_options(&[
                "fillfactor=70".to_owned(),
                "toast.autovacuum_enabled=false".to_owned()
            ]),
            " WITH (\"fillfactor\"='70', \"toast\".\"autovacuum_enabled\"='false')"
        );
    }
}
