//! Declarative SQL for catalog objects: the inverse of [`crate::catalog::build`].
//!
//! One public function per object kind returns the statements that create that object as the
//! catalog describes it (`CREATE TABLE`, `CREATE INDEX`, …), plus the statements that annotate
//! any object ([`comment`], [`grants`], [`owner`]). `schema-dump` writes them to files and the
//! planner reuses them for the statements it plans. [`script`] orders a whole catalog so that
//! `psql` can load it into an empty database.
//!
//! **Invariant:** for any catalog `c` built from files, loading the SQL these functions print
//! gives back `c`, spans and search paths aside (`tests::round_trip`). Every identifier is
//! quoted with [`quote_ident`], every string with [`quote_literal`]; type names are printed as
//! the catalog stores them, which is `format_type`'s spelling and already quoted where needed.
//!
//! Each function returns statements terminated by `;\n`.

pub mod layout;
mod script;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use script::{ScriptOptions, script};

use crate::catalog::names::{quote_ident, quote_literal};
use crate::catalog::{
    Column, Constraint, ConstraintKind, Extension, FkAction, Function, FunctionArg, Grant, Index,
    IndexKey, Meta, OtherObject, Policy, QualifiedName, Schema, Sequence, Table, Trigger, TypeDef,
    TypeKind, View,
};

/// `"schema"."name"`.
pub fn qualified(name: &QualifiedName) -> String {
    format!("{}.{}", quote_ident(&name.schema), quote_ident(&name.name))
}

/// A dotted name the catalog stores joined with `.` (collations, operator classes): each part
/// quoted. Only a leading `pg_catalog` or `public` is taken as a schema, since a collation name
/// such as `en_US.utf8` contains a dot of its own.
fn dotted(name: &str) -> String {
    match name.split_once('.') {
        Some((schema @ ("pg_catalog" | "public"), rest)) => {
            format!("{}.{}", quote_ident(schema), quote_ident(rest))
        }
        _ => quote_ident(name),
    }
}

/// A role in `TO`/`OWNER TO`/policy role lists: the keywords stay keywords.
fn role(name: &str) -> String {
    match name {
        "PUBLIC" | "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER" => name.to_owned(),
        other => quote_ident(other),
    }
}

fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `WITH (…)` storage parameters; values are written as string literals, which PostgreSQL
/// accepts for every reloption and the loader reads back as the same text.
fn with_options(options: &BTreeMap<String, String>) -> String {
    if options.is_empty() {
        return String::new();
    }
    let items: Vec<String> = options
        .iter()
        .map(|(k, v)| {
            let key = match k.split_once('.') {
                Some((ns, name)) => format!("{}.{}", quote_ident(ns), quote_ident(name)),
                None => quote_ident(k),
            };
            format!("{key} = {}", quote_literal(v))
        })
        .collect();
    format!(" WITH ({})", items.join(", "))
}

// ----- schemas and extensions -------------------------------------------------------------

/// `CREATE SCHEMA` (nothing for `public`, which every database has); its owner is set by
/// [`owner`] like any other object's.
pub fn schema(s: &Schema) -> String {
    if s.name == "public" {
        return String::new();
    }
    format!("CREATE SCHEMA {};\n", quote_ident(&s.name))
}

/// `CREATE EXTENSION IF NOT EXISTS` with its schema and version when the catalog states them.
pub fn extension(e: &Extension) -> String {
    let mut out = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(&e.name));
    if let Some(schema) = &e.schema {
        let _ = write!(out, " WITH SCHEMA {}", quote_ident(schema));
    }
    if let Some(version) = &e.version {
        let _ = write!(out, " VERSION {}", quote_literal(version));
    }
    out.push_str(";\n");
    out
}

// ----- types and sequences ----------------------------------------------------------------

/// `CREATE TYPE … AS ENUM/RANGE/(…)` or `CREATE DOMAIN`.
pub fn type_def(t: &TypeDef) -> String {
    let name = qualified(&t.name);
    match &t.kind {
        TypeKind::Enum { values, .. } => {
            let labels: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
            format!("CREATE TYPE {name} AS ENUM ({});\n", labels.join(", "))
        }
        TypeKind::Composite { attributes } => {
            let attrs: Vec<String> = attributes
                .iter()
                .map(|(n, ty)| format!("{} {ty}", quote_ident(n)))
                .collect();
            format!("CREATE TYPE {name} AS ({});\n", attrs.join(", "))
        }
        TypeKind::Range { subtype } => {
            format!("CREATE TYPE {name} AS RANGE (SUBTYPE = {subtype});\n")
        }
        TypeKind::Domain {
            base,
            not_null,
            default,
            checks,
            collation,
        } => {
            let mut out = format!("CREATE DOMAIN {name} AS {base}");
            if let Some(c) = collation {
                let _ = write!(out, " COLLATE {}", dotted(c));
            }
            if let Some(d) = default {
                let _ = write!(out, " DEFAULT {}", default_expr(d.sql()));
            }
            if *not_null {
                out.push_str(" NOT NULL");
            }
            for (cname, expr) in checks {
                let _ = write!(
                    out,
                    " CONSTRAINT {} CHECK ({})",
                    quote_ident(cname),
                    expr.sql()
                );
            }
            out.push_str(";\n");
            out
        }
    }
}

/// `CREATE SEQUENCE` with every option that differs from PostgreSQL's default. `OWNED BY` is
/// separate ([`sequence_owned_by`]): the owning table usually needs the sequence first.
pub fn sequence(s: &Sequence) -> String {
    let mut out = format!("CREATE SEQUENCE {} AS {}", qualified(&s.name), s.data_type);
    if s.increment != 1 {
        let _ = write!(out, " INCREMENT BY {}", s.increment);
    }
    if let Some(v) = s.min_value {
        let _ = write!(out, " MINVALUE {v}");
    }
    if let Some(v) = s.max_value {
        let _ = write!(out, " MAXVALUE {v}");
    }
    if let Some(v) = s.start {
        let _ = write!(out, " START WITH {v}");
    }
    if s.cache != 1 {
        let _ = write!(out, " CACHE {}", s.cache);
    }
    if s.cycle {
        out.push_str(" CYCLE");
    }
    out.push_str(";\n");
    out
}

/// `ALTER SEQUENCE … OWNED BY table.column`, when the sequence belongs to a column.
pub fn sequence_owned_by(s: &Sequence) -> String {
    match &s.owned_by {
        Some((table, column)) => format!(
            "ALTER SEQUENCE {} OWNED BY {}.{};\n",
            qualified(&s.name),
            qualified(table),
            quote_ident(column)
        ),
        None => String::new(),
    }
}

// ----- tables -----------------------------------------------------------------------------

/// One identity option as the loader stores it (`start` → `START WITH 1`).
pub fn identity_option(name: &str, value: &str) -> String {
    match name {
        "start" => format!("START WITH {value}"),
        "increment" => format!("INCREMENT BY {value}"),
        "minvalue" if value.is_empty() => "NO MINVALUE".to_owned(),
        "maxvalue" if value.is_empty() => "NO MAXVALUE".to_owned(),
        "minvalue" => format!("MINVALUE {value}"),
        "maxvalue" => format!("MAXVALUE {value}"),
        "cache" => format!("CACHE {value}"),
        "cycle" if value == "false" => "NO CYCLE".to_owned(),
        "cycle" => "CYCLE".to_owned(),
        "as" => format!("AS {value}"),
        "restart" if value.is_empty() => "RESTART".to_owned(),
        "restart" => format!("RESTART WITH {value}"),
        "sequence_name" => {
            let parts: Vec<String> = value.split(", ").map(quote_ident).collect();
            format!("SEQUENCE NAME {}", parts.join("."))
        }
        other => format!("{} {value}", other.to_uppercase()),
    }
}

/// A default as `DEFAULT` takes it in a column, domain or argument definition: the grammar
/// allows only a restricted expression there, so one using `AT TIME ZONE`, `IS`, `AND`, `IN`,
/// `LIKE`, `COLLATE` and the like is parenthesised (PostgreSQL prints it back the same).
pub fn default_expr(sql: &str) -> std::borrow::Cow<'_, str> {
    const NEEDS_PARENS: [&str; 11] = [
        " AT TIME ZONE ",
        " AT LOCAL",
        " IS ",
        " AND ",
        " OR ",
        "NOT ",
        " IN ",
        " BETWEEN ",
        " LIKE ",
        " SIMILAR ",
        " COLLATE ",
    ];
    if NEEDS_PARENS.iter().any(|k| sql.contains(k)) {
        std::borrow::Cow::Owned(format!("({sql})"))
    } else {
        std::borrow::Cow::Borrowed(sql)
    }
}

/// A column definition as it appears inside `CREATE TABLE (…)`.
pub fn column(c: &Column) -> String {
    let mut out = format!("{} {}", quote_ident(&c.name), c.ty);
    if let Some(coll) = &c.collation {
        let _ = write!(out, " COLLATE {}", dotted(coll));
    }
    if let Some(g) = &c.generated {
        let _ = write!(out, " GENERATED ALWAYS AS ({}) STORED", g.sql());
    }
    if let Some(id) = &c.identity {
        let when = if id.always { "ALWAYS" } else { "BY DEFAULT" };
        let _ = write!(out, " GENERATED {when} AS IDENTITY");
        if !id.options.is_empty() {
            let opts: Vec<String> = id
                .options
                .iter()
                .map(|(n, v)| identity_option(n, v))
                .collect();
            let _ = write!(out, " ({})", opts.join(" "));
        }
    }
    if let Some(d) = &c.default {
        let _ = write!(out, " DEFAULT {}", default_expr(d.sql()));
    }
    if c.not_null {
        out.push_str(" NOT NULL");
    }
    out
}

/// An exclusion operator: bare, or `OPERATOR(schema.op)` when qualified.
fn exclusion_operator(op: &str) -> String {
    match op.rsplit_once('.') {
        Some((schema, op)) => format!("OPERATOR({}.{op})", quote_ident(schema)),
        None => op.to_owned(),
    }
}

/// A constraint's body after `CONSTRAINT name`: `PRIMARY KEY (…)`, `CHECK (…)`, … with its
/// deferrability and `NOT VALID`.
pub fn constraint_body(c: &Constraint) -> String {
    let mut out = match &c.kind {
        ConstraintKind::PrimaryKey { columns, include } => {
            let mut s = format!("PRIMARY KEY ({})", ident_list(columns));
            if !include.is_empty() {
                let _ = write!(s, " INCLUDE ({})", ident_list(include));
            }
            s
        }
        ConstraintKind::Unique {
            columns,
            include,
            nulls_not_distinct,
        } => {
            let nnd = if *nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            let mut s = format!("UNIQUE{nnd} ({})", ident_list(columns));
            if !include.is_empty() {
                let _ = write!(s, " INCLUDE ({})", ident_list(include));
            }
            s
        }
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            match_full,
        } => {
            let mut s = format!(
                "FOREIGN KEY ({}) REFERENCES {}",
                ident_list(columns),
                qualified(ref_table)
            );
            if !ref_columns.is_empty() {
                let _ = write!(s, " ({})", ident_list(ref_columns));
            }
            if *match_full {
                s.push_str(" MATCH FULL");
            }
            if *on_update != FkAction::NoAction {
                let _ = write!(s, " ON UPDATE {}", on_update.sql());
            }
            if *on_delete != FkAction::NoAction {
                let _ = write!(s, " ON DELETE {}", on_delete.sql());
            }
            s
        }
        ConstraintKind::Check { expr, no_inherit } => {
            let ni = if *no_inherit { " NO INHERIT" } else { "" };
            format!("CHECK ({}){ni}", expr.sql())
        }
        ConstraintKind::Exclude {
            method,
            elements,
            predicate,
        } => {
            let elems: Vec<String> = elements
                .iter()
                .map(|(e, op)| {
                    let elem = if e.starts_with('(') {
                        e.clone()
                    } else {
                        quote_ident(e)
                    };
                    format!("{elem} WITH {}", exclusion_operator(op))
                })
                .collect();
            let mut s = format!(
                "EXCLUDE USING {} ({})",
                quote_ident(method),
                elems.join(", ")
            );
            if let Some(p) = predicate {
                let _ = write!(s, " WHERE ({})", p.sql());
            }
            s
        }
    };
    if c.deferrable {
        out.push_str(" DEFERRABLE");
    }
    if c.initially_deferred {
        out.push_str(" INITIALLY DEFERRED");
    }
    if c.not_valid {
        out.push_str(" NOT VALID");
    }
    out
}

/// `ALTER TABLE … ADD CONSTRAINT …`: for foreign keys added once every table exists (so that
/// cycles load) and for `NOT VALID` constraints, which `CREATE TABLE` would validate.
pub fn add_constraint(table: &QualifiedName, c: &Constraint) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
        qualified(table),
        quote_ident(&c.name),
        constraint_body(c)
    )
}

/// Whether [`create_table`] leaves a constraint out, to be added by [`add_constraint`].
pub fn constraint_is_deferred(c: &Constraint, foreign_keys_inline: bool) -> bool {
    c.not_valid || (!foreign_keys_inline && matches!(c.kind, ConstraintKind::ForeignKey { .. }))
}

/// `CREATE TABLE` with its columns and constraints (by name, inline), partitioning,
/// inheritance, `UNLOGGED` and storage parameters. Constraints for which
/// [`constraint_is_deferred`] holds are left out. A partition with columns of its own is
/// created as a plain table and attached with `ALTER TABLE … ATTACH PARTITION`, as pg_dump
/// does; one without is created `PARTITION OF` its parent.
pub fn create_table(t: &Table, foreign_keys_inline: bool) -> String {
    let name = qualified(&t.name);
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    let mut elements: Vec<String> = t.columns.iter().map(column).collect();
    elements.extend(
        t.constraints
            .values()
            .filter(|c| !constraint_is_deferred(c, foreign_keys_inline))
            .map(|c| format!("CONSTRAINT {} {}", quote_ident(&c.name), constraint_body(c))),
    );
    let body = if elements.is_empty() {
        String::new()
    } else {
        format!(" (\n    {}\n)", elements.join(",\n    "))
    };
    let mut out = match &t.partition_of {
        Some((parent, bound)) if t.columns.is_empty() => {
            format!(
                "CREATE {unlogged}TABLE {name} PARTITION OF {}{body} {bound}",
                qualified(parent)
            )
        }
        _ => {
            let body = if body.is_empty() { " ()" } else { &body };
            let mut s = format!("CREATE {unlogged}TABLE {name}{body}");
            if !t.inherits.is_empty() {
                let parents: Vec<String> = t.inherits.iter().map(qualified).collect();
                let _ = write!(s, " INHERITS ({})", parents.join(", "));
            }
            s
        }
    };
    if let Some(spec) = &t.partition_by {
        let _ = write!(out, " PARTITION BY {spec}");
    }
    out.push_str(&with_options(&t.options));
    out.push_str(";\n");
    if let Some((parent, bound)) = &t.partition_of {
        if !t.columns.is_empty() {
            let _ = writeln!(
                out,
                "ALTER TABLE {} ATTACH PARTITION {name} {bound};",
                qualified(parent)
            );
        }
    }
    out
}

/// `ALTER TABLE … ENABLE ROW LEVEL SECURITY` and `FORCE ROW LEVEL SECURITY`, as set.
pub fn row_level_security(t: &Table) -> String {
    let mut out = String::new();
    if t.rls_enabled {
        let _ = writeln!(
            out,
            "ALTER TABLE {} ENABLE ROW LEVEL SECURITY;",
            qualified(&t.name)
        );
    }
    if t.rls_forced {
        let _ = writeln!(
            out,
            "ALTER TABLE {} FORCE ROW LEVEL SECURITY;",
            qualified(&t.name)
        );
    }
    out
}

/// `COMMENT ON COLUMN` for every commented column of a table.
pub fn column_comments(t: &Table) -> String {
    let mut out = String::new();
    for c in &t.columns {
        if let Some(text) = &c.comment {
            let _ = writeln!(
                out,
                "COMMENT ON COLUMN {}.{} IS {};",
                qualified(&t.name),
                quote_ident(&c.name),
                quote_literal(text)
            );
        }
    }
    out
}

// ----- indexes and views ------------------------------------------------------------------

fn index_key(k: &IndexKey) -> String {
    let mut out = match (&k.column, &k.expr) {
        (Some(c), _) => quote_ident(c),
        (None, Some(e)) => format!("({})", e.sql()),
        (None, None) => String::new(),
    };
    if let Some(c) = &k.collation {
        let _ = write!(out, " COLLATE {}", dotted(c));
    }
    if let Some(op) = &k.opclass {
        let _ = write!(out, " {}", dotted(op));
    }
    if k.descending {
        out.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => out.push_str(" NULLS FIRST"),
        Some(false) => out.push_str(" NULLS LAST"),
        None => {}
    }
    out
}

/// `CREATE [UNIQUE] INDEX name ON table USING method (keys) INCLUDE (…) [NULLS NOT DISTINCT]
/// WITH (…) WHERE …`, the shape `pg_get_indexdef` prints.
pub fn index(i: &Index) -> String {
    let unique = if i.unique { "UNIQUE " } else { "" };
    let keys: Vec<String> = i.keys.iter().map(index_key).collect();
    let mut out = format!(
        "CREATE {unique}INDEX {} ON {} USING {} ({})",
        quote_ident(&i.name.name),
        qualified(&i.table),
        quote_ident(&i.method),
        keys.join(", ")
    );
    if !i.include.is_empty() {
        let _ = write!(out, " INCLUDE ({})", ident_list(&i.include));
    }
    if i.nulls_not_distinct {
        out.push_str(" NULLS NOT DISTINCT");
    }
    out.push_str(&with_options(&i.options));
    if let Some(p) = &i.predicate {
        let _ = write!(out, " WHERE {}", p.sql());
    }
    out.push_str(";\n");
    out
}

/// `CREATE VIEW` or `CREATE MATERIALIZED VIEW` (with `WITH NO DATA` when so), with column
/// names, options (`security_invoker`, …) and check option.
pub fn view(v: &View) -> String {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let mut out = format!("CREATE {kind} {}", qualified(&v.name));
    if !v.column_names.is_empty() {
        let _ = write!(out, " ({})", ident_list(&v.column_names));
    }
    out.push_str(&with_options(&v.options));
    let _ = write!(out, " AS\n{}", v.query.sql());
    if let Some(check) = &v.check_option {
        let _ = write!(out, "\nWITH {} CHECK OPTION", check.to_uppercase());
    }
    if v.materialized && v.with_no_data {
        out.push_str("\nWITH NO DATA");
    }
    out.push_str(";\n");
    out
}

// ----- routines ---------------------------------------------------------------------------

/// A dollar-quote tag that does not occur in `body` (`$$`, else `$body$`, `$body1$`, …).
pub fn dollar_tag(body: &str) -> String {
    let fits = |tag: &str| {
        let closed = format!("{body}{tag}");
        !body.contains(tag) && closed.find(tag) == Some(body.len())
    };
    if fits("$$") {
        return "$$".to_owned();
    }
    (0..)
        .map(|n| {
            if n == 0 {
                "$body$".to_owned()
            } else {
                format!("$body{n}$")
            }
        })
        .find(|t| fits(t))
        .unwrap_or_default()
}

fn function_arg(a: &FunctionArg) -> String {
    let mut out = String::new();
    if a.mode != "IN" {
        let _ = write!(out, "{} ", a.mode);
    }
    if let Some(n) = &a.name {
        let _ = write!(out, "{} ", quote_ident(n));
    }
    out.push_str(&a.ty);
    if let Some(d) = &a.default {
        let _ = write!(out, " DEFAULT {}", default_expr(d.sql()));
    }
    out
}

/// `schema.f(type, …)` with the input argument types: how `COMMENT`, `GRANT` and `ALTER`
/// name a routine.
pub fn routine_signature(f: &Function) -> String {
    let types: Vec<&str> = f
        .args
        .iter()
        .filter(|a| matches!(a.mode.as_str(), "IN" | "INOUT" | "VARIADIC"))
        .map(|a| a.ty.as_str())
        .collect();
    format!("{}({})", qualified(&f.name), types.join(", "))
}

fn routine_keyword(f: &Function) -> &'static str {
    if f.is_procedure {
        "PROCEDURE"
    } else {
        "FUNCTION"
    }
}

/// `SET name = value` of a routine: the loader keeps the values joined with `, `.
fn config_clause(name: &str, value: &str) -> String {
    let name: Vec<String> = name.split('.').map(quote_ident).collect();
    let values: Vec<String> = value.split(", ").map(quote_literal).collect();
    format!("SET {} TO {}", name.join("."), values.join(", "))
}

/// `CREATE FUNCTION` / `CREATE PROCEDURE` with arguments (modes, defaults), `RETURNS`
/// (`TABLE (…)` from `TABLE` arguments), language, volatility, `STRICT`, `SECURITY DEFINER`,
/// `LEAKPROOF`, `PARALLEL`, `SET` clauses and the body, dollar-quoted with a tag the body does
/// not contain. A SQL-standard body (`RETURN …`, `BEGIN ATOMIC … END`) is written as such.
pub fn function(f: &Function) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .filter(|a| a.mode != "TABLE")
        .map(function_arg)
        .collect();
    let mut out = format!(
        "CREATE {} {}({})",
        routine_keyword(f),
        qualified(&f.name),
        args.join(", ")
    );
    let table_args: Vec<String> = f
        .args
        .iter()
        .filter(|a| a.mode == "TABLE")
        .map(|a| format!("{} {}", quote_ident(a.name.as_deref().unwrap_or("")), a.ty))
        .collect();
    if !table_args.is_empty() {
        let _ = write!(out, "\n    RETURNS TABLE ({})", table_args.join(", "));
    } else if let Some(r) = f.returns.as_ref().filter(|_| !f.is_procedure) {
        let _ = write!(out, "\n    RETURNS {r}");
    }
    let _ = write!(out, "\n    LANGUAGE {}", quote_ident(&f.language));
    if !f.is_procedure {
        let _ = write!(out, " {}", f.volatility.to_uppercase());
        if f.strict {
            out.push_str(" STRICT");
        }
        if f.leakproof {
            out.push_str(" LEAKPROOF");
        }
        let _ = write!(out, " PARALLEL {}", f.parallel.to_uppercase());
    }
    if f.security_definer {
        out.push_str(" SECURITY DEFINER");
    }
    for (name, value) in &f.config {
        let _ = write!(out, "\n    {}", config_clause(name, value));
    }
    if f.has_standard_body() {
        let _ = write!(out, "\n{}", f.body);
    } else if f.language == "c" {
        let parts: Vec<String> = f.body.splitn(2, ", ").map(quote_literal).collect();
        let _ = write!(out, "\n    AS {}", parts.join(", "));
    } else {
        let tag = dollar_tag(&f.body);
        let _ = write!(out, "\n    AS {tag}{}{tag}", f.body);
    }
    out.push_str(";\n");
    out
}

// ----- triggers and policies --------------------------------------------------------------

fn trigger_event(e: &str) -> String {
    match e.strip_prefix("UPDATE OF ") {
        Some(cols) => {
            let cols: Vec<String> = cols.split(", ").map(quote_ident).collect();
            format!("UPDATE OF {}", cols.join(", "))
        }
        None => e.to_owned(),
    }
}

/// `CREATE [CONSTRAINT] TRIGGER … EXECUTE FUNCTION f(args)`.
pub fn trigger(t: &Trigger) -> String {
    let constraint = if t.constraint { "CONSTRAINT " } else { "" };
    let events: Vec<String> = t.events.iter().map(|e| trigger_event(e)).collect();
    let each = if t.for_each_row { "ROW" } else { "STATEMENT" };
    let mut out = format!(
        "CREATE {constraint}TRIGGER {} {} {} ON {} FOR EACH {each}",
        quote_ident(&t.name),
        t.timing,
        events.join(" OR "),
        qualified(&t.table)
    );
    if let Some(w) = &t.when {
        let _ = write!(out, " WHEN ({})", w.sql());
    }
    let args: Vec<String> = t.args.iter().map(|a| quote_literal(a)).collect();
    let _ = writeln!(
        out,
        " EXECUTE FUNCTION {}({});",
        qualified(&t.function),
        args.join(", ")
    );
    out
}

/// `CREATE POLICY … AS PERMISSIVE|RESTRICTIVE FOR cmd TO roles USING (…) WITH CHECK (…)`.
pub fn policy(p: &Policy) -> String {
    let kind = if p.permissive {
        "PERMISSIVE"
    } else {
        "RESTRICTIVE"
    };
    let roles: Vec<String> = p.roles.iter().map(|r| role(r)).collect();
    let mut out = format!(
        "CREATE POLICY {} ON {} AS {kind} FOR {} TO {}",
        quote_ident(&p.name),
        qualified(&p.table),
        p.command,
        roles.join(", ")
    );
    if let Some(u) = &p.using {
        let _ = write!(out, " USING ({})", u.sql());
    }
    if let Some(c) = &p.with_check {
        let _ = write!(out, " WITH CHECK ({})", c.sql());
    }
    out.push_str(";\n");
    out
}

// ----- annotations ------------------------------------------------------------------------

/// What an annotation statement is about: the keyword(s) and the object's name as `COMMENT`,
/// `GRANT` and `ALTER … OWNER` write them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `TABLE`, `VIEW`, `MATERIALIZED VIEW`, `SEQUENCE`, `INDEX`, `FUNCTION`, `PROCEDURE`,
    /// `SCHEMA`, `TYPE`, `DOMAIN`, `EXTENSION`, `POLICY`, `TRIGGER`.
    pub keyword: &'static str,
    /// The name, quoted (`"s"."f"(integer)`, `"p" ON "s"."t"`).
    pub name: String,
}

impl Target {
    /// A table.
    pub fn table(t: &Table) -> Self {
        Target {
            keyword: "TABLE",
            name: qualified(&t.name),
        }
    }

    /// A view or materialized view.
    pub fn view(v: &View) -> Self {
        Target {
            keyword: if v.materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            },
            name: qualified(&v.name),
        }
    }

    /// A sequence.
    pub fn sequence(s: &Sequence) -> Self {
        Target {
            keyword: "SEQUENCE",
            name: qualified(&s.name),
        }
    }

    /// An index.
    pub fn index(i: &Index) -> Self {
        Target {
            keyword: "INDEX",
            name: qualified(&i.name),
        }
    }

    /// A function or procedure.
    pub fn function(f: &Function) -> Self {
        Target {
            keyword: routine_keyword(f),
            name: routine_signature(f),
        }
    }

    /// A schema.
    pub fn schema(s: &Schema) -> Self {
        Target {
            keyword: "SCHEMA",
            name: quote_ident(&s.name),
        }
    }

    /// A type or domain.
    pub fn type_def(t: &TypeDef) -> Self {
        Target {
            keyword: if matches!(t.kind, TypeKind::Domain { .. }) {
                "DOMAIN"
            } else {
                "TYPE"
            },
            name: qualified(&t.name),
        }
    }

    /// An extension.
    pub fn extension(e: &Extension) -> Self {
        Target {
            keyword: "EXTENSION",
            name: quote_ident(&e.name),
        }
    }

    /// A policy.
    pub fn policy(p: &Policy) -> Self {
        Target {
            keyword: "POLICY",
            name: format!("{} ON {}", quote_ident(&p.name), qualified(&p.table)),
        }
    }

    /// A trigger.
    pub fn trigger(t: &Trigger) -> Self {
        Target {
            keyword: "TRIGGER",
            name: format!("{} ON {}", quote_ident(&t.name), qualified(&t.table)),
        }
    }
}

/// `COMMENT ON … IS '…'` when the object has a comment.
pub fn comment(target: &Target, meta: &Meta) -> String {
    match &meta.comment {
        Some(text) => format!(
            "COMMENT ON {} {} IS {};\n",
            target.keyword,
            target.name,
            quote_literal(text)
        ),
        None => String::new(),
    }
}

/// `ALTER … OWNER TO` when the catalog records an owner (indexes, policies, triggers and
/// extensions have none of their own).
pub fn owner(target: &Target, meta: &Meta) -> String {
    match (&meta.owner, target.keyword) {
        (
            Some(o),
            "SCHEMA" | "TABLE" | "VIEW" | "MATERIALIZED VIEW" | "SEQUENCE" | "FUNCTION"
            | "PROCEDURE" | "TYPE" | "DOMAIN",
        ) => {
            format!(
                "ALTER {} {} OWNER TO {};\n",
                target.keyword,
                target.name,
                role(o)
            )
        }
        _ => String::new(),
    }
}

/// The privilege PostgreSQL gives `PUBLIC` on a new object of this kind (routines: `EXECUTE`,
/// types: `USAGE`), which the loader records as granted.
fn implicit_public(keyword: &str) -> Option<&'static str> {
    match keyword {
        "FUNCTION" | "PROCEDURE" => Some("EXECUTE"),
        "TYPE" | "DOMAIN" => Some("USAGE"),
        _ => None,
    }
}

/// `GRANT` for every privilege granted, and `REVOKE … FROM PUBLIC` when the default
/// privilege of `PUBLIC` on a routine or type was taken away. The implicit grant itself is not
/// written. Views, materialized views and sequences are granted `ON TABLE` / `ON SEQUENCE`.
pub fn grants(target: &Target, meta: &Meta) -> String {
    let on = match target.keyword {
        "VIEW" | "MATERIALIZED VIEW" | "TABLE" => "TABLE",
        other => other,
    };
    let mut out = String::new();
    let implicit = implicit_public(target.keyword);
    if let Some(privilege) = implicit {
        let kept = meta
            .grants
            .iter()
            .any(|g| g.grantee == "PUBLIC" && g.privilege == privilege && g.column.is_none());
        if !kept {
            let _ = writeln!(
                out,
                "REVOKE {privilege} ON {on} {} FROM PUBLIC;",
                target.name
            );
        }
    }
    let mut sorted: Vec<&Grant> = meta.grants.iter().collect();
    sorted.sort();
    for g in sorted {
        let is_implicit = implicit.is_some_and(|p| {
            g.grantee == "PUBLIC" && g.privilege == p && g.column.is_none() && !g.with_grant_option
        });
        if is_implicit {
            continue;
        }
        let column = g
            .column
            .as_ref()
            .map(|c| format!(" ({})", quote_ident(c)))
            .unwrap_or_default();
        let option = if g.with_grant_option {
            " WITH GRANT OPTION"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "GRANT {}{column} ON {on} {} TO {}{option};",
            g.privilege,
            target.name,
            role(&g.grantee)
        );
    }
    out
}

/// Comment, owner and grants of one object, in that order.
pub fn annotations(target: &Target, meta: &Meta) -> String {
    let mut out = comment(target, meta);
    out.push_str(&owner(target, meta));
    out.push_str(&grants(target, meta));
    out
}

/// A statement the catalog keeps as text, as it was (deparsed).
pub fn other(o: &OtherObject) -> String {
    let sql = o.sql.trim_end().trim_end_matches(';');
    format!("{sql};\n")
}
