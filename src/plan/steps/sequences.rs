//! Sequences: [`Change::CreateSequence`], [`Change::DropSequence`],
//! [`Change::AlterSequence`]. Created before the defaults that use them, dropped once no
//! column does; a sequence changing owner is released before drops and given to its new
//! column once that exists.

use std::fmt::{self, Write as _};

use crate::catalog::{Catalog, Sequence};
use crate::ddl::{self, qualified};
use crate::diff::{Change, ObjectRef};
use crate::plan::explain::Explainer;
use crate::plan::hazard::{Hazard, HazardKind};
use crate::plan::sql::Statement;

use super::shared::{foreign, tx};
use super::{Family, HazardInput, SqlInput};

/// The options of `ALTER SEQUENCE` that differ between `from` and `to`.
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

/// `CREATE|DROP SEQUENCE`, `ALTER SEQUENCE … <options>` and `… OWNED BY`.
pub(super) fn sql(change: &Change, _input: &SqlInput<'_>) -> Vec<Statement> {
    match change {
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
        other => foreign(other, Family::Sequences, Vec::new()),
    }
}

/// A dropped sequence loses its position.
pub(super) fn hazards(change: &Change, _input: &HazardInput<'_>) -> Vec<Hazard> {
    match change {
        Change::DropSequence(s) => vec![Hazard::new(
            HazardKind::DataLoss,
            format!("the current value of sequence {s} is lost"),
        )],
        Change::CreateSequence(_) | Change::AlterSequence { .. } => Vec::new(),
        other => foreign(other, Family::Sequences, Vec::new()),
    }
}

/// Before the defaults that use them; dropped after.
pub(super) fn reason(_explainer: &Explainer<'_>, change: &Change) -> String {
    match change {
        Change::DropSequence(_) => "dropped after the tables and columns that used it".to_owned(),
        Change::CreateSequence(_) | Change::AlterSequence { .. } => {
            "sequences before the column defaults that use them".to_owned()
        }
        other => foreign(other, Family::Sequences, String::new()),
    }
}

/// Phase 15; 0 or 18 for a change of owner; 19 (drop).
pub(super) fn phase(change: &Change, _current: &Catalog, _desired: &Catalog) -> u8 {
    match change {
        // A sequence released by a table it stays without must be released before the table
        // is dropped (which would take it along); one given to a table, once the table exists.
        Change::AlterSequence { from, to } if from.owned_by != to.owned_by => {
            if to.owned_by.is_none() { 0 } else { 18 }
        }
        // Sequences, types, extensions and schemas go once the tables, routines and views no
        // longer use them (a column changed away from an enum, a default from a sequence).
        Change::DropSequence(_) => 19,
        Change::CreateSequence(_) | Change::AlterSequence { .. } => 15,
        other => foreign(other, Family::Sequences, 32),
    }
}

/// `create sequence s`, `drop sequence s`, `alter sequence s`.
pub(super) fn display(change: &Change, obj: &ObjectRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match change {
        Change::CreateSequence(_) => write!(f, "create {obj}"),
        Change::DropSequence(_) => write!(f, "drop {obj}"),
        Change::AlterSequence { .. } => write!(f, "alter {obj}"),
        other => foreign(other, Family::Sequences, Ok(())),
    }
}

/// `create-sequence`, `drop-sequence`, `alter-sequence`.
pub(super) fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateSequence(_) => "create-sequence",
        Change::DropSequence(_) => "drop-sequence",
        Change::AlterSequence { .. } => "alter-sequence",
        other => foreign(other, Family::Sequences, "unsupported"),
    }
}

/// The sequence.
pub(super) fn object(change: &Change) -> ObjectRef {
    match change {
        Change::CreateSequence(s) | Change::AlterSequence { to: s, .. } => {
            ObjectRef::Sequence(s.name.clone())
        }
        Change::DropSequence(s) => ObjectRef::Sequence(s.clone()),
        other => foreign(other, Family::Sequences, ObjectRef::Schema(String::new())),
    }
}
