//! Columns of a table that stays: type and collation, generated expression, default,
//! identity (with its sequence options) and NOT NULL, in the order PostgreSQL accepts them.

use super::{Differ, same_type};
use crate::catalog::normalize::{identity_options, identity_start};
use crate::catalog::{Column, Expr, Identity, QualifiedName};
use crate::diff::{Change, ObjectRef};

impl Differ<'_> {
    /// The columns of a table that stays, by name: dropped, altered, or added (with their
    /// comment as a change of its own).
    pub(super) fn alter_columns(
        &mut self,
        name: &QualifiedName,
        old_columns: &[Column],
        columns: &[Column],
    ) {
        let old_column = |n: &str| old_columns.iter().find(|c| c.name == n);
        for c in old_columns {
            if !columns.iter().any(|d| d.name == c.name) {
                self.push(Change::DropColumn {
                    table: name.clone(),
                    column: c.name.clone(),
                });
            }
        }
        for c in columns {
            match old_column(&c.name) {
                Some(o) => self.alter_column(name, o, c),
                None => {
                    let mut added = c.clone();
                    added.comment = None;
                    self.push(Change::AddColumn {
                        table: name.clone(),
                        column: Box::new(added),
                    });
                    if c.comment.is_some() {
                        self.push(Change::Comment {
                            target: ObjectRef::Column(name.clone(), c.name.clone()),
                            comment: c.comment.clone(),
                        });
                    }
                }
            }
        }
    }

    /// One column that stays: type and collation, generated expression, default, identity
    /// and NOT NULL (the identity dropped before NOT NULL, added after it), comment.
    fn alter_column(&mut self, table: &QualifiedName, old: &Column, new: &Column) {
        let Column {
            name,
            ty,
            not_null,
            default,
            identity,
            generated,
            collation,
            comment,
            span: _,         // source position never affects the plan
            renamed_from: _, // consumed by apply_renames
        } = new;
        if !same_type(&old.ty, ty) || old.collation != *collation {
            self.push(Change::AlterColumnType {
                table: table.clone(),
                column: name.clone(),
                from: old.ty.clone(),
                to: ty.clone(),
                collation: collation.clone(),
            });
        }
        if old.generated != *generated {
            self.push(Change::SetGenerated {
                table: table.clone(),
                column: name.clone(),
                expr: generated.clone(),
            });
        }
        // `DEFAULT NULL` is no default: PostgreSQL stores none.
        let stated = |d: &Option<Expr>| d.clone().filter(|e| e.sql() != "NULL");
        if stated(&old.default) != stated(default) {
            self.push(Change::SetDefault {
                table: table.clone(),
                column: name.clone(),
                default: stated(default),
            });
        }
        let identity_changes = !same_identity(old.identity.as_ref(), identity.as_ref(), ty);
        let set_identity = || Change::SetIdentity {
            table: table.clone(),
            column: name.clone(),
            from: old.identity.clone(),
            to: identity.clone(),
        };
        // DROP NOT NULL is refused on an identity column: the identity goes first.
        let identity_first = identity_changes && identity.is_none();
        if identity_first {
            self.push(set_identity());
        }
        if old.not_null != *not_null {
            self.push(Change::SetNotNull {
                table: table.clone(),
                column: name.clone(),
                not_null: *not_null,
            });
        }
        // ADD IDENTITY needs the column NOT NULL first.
        if identity_changes && !identity_first {
            self.push(set_identity());
        }
        if old.comment != *comment {
            self.push(Change::Comment {
                target: ObjectRef::Column(table.clone(), name.clone()),
                comment: comment.clone(),
            });
        }
    }
}

/// Whether two identities are the same: the same kind, and the same options once those
/// PostgreSQL picks by itself are left out. `START` only matters when the sequence is created:
/// a desired identity that does not state one accepts any.
fn same_identity(old: Option<&Identity>, new: Option<&Identity>, column_type: &str) -> bool {
    match (old, new) {
        (None, None) => true,
        (Some(o), Some(n)) => {
            o.always == n.always && identity_changes(o, n, column_type).is_empty()
        }
        _ => false,
    }
}

/// The identity options to set for `old` to become `new` (name, value; an empty value resets
/// an option to what PostgreSQL picks by itself).
pub(crate) fn identity_changes(
    old: &Identity,
    new: &Identity,
    column_type: &str,
) -> Vec<(String, String)> {
    let from = identity_options(&old.options, column_type);
    let to = identity_options(&new.options, column_type);
    let mut out: Vec<(String, String)> = to
        .iter()
        .filter(|o| !from.contains(o))
        .filter(|(n, _)| n != "sequence_name")
        .cloned()
        .collect();
    for (name, _) in &from {
        let reset = match name.as_str() {
            "start" | "sequence_name" => continue,
            "increment" | "cache" => "1",
            "cycle" => "false",
            _ => "",
        };
        if !to.iter().any(|(n, _)| n == name) {
            out.push((name.clone(), reset.to_owned()));
        }
    }
    // A START left to PostgreSQL follows the new bounds; PostgreSQL checks the old one against
    // them, so it is set whenever the effective start moves.
    let start = identity_start(&new.options, column_type);
    if !out.iter().any(|(n, _)| n == "start") && identity_start(&old.options, column_type) != start
    {
        out.push(("start".to_owned(), start.to_string()));
    }
    out
}
