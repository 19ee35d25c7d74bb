//! Normalisation for comparing a catalog read from files with one read from a live database.
//!
//! PostgreSQL prints definitions back in its own way; a person writes them in theirs. These
//! rules remove differences that never change what the database does. Each rule is a function
//! below, applied to both sides by [`normalize`], and documented with the print-back difference
//! it removes. What is still different afterwards is a real difference, or one only the server
//! can settle (DESIGN: "elaborate only what is in doubt"), such as a view's `*` that
//! `pg_get_viewdef` expands or an implicit cast it makes explicit.
//!
//! 1. [`forget_provenance`]: spans, rename hints (enum labels' too) and search paths say where
//!    a definition came from, not what it is (the live side prints fully qualified names, so a search path adds
//!    nothing to it).
//! 2. [`unqualify`]: names in the default schema are written bare. Files write `t` or `public.t`
//!    as they like; the live side (read with `search_path = pg_catalog`) always qualifies.
//!    Applied to type names, expressions, SQL-standard routine bodies (and the relations and
//!    routines they name), regclass literals (`'public.s'::regclass`) and the routine keys
//!    built from argument types.
//! 3. [`strip_literal_casts`] (inside [`normalize_expr`]): `pg_get_expr` gives every string
//!    literal and `NULL` the type it was resolved to (`'x'::text`, `'2020-01-01'::date`,
//!    `'ok'::mood`, `NULL::boolean`); a cast applied directly to a string literal or `NULL` is
//!    dropped on both sides. The literal's text stays, so `'a'` and `'b'` still differ; a cast
//!    literal that spells a number or boolean becomes that constant (`'-20'::integer` is how
//!    `pg_get_expr` prints `-20`).
//! 4. [`sequence_defaults`]: a sequence's `START`, `MINVALUE` and `MAXVALUE` equal to what
//!    PostgreSQL picks by itself are the same as leaving them out; likewise identity options.
//! 5. [`foreign_key_targets`]: `REFERENCES t` without columns means `t`'s primary key, which
//!    `pg_get_constraintdef` always spells out.
//! 6. [`column_and_routine_details`]: `DEFAULT NULL` is no default (PostgreSQL stores none);
//!    a partition bound's quoted numbers are numbers (PostgreSQL prints `IN (1)` as `IN ('1')`);
//!    a partition's columns that its parent has with the same type are the parent's, whether a
//!    file repeats them (created, then `ATTACH`ed, as pg_dump writes it) or not (`PARTITION
//!    OF`): PostgreSQL records both the same way (a partition-specific default or NOT NULL on
//!    such a column is not compared);
//!    routine settings are keyed by the lower-case name (`SET timezone` is stored as
//!    `TimeZone`: setting names are case-insensitive).
//! 7. [`unspecified_from`] (two-sided): an owner, or an extension's schema, version or comment
//!    (its control file sets one), that the desired side does not state is whatever the
//!    database has; a policy role written `CURRENT_USER`, `CURRENT_ROLE` or `SESSION_USER` is
//!    the role the database recorded when the policy was created.
//! 8. [`tree`] (inside [`normalize_expr`]): constructs PostgreSQL's parse analysis rewrites
//!    (`BETWEEN`, `IN (constants)`, an integer cast to a column's numeric type, a single
//!    table's qualifiers in a view) are rewritten the same way.

pub mod tree;

use std::collections::BTreeMap;
use std::sync::Arc;

use pg_query::NodeEnum;
use pg_query::protobuf::Token;

use super::expr::parse_expr;
use super::{Catalog, ConstraintKind, Expr, Function, Identity, TypeKind};

/// Applies every one-sided rule. `default_schema` is the schema whose names are written bare
/// (usually `public`).
pub fn normalize(c: &mut Catalog, default_schema: &str) {
    forget_provenance(c);
    unqualify(c, default_schema);
    sequence_defaults(c);
    foreign_key_targets(c);
    column_and_routine_details(c);
}

/// Rule 6.
pub fn column_and_routine_details(c: &mut Catalog) {
    let parents: BTreeMap<_, Vec<(String, String)>> = c
        .tables
        .iter()
        .filter(|(_, t)| t.partition_by.is_some())
        .map(|(n, t)| {
            (
                n.clone(),
                t.columns
                    .iter()
                    .map(|col| (col.name.clone(), col.ty.clone()))
                    .collect(),
            )
        })
        .collect();
    for t in c.tables.values_mut() {
        let Some(parent) = t.partition_of.as_ref().and_then(|(p, _)| parents.get(p)) else {
            continue;
        };
        t.columns
            .retain(|col| !parent.iter().any(|(n, ty)| *n == col.name && *ty == col.ty));
    }
    for t in c.tables.values_mut().chain(c.externals.values_mut()) {
        if let Some((_, bound)) = t.partition_of.as_mut() {
            *bound = bare_literals(bound);
        }
        for col in &mut t.columns {
            if col.default.as_ref().is_some_and(|d| d.sql() == "NULL") {
                col.default = None;
            }
        }
    }
    for f in c.functions.values_mut() {
        f.config = std::mem::take(&mut f.config)
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
    }
}

/// Rule 1.
pub fn forget_provenance(c: &mut Catalog) {
    c.clear_object_spans();
    let empty: Arc<[String]> = Arc::from(Vec::new());
    for s in c.schemas.values_mut() {
        s.meta.span = None;
        s.meta.renamed_from = None;
    }
    for t in c.tables.values_mut().chain(c.externals.values_mut()) {
        t.meta.renamed_from = None;
        for col in &mut t.columns {
            col.renamed_from = None;
        }
    }
    for v in c
        .views
        .values_mut()
        .chain(c.materialized_views.values_mut())
    {
        v.meta.renamed_from = None;
        v.search_path = empty.clone();
    }
    for i in c.indexes.values_mut() {
        i.meta.renamed_from = None;
    }
    for f in c.functions.values_mut() {
        f.meta.renamed_from = None;
        f.search_path = empty.clone();
    }
    for p in c.policies.values_mut() {
        p.search_path = empty.clone();
    }
    for s in c.sequences.values_mut() {
        s.meta.renamed_from = None;
    }
    for t in c.types.values_mut() {
        t.meta.renamed_from = None;
        if let TypeKind::Enum { renamed, .. } = &mut t.kind {
            renamed.clear();
        }
    }
    for e in c.extensions.values_mut() {
        e.meta.span = None;
    }
    for o in &mut c.others {
        o.meta.span = None;
    }
}

/// `schema.name` → `name` for a type name printed by `format_type` (rule 2).
pub fn unqualify_type(ty: &str, schema: &str) -> String {
    let bare = ty.strip_prefix("SETOF ").unwrap_or(ty);
    let setof = if bare.len() == ty.len() { "" } else { "SETOF " };
    for prefix in [format!("{schema}."), format!("\"{schema}\".")] {
        if let Some(rest) = bare.strip_prefix(&prefix) {
            return format!("{setof}{rest}");
        }
    }
    ty.to_owned()
}

/// Rule 2, over the whole catalog.
pub fn unqualify(c: &mut Catalog, schema: &str) {
    let ty = |t: &mut String| *t = unqualify_type(t, schema);
    let ex = |e: &mut Expr| *e = normalize_expr(e, schema);
    let exo = |e: &mut Option<Expr>| {
        if let Some(x) = e.as_mut() {
            *x = normalize_expr(x, schema);
        }
    };
    for t in c.tables.values_mut().chain(c.externals.values_mut()) {
        for col in &mut t.columns {
            ty(&mut col.ty);
            exo(&mut col.default);
            exo(&mut col.generated);
        }
        for k in t.constraints.values_mut() {
            match &mut k.kind {
                ConstraintKind::Check { expr, .. } => ex(expr),
                ConstraintKind::Exclude {
                    predicate,
                    elements,
                    ..
                } => {
                    exo(predicate);
                    for (e, op) in elements.iter_mut() {
                        *op = unqualify_type(op, schema);
                        if let Some(inner) = e.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                            if let Some(parsed) = parse_expr(inner) {
                                *e = format!("({})", normalize_expr(&parsed, schema).sql());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for v in c
        .views
        .values_mut()
        .chain(c.materialized_views.values_mut())
    {
        ex(&mut v.query);
    }
    for i in c.indexes.values_mut() {
        exo(&mut i.predicate);
        for k in &mut i.keys {
            exo(&mut k.expr);
            for name in [&mut k.opclass, &mut k.collation].into_iter().flatten() {
                *name = unqualify_type(name, schema);
            }
        }
    }
    for p in c.policies.values_mut() {
        exo(&mut p.using);
        exo(&mut p.with_check);
    }
    for t in c.triggers.values_mut() {
        exo(&mut t.when);
    }
    for s in c.sequences.values_mut() {
        ty(&mut s.data_type);
    }
    for t in c.types.values_mut() {
        match &mut t.kind {
            TypeKind::Domain {
                base,
                default,
                checks,
                ..
            } => {
                ty(base);
                exo(default);
                for (_, e) in checks.iter_mut() {
                    ex(e);
                }
            }
            TypeKind::Composite { attributes } => {
                for (_, t) in attributes.iter_mut() {
                    ty(t);
                }
            }
            TypeKind::Range { subtype } => ty(subtype),
            TypeKind::Enum { .. } => {}
        }
    }
    let functions = std::mem::take(&mut c.functions);
    c.functions = functions
        .into_values()
        .map(|mut f: Function| {
            for a in &mut f.args {
                ty(&mut a.ty);
                exo(&mut a.default);
            }
            if let Some(r) = f.returns.as_mut() {
                *r = unqualify_type(r, schema);
            }
            // A SQL-standard body (`RETURN …`, `BEGIN ATOMIC … END`) is a parsed statement,
            // which pg_get_functiondef prints qualified; a quoted body is verbatim on both sides.
            if f.has_standard_body() {
                f.body = normalize_body(&f.body, schema);
            }
            // What the body reads and calls, named as the body now names it.
            for r in &mut f.references {
                if r.schema.as_deref() == Some(schema) {
                    r.schema = None;
                }
            }
            (f.identity(), f)
        })
        .collect::<BTreeMap<_, _>>();
}

/// Rules 2 and 3 on the text of a SQL-standard routine body (`RETURN …`, `BEGIN ATOMIC …`).
pub fn normalize_body(body: &str, schema: &str) -> String {
    strip_literal_casts(&unqualify_sql(body, schema))
}

/// Rules 2, 3 and 8 on one expression or query: rewrites its canonical text token by token,
/// parses it again and applies the tree rules. An expression whose rewritten text does not
/// parse is kept as it was.
pub fn normalize_expr(e: &Expr, schema: &str) -> Expr {
    normalize_rewritten(e, rewrite_text(e, schema))
}

/// Whether two expressions or queries are equal once normalised ([`normalize_expr`]), without
/// parsing them again when the token rules alone make their texts equal.
pub fn equivalent(a: &Expr, b: &Expr, schema: &str) -> bool {
    let (ta, tb) = (rewrite_text(a, schema), rewrite_text(b, schema));
    ta == tb || normalize_rewritten(a, ta) == normalize_rewritten(b, tb)
}

/// Rules 2 and 3 on the canonical text.
fn rewrite_text(e: &Expr, schema: &str) -> String {
    strip_literal_casts(&unqualify_sql(e.sql(), schema))
}

/// Parses the rewritten text again (when the token rules changed it) and applies the tree
/// rules.
fn normalize_rewritten(e: &Expr, rewritten: String) -> Expr {
    let text = e.sql();
    let original = e.node();
    let mut node = if rewritten == text {
        original
    } else {
        let is_statement = matches!(
            original.node,
            Some(
                NodeEnum::SelectStmt(_)
                    | NodeEnum::InsertStmt(_)
                    | NodeEnum::UpdateStmt(_)
                    | NodeEnum::DeleteStmt(_)
            )
        );
        let parsed = if is_statement {
            pg_query::parse(&rewritten, 0)
                .ok()
                .and_then(|r| r.protobuf.stmts.into_iter().next())
                .and_then(|s| s.stmt)
                .map(|n| *n)
        } else {
            parse_expr(&rewritten).map(|e| e.node())
        };
        match parsed {
            Some(n) => n,
            None => return e.clone(),
        }
    };
    if tree::rewrite(&mut node) || rewritten != text {
        Expr::new(node)
    } else {
        e.clone()
    }
}

struct Tok<'a> {
    kind: Token,
    text: &'a str,
    start: usize,
    end: usize,
}

fn tokens(sql: &str) -> Vec<Tok<'_>> {
    let Ok(scan) = pg_query::scan(sql) else {
        return Vec::new();
    };
    scan.tokens
        .iter()
        .filter_map(|t| {
            let start = usize::try_from(t.start).ok()?;
            let end = usize::try_from(t.end).ok()?;
            Some(Tok {
                kind: Token::try_from(t.token).unwrap_or(Token::Nul),
                text: sql.get(start..end)?,
                start,
                end,
            })
        })
        .collect()
}

fn is_schema(tok: &Tok<'_>, schema: &str) -> bool {
    tok.kind == Token::Ident && (tok.text == schema || tok.text.trim_matches('"') == schema)
}

/// Removes `schema.` before a name, and inside a `'schema.name'::regclass` literal.
fn unqualify_sql(sql: &str, schema: &str) -> String {
    let toks = tokens(sql);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for (i, t) in toks.iter().enumerate() {
        let next = toks.get(i + 1);
        if is_schema(t, schema)
            && next.is_some_and(|n| n.kind == Token::Ascii46 && n.start == t.end)
        {
            out.push_str(&sql[copied..t.start]);
            copied = next.map_or(t.end, |n| n.end);
        } else if t.kind == Token::Sconst
            && next.is_some_and(|n| n.kind == Token::Typecast)
            && toks
                .get(i + 2)
                .is_some_and(|n| n.text.eq_ignore_ascii_case("regclass"))
        {
            for prefix in [format!("'{schema}."), format!("'\"{schema}\".")] {
                if let Some(rest) = t.text.strip_prefix(&prefix) {
                    out.push_str(&sql[copied..t.start]);
                    out.push('\'');
                    out.push_str(rest);
                    copied = t.end;
                    break;
                }
            }
        }
    }
    out.push_str(&sql[copied..]);
    out
}

/// Rule 3: `'literal'::type` → `'literal'` and `NULL::type` → `NULL` (the cast of a `regclass`
/// literal is kept: it says the string names a relation).
pub fn strip_literal_casts(sql: &str) -> String {
    let toks = tokens(sql);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let literal = matches!(toks[i].kind, Token::Sconst | Token::NullP);
        if literal && toks.get(i + 1).is_some_and(|n| n.kind == Token::Typecast) {
            let end = type_name_end(&toks, i + 2);
            let is_regclass = end == i + 3 && toks[i + 2].text.eq_ignore_ascii_case("regclass");
            if end > i + 2 && !is_regclass {
                out.push_str(&sql[copied..toks[i].start]);
                out.push_str(&bare_literal(toks[i].text));
                copied = toks[end - 1].end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// A string literal that was cast, as the constant it spells when it spells a number or a
/// boolean (`'-20'::integer` is how `pg_get_expr` prints `-20`, `'1.5'::numeric` is `1.5`);
/// any other literal unchanged.
fn bare_literal(literal: &str) -> String {
    let inner = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .unwrap_or("");
    let numeric = !inner.is_empty()
        && inner
            .trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && inner
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
        && inner.matches('.').count() <= 1;
    if numeric || inner == "true" || inner == "false" {
        inner.to_owned()
    } else {
        literal.to_owned()
    }
}

/// `'2024-01-01 00:00:00'` → `'2024-01-01'`: PostgreSQL prints a timestamp partition bound
/// written as a date with a midnight time, and a date bound without one; both mean the same
/// midnight. Any other literal unchanged.
fn midnight_as_date(literal: &str) -> String {
    let Some(inner) = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
    else {
        return literal.to_owned();
    };
    let is_date = |d: &str| {
        d.len() == 10
            && d.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    match inner.strip_suffix(" 00:00:00") {
        Some(date) if is_date(date) => format!("'{date}'"),
        _ => literal.to_owned(),
    }
}

/// Every string literal that spells a number or boolean as that constant (partition bounds:
/// PostgreSQL prints `IN (1)` as `IN ('1')`), and midnight timestamps as dates.
pub(crate) fn bare_literals(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for t in tokens(sql).iter().filter(|t| t.kind == Token::Sconst) {
        out.push_str(&sql[copied..t.start]);
        out.push_str(&midnight_as_date(&bare_literal(t.text)));
        copied = t.end;
    }
    out.push_str(&sql[copied..]);
    out
}

/// Index one past the last token of the type name starting at `from` (the deparser's
/// spelling: `varchar(20)`, `double precision`, `time (3) with time zone`, `public.mood[]`).
fn type_name_end(toks: &[Tok<'_>], from: usize) -> usize {
    let word = |k: usize| {
        toks.get(k).is_some_and(|t| {
            t.kind == Token::Ident
                || (t.text.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                    && !t.text.is_empty())
        })
    };
    let kind = |k: usize, kind: Token| toks.get(k).is_some_and(|t| t.kind == kind);
    let text = |k: usize, s: &str| toks.get(k).is_some_and(|t| t.text.eq_ignore_ascii_case(s));
    if !word(from) {
        return from;
    }
    let mut k = from + 1;
    while kind(k, Token::Ascii46) && word(k + 1) {
        k += 2;
    }
    if text(k, "precision") || text(k, "varying") {
        k += 1;
    }
    if kind(k, Token::Ascii40) {
        let mut depth = 0;
        while k < toks.len() {
            if kind(k, Token::Ascii40) {
                depth += 1;
            } else if kind(k, Token::Ascii41) {
                depth -= 1;
                if depth == 0 {
                    k += 1;
                    break;
                }
            }
            k += 1;
        }
    }
    if (text(k, "with") || text(k, "without")) && text(k + 1, "time") && text(k + 2, "zone") {
        k += 3;
    }
    while kind(k, Token::Ascii91) && kind(k + 1, Token::Ascii93) {
        k += 2;
    }
    k
}

/// Rule 4.
pub fn sequence_defaults(c: &mut Catalog) {
    for s in c.sequences.values_mut() {
        let (type_min, type_max) = type_bounds(&s.data_type);
        let ascending = s.increment > 0;
        let (default_min, default_max) = if ascending {
            (1, type_max)
        } else {
            (type_min, -1)
        };
        if s.min_value == Some(default_min) {
            s.min_value = None;
        }
        if s.max_value == Some(default_max) {
            s.max_value = None;
        }
        let min = s.min_value.unwrap_or(default_min);
        let max = s.max_value.unwrap_or(default_max);
        if s.start == Some(if ascending { min } else { max }) {
            s.start = None;
        }
    }
    for t in c.tables.values_mut() {
        for col in &mut t.columns {
            if let Some(Identity { options, .. }) = col.identity.as_mut() {
                let ty = col.ty.clone();
                identity_defaults(options, &ty);
            }
        }
    }
}

fn type_bounds(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// An identity column's options with the values PostgreSQL picks by itself left out and the
/// rest sorted by name (rule 4): what two identities are compared by.
pub fn identity_options(options: &[(String, String)], column_type: &str) -> Vec<(String, String)> {
    let mut out = options.to_vec();
    identity_defaults(&mut out, column_type);
    out
}

/// What PostgreSQL picks for a sequence option left out: `(minvalue, maxvalue, start)` given
/// the options stated and the column type.
fn sequence_bounds(options: &[(String, String)], column_type: &str) -> ((i64, i64), i64) {
    let value = |name: &str| {
        options
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.parse::<i64>().ok())
    };
    let increment = value("increment").unwrap_or(1);
    let (type_min, type_max) = type_bounds(column_type);
    let (dmin, dmax) = if increment > 0 {
        (1, type_max)
    } else {
        (type_min, -1)
    };
    let min = value("minvalue").unwrap_or(dmin);
    let max = value("maxvalue").unwrap_or(dmax);
    ((dmin, dmax), if increment > 0 { min } else { max })
}

/// The `START` an identity column's sequence has: the one stated, or the bound PostgreSQL
/// starts from.
pub fn identity_start(options: &[(String, String)], column_type: &str) -> i64 {
    options
        .iter()
        .find(|(n, _)| n == "start")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or_else(|| sequence_bounds(options, column_type).1)
}

/// Identity options: names as the parser gives them (`start`, `increment`, …); defaults dropped,
/// the rest sorted by name.
fn identity_defaults(options: &mut Vec<(String, String)>, column_type: &str) {
    let ((dmin, dmax), dstart) = sequence_bounds(options, column_type);
    options.retain(|(name, v)| {
        let n = v.parse::<i64>().ok();
        !match name.as_str() {
            "increment" => n == Some(1),
            "minvalue" => n == Some(dmin),
            "maxvalue" => n == Some(dmax),
            "start" => n == Some(dstart),
            "cache" => n == Some(1),
            "cycle" => v == "false",
            "as" => true,
            _ => false,
        }
    });
    options.sort();
}

/// Rule 5.
pub fn foreign_key_targets(c: &mut Catalog) {
    let primary_keys: BTreeMap<_, Vec<String>> = c
        .tables
        .iter()
        .chain(c.externals.iter())
        .filter_map(|(n, t)| t.primary_key().map(|k| (n.clone(), k.columns().to_vec())))
        .collect();
    for t in c.tables.values_mut().chain(c.externals.values_mut()) {
        for k in t.constraints.values_mut() {
            if let ConstraintKind::ForeignKey {
                ref_table,
                ref_columns,
                ..
            } = &mut k.kind
            {
                if ref_columns.is_empty() {
                    if let Some(pk) = primary_keys.get(ref_table) {
                        ref_columns.clone_from(pk);
                    }
                }
            }
        }
    }
}

/// Rule 7: copies into `desired` what it leaves unspecified and `live` has (owners everywhere,
/// an extension's schema and version).
pub fn unspecified_from(desired: &mut Catalog, live: &Catalog) {
    macro_rules! owners {
        ($field:ident) => {
            for (k, d) in desired.$field.iter_mut() {
                if let Some(l) = live.$field.get(k) {
                    if d.meta.owner.is_none() {
                        d.meta.owner.clone_from(&l.meta.owner);
                    }
                }
            }
        };
    }
    owners!(schemas);
    owners!(tables);
    owners!(views);
    owners!(materialized_views);
    owners!(functions);
    owners!(sequences);
    owners!(types);
    for (k, d) in &mut desired.extensions {
        if let Some(l) = live.extensions.get(k) {
            if d.schema.is_none() {
                d.schema.clone_from(&l.schema);
            }
            if d.version.is_none() {
                d.version.clone_from(&l.version);
            }
            if d.meta.comment.is_none() {
                d.meta.comment.clone_from(&l.meta.comment);
            }
        }
    }
    // `CURRENT_USER` and friends name whoever created the policy; the database stores the role.
    for (k, d) in &mut desired.policies {
        let Some(l) = live.policies.get(k) else {
            continue;
        };
        if d.roles.len() != l.roles.len() {
            continue;
        }
        for (role, live_role) in d.roles.iter_mut().zip(&l.roles) {
            if matches!(
                role.as_str(),
                "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER"
            ) {
                role.clone_from(live_role);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_timestamp_bounds_read_as_dates() {
        assert_eq!(
            bare_literals("FOR VALUES FROM ('2024-01-01 00:00:00') TO ('2024-02-01')"),
            "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"
        );
        assert_eq!(
            midnight_as_date("'2024-01-01 10:00:00'"),
            "'2024-01-01 10:00:00'"
        );
        assert_eq!(
            midnight_as_date("'abcd-ef-gh 00:00:00'"),
            "'abcd-ef-gh 00:00:00'"
        );
    }

    #[test]
    fn casts_on_string_literals_go_and_regclass_stays() {
        assert_eq!(
            strip_literal_casts("'x'::text || 'y'::varchar(20)"),
            "'x' || 'y'"
        );
        assert_eq!(
            strip_literal_casts("a = 'b'::timestamp with time zone AND c"),
            "a = 'b' AND c"
        );
        assert_eq!(strip_literal_casts("'a'::public.mood[]"), "'a'");
        assert_eq!(
            strip_literal_casts("nextval('s'::regclass)"),
            "nextval('s'::regclass)"
        );
        assert_eq!(strip_literal_casts("'1'::double precision + 1"), "1 + 1");
        assert_eq!(
            strip_literal_casts("coalesce(a, NULL::boolean)"),
            "coalesce(a, NULL)"
        );
        assert_eq!(
            strip_literal_casts("'-20'::integer + '1.5'::numeric"),
            "-20 + 1.5"
        );
        assert_eq!(
            strip_literal_casts("'true'::boolean AND '1a'::text = b"),
            "true AND '1a' = b"
        );
    }

    #[test]
    fn default_schema_is_unqualified() {
        assert_eq!(
            unqualify_sql(
                "SELECT public.f(x) FROM public.t JOIN other.u ON true",
                "public"
            ),
            "SELECT f(x) FROM t JOIN other.u ON true"
        );
        assert_eq!(
            unqualify_sql("nextval('public.s'::regclass)", "public"),
            "nextval('s'::regclass)"
        );
        assert_eq!(unqualify_type("public.mood[]", "public"), "mood[]");
        assert_eq!(unqualify_type("other.mood", "public"), "other.mood");
        assert_eq!(
            bare_literals("FOR VALUES IN ('1', 'a')"),
            "FOR VALUES IN (1, 'a')"
        );
    }
}
