//! Annotations of objects: [`Change::Comment`], [`Change::Grant`], [`Change::Revoke`],
//! [`Change::SetOwner`]. They come last, once every object exists.

use std::fmt;

use crate::catalog::names::{quote_ident, quote_literal};
use crate::catalog::{Catalog, Grant};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::sql::Statement;

use super::shared::{foreign, role, target, tx};
use super::{Family, HazardInput, SqlInput};

/// `GRANT … TO …` or `REVOKE … FROM …` of `g` on `o`.
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

/// `COMMENT ON`, `GRANT`, `REVOKE`, `ALTER … OWNER TO` (none for policies and triggers,
/// which have no owner of their own).
pub(super) fn sql(change: &Change, input: &SqlInput<'_>) -> Vec<Statement> {
    let SqlInput {
        current, desired, ..
    } = *input;
    match change {
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
        other => foreign(other, Family::Annotations, Vec::new()),
    }
}

/// None: annotations are catalog updates.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    match change {
        Change::Comment { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. }
        | Change::SetOwner { .. } => Vec::new(),
        other => foreign(other, Family::Annotations, Vec::new()),
    }
}

/// Last, once every object exists.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::Comment { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. }
        | Change::SetOwner { .. } => "annotations once every object exists".to_owned(),
        other => foreign(other, Family::Annotations, String::new()),
    }
}

/// Phase 30 (comments), 31 (grants and owners).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::Comment { .. } => 30,
        Change::Grant { .. } | Change::Revoke { .. } | Change::SetOwner { .. } => 31,
        other => foreign(other, Family::Annotations, 32),
    }
}

/// `comment on table t: "…"`, `grant SELECT on view v to r`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::Comment { comment, .. } => match comment {
            Some(c) => write!(f, "comment on {obj}: {c:?}"),
            None => write!(f, "remove comment on {obj}"),
        },
        Change::Grant { grant, .. } => {
            write!(f, "grant {} on {obj} to {}", grant.privilege, grant.grantee)
        }
        Change::Revoke { grant, .. } => {
            write!(
                f,
                "revoke {} on {obj} from {}",
                grant.privilege, grant.grantee
            )
        }
        Change::SetOwner { owner, .. } => write!(f, "set owner of {obj} to {owner}"),
        other => foreign(other, Family::Annotations, Ok(())),
    }
}

/// `comment`, `grant`, `revoke`, `set-owner`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::Comment { .. } => "comment",
        Change::Grant { .. } => "grant",
        Change::Revoke { .. } => "revoke",
        Change::SetOwner { .. } => "set-owner",
        other => foreign(other, Family::Annotations, "unsupported"),
    }
}

/// The annotated object.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::Comment { target, .. }
        | Change::Grant { target, .. }
        | Change::Revoke { target, .. }
        | Change::SetOwner { target, .. } => target.clone(),
        other => foreign(other, Family::Annotations, ObjectRef::Schema(String::new())),
    }
}
