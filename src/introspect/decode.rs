//! Catalog codes → what they mean. PostgreSQL stores kinds as one-letter `"char"` codes
//! (`relkind`, `contype`, `polcmd` …); a code this module does not know is an error naming the
//! object, never a panic, so a newer server fails loudly instead of being misread.

use super::IntrospectError;

/// A `"char"` column as the client returns it (`i8`), as a Rust `char` (`'\0'` reads as empty).
pub(crate) fn code(raw: i8) -> char {
    char::from(raw.to_ne_bytes()[0])
}

fn unknown(what: &'static str, code: char, object: &str) -> IntrospectError {
    IntrospectError::UnknownCode {
        what,
        code: if code == '\0' {
            String::new()
        } else {
            code.to_string()
        },
        object: object.to_owned(),
    }
}

/// `pg_class.relpersistence` of a table: `true` for `UNLOGGED`.
pub(crate) fn unlogged(code: char, object: &str) -> Result<bool, IntrospectError> {
    match code {
        'p' => Ok(false),
        'u' => Ok(true),
        other => Err(unknown("relpersistence", other, object)),
    }
}

/// `pg_class.relkind` of a table: `true` for a partitioned table.
pub(crate) fn partitioned(code: char, object: &str) -> Result<bool, IntrospectError> {
    match code {
        'r' => Ok(false),
        'p' => Ok(true),
        other => Err(unknown("table relkind", other, object)),
    }
}

/// `pg_class.relkind` of a view: `true` for a materialized view.
pub(crate) fn materialized(code: char, object: &str) -> Result<bool, IntrospectError> {
    match code {
        'v' => Ok(false),
        'm' => Ok(true),
        other => Err(unknown("view relkind", other, object)),
    }
}

/// `pg_attribute.attidentity`: the SQL of the identity clause (`None` for no identity).
pub(crate) fn identity(code: char, object: &str) -> Result<Option<&'static str>, IntrospectError> {
    match code {
        '\0' => Ok(None),
        'a' => Ok(Some("ALWAYS")),
        'd' => Ok(Some("BY DEFAULT")),
        other => Err(unknown("attidentity", other, object)),
    }
}

/// `pg_attribute.attgenerated`: `true` for a stored generated column.
pub(crate) fn generated(code: char, object: &str) -> Result<bool, IntrospectError> {
    match code {
        '\0' => Ok(false),
        's' => Ok(true),
        other => Err(unknown("attgenerated", other, object)),
    }
}

/// `pg_constraint.contype` of a table constraint read by `constraints.sql`.
pub(crate) fn check_contype(code: char, object: &str) -> Result<(), IntrospectError> {
    match code {
        'p' | 'u' | 'f' | 'c' | 'x' => Ok(()),
        other => Err(unknown("contype", other, object)),
    }
}

/// `pg_policy.polcmd`: the command keyword.
pub(crate) fn policy_command(code: char, object: &str) -> Result<&'static str, IntrospectError> {
    match code {
        '*' => Ok("ALL"),
        'r' => Ok("SELECT"),
        'a' => Ok("INSERT"),
        'w' => Ok("UPDATE"),
        'd' => Ok("DELETE"),
        other => Err(unknown("polcmd", other, object)),
    }
}

/// `pg_proc.prokind` of a routine read by `functions.sql`.
pub(crate) fn check_prokind(code: char, object: &str) -> Result<(), IntrospectError> {
    match code {
        'f' | 'p' | 'w' => Ok(()),
        other => Err(unknown("prokind", other, object)),
    }
}

/// The kind of a user-defined type (`pg_type.typtype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TypeCode {
    /// `e`.
    Enum,
    /// `d`.
    Domain,
    /// `c`.
    Composite,
    /// `r`.
    Range,
}

/// `pg_type.typtype` of a type read by `types.sql`.
pub(crate) fn typtype(code: char, object: &str) -> Result<TypeCode, IntrospectError> {
    match code {
        'e' => Ok(TypeCode::Enum),
        'd' => Ok(TypeCode::Domain),
        'c' => Ok(TypeCode::Composite),
        'r' => Ok(TypeCode::Range),
        other => Err(unknown("typtype", other, object)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_errors_naming_the_object() {
        let err = policy_command('z', "policy p on public.t").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown polcmd code \"z\" on policy p on public.t"
        );
        assert!(typtype('m', "public.x").is_err());
        assert_eq!(identity(code(0), "c").unwrap(), None);
        assert_eq!(
            identity(code(b'a'.cast_signed()), "c").unwrap(),
            Some("ALWAYS")
        );
    }
}
