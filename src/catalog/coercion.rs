//! Which column type changes PostgreSQL makes without rewriting the table: a fact about type
//! names (as `format_type` prints them), used by the planner's hazards and by the lint rule
//! that compares external declarations with the live tables.

/// Whether `ALTER COLUMN … TYPE from → to` is binary coercible (no table rewrite). A small,
/// explicit table of the cases PostgreSQL documents; anything else is assumed to rewrite.
pub fn binary_coercible(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    let (fb, fm) = split_typmod(from);
    let (tb, tm) = split_typmod(to);
    let widened = |f: Option<&str>, t: Option<&str>| match (f, t) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(f), Some(t)) => match (f.parse::<u32>(), t.parse::<u32>()) {
            (Ok(f), Ok(t)) => t >= f,
            _ => false,
        },
    };
    match (fb.as_str(), tb.as_str()) {
        // Length limits only widen.
        ("character varying", "character varying") | ("bit varying", "bit varying") => {
            widened(fm, tm)
        }
        ("character varying", "text") | ("text", "character varying") => tm.is_none(),
        // numeric(p,s) → numeric(p2,s) with p2 ≥ p, or unconstrained numeric.
        ("numeric", "numeric") => match (fm, tm) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(f), Some(t)) => {
                let (fp, fs) = f.split_once(',').unwrap_or((f, "0"));
                let (tp, ts) = t.split_once(',').unwrap_or((t, "0"));
                fs.trim() == ts.trim() && widened(Some(fp.trim()), Some(tp.trim()))
            }
        },
        // Fractional-second precision only widens.
        (f, t)
            if f == t
                && matches!(
                    f,
                    "timestamp with time zone"
                        | "timestamp without time zone"
                        | "time with time zone"
                        | "time without time zone"
                        | "interval"
                ) =>
        {
            widened(fm, tm)
        }
        ("cidr", "inet") | ("xml", "text") => fm.is_none() && tm.is_none(),
        _ => false,
    }
}

/// `character varying(20)` → (`character varying`, `Some("20")`); `timestamp(3) with time
/// zone` → (`timestamp with time zone`, `Some("3")`).
fn split_typmod(ty: &str) -> (String, Option<&str>) {
    let Some((base, rest)) = ty.split_once('(') else {
        return (ty.to_owned(), None);
    };
    let (mods, tail) = rest.split_once(')').unwrap_or((rest, ""));
    (format!("{}{}", base.trim(), tail.trim_end()), Some(mods))
}

#[cfg(test)]
mod tests {
    use super::binary_coercible;

    #[test]
    fn widening_is_coercible_narrowing_and_other_types_are_not() {
        assert!(binary_coercible(
            "character varying(10)",
            "character varying(20)"
        ));
        assert!(!binary_coercible(
            "character varying(20)",
            "character varying(10)"
        ));
        assert!(binary_coercible("character varying(10)", "text"));
        assert!(binary_coercible("numeric(10,2)", "numeric(12,2)"));
        assert!(binary_coercible("numeric(10,2)", "numeric"));
        assert!(!binary_coercible("numeric(10,2)", "numeric(12,3)"));
        assert!(binary_coercible(
            "timestamp(3) with time zone",
            "timestamp with time zone"
        ));
        assert!(!binary_coercible(
            "timestamp with time zone",
            "timestamp without time zone"
        ));
        assert!(!binary_coercible("integer", "bigint"));
    }
}
