//! Schemas and extensions: [`Change::CreateSchema`], [`Change::DropSchema`],
//! [`Change::CreateExtension`], [`Change::DropExtension`], [`Change::AlterExtension`].
//! Created first, dropped last.

use std::fmt::{self, Write as _};

use crate::catalog::Catalog;
use crate::catalog::names::{quote_ident, quote_literal};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::Hazard;
use crate::plan::sql::Statement;

use super::shared::{foreign, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE|DROP|ALTER SCHEMA|EXTENSION`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
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
        other => foreign(other, Family::Schemas, Vec::new()),
    }
}

/// None: a schema or extension change is a catalog update.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    match change {
        Change::CreateSchema(_)
        | Change::DropSchema(_)
        | Change::CreateExtension { .. }
        | Change::DropExtension(_)
        | Change::AlterExtension { .. } => Vec::new(),
        other => foreign(other, Family::Schemas, Vec::new()),
    }
}

/// Schemas first, extensions next; both dropped last.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropExtension(_) | Change::DropSchema(_) => {
            "dropped last: every object that could live in it or use it is gone by now".to_owned()
        }
        Change::CreateSchema(_) => "schemas first: every other object lives in one".to_owned(),
        Change::CreateExtension { .. } | Change::AlterExtension { .. } => {
            "extensions before the types, tables and functions that may use them".to_owned()
        }
        other => foreign(other, Family::Schemas, String::new()),
    }
}

/// Phases 11 and 12 (create), 21 and 22 (drop).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        Change::DropExtension(_) => 21,
        Change::DropSchema(_) => 22,
        Change::CreateSchema(_) => 11,
        Change::CreateExtension { .. } | Change::AlterExtension { .. } => 12,
        other => foreign(other, Family::Schemas, 32),
    }
}

/// `create schema s`, `alter extension e: version …`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateSchema(_) | Change::CreateExtension { .. } => write!(f, "create {obj}"),
        Change::DropSchema(_) | Change::DropExtension(_) => write!(f, "drop {obj}"),
        Change::AlterExtension {
            version, schema, ..
        } => write!(f, "alter {obj}: version {version:?}, schema {schema:?}"),
        other => foreign(other, Family::Schemas, Ok(())),
    }
}

/// `create-schema`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateSchema(_) => "create-schema",
        Change::DropSchema(_) => "drop-schema",
        Change::CreateExtension { .. } => "create-extension",
        Change::DropExtension(_) => "drop-extension",
        Change::AlterExtension { .. } => "alter-extension",
        other => foreign(other, Family::Schemas, "unsupported"),
    }
}

/// The schema or extension.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateSchema(s) | Change::DropSchema(s) => ObjectRef::Schema(s.clone()),
        Change::CreateExtension { name, .. }
        | Change::DropExtension(name)
        | Change::AlterExtension { name, .. } => ObjectRef::Extension(name.clone()),
        other => foreign(other, Family::Schemas, ObjectRef::Schema(String::new())),
    }
}
