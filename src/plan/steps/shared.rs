//! Helpers the family files share: statements in and out of the transaction, quoting of
//! roles and `COMMENT ON`/`GRANT` targets, `SET (…)`/`RESET (…)`, the hazards of a lock
//! and of rebuilt dependents, and the guard against a change reaching the wrong family.

use std::collections::BTreeMap;

use crate::catalog::names::{quote_ident, quote_literal};
use crate::catalog::{Catalog, Expr, QualifiedName};
use crate::ddl::qualified;
use crate::diff::{Change, ObjectRef};
use crate::graph::{DepGraph, NodeKind};
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::Family;

/// `neutral`, for a change that reached a family function's fallback arm. Every such call is a
/// planner bug (`Change::family` sent the change to a file that does not handle it, or a
/// family file forgot one of its own variants), so debug builds, and with them the tests
/// (`steps/tests.rs` sends one change of every variant through every operation), fail;
/// release builds plan nothing for it rather than crash.
pub(super) fn foreign<T>(change: &Change, family: Family, neutral: T) -> T {
    if cfg!(debug_assertions) {
        let variant = format!("{change:?}");
        let variant = variant
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default();
        panic!(
            "{variant} (family {:?}) reached the fallback of family {family:?}",
            change.family()
        );
    }
    neutral
}

/// A statement run inside the apply transaction, terminated by exactly one `;`.
pub(super) fn tx(sql: impl Into<String>) -> Statement {
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

/// A statement run outside the apply transaction.
pub(super) fn non_tx(sql: String) -> Statement {
    Statement {
        transactional: false,
        ..tx(sql)
    }
}

/// A role as `GRANT`, `ALTER POLICY … TO` and `OWNER TO` write it (keywords unquoted).
pub(super) fn role(name: &str) -> String {
    match name {
        "PUBLIC" | "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER" => name.to_owned(),
        other => quote_ident(other),
    }
}

/// `ALTER TABLE <qualified name>`.
pub(super) fn alter_table(t: &QualifiedName) -> String {
    format!("ALTER TABLE {}", qualified(t))
}

/// `(keyword, quoted name)` of an object as `COMMENT ON` writes it.
pub(super) fn target(
    o: &ObjectRef,
    current: &Catalog,
    desired: &Catalog,
) -> (&'static str, String) {
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

/// `<target> SET (k = 'v', …)` and `<target> RESET (k, …)` for storage parameters and view
/// options, each only when it has something to do.
pub(super) fn set_and_reset(
    target: &str,
    set: &BTreeMap<String, String>,
    reset: &[String],
) -> Vec<Statement> {
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

/// The [`HazardKind::AccessExclusiveLock`] hazard on `table`, saying `why` it is held.
pub(super) fn lock(table: &QualifiedName, why: &str) -> Hazard {
    Hazard::new(
        HazardKind::AccessExclusiveLock,
        format!("ACCESS EXCLUSIVE lock on {table} (blocks reads and writes) {why}"),
    )
}

/// Objects that must be dropped and created again when `node`'s relation changes shape:
/// transitive dependents that are views, materialized views or their indexes and triggers,
/// printed in dependency order.
pub(super) fn rebuilt_dependents(
    graph: &DepGraph,
    start: Option<petgraph::graph::NodeIndex>,
) -> Vec<String> {
    let Some(start) = start else {
        return Vec::new();
    };
    graph
        .transitive_dependents(start)
        .into_iter()
        .map(|(i, _)| graph.node(i))
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::View | NodeKind::MaterializedView | NodeKind::Trigger
            ) || (n.kind == NodeKind::Index
                && n.relation.as_ref().is_some_and(|r| {
                    graph
                        .relation(r)
                        .is_some_and(|ri| graph.node(ri).kind == NodeKind::MaterializedView)
                }))
        })
        .map(|n| format!("{} {}", n.kind.as_str(), n.name))
        .collect()
}

/// The [`HazardKind::RebuildsDependents`] hazard of `what`, when `deps` is not empty.
pub(super) fn rebuilds(what: &str, deps: &[String]) -> Option<Hazard> {
    (!deps.is_empty()).then(|| {
        Hazard::new(
            HazardKind::RebuildsDependents,
            format!(
                "{what}: these dependents are dropped and created again: {}",
                deps.join(", ")
            ),
        )
    })
}

/// An expression's text, or `none` (one-line descriptions).
pub(super) fn expr_or_none(e: Option<&Expr>) -> String {
    e.map_or_else(|| "none".to_owned(), |e| e.sql().to_owned())
}
