//! One-line readable descriptions of the objects changes are about (plan summaries, test
//! expectations). A change's own description, kind name and object are written by its family
//! in `crate::plan::steps`, with its SQL, hazards and explanation.

use std::fmt;

use super::ObjectRef;
use crate::catalog::names::display_ident;

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Schema(s) => write!(f, "schema {}", display_ident(s)),
            ObjectRef::Extension(e) => write!(f, "extension {}", display_ident(e)),
            ObjectRef::Table(t) => write!(f, "table {t}"),
            ObjectRef::Column(t, c) => write!(f, "column {t}.{}", display_ident(c)),
            ObjectRef::Constraint(t, c) => write!(f, "constraint {} on {t}", display_ident(c)),
            ObjectRef::View(v) => write!(f, "view {v}"),
            ObjectRef::MaterializedView(v) => write!(f, "materialized view {v}"),
            ObjectRef::Index(i) => write!(f, "index {i}"),
            ObjectRef::Function {
                name,
                args,
                procedure,
            } => {
                let kind = if *procedure { "procedure" } else { "function" };
                write!(f, "{kind} {name}({args})")
            }
            ObjectRef::Trigger(t, n) => write!(f, "trigger {} on {t}", display_ident(n)),
            ObjectRef::Policy(t, n) => write!(f, "policy {} on {t}", display_ident(n)),
            ObjectRef::Sequence(s) => write!(f, "sequence {s}"),
            ObjectRef::Type(t) => write!(f, "type {t}"),
            ObjectRef::Other(kind, name) => write!(f, "{kind} {name}"),
        }
    }
}
