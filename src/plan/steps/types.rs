//! User-defined types: [`Change::CreateType`], [`Change::DropType`],
//! [`Change::AddEnumValue`], [`Change::RenameEnumValue`], [`Change::AlterDomain`],
//! [`Change::AlterCompositeType`]. Created and altered before the tables and routines that
//! use them; a new enum label is committed before the apply transaction.

use std::fmt;

use crate::catalog::Catalog;
use crate::catalog::names::{quote_ident, quote_literal};
use crate::ddl::{self, qualified};
use crate::diff::{AttributeChange, Change, DomainChange, EnumPosition, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{expr_or_none, foreign, non_tx, target, tx};
use super::{Family, HazardInput, SqlInput};

/// `CREATE TYPE|DOMAIN`, `DROP TYPE|DOMAIN`, `ALTER TYPE …`, `ALTER DOMAIN …`.
pub(super) fn sql(change: &Change, input: &SqlInput<'_>) -> Vec<Statement> {
    let SqlInput {
        current, desired, ..
    } = *input;
    match change {
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
        other => foreign(other, Family::Types, Vec::new()),
    }
}

/// A label added outside the transaction; the scans of a domain constraint.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    use HazardKind as H;
    match change {
        Change::AddEnumValue { name, value, .. } => vec![Hazard::new(
            H::NonTransactional,
            format!(
                "label '{value}' is added to {name} before the transaction (a label added inside it could not be used by it); it stays if the transaction fails"
            ),
        )],
        Change::AlterDomain {
            name,
            change: DomainChange::AddCheck(check, _),
        } => vec![Hazard::new(
            H::ValidationScan,
            format!("every column of domain {name} is scanned to check {check}"),
        )],
        Change::AlterDomain {
            name,
            change: DomainChange::SetNotNull(true),
        } => vec![Hazard::new(
            H::ValidationScan,
            format!("every column of domain {name} is scanned for NULLs"),
        )],
        Change::CreateType(_)
        | Change::DropType(_)
        | Change::RenameEnumValue { .. }
        | Change::AlterDomain { .. }
        | Change::AlterCompositeType { .. } => Vec::new(),
        other => foreign(other, Family::Types, Vec::new()),
    }
}

/// Types before what uses them; dropped after; a new label before the transaction.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropType(_) => "dropped after the tables and columns that used it".to_owned(),
        Change::AddEnumValue { .. } => {
            "types before the tables, columns and functions that use them; runs before the transaction, which could not use a label added inside it".to_owned()
        }
        Change::CreateType(_)
        | Change::RenameEnumValue { .. }
        | Change::AlterDomain { .. }
        | Change::AlterCompositeType { .. } => {
            "types before the tables, columns and functions that use them".to_owned()
        }
        other => foreign(other, Family::Types, String::new()),
    }
}

/// Phase 14; 1 or 20 (drop).
pub(super) fn phase(change: &Change, _current: &Catalog, desired: &Catalog) -> u8 {
    match change {
        // A type dropped to be created again (an enum losing labels) goes first.
        Change::DropType(name) if desired.types.contains_key(name) => 1,
        Change::DropType(_) => 20,
        Change::CreateType(_)
        | Change::AddEnumValue { .. }
        | Change::RenameEnumValue { .. }
        | Change::AlterDomain { .. }
        | Change::AlterCompositeType { .. } => 14,
        other => foreign(other, Family::Types, 32),
    }
}

/// `create type t`, `add value 'x' to type t before 'y'`, `set not null on type d`, …
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateType(_) => write!(f, "create {obj}"),
        Change::DropType(_) => write!(f, "drop {obj}"),
        Change::RenameEnumValue { from, to, .. } => {
            write!(f, "rename value '{from}' of {obj} to '{to}'")
        }
        Change::AddEnumValue {
            value, position, ..
        } => {
            write!(f, "add value '{value}' to {obj}")?;
            match position {
                EnumPosition::End => Ok(()),
                EnumPosition::Before(v) => write!(f, " before '{v}'"),
                EnumPosition::After(v) => write!(f, " after '{v}'"),
            }
        }
        Change::AlterDomain { change, .. } => match change {
            DomainChange::SetDefault(d) => {
                write!(f, "set default of {obj} to {}", expr_or_none(d.as_ref()))
            }
            DomainChange::SetNotNull(true) => write!(f, "set not null on {obj}"),
            DomainChange::SetNotNull(false) => write!(f, "drop not null on {obj}"),
            DomainChange::AddCheck(n, e) => write!(f, "add check {n} ({e}) to {obj}"),
            DomainChange::DropCheck(n) => write!(f, "drop check {n} from {obj}"),
        },
        Change::AlterCompositeType { change, .. } => match change {
            AttributeChange::Add(n, t) => write!(f, "add attribute {n} {t} to {obj}"),
            AttributeChange::Drop(n) => write!(f, "drop attribute {n} from {obj}"),
            AttributeChange::AlterType(n, t) => {
                write!(f, "alter attribute {n} of {obj} type {t}")
            }
        },
        other => foreign(other, Family::Types, Ok(())),
    }
}

/// `create-type`, `add-enum-value`, …
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateType(_) => "create-type",
        Change::DropType(_) => "drop-type",
        Change::AddEnumValue { .. } => "add-enum-value",
        Change::RenameEnumValue { .. } => "rename-enum-value",
        Change::AlterDomain { .. } => "alter-domain",
        Change::AlterCompositeType { .. } => "alter-composite-type",
        other => foreign(other, Family::Types, "unsupported"),
    }
}

/// The type.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateType(t) => ObjectRef::Type(t.name.clone()),
        Change::DropType(name)
        | Change::AddEnumValue { name, .. }
        | Change::RenameEnumValue { name, .. }
        | Change::AlterDomain { name, .. }
        | Change::AlterCompositeType { name, .. } => ObjectRef::Type(name.clone()),
        other => foreign(other, Family::Types, ObjectRef::Schema(String::new())),
    }
}
