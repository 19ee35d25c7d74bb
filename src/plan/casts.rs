//! Column type changes PostgreSQL cannot make in place: between two built-in scalar types
//! with no cast from one to the other (`bigint` to `timestamp`, `boolean` to `bigint`),
//! `ALTER COLUMN … TYPE` fails whatever the rows hold. Only the user knows what the old
//! values mean (seconds or milliseconds since the epoch?), so the plan refuses such a change
//! with a message instead of emitting a statement that fails.

use crate::diff::Change;

/// The built-in scalar types whose casts among one another are all known (PostgreSQL's
/// `pg_cast`): a conversion between two of them that [`CASTS`] does not list does not exist.
const KNOWN: [&str; 14] = [
    "smallint",
    "integer",
    "bigint",
    "numeric",
    "real",
    "double precision",
    "boolean",
    "uuid",
    "date",
    "timestamp without time zone",
    "timestamp with time zone",
    "time without time zone",
    "time with time zone",
    "interval",
];

/// Every cast between two different [`KNOWN`] types, as `pg_cast` lists them (any context:
/// the plan's `USING col::type` is an explicit cast).
const CASTS: [(&str, &str); 45] = [
    ("bigint", "double precision"),
    ("bigint", "integer"),
    ("bigint", "numeric"),
    ("bigint", "real"),
    ("bigint", "smallint"),
    ("boolean", "integer"),
    ("date", "timestamp with time zone"),
    ("date", "timestamp without time zone"),
    ("double precision", "bigint"),
    ("double precision", "integer"),
    ("double precision", "numeric"),
    ("double precision", "real"),
    ("double precision", "smallint"),
    ("integer", "bigint"),
    ("integer", "boolean"),
    ("integer", "double precision"),
    ("integer", "numeric"),
    ("integer", "real"),
    ("integer", "smallint"),
    ("interval", "time without time zone"),
    ("numeric", "bigint"),
    ("numeric", "double precision"),
    ("numeric", "integer"),
    ("numeric", "real"),
    ("numeric", "smallint"),
    ("real", "bigint"),
    ("real", "double precision"),
    ("real", "integer"),
    ("real", "numeric"),
    ("real", "smallint"),
    ("smallint", "bigint"),
    ("smallint", "double precision"),
    ("smallint", "integer"),
    ("smallint", "numeric"),
    ("smallint", "real"),
    ("time with time zone", "time without time zone"),
    ("time without time zone", "interval"),
    ("time without time zone", "time with time zone"),
    ("timestamp with time zone", "date"),
    ("timestamp with time zone", "time with time zone"),
    ("timestamp with time zone", "time without time zone"),
    ("timestamp with time zone", "timestamp without time zone"),
    ("timestamp without time zone", "date"),
    ("timestamp without time zone", "time without time zone"),
    ("timestamp without time zone", "timestamp with time zone"),
];

/// A type without its modifier (`numeric(10,2)` → `numeric`, `timestamp(3) without time
/// zone` → `timestamp without time zone`) and its array dimensions.
fn base(ty: &str) -> (String, usize) {
    let dims = ty.matches("[]").count();
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in ty.trim_end_matches("[]").chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    (words.join(" "), dims)
}

/// Whether PostgreSQL has no cast from `from` to `to` (both as `format_type` prints them):
/// only said of the [`KNOWN`] built-in types, with the same array dimensions.
pub(super) fn no_cast(from: &str, to: &str) -> bool {
    let ((f, fd), (t, td)) = (base(from), base(to));
    fd == td
        && f != t
        && KNOWN.contains(&f.as_str())
        && KNOWN.contains(&t.as_str())
        && !CASTS.contains(&(f.as_str(), t.as_str()))
}

/// One message per column type change that no cast can make, for [`super::PlanError`].
pub(super) fn unconvertible(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumnType {
                table,
                column,
                from,
                to,
                ..
            } if no_cast(from, to) => Some(format!(
                "{table}.{column}: PostgreSQL has no cast from {from} to {to}, so only an expression you choose can convert the values (ALTER TABLE {table} ALTER COLUMN {column} TYPE {to} USING …; for instance to_timestamp() for seconds since the epoch)"
            )),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_without_a_cast_are_refused_and_the_others_left_alone() {
        assert!(no_cast("bigint", "timestamp without time zone"));
        assert!(no_cast("timestamp(3) with time zone", "numeric(10,2)"));
        assert!(no_cast("boolean", "bigint"));
        assert!(no_cast("bigint[]", "date[]"));
        assert!(!no_cast("integer", "boolean"));
        assert!(!no_cast("bigint", "numeric(12,2)"));
        assert!(!no_cast("date", "timestamp with time zone"));
        // Types outside the known set, and array dimension changes, are not judged here.
        assert!(!no_cast("text", "timestamp without time zone"));
        assert!(!no_cast("public.mood", "integer"));
        assert!(!no_cast("bigint", "timestamp without time zone[]"));
    }

    #[test]
    fn the_message_names_the_column_and_the_way_out() {
        let changes = vec![Change::AlterColumnType {
            table: crate::catalog::QualifiedName::new("public", "t"),
            column: "at".to_owned(),
            from: "bigint".to_owned(),
            to: "timestamp without time zone".to_owned(),
            collation: None,
        }];
        let m = unconvertible(&changes);
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("public.t.at: PostgreSQL has no cast from bigint to timestamp")
                && m[0].contains("USING"),
            "{}",
            m[0]
        );
    }
}
