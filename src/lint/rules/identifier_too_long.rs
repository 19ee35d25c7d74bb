//! `identifier-too-long`: a name longer than PostgreSQL's 63-byte limit, which it truncates.

use crate::catalog::names::{MAX_IDENTIFIER_BYTES, display_ident, truncate_identifier};
use crate::catalog::{Catalog, ConstraintKind, QualifiedName, Table, TypeDef, TypeKind};
use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;
use crate::loaded::Project;
use crate::source::Span;

/// The rule.
pub static RULE: RuleDef = RuleDef {
    name: "identifier-too-long",
    default_level: Level::Error,
    summary: "an identifier is longer than 63 bytes, and PostgreSQL silently truncates it",
    docs: r#"## What it flags
A name of more than 63 bytes (PostgreSQL's `NAMEDATALEN - 1`) given to an object of the
project: schema, table, column, constraint, index, view (and its column names), materialized
view, function or procedure, policy, trigger, sequence, type, composite-type attribute or
domain constraint. Bytes, not characters: `é` counts twice. Declared external tables are not
checked; their names belong to the service that owns them.

## Why it matters
PostgreSQL does not reject a long identifier: it truncates it to 63 bytes (with a notice
nobody reads in a migration log) and creates the object under the shorter name. The schema
then says one name and the database holds another, so every later reference, comparison or
`DROP` by the written name misses. Two long names that share their first 63 bytes become the
same name, and the second `CREATE` fails, or, for columns in one statement, is rejected as a
duplicate. knex names unique keys after all their columns: the analytics service's
aggregation key was 113 bytes long.

## Example
```sql,expect_diagnostic
create table analytics_aggregations (
    tenant_id uuid,
    aggregation_type text,
    metric_type text,
    entity_type text,
    constraint analytics_aggregations_tenant_id_aggregation_type_metric_type_entity_type_unique
        unique (tenant_id, aggregation_type, metric_type, entity_type)
);
```

## Fix
```sql
create table analytics_aggregations (
    tenant_id uuid,
    aggregation_type text,
    metric_type text,
    entity_type text,
    constraint analytics_aggregations_natural_key_unique
        unique (tenant_id, aggregation_type, metric_type, entity_type)
);
```
"#,
    options: &[],
    check,
};

/// One name given to an object, and the namespaces in which it must be unique.
struct Name<'a> {
    /// "constraint", "column", …
    kind: &'static str,
    /// The name as the catalog holds it (already truncated by PostgreSQL's scanner).
    ident: &'a str,
    /// " on table public.t", " of view public.v", or empty.
    owner: String,
    /// Namespaces it shares with other names (a UNIQUE constraint also names an index).
    namespaces: Vec<String>,
    /// The declaration, which holds the name as written.
    span: Option<Span>,
    /// The qualified object, for `objects`.
    object: String,
}

/// An identifier token of more than 63 bytes in the project's own files.
struct LongIdent {
    span: Span,
    /// The identifier as PostgreSQL reads it before truncating (unquoted, case-folded).
    full: String,
}

fn check(ctx: &mut LintContext<'_>) {
    // pg_query truncates identifiers while scanning, as PostgreSQL does, so the catalog only
    // holds the truncated names: the names as written are found in the source text.
    let names = names(ctx.catalog);
    // A truncated name is 63 bytes (or a few less when a multi-byte character was cut): when
    // the catalog holds none, nothing was truncated and the source need not be scanned.
    let near_limit = crate::catalog::names::MAX_IDENTIFIER_BYTES - 3;
    if !names.iter().any(|n| n.ident.len() >= near_limit) {
        return;
    }
    let long = long_identifiers(ctx.project);
    if long.is_empty() {
        return;
    }
    // The written name of each catalog name that was truncated, by index into `names`.
    let mut written: Vec<Option<&LongIdent>> = vec![None; names.len()];
    for (i, name) in names.iter().enumerate() {
        written[i] = name.span.and_then(|span| {
            long.iter()
                .find(|t| contains(span, t.span) && truncate_identifier(&t.full) == name.ident)
        });
    }
    let mut reported = std::collections::BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let Some(token) = written[i] else { continue };
        if !reported.insert(token.span) {
            continue;
        }
        let clashes: Vec<usize> = (0..names.len())
            .filter(|&j| {
                j != i
                    && names[j].ident == name.ident
                    && names[j]
                        .namespaces
                        .iter()
                        .any(|n| name.namespaces.contains(n))
            })
            .collect();
        report(ctx, name, token, &names, &written, &clashes);
    }
    // A long name whose truncation equals an existing object's name of the same kind: the
    // catalog dropped that declaration as a duplicate (and another rule says so); say why.
    for (kind, span) in dropped_declarations(ctx) {
        for token in long.iter().filter(|t| contains(span, t.span)) {
            let truncated = truncate_identifier(&token.full);
            let clashes: Vec<usize> = (0..names.len())
                .filter(|&j| {
                    (names[j].kind == kind || (kind == "function" && names[j].kind == "procedure"))
                        && names[j].ident == truncated
                        && names[j].span.is_none_or(|s| !contains(s, token.span))
                })
                .collect();
            if clashes.is_empty() || !reported.insert(token.span) {
                continue;
            }
            let name = &names[clashes[0]];
            report(ctx, name, token, &names, &written, &clashes);
        }
    }
}

fn report(
    ctx: &mut LintContext<'_>,
    name: &Name<'_>,
    token: &LongIdent,
    names: &[Name<'_>],
    written: &[Option<&LongIdent>],
    clashes: &[usize],
) {
    let truncated = display_ident(truncate_identifier(&token.full));
    let mut message = format!(
        "{} name {}{} is {} bytes, over PostgreSQL's limit of {MAX_IDENTIFIER_BYTES}: it is silently truncated to {truncated}",
        name.kind,
        display_ident(&token.full),
        name.owner,
        token.full.len(),
    );
    if let Some(&first) = clashes.first() {
        let other = &names[first];
        message.push_str(&format!(
            ", which is also the name of {} {truncated}{}, so one of the two cannot be created",
            other.kind, other.owner
        ));
    }
    let d = ctx.report(Some(token.span), message);
    for &j in clashes {
        let other = &names[j];
        let text = match written[j] {
            Some(w) => format!(
                "{} {}{} is truncated to the same name",
                other.kind,
                display_ident(&w.full),
                other.owner
            ),
            None => format!("{} {truncated}{} has that name", other.kind, other.owner),
        };
        d.label(written[j].map(|w| w.span).or(other.span), text);
    }
    d.object(&name.object).help(format!(
        "give it a name of at most {MAX_IDENTIFIER_BYTES} bytes; a database built from this schema holds it as {truncated}"
    ));
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

/// Every identifier token longer than 63 bytes in the project's own (not external) files.
fn long_identifiers(project: &Project) -> Vec<LongIdent> {
    use pg_query::protobuf::Token;
    let mut out = Vec::new();
    for file in project.files.iter().filter(|f| f.external_owner.is_none()) {
        let text = &project.sources.file(file.id).text;
        for stmt in &file.statements {
            let base = stmt.span.start as usize;
            let Some(sql) = text.get(base..stmt.span.end as usize) else {
                continue;
            };
            let Ok(scanned) = pg_query::scan(sql) else {
                continue;
            };
            for t in scanned.tokens {
                if t.token != Token::Ident as i32 && t.token != Token::Uident as i32 {
                    continue;
                }
                let (Ok(start), Ok(end)) = (usize::try_from(t.start), usize::try_from(t.end))
                else {
                    continue;
                };
                let Some(raw) = sql.get(start..end) else {
                    continue;
                };
                let full = identifier_value(raw);
                if full.len() > MAX_IDENTIFIER_BYTES {
                    out.push(LongIdent {
                        span: Span::new(file.id, base + start, base + end),
                        full,
                    });
                }
            }
        }
    }
    out
}

/// An identifier token's value: quotes removed (`""` is one `"`), or ASCII letters folded to
/// lower case, as PostgreSQL's scanner does before it truncates.
fn identifier_value(raw: &str) -> String {
    let quoted = raw
        .strip_prefix("U&")
        .or_else(|| raw.strip_prefix("u&"))
        .unwrap_or(raw);
    match quoted.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => raw.to_ascii_lowercase(),
    }
}

/// Declarations the catalog dropped because an object of that kind and name existed: the
/// kind and the statement.
fn dropped_declarations(ctx: &LintContext<'_>) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = ctx
        .catalog
        .duplicates
        .iter()
        .filter_map(|d| Some((d.kind.to_owned(), d.second?)))
        .collect();
    for d in &ctx.project.diagnostics {
        if d.rule != crate::catalog::build::DUPLICATE_OBJECT {
            continue;
        }
        let kind = [
            "schema",
            "constraint",
            "type",
            "policy",
            "trigger",
            "function",
            "procedure",
        ]
        .into_iter()
        .find(|k| d.message.starts_with(&format!("{k} ")));
        if let (Some(kind), Some(span)) = (kind, d.span) {
            out.push((kind.to_owned(), span));
        }
    }
    out
}

/// Every name the project gives, in catalog order.
fn names(c: &Catalog) -> Vec<Name<'_>> {
    let mut names = Names::default();
    for s in c.schemas.values() {
        names.push(Name {
            kind: "schema",
            ident: s.name.as_str(),
            owner: String::new(),
            namespaces: vec!["schema".to_owned()],
            span: s.meta.span,
            object: display_ident(&s.name),
        });
    }
    for t in c.tables.values() {
        names.table(t);
    }
    for (kind, views) in [
        ("view", &c.views),
        ("materialized view", &c.materialized_views),
    ] {
        for v in views.values() {
            names.relation(kind, &v.name, v.meta.span);
            for col in &v.column_names {
                let owner = format!(" of {kind} {}", v.name);
                names.member("column", col, owner, "column", &v.name, v.meta.span);
            }
        }
    }
    for i in c.indexes.values() {
        names.relation("index", &i.name, i.meta.span);
    }
    for s in c.sequences.values() {
        names.relation("sequence", &s.name, s.meta.span);
    }
    for t in c.types.values() {
        names.user_type(t);
    }
    for f in c.functions.values() {
        // Overloads share a name; only the same name with the same arguments clashes.
        names.push(Name {
            kind: if f.is_procedure {
                "procedure"
            } else {
                "function"
            },
            ident: &f.name.name,
            owner: String::new(),
            namespaces: vec![format!("routine {}", f.identity())],
            span: f.meta.span,
            object: f.identity(),
        });
    }
    for p in c.policies.values() {
        let owner = format!(" on table {}", p.table);
        names.member("policy", &p.name, owner, "policy", &p.table, p.meta.span);
    }
    for t in c.triggers.values() {
        let owner = format!(" on {}", t.table);
        names.member("trigger", &t.name, owner, "trigger", &t.table, t.meta.span);
    }
    names.0
}

/// The names collected so far, with the shapes most names share.
#[derive(Default)]
struct Names<'a>(Vec<Name<'a>>);

impl<'a> Names<'a> {
    fn push(&mut self, name: Name<'a>) {
        self.0.push(name);
    }

    /// A relation (or type: it shares pg_type with the row types of relations): unique among
    /// the relations of its schema.
    fn relation(&mut self, kind: &'static str, name: &'a QualifiedName, span: Option<Span>) {
        self.push(Name {
            kind,
            ident: &name.name,
            owner: String::new(),
            namespaces: vec![format!("relation {}", name.schema)],
            span,
            object: name.to_string(),
        });
    }

    /// A name unique among the names of one kind (`namespace`) of one object (`of`): a
    /// column of a table, a policy on a table…
    fn member(
        &mut self,
        kind: &'static str,
        ident: &'a str,
        owner: String,
        namespace: &str,
        of: &QualifiedName,
        span: Option<Span>,
    ) {
        self.push(Name {
            kind,
            ident,
            owner,
            namespaces: vec![format!("{namespace} {of}")],
            span,
            object: of.to_string(),
        });
    }

    /// A table, its columns and its constraints.
    fn table(&mut self, t: &'a Table) {
        self.relation("table", &t.name, t.meta.span);
        for col in &t.columns {
            let owner = format!(" of table {}", t.name);
            self.member("column", &col.name, owner, "column", &t.name, col.span);
        }
        for con in t.constraints.values() {
            let owner = format!(" on table {}", t.name);
            self.member(
                "constraint",
                &con.name,
                owner,
                "constraint",
                &t.name,
                con.span,
            );
            if matches!(
                con.kind,
                ConstraintKind::PrimaryKey { .. }
                    | ConstraintKind::Unique { .. }
                    | ConstraintKind::Exclude { .. }
            ) {
                // Backed by an index of the constraint's name.
                if let Some(last) = self.0.last_mut() {
                    last.namespaces.push(format!("relation {}", t.name.schema));
                }
            }
        }
    }

    /// A type and the names inside it (a composite type's attributes, a domain's CHECKs).
    fn user_type(&mut self, t: &'a TypeDef) {
        // A type shares pg_type with the row types of relations.
        self.relation("type", &t.name, t.meta.span);
        match &t.kind {
            TypeKind::Composite { attributes } => {
                for (attr, _) in attributes {
                    let owner = format!(" of type {}", t.name);
                    self.member("attribute", attr, owner, "column", &t.name, t.meta.span);
                }
            }
            TypeKind::Domain { checks, .. } => {
                for (check, _) in checks {
                    let owner = format!(" on domain {}", t.name);
                    self.member(
                        "constraint",
                        check,
                        owner,
                        "constraint",
                        &t.name,
                        t.meta.span,
                    );
                }
            }
            TypeKind::Enum { .. } | TypeKind::Range { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_ok, lint_ok_with, lint_one_rule};

    const RULE: &str = "identifier-too-long";

    fn long(prefix: &str, tail: &str) -> String {
        format!("{prefix}{}{tail}", "x".repeat(64 - prefix.len()))
    }

    #[test]
    fn long_constraint_name_err() {
        let name = long("t_a_b_", "_unique");
        let found = lint_one_rule(
            &format!("create table t (a int, b int, constraint {name} unique (a, b));"),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            format!(
                "constraint name {name} on table public.t is 71 bytes, over PostgreSQL's limit \
                 of 63: it is silently truncated to {}",
                &name[..63]
            )
        );
        assert_eq!(found[0].objects, ["public.t"]);
    }

    #[test]
    fn every_object_kind_err() {
        let n = |p: &str| long(p, "");
        let sql = format!(
            "create schema {s};\n\
             create table {t} ({c} int);\n\
             create index {i} on {t} ({c});\n\
             create view {v} ({vc}) as select 1;\n\
             create materialized view {m} as select 1 as a;\n\
             create function {f}() returns int language sql as 'select 1';\n\
             create sequence {q};\n\
             create type {ty} as enum ('a');\n\
             create policy {p} on {t} using (true);\n\
             create trigger {tr} after insert on {t} for each row execute function {f}();",
            s = n("s"),
            t = n("t"),
            c = n("c"),
            i = n("i"),
            v = n("v"),
            vc = n("vc"),
            m = n("m"),
            f = n("f"),
            q = n("q"),
            ty = n("ty"),
            p = n("p"),
            tr = n("tr"),
        );
        let kinds: Vec<String> = lint_one_rule(&sql, RULE)
            .into_iter()
            .map(|d| d.message.split(" name ").next().unwrap().to_owned())
            .collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "column",
                "column",
                "function",
                "index",
                "materialized view",
                "policy",
                "schema",
                "sequence",
                "table",
                "trigger",
                "type",
                "view"
            ],
            "{kinds:?}"
        );
    }

    #[test]
    fn names_equal_after_truncation_collide_err() {
        let a = format!("{}_first", "x".repeat(63));
        let b = format!("{}_second", "x".repeat(63));
        let found = lint_one_rule(
            &format!(
                "create table t (id int);\ncreate index {a} on t (id);\ncreate index {b} on t (id);"
            ),
            RULE,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].labels.is_empty());
        assert_eq!(
            found[1].message,
            format!(
                "index name {b} is 70 bytes, over PostgreSQL's limit of 63: it is silently \
                 truncated to {x}, which is also the name of index {x}, so one of the two \
                 cannot be created",
                x = "x".repeat(63)
            )
        );
        assert_eq!(found[1].labels.len(), 1);
        assert_eq!(
            found[1].labels[0].message,
            format!("index {a} is truncated to the same name")
        );
    }

    #[test]
    fn references_to_a_long_name_are_not_reported_again() {
        let t = "t".repeat(70);
        let found = lint_one_rule(
            &format!(
                "create table {t} (id int primary key);\n\
                 create table c (p int references {t});\n\
                 create index on {t} (id);"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .message
                .starts_with(&format!("table name {t} is 70 bytes"))
        );
    }

    #[test]
    fn long_name_colliding_with_a_short_one_across_kinds_err() {
        let short = "y".repeat(63);
        let found = lint_one_rule(
            &format!(
                "create table {short} (id int);\n\
                 create table t (id int, constraint {short}_pkey primary key (id));"
            ),
            RULE,
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("also the name of table"),
            "{found:#?}"
        );
        assert!(found[0].labels[0].message.ends_with("has that name"));
    }

    #[test]
    fn multibyte_names_count_bytes() {
        // 32 two-byte characters: 64 bytes, truncated on a character boundary to 62.
        let name = "é".repeat(32);
        let found = lint_one_rule(&format!("create table \"{name}\" (id int);"), RULE);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .ends_with(&format!("truncated to \"{}\"", "é".repeat(31))),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn exactly_63_bytes_ok() {
        lint_ok(&format!("create table {} (id int);", "z".repeat(63)), RULE);
    }

    #[test]
    fn external_tables_are_not_the_projects_ok() {
        lint_ok_with(
            "create table t (id int);",
            &[(
                "event-service",
                &format!("create table {} (id int);", "e".repeat(70)),
            )],
            RULE,
        );
    }
}
