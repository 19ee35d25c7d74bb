//! Rename hints on enum labels.
//!
//! A label renamed in a file says what it was called in a comment: on the line(s) right above
//! it (`-- schema: renamed from pending`, as for columns) or after it on its own line
//! (`'waiting' /* schema: renamed from pending */,`; sqldef's `@renamed from=pending` is read
//! too). The planner then renames the label with `ALTER TYPE … RENAME VALUE` instead of
//! refusing to remove one.

use pg_query::protobuf::Token;

/// `(old, new)` label pairs named by hints in the text of a `CREATE TYPE … AS ENUM`
/// statement; `labels` are the statement's labels in order.
pub fn label_renames(statement: &str, labels: &[String]) -> Vec<(String, String)> {
    let Ok(scan) = pg_query::scan(statement) else {
        return Vec::new();
    };
    let toks: Vec<(Token, usize, usize)> = scan
        .tokens
        .iter()
        .filter_map(|t| {
            Some((
                Token::try_from(t.token).ok()?,
                usize::try_from(t.start).ok()?,
                usize::try_from(t.end).ok()?,
            ))
        })
        .collect();
    // The labels are the string constants after `ENUM (`.
    let Some(open) = toks
        .iter()
        .position(|(k, _, _)| *k == Token::EnumP)
        .map(|i| i + 1)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut label = 0usize;
    // Index in `labels` of the last label seen, and where it ended.
    let mut previous: Option<(usize, usize)> = None;
    for &(kind, start, end) in toks.iter().skip(open) {
        match kind {
            Token::Sconst => {
                previous = Some((label, end));
                label += 1;
            }
            Token::SqlComment | Token::CComment => {
                let Some(old) = statement.get(start..end).and_then(hint) else {
                    continue;
                };
                let same_line = previous.is_some_and(|(_, at)| {
                    statement
                        .get(at..start)
                        .is_some_and(|between| !between.contains('\n'))
                });
                let target = match previous {
                    Some((i, _)) if same_line => Some(i),
                    _ => Some(label),
                };
                if let Some(new) = target.and_then(|i| labels.get(i)) {
                    if *new != old && !out.iter().any(|(_, n)| n == new) {
                        out.push((old, new.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The old label a comment names, if it is a rename hint.
fn hint(comment: &str) -> Option<String> {
    let text = comment
        .strip_prefix("--")
        .or_else(|| {
            comment
                .strip_prefix("/*")
                .map(|c| c.strip_suffix("*/").unwrap_or(c))
        })?
        .trim();
    let old = text
        .strip_prefix("schema:")
        .and_then(|r| r.trim().strip_prefix("renamed from"))
        .or_else(|| text.strip_prefix("@renamed from="))?
        .trim();
    // A quoted label runs to its closing quote (it may hold spaces); a bare one to a space.
    let old = match old.chars().next()? {
        q @ ('\'' | '"') => old[1..].split(q).next()?,
        _ => old.split_whitespace().next()?,
    };
    (!old.is_empty()).then(|| old.to_owned())
}

#[cfg(test)]
mod tests {
    use super::label_renames;

    fn labels(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn hints_after_and_above_labels() {
        let sql = "CREATE TYPE s AS ENUM (
  'active',
  'waiting' /* @renamed from=pending */,
  'minor', -- @renamed from=low
  -- schema: renamed from 'old one'
  'new one',
  'plain' -- just a comment
)";
        assert_eq!(
            label_renames(
                sql,
                &labels(&["active", "waiting", "minor", "new one", "plain"])
            ),
            [
                ("pending".to_owned(), "waiting".to_owned()),
                ("low".to_owned(), "minor".to_owned()),
                ("old one".to_owned(), "new one".to_owned()),
            ]
        );
        assert!(label_renames("CREATE TYPE s AS ENUM ('a')", &labels(&["a"])).is_empty());
    }
}
