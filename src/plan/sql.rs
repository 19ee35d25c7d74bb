//! SQL for the changes `crate::ddl` does not render: drops, `ALTER …`, renames, comments and
//! grants. Every identifier goes through [`quote_ident`], every literal through
//! [`quote_literal`]; expressions and type names are printed as the catalog stores them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::names::{quote_ident, quote_literal};
use crate::catalog::{Catalog, Grant, Index, QualifiedName, Sequence};
use crate::ddl::{self, qualified};
use crate::diff::{AttributeChange, Change, DomainChange, EnumPosition, ObjectRef, RenameKind};

/// One statement of a step, and whether it may run inside the apply transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The SQL, terminated by `;`.
    pub sql: String,
    /// `false` for `CREATE|DROP INDEX CONCURRENTLY`.
    pub transactional: bool,
}

/// Whether `ty` (as written or printed: `mood`, `public.mood`, `"S".mood`) names an enum of
/// `catalog`; a bare name is looked up in `public`.
fn is_enum(catalog: &Catalog, ty: &str) -> bool {
    let (schema, name) = ty.rsplit_once('.').unwrap_or(("public", ty));
    let name = QualifiedName::new(schema.trim_matches('"'), name.trim_matches('"'));
    catalog
        .types
        .get(&name)
        .is_some_and(|t| matches!(t.kind, crate::catalog::TypeKind::Enum { .. }))
}

fn tx(sql: impl Into<String>) -> Statement {
    let mut sql = sql.into();
    while sql.ends_with('\n') {
        sql.pop();
    }
    if !sql.ends_with(';') {
        sql.push(';');
    }
    Statement {
        sql,
        transactional: true,
    }
}

fn non_tx(sql: String) -> Statement {
    Statement {
        transactional: false,
        ..tx(sql)
    }
}

fn role(name: &str) -> String {
    match name {
        "PUBLIC" | "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER" => name.to_owned(),
        other => quote_ident(other),
    }
}

fn alter_table(t: &QualifiedName) -> String {
    format!("ALTER TABLE {}", qualified(t))
}

/// `(keyword, quoted name)` of an object as `COMMENT ON` writes it.
fn target(o: &ObjectRef, current: &Catalog, desired: &Catalog) -> (&'static str, String) {
    match o {
        ObjectRef::Schema(s) => ("SCHEMA", quote_ident(s)),
        ObjectRef::Extension(e) => ("EXTENSION", quote_ident(e)),
        ObjectRef::Table(t) => ("TABLE", qualified(t)),
        ObjectRef::Column(t, c) => ("COLUMN", format!("{}.{}", qualified(t), quote_ident(c))),
        ObjectRef::Constraint(t, c) => (
            "CONSTRAINT",
            format!("{} ON {}", quote_ident(c), qualified(t)),
        ),
        ObjectRef::View(v) => ("VIEW", qualified(v)),
        ObjectRef::MaterializedView(v) => ("MATERIALIZED VIEW", qualified(v)),
        ObjectRef::Index(i) => ("INDEX", qualified(i)),
        ObjectRef::Function {
            name,
            args,
            procedure,
        } => (
            if *procedure { "PROCEDURE" } else { "FUNCTION" },
            format!("{}({args})", qualified(name)),
        ),
        ObjectRef::Trigger(t, n) => ("TRIGGER", format!("{} ON {}", quote_ident(n), qualified(t))),
        ObjectRef::Policy(t, n) => ("POLICY", format!("{} ON {}", quote_ident(n), qualified(t))),
        ObjectRef::Sequence(s) => ("SEQUENCE", qualified(s)),
        ObjectRef::Type(t) => {
            let domain = |c: &Catalog| {
                c.types
                    .get(t)
                    .is_some_and(|d| matches!(d.kind, crate::catalog::TypeKind::Domain { .. }))
            };
            (
                if domain(desired) || domain(current) {
                    "DOMAIN"
                } else {
                    "TYPE"
                },
                qualified(t),
            )
        }
        ObjectRef::Other(kind, name) => ("", format!("{kind} {name}")),
    }
}

fn grant_sql(
    revoke: bool,
    o: &ObjectRef,
    g: &Grant,
    current: &Catalog,
    desired: &Catalog,
) -> String {
    let (keyword, name) = target(o, current, desired);
    let on = match keyword {
        "VIEW" | "MATERIALIZED VIEW" | "TABLE" => "TABLE",
        other => other,
    };
    let column = g
        .column
        .as_ref()
        .map(|c| format!(" ({})", quote_ident(c)))
        .unwrap_or_default();
    if revoke {
        format!(
            "REVOKE {}{column} ON {on} {name} FROM {};",
            g.privilege,
            role(&g.grantee)
        )
    } else {
        let option = if g.with_grant_option {
            " WITH GRANT OPTION"
        } else {
            ""
        };
        format!(
            "GRANT {}{column} ON {on} {name} TO {}{option};",
            g.privilege,
            role(&g.grantee)
        )
    }
}

fn drop_index(i: &Index, concurrently: bool) -> Statement {
    if concurrently {
        non_tx(format!("DROP INDEX CONCURRENTLY {};", qualified(&i.name)))
    } else {
        tx(format!("DROP INDEX {};", qualified(&i.name)))
    }
}

/// `ALTER INDEX from RENAME TO to` (same schema).
fn rename_index(from: &QualifiedName, to: &QualifiedName) -> Statement {
    tx(format!(
        "ALTER INDEX {} RENAME TO {};",
        qualified(from),
        quote_ident(&to.name)
    ))
}

/// `<target> SET (k = 'v', …)` and `<target> RESET (k, …)` for storage parameters and view
/// options, each only when it has something to do.
fn set_and_reset(target: &str, set: &BTreeMap<String, String>, reset: &[String]) -> Vec<Statement> {
    let mut out = Vec::new();
    if !set.is_empty() {
        let items: Vec<String> = set
            .iter()
            .map(|(k, v)| format!("{} = {}", quote_ident(k), quote_literal(v)))
            .collect();
        out.push(tx(format!("{target} SET ({});", items.join(", "))));
    }
    if !reset.is_empty() {
        let items: Vec<String> = reset.iter().map(|k| quote_ident(k)).collect();
        out.push(tx(format!("{target} RESET ({});", items.join(", "))));
    }
    out
}

/// `CREATE INDEX`, `CONCURRENTLY` when asked.
pub fn create_index(i: &Index, concurrently: bool) -> Statement {
    let sql = ddl::index(i);
    if concurrently {
        let sql = sql
            .replacen(
                "CREATE UNIQUE INDEX ",
                "CREATE UNIQUE INDEX CONCURRENTLY ",
                1,
            )
            .replacen("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1);
        non_tx(sql)
    } else {
        tx(sql)
    }
}

fn sequence_options(from: &Sequence, to: &Sequence) -> String {
    let mut out = String::new();
    if from.data_type != to.data_type {
        let _ = write!(out, " AS {}", to.data_type);
    }
    if from.increment != to.increment {
        let _ = write!(out, " INCREMENT BY {}", to.increment);
    }
    if from.min_value != to.min_value {
        match to.min_value {
            Some(v) => {
                let _ = write!(out, " MINVALUE {v}");
            }
            None => out.push_str(" NO MINVALUE"),
        }
    }
    if from.max_value != to.max_value {
        match to.max_value {
            Some(v) => {
                let _ = write!(out, " MAXVALUE {v}");
            }
            None => out.push_str(" NO MAXVALUE"),
        }
    }
    if from.start != to.start {
        if let Some(v) = to.start {
            let _ = write!(out, " START WITH {v}");
        }
    }
    if from.cache != to.cache {
        let _ = write!(out, " CACHE {}", to.cache);
    }
    if from.cycle != to.cycle {
        out.push_str(if to.cycle { " CYCLE" } else { " NO CYCLE" });
    }
    out
}

/// The statements of one change. `concurrent` says whether index builds and drops on this
/// change's table run `CONCURRENTLY` (the table exists and keeps existing).
pub fn render(
    change: &Change,
    current: &Catalog,
    desired: &Catalog,
    concurrent: bool,
) -> Vec<Statement> {
    match change {
        Change::CreateSchema(s) => vec![tx(format!("CREATE SCHEMA {};", quote_ident(s)))],
        Change::DropSchema(s) => vec![tx(format!("DROP SCHEMA {};", quote_ident(s)))],
        Change::CreateExtension {
            name,
            schema,
            version,
        } => {
            let mut sql = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name));
            if let Some(s) = schema {
                let _ = write!(sql, " WITH SCHEMA {}", quote_ident(s));
            }
            if let Some(v) = version {
                let _ = write!(sql, " VERSION {}", quote_literal(v));
            }
            vec![tx(sql)]
        }
        Change::DropExtension(e) => vec![tx(format!("DROP EXTENSION {};", quote_ident(e)))],
        Change::AlterExtension {
            name,
            version,
            schema,
        } => {
            let mut out = Vec::new();
            if let Some(v) = version {
                out.push(tx(format!(
                    "ALTER EXTENSION {} UPDATE TO {};",
                    quote_ident(name),
                    quote_literal(v)
                )));
            }
            if let Some(s) = schema {
                out.push(tx(format!(
                    "ALTER EXTENSION {} SET SCHEMA {};",
                    quote_ident(name),
                    quote_ident(s)
                )));
            }
            out
        }
        Change::Rename { kind, from, to } => {
            let keyword = match kind {
                RenameKind::Table => "TABLE",
                RenameKind::View => "VIEW",
                RenameKind::MaterializedView => "MATERIALIZED VIEW",
                RenameKind::Index => "INDEX",
            };
            let mut out = Vec::new();
            if from.schema != to.schema {
                out.push(tx(format!(
                    "ALTER {keyword} {} SET SCHEMA {};",
                    qualified(from),
                    quote_ident(&to.schema)
                )));
            }
            if from.name != to.name {
                let moved = QualifiedName::new(&to.schema, &from.name);
                out.push(tx(format!(
                    "ALTER {keyword} {} RENAME TO {};",
                    qualified(&moved),
                    quote_ident(&to.name)
                )));
            }
            out
        }
        Change::RenameColumn { table, from, to } => vec![tx(format!(
            "{} RENAME COLUMN {} TO {};",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Change::RenameConstraint { table, from, to } => vec![tx(format!(
            "{} RENAME CONSTRAINT {} TO {};",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Change::CreateTable(t) => vec![tx(ddl::create_table(t, false))],
        Change::DropTable(t) => vec![tx(format!("DROP TABLE {};", qualified(t)))],
        Change::AttachPartition {
            parent,
            child,
            bound,
        } => vec![tx(super::partition::attach_sql(parent, child, bound))],
        Change::DetachPartition { parent, child } => {
            vec![tx(super::partition::detach_sql(parent, child))]
        }
        Change::AddColumn { table, column } => vec![tx(format!(
            "{} ADD COLUMN {};",
            alter_table(table),
            ddl::column(column)
        ))],
        Change::DropColumn { table, column } => vec![tx(format!(
            "{} DROP COLUMN {};",
            alter_table(table),
            quote_ident(column)
        ))],
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            collation,
        } => {
            let coll = collation
                .as_ref()
                .map(|c| format!(" COLLATE {}", quote_ident(c)))
                .unwrap_or_default();
            // An explicit cast: PostgreSQL's implicit conversion refuses most type changes
            // (text to integer, text to an enum) that an explicit cast performs. Not when only
            // a length or precision changes: an explicit cast to a shorter `varchar` truncates
            // silently where the implicit one fails.
            let base = |t: &str| {
                t.split('(').next().unwrap_or(t).trim().to_owned()
                    + &"[]".repeat(t.matches("[]").count())
            };
            let retyped = base(from) != base(to);
            // PostgreSQL has no cast from one enum to another: through text.
            let using = if !retyped {
                String::new()
            } else if is_enum(current, from) {
                format!(" USING {}::text::{to}", quote_ident(column))
            } else {
                format!(" USING {}::{to}", quote_ident(column))
            };
            let col = format!(
                "{} ALTER COLUMN {}",
                alter_table(table),
                quote_ident(column)
            );
            // A default of the old type is not converted with the column: dropped before and
            // set again after.
            let old_default = current
                .tables
                .get(table)
                .and_then(|t| t.column(column))
                .is_some_and(|c| c.default.is_some());
            let new_default = desired
                .tables
                .get(table)
                .and_then(|t| t.column(column))
                .and_then(|c| c.default.as_ref());
            let mut out = Vec::new();
            if retyped && old_default {
                out.push(tx(format!("{col} DROP DEFAULT;")));
            }
            out.push(tx(format!("{col} TYPE {to}{coll}{using};")));
            if let (true, true, Some(d)) = (retyped, old_default, new_default) {
                // A default settled against the old column may carry the old type's cast
                // (`'a'::text`): the literal alone is assigned to the new type.
                let sql = crate::catalog::normalize::strip_literal_casts(d.sql());
                out.push(tx(format!("{col} SET DEFAULT {sql};")));
            }
            out
        }
        Change::SetDefault {
            table,
            column,
            default,
        } => vec![tx(match default {
            Some(d) => format!(
                "{} ALTER COLUMN {} SET DEFAULT {};",
                alter_table(table),
                quote_ident(column),
                d.sql()
            ),
            None => format!(
                "{} ALTER COLUMN {} DROP DEFAULT;",
                alter_table(table),
                quote_ident(column)
            ),
        })],
        Change::SetNotNull {
            table,
            column,
            not_null,
        } => {
            let col = quote_ident(column);
            if !*not_null {
                return vec![tx(format!(
                    "{} ALTER COLUMN {col} DROP NOT NULL;",
                    alter_table(table)
                ))];
            }
            // Online: a NOT VALID check, validated without blocking writes, lets SET NOT NULL
            // skip its own full scan; the helper check is dropped afterwards.
            let check = quote_ident(&format!("{}_not_null_tmp", column));
            vec![
                tx(format!(
                    "{} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;",
                    alter_table(table)
                )),
                tx(format!(
                    "{} VALIDATE CONSTRAINT {check};",
                    alter_table(table)
                )),
                tx(format!(
                    "{} ALTER COLUMN {col} SET NOT NULL;",
                    alter_table(table)
                )),
                tx(format!("{} DROP CONSTRAINT {check};", alter_table(table))),
            ]
        }
        Change::SetIdentity {
            table,
            column,
            from,
            to,
        } => {
            let base = format!(
                "{} ALTER COLUMN {}",
                alter_table(table),
                quote_ident(column)
            );
            let when = |always: bool| if always { "ALWAYS" } else { "BY DEFAULT" };
            let column_type = desired
                .tables
                .get(table)
                .and_then(|t| t.column(column))
                .map_or("", |c| c.ty.as_str());
            vec![tx(match (from, to) {
                (_, None) => format!("{base} DROP IDENTITY;"),
                (None, Some(id)) => {
                    let opts: Vec<String> = id
                        .options
                        .iter()
                        .map(|(n, v)| ddl::identity_option(n, v))
                        .collect();
                    let opts = if opts.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", opts.join(" "))
                    };
                    format!(
                        "{base} ADD GENERATED {} AS IDENTITY{opts};",
                        when(id.always)
                    )
                }
                (Some(old), Some(id)) => {
                    let mut sql = base;
                    if old.always != id.always {
                        let _ = write!(sql, " SET GENERATED {}", when(id.always));
                    }
                    for (n, v) in crate::diff::identity_changes(old, id, column_type) {
                        let _ = write!(sql, " SET {}", ddl::identity_option(&n, &v));
                    }
                    sql.push(';');
                    sql
                }
            })]
        }
        Change::SetGenerated {
            table,
            column,
            expr,
        } => {
            let base = format!(
                "{} ALTER COLUMN {}",
                alter_table(table),
                quote_ident(column)
            );
            vec![tx(match expr {
                Some(e) => format!("{base} SET EXPRESSION AS ({});", e.sql()),
                None => format!("{base} DROP EXPRESSION;"),
            })]
        }
        Change::SetLogged { table, logged } => vec![tx(format!(
            "{} SET {};",
            alter_table(table),
            if *logged { "LOGGED" } else { "UNLOGGED" }
        ))],
        Change::SetTableOptions { table, set, reset } => {
            set_and_reset(&alter_table(table), set, reset)
        }
        Change::SetRowSecurity { table, enabled } => vec![tx(format!(
            "{} {} ROW LEVEL SECURITY;",
            alter_table(table),
            if *enabled { "ENABLE" } else { "DISABLE" }
        ))],
        Change::ForceRowSecurity { table, forced } => vec![tx(format!(
            "{} {} ROW LEVEL SECURITY;",
            alter_table(table),
            if *forced { "FORCE" } else { "NO FORCE" }
        ))],
        Change::AddConstraint { table, constraint } => {
            vec![tx(ddl::add_constraint(table, constraint))]
        }
        Change::DropConstraint { table, name } => vec![tx(format!(
            "{} DROP CONSTRAINT {};",
            alter_table(table),
            quote_ident(name)
        ))],
        Change::RenameIndex { from, to } => vec![rename_index(from, to)],
        Change::ValidateConstraint { table, name } => vec![tx(format!(
            "{} VALIDATE CONSTRAINT {};",
            alter_table(table),
            quote_ident(name)
        ))],
        Change::CreateIndex(i) => vec![create_index(i, concurrent)],
        Change::DropIndex(i) => vec![drop_index(i, concurrent)],
        Change::ReplaceIndex { from, to } => {
            let mut tmp = (**to).clone();
            tmp.name.name = format!("{}_new", to.name.name);
            vec![
                create_index(&tmp, concurrent),
                drop_index(from, concurrent),
                rename_index(&tmp.name, &to.name),
            ]
        }
        Change::CreateView(v) => vec![tx(ddl::view(v))],
        Change::DropView { name, materialized } => vec![tx(format!(
            "DROP {}VIEW {};",
            if *materialized { "MATERIALIZED " } else { "" },
            qualified(name)
        ))],
        Change::ReplaceView { view, .. } => {
            vec![tx(ddl::view(view).replacen(
                "CREATE VIEW",
                "CREATE OR REPLACE VIEW",
                1,
            ))]
        }
        Change::ReplaceMaterializedView(v) => vec![
            tx(format!("DROP MATERIALIZED VIEW {};", qualified(&v.name))),
            tx(ddl::view(v)),
        ],
        Change::SetViewOptions {
            name,
            materialized,
            set,
            reset,
        } => {
            let kw = if *materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            set_and_reset(&format!("ALTER {kw} {}", qualified(name)), set, reset)
        }
        Change::CreateFunction(f) => vec![tx(ddl::function(f))],
        Change::ReplaceFunction(f) => vec![tx(ddl::function(f).replacen(
            "CREATE ",
            "CREATE OR REPLACE ",
            1,
        ))],
        Change::DropFunction(o) => {
            let (kw, name) = target(o, current, desired);
            vec![tx(format!("DROP {kw} {name};"))]
        }
        Change::CreateTrigger(t) => vec![tx(ddl::trigger(t))],
        Change::DropTrigger { table, name } => vec![tx(format!(
            "DROP TRIGGER {} ON {};",
            quote_ident(name),
            qualified(table)
        ))],
        Change::CreatePolicy(p) => vec![tx(ddl::policy(p))],
        Change::DropPolicy { table, name } => vec![tx(format!(
            "DROP POLICY {} ON {};",
            quote_ident(name),
            qualified(table)
        ))],
        Change::AlterPolicy {
            table,
            name,
            roles,
            using,
            with_check,
        } => {
            let mut sql = format!("ALTER POLICY {} ON {}", quote_ident(name), qualified(table));
            if let Some(r) = roles {
                let r: Vec<String> = r.iter().map(|x| role(x)).collect();
                let _ = write!(sql, " TO {}", r.join(", "));
            }
            if let Some(u) = using {
                let _ = write!(sql, " USING ({})", u.sql());
            }
            if let Some(c) = with_check {
                let _ = write!(sql, " WITH CHECK ({})", c.sql());
            }
            vec![tx(sql)]
        }
        Change::ReplacePolicy { from, to } => {
            vec![
                tx(format!(
                    "DROP POLICY {} ON {};",
                    quote_ident(&from.name),
                    qualified(&from.table)
                )),
                tx(ddl::policy(to)),
            ]
        }
        Change::CreateSequence(s) => vec![tx(ddl::sequence(s))],
        Change::DropSequence(s) => vec![tx(format!("DROP SEQUENCE {};", qualified(s)))],
        Change::AlterSequence { from, to } => {
            let opts = sequence_options(from, to);
            let mut out = Vec::new();
            if !opts.is_empty() {
                out.push(tx(format!("ALTER SEQUENCE {}{opts};", qualified(&to.name))));
            }
            if from.owned_by != to.owned_by {
                let owned = ddl::sequence_owned_by(to);
                out.push(tx(if owned.is_empty() {
                    format!("ALTER SEQUENCE {} OWNED BY NONE;", qualified(&to.name))
                } else {
                    owned
                }));
            }
            out
        }
        Change::CreateType(t) => vec![tx(ddl::type_def(t))],
        Change::DropType(t) => {
            let (kw, name) = target(&ObjectRef::Type(t.clone()), current, desired);
            vec![tx(format!("DROP {kw} {name};"))]
        }
        Change::AddEnumValue {
            name,
            value,
            position,
        } => {
            let pos = match position {
                EnumPosition::End => String::new(),
                EnumPosition::Before(l) => format!(" BEFORE {}", quote_literal(l)),
                EnumPosition::After(l) => format!(" AFTER {}", quote_literal(l)),
            };
            // Before the transaction (a label added in a transaction cannot be used in it),
            // made idempotent for an apply run again.
            vec![non_tx(format!(
                "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{pos};",
                qualified(name),
                quote_literal(value)
            ))]
        }
        Change::RenameEnumValue { name, from, to } => vec![tx(format!(
            "ALTER TYPE {} RENAME VALUE {} TO {};",
            qualified(name),
            quote_literal(from),
            quote_literal(to)
        ))],
        Change::AlterDomain { name, change } => {
            let base = format!("ALTER DOMAIN {}", qualified(name));
            vec![tx(match change {
                DomainChange::SetDefault(Some(e)) => format!("{base} SET DEFAULT {};", e.sql()),
                DomainChange::SetDefault(None) => format!("{base} DROP DEFAULT;"),
                DomainChange::SetNotNull(true) => format!("{base} SET NOT NULL;"),
                DomainChange::SetNotNull(false) => format!("{base} DROP NOT NULL;"),
                DomainChange::AddCheck(n, e) => {
                    format!(
                        "{base} ADD CONSTRAINT {} CHECK ({});",
                        quote_ident(n),
                        e.sql()
                    )
                }
                DomainChange::DropCheck(n) => {
                    format!("{base} DROP CONSTRAINT {};", quote_ident(n))
                }
            })]
        }
        Change::AlterCompositeType { name, change } => {
            let base = format!("ALTER TYPE {}", qualified(name));
            vec![tx(match change {
                AttributeChange::Add(a, t) => {
                    format!("{base} ADD ATTRIBUTE {} {t};", quote_ident(a))
                }
                AttributeChange::Drop(a) => format!("{base} DROP ATTRIBUTE {};", quote_ident(a)),
                AttributeChange::AlterType(a, t) => {
                    format!("{base} ALTER ATTRIBUTE {} TYPE {t};", quote_ident(a))
                }
            })]
        }
        Change::Comment { target: o, comment } => {
            let (kw, name) = target(o, current, desired);
            let text = comment
                .as_deref()
                .map_or_else(|| "NULL".to_owned(), quote_literal);
            vec![tx(format!("COMMENT ON {kw} {name} IS {text};"))]
        }
        Change::Grant { target: o, grant } => {
            vec![tx(grant_sql(false, o, grant, current, desired))]
        }
        Change::Revoke { target: o, grant } => {
            vec![tx(grant_sql(true, o, grant, current, desired))]
        }
        Change::SetOwner { target: o, owner } => {
            let (kw, name) = target(o, current, desired);
            let kw = if kw == "POLICY" || kw == "TRIGGER" {
                return Vec::new();
            } else {
                kw
            };
            vec![tx(format!("ALTER {kw} {name} OWNER TO {};", role(owner)))]
        }
        Change::Unsupported { .. } => Vec::new(),
    }
}
