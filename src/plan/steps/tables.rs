//! Tables and their columns: [`Change::CreateTable`], [`Change::DropTable`],
//! [`Change::AddColumn`], [`Change::DropColumn`], [`Change::AlterColumnType`],
//! [`Change::SetDefault`], [`Change::SetNotNull`], [`Change::SetIdentity`],
//! [`Change::SetGenerated`], [`Change::SetLogged`], [`Change::SetTableOptions`].
//! What PostgreSQL drops or attaches by itself with a table is `plan/tables.rs`'s job.

use std::fmt::{self, Write as _};

use crate::catalog::coercion::binary_coercible;
use crate::catalog::names::quote_ident;
use crate::catalog::{Catalog, Expr, Identity, QualifiedName};
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::{Explainer, list};
use crate::plan::hazard::{Hazard, HazardKind, needs_backfill};
use crate::plan::sql::Statement;

use super::shared::{
    alter_table, expr_or_none, foreign, lock, rebuilds, rebuilt_dependents, set_and_reset, tx,
};
use super::{Family, HazardInput, SqlInput};

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

/// `CREATE|DROP TABLE`, `ALTER TABLE … ADD|DROP|ALTER COLUMN …`, `SET LOGGED`, `SET (…)`.
pub(super) fn sql(change: &Change, input: &SqlInput<'_>) -> Vec<Statement> {
    let SqlInput {
        current, desired, ..
    } = *input;
    match change {
        Change::CreateTable(t) => vec![tx(ddl::create_table(t, false))],
        Change::DropTable(t) => vec![tx(format!("DROP TABLE {};", qualified(t)))],
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
        } => alter_column_type(
            current,
            desired,
            table,
            column,
            (from, to),
            collation.as_deref(),
        ),
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
        } => set_not_null(table, column, *not_null),
        Change::SetIdentity {
            table,
            column,
            from,
            to,
        } => vec![set_identity(
            desired,
            table,
            column,
            from.as_ref(),
            to.as_ref(),
        )],
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
        other => foreign(other, Family::Tables, Vec::new()),
    }
}

/// `ALTER COLUMN … TYPE to [COLLATE …] [USING …]` (`types`: from, to), with the column's
/// default dropped before and set again after when the type really changes.
fn alter_column_type(
    current: &Catalog,
    desired: &Catalog,
    table: &QualifiedName,
    column: &str,
    (from, to): (&str, &str),
    collation: Option<&str>,
) -> Vec<Statement> {
    let coll = collation
        .map(|c| format!(" COLLATE {}", quote_ident(c)))
        .unwrap_or_default();
    // An explicit cast: PostgreSQL's implicit conversion refuses most type changes
    // (text to integer, text to an enum) that an explicit cast performs. Not when only
    // a length or precision changes: an explicit cast to a shorter `varchar` truncates
    // silently where the implicit one fails.
    let base = |t: &str| {
        t.split('(').next().unwrap_or(t).trim().to_owned() + &"[]".repeat(t.matches("[]").count())
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

/// `DROP NOT NULL`, or NOT NULL enforced online.
fn set_not_null(table: &QualifiedName, column: &str, not_null: bool) -> Vec<Statement> {
    let col = quote_ident(column);
    if !not_null {
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

/// `ALTER COLUMN … ADD GENERATED … AS IDENTITY`, `SET …` or `DROP IDENTITY`.
fn set_identity(
    desired: &Catalog,
    table: &QualifiedName,
    column: &str,
    from: Option<&Identity>,
    to: Option<&Identity>,
) -> Statement {
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
    tx(match (from, to) {
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
    })
}

/// Functions whose use in a new column's default makes PostgreSQL rewrite the table (a
/// volatile default is evaluated per row; a stable or immutable one is stored once).
const VOLATILE_DEFAULTS: &[&str] = &[
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v4(",
    "uuidv4(",
    "uuidv7(",
    "random(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
];

fn is_volatile(e: &Expr) -> bool {
    let sql = e.sql();
    VOLATILE_DEFAULTS.iter().any(|f| sql.contains(f))
}

/// Data lost, rewrites, locks, scans and rebuilt views of table and column changes. `rows`
/// decides [`HazardKind::NeedsBackfill`]: without row counts a NOT NULL column without a
/// default is assumed to meet rows (the table exists, so it may have some).
pub(super) fn hazards(change: &Change, input: &HazardInput<'_>) -> Vec<Hazard> {
    let HazardInput {
        current,
        graph,
        rows,
    } = *input;
    use HazardKind as H;
    let mut out = Vec::new();
    match change {
        Change::DropTable(t) => out.push(Hazard::new(
            H::DataLoss,
            crate::plan::partition::loss_message(current, t, None),
        )),
        Change::DropColumn { table, column } => {
            out.push(Hazard::new(
                H::DataLoss,
                format!("the values of column {table}.{column} are deleted"),
            ));
            let deps = rebuilt_dependents(graph, graph.column(table, column));
            out.extend(rebuilds(&format!("dropping {table}.{column}"), &deps));
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            ..
        } => {
            if binary_coercible(from, to) {
                out.push(lock(
                    table,
                    &format!("briefly, to change {column} from {from} to {to} (binary coercible: no rewrite)"),
                ));
            } else {
                out.push(Hazard::new(
                    H::TableRewrite,
                    format!("table {table} is rewritten to convert {column} from {from} to {to}, and its indexes are rebuilt"),
                ));
                out.push(lock(table, "for the whole rewrite"));
            }
            let deps = rebuilt_dependents(graph, graph.column(table, column));
            out.extend(rebuilds(
                &format!("PostgreSQL cannot change the type of {table}.{column} while views use it"),
                &deps,
            ));
        }
        Change::SetNotNull {
            table,
            column,
            not_null: true,
        } => out.push(Hazard::new(
            H::ValidationScan,
            format!("every row of {table} is scanned for NULLs in {column} (CHECK … NOT VALID, VALIDATE, SET NOT NULL, drop the CHECK); these run in the apply transaction, which keeps the ACCESS EXCLUSIVE lock of ADD CONSTRAINT until it commits, so reads and writes of {table} wait for the scan; fails cleanly, changing nothing, if NULLs remain"),
        )),
        Change::AddColumn { table, column } => {
            let existing = current.tables.contains_key(table);
            if existing && crate::plan::backfill::needs_value(column) {
                out.extend(needs_backfill(table, &column.name, rows));
            }
            let rewrite = column.default.as_ref().is_some_and(is_volatile)
                || column.generated.is_some()
                || column.identity.is_some();
            if existing && rewrite {
                out.push(Hazard::new(
                    H::TableRewrite,
                    format!("table {table} is rewritten to fill the new column {} (volatile default, identity or stored generated value)", column.name),
                ));
                out.push(lock(table, "for the whole rewrite"));
            }
        }
        Change::SetGenerated {
            table,
            column,
            expr: Some(_),
        } => {
            out.push(Hazard::new(
                H::TableRewrite,
                format!("table {table} is rewritten to recompute {column}"),
            ));
            out.push(lock(table, "for the whole rewrite"));
        }
        Change::SetLogged { table, logged } => {
            let what = if *logged { "LOGGED" } else { "UNLOGGED" };
            out.push(Hazard::new(
                H::TableRewrite,
                format!("table {table} is rewritten to become {what}"),
            ));
            out.push(lock(table, "for the whole rewrite"));
        }
        Change::CreateTable(_)
        | Change::SetDefault { .. }
        | Change::SetNotNull { .. }
        | Change::SetIdentity { .. }
        | Change::SetGenerated { .. }
        | Change::SetTableOptions { .. } => {}
        other => return foreign(other, Family::Tables, Vec::new()),
    }
    out
}

/// Tables come after types and sequences and before what uses them; drops come after what
/// uses them.
pub(super) fn reason(e: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropColumn { table, column } => {
            let views = e.rebuilt_over_column(table, column);
            if views.is_empty() {
                "dropped after the views, indexes and constraints that use it".to_owned()
            } else {
                format!(
                    "dropped after {}, which read it (they are recreated without it)",
                    list(&views)
                )
            }
        }
        Change::DropTable(t) => {
            let readers = e.planned(crate::plan::explain::view_readers(e.current_graph, t));
            let mut why = if readers.is_empty() {
                "dropped after the views, functions, foreign keys and indexes that use it, and the tables that reference it"
                    .to_owned()
            } else {
                format!("dropped after {}, which read it", list(&readers))
            };
            if e.current.tables.values().any(|p| {
                p.partition_of.as_ref().is_some_and(|(parent, _)| parent == t)
            }) {
                why.push_str("; its partitions go with it");
            }
            why
        }
        Change::CreateTable(t) => {
            let mut why = "created before the views, indexes and policies on it; its foreign keys are added once every table exists".to_owned();
            if let Some(cycle) = e.cycle_through(&t.name) {
                why.push_str(&format!(" (it is part of the foreign-key cycle {cycle})"));
            }
            if let Some((parent, _)) = &t.partition_of {
                why.push_str(&format!("; after {parent}, of which it is a partition"));
            }
            why
        }
        Change::AlterColumnType { table, column, .. } => {
            let views = e.rebuilt_over_column(table, column);
            if views.is_empty() {
                "table alterations come after types and sequences and before the views that read them".to_owned()
            } else {
                format!(
                    "after {} were dropped (they read {table}.{column}) and before they are recreated",
                    list(&views)
                )
            }
        }
        Change::AddColumn { .. }
        | Change::SetDefault { .. }
        | Change::SetNotNull { .. }
        | Change::SetIdentity { .. }
        | Change::SetGenerated { .. }
        | Change::SetLogged { .. }
        | Change::SetTableOptions { .. } => {
            "table alterations come after the types and sequences they use and before the views, indexes and constraints that use the columns".to_owned()
        }
        other => foreign(other, Family::Tables, String::new()),
    }
}

/// Phase 3 (drop tables), 6 (drop columns), 17 (everything else).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        // A dropped table takes its own constraints along; it goes before the keys of other
        // tables that its foreign keys need.
        Change::DropTable(_) => 3,
        Change::DropColumn { .. } => 6,
        // Created and altered with the other tables and columns.
        other if other.family() == Family::Tables => 17,
        other => foreign(other, Family::Tables, 32),
    }
}

/// `add column t.c integer not null`, `alter column t.c type a -> b`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateTable(_) => write!(f, "create {obj}"),
        Change::DropTable(_) | Change::DropColumn { .. } => write!(f, "drop {obj}"),
        Change::AddColumn { column, .. } => {
            let nn = if column.not_null { " not null" } else { "" };
            write!(f, "add {obj} {}{nn}", column.ty)?;
            if let Some(d) = &column.default {
                write!(f, " default {d}")?;
            }
            Ok(())
        }
        Change::AlterColumnType {
            from,
            to,
            collation,
            ..
        } => {
            write!(f, "alter {obj} type {from} -> {to}")?;
            if let Some(c) = collation {
                write!(f, " collate {c}")?;
            }
            Ok(())
        }
        Change::SetDefault { default, .. } => {
            write!(f, "set {obj} default {}", expr_or_none(default.as_ref()))
        }
        Change::SetNotNull { not_null, .. } => {
            let what = if *not_null {
                "set not null"
            } else {
                "drop not null"
            };
            write!(f, "{what} on {obj}")
        }
        Change::SetIdentity { from, to, .. } => write!(
            f,
            "set {obj} identity {} -> {}",
            from.as_ref()
                .map_or("none", |i| if i.always { "always" } else { "by default" }),
            to.as_ref()
                .map_or("none", |i| if i.always { "always" } else { "by default" }),
        ),
        Change::SetGenerated { expr, .. } => {
            write!(f, "set {obj} generated {}", expr_or_none(expr.as_ref()))
        }
        Change::SetLogged { logged, .. } => {
            let what = if *logged { "logged" } else { "unlogged" };
            write!(f, "set {obj} {what}")
        }
        Change::SetTableOptions { set, reset, .. } => {
            write!(f, "set options of {obj}: set {set:?} reset {reset:?}")
        }
        other => foreign(other, Family::Tables, Ok(())),
    }
}

/// `create-table`, `add-column`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateTable(_) => "create-table",
        Change::DropTable(_) => "drop-table",
        Change::AddColumn { .. } => "add-column",
        Change::DropColumn { .. } => "drop-column",
        Change::AlterColumnType { .. } => "alter-column-type",
        Change::SetDefault { .. } => "set-default",
        Change::SetNotNull { .. } => "set-not-null",
        Change::SetIdentity { .. } => "set-identity",
        Change::SetGenerated { .. } => "set-generated",
        Change::SetLogged { .. } => "set-logged",
        Change::SetTableOptions { .. } => "set-table-options",
        other => foreign(other, Family::Tables, "unsupported"),
    }
}

/// The table, or the column.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateTable(t) => ObjectRef::Table(t.name.clone()),
        Change::DropTable(t)
        | Change::SetLogged { table: t, .. }
        | Change::SetTableOptions { table: t, .. } => ObjectRef::Table(t.clone()),
        Change::AddColumn { table, column } => {
            ObjectRef::Column(table.clone(), column.name.clone())
        }
        Change::DropColumn { table, column }
        | Change::AlterColumnType { table, column, .. }
        | Change::SetDefault { table, column, .. }
        | Change::SetNotNull { table, column, .. }
        | Change::SetIdentity { table, column, .. }
        | Change::SetGenerated { table, column, .. } => {
            ObjectRef::Column(table.clone(), column.clone())
        }
        other => foreign(other, Family::Tables, ObjectRef::Schema(String::new())),
    }
}
