//! Object names: schema-qualified names, identifier quoting, and PostgreSQL's rules for the
//! names it chooses itself (`t_pkey`, `t_a_b_key`, `t_col_fkey`, `t_col_idx` …).

use std::fmt;

/// PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// A schema-qualified name of a relation, type, function or sequence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    /// Schema (namespace).
    pub schema: String,
    /// Object name.
    pub name: String,
}

impl QualifiedName {
    /// A qualified name from its parts.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    /// Prints `schema.name`, quoting each part only when PostgreSQL needs it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            display_ident(&self.schema),
            display_ident(&self.name)
        )
    }
}

/// Quotes an identifier always (for generated SQL: never wrong, whatever the name).
pub fn quote_ident(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 2);
    out.push('"');
    for c in ident.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes an identifier only when needed (for messages and readable output).
pub fn display_ident(ident: &str) -> String {
    if needs_quotes(ident) {
        quote_ident(ident)
    } else {
        ident.to_owned()
    }
}

/// Whether an identifier must be quoted to survive a round trip through the parser.
pub fn needs_quotes(ident: &str) -> bool {
    let mut chars = ident.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    if !(first.is_ascii_lowercase() || first == '_') {
        return true;
    }
    if !ident
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
    {
        return true;
    }
    is_keyword(ident)
}

/// Whether the word is a keyword other than an unreserved one (asks PostgreSQL's scanner once
/// per word and thread: names are printed thousands of times in a large schema).
fn is_keyword(word: &str) -> bool {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, bool>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(known) = SEEN.with(|m| m.borrow().get(word).copied()) {
        return known;
    }
    let answer = scan_keyword(word);
    SEEN.with(|m| m.borrow_mut().insert(word.to_owned(), answer));
    answer
}

fn scan_keyword(word: &str) -> bool {
    use pg_query::protobuf::KeywordKind;
    pg_query::scan(word).ok().is_some_and(|r| {
        r.tokens.first().is_some_and(|t| {
            t.keyword_kind != KeywordKind::NoKeyword as i32
                && t.keyword_kind != KeywordKind::UnreservedKeyword as i32
        })
    })
}

/// Quotes a string literal (`'it''s'`), using the E'' form when a backslash is present.
pub fn quote_literal(value: &str) -> String {
    let escaped = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", escaped.replace('\\', "\\\\"))
    } else {
        format!("'{escaped}'")
    }
}

/// Truncates an identifier to 63 bytes on a character boundary, as PostgreSQL does.
pub fn truncate_identifier(ident: &str) -> &str {
    if ident.len() <= MAX_IDENTIFIER_BYTES {
        return ident;
    }
    let mut end = MAX_IDENTIFIER_BYTES;
    while !ident.is_char_boundary(end) {
        end -= 1;
    }
    &ident[..end]
}

/// PostgreSQL's `makeObjectName`: joins `name1`, `name2` and `label` with underscores,
/// shortening the longer of `name1`/`name2` first so the result fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let overhead = label.map_or(0, |l| l.len() + 1) + usize::from(name2.is_some());
    let mut len1 = name1.len();
    let mut len2 = name2.map_or(0, str::len);
    while len1 + len2 > MAX_IDENTIFIER_BYTES.saturating_sub(overhead) {
        if len1 > len2 {
            len1 -= 1;
        } else {
            len2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    let mut out = clip(name1, len1);
    if let Some(n2) = name2 {
        out.push('_');
        out.push_str(&clip(n2, len2));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// PostgreSQL's `ChooseRelationName`/`ChooseConstraintName`: `make_object_name`, then a number
/// appended to the label until `taken` says the name is free.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, Some(label));
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, Some(&format!("{label}{pass}")));
    }
    candidate
}

/// The column-name part of an implicit index or constraint name (`a_b_c`), limited to 63
/// bytes as PostgreSQL's `ChooseIndexNameAddition` does.
pub fn column_name_addition<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for col in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(col);
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    truncate_identifier(&out).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(display_ident("users"), "users");
        assert_eq!(display_ident("User"), "\"User\"");
        assert_eq!(display_ident("select"), "\"select\"");
        assert_eq!(display_ident("name"), "name"); // unreserved keyword
        assert_eq!(display_ident("a b"), "\"a b\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }

    #[test]
    fn implicit_names_follow_postgres() {
        assert_eq!(
            make_object_name("orders", None, Some("pkey")),
            "orders_pkey"
        );
        assert_eq!(
            make_object_name("orders", Some("a_b"), Some("key")),
            "orders_a_b_key"
        );
        let long = "x".repeat(60);
        let n = make_object_name(&long, Some("customer_id"), Some("fkey"));
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_fkey"));
        assert_eq!(
            choose_name("t", Some("a"), "key", |n| n == "t_a_key"),
            "t_a_key1"
        );
    }
}
