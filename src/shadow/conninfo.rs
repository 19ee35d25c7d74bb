//! Connection strings for a cluster: libpq keyword/value strings and `postgresql://` URLs whose
//! host may be a socket directory with any characters in it.

use std::fmt::Write as _;

use super::SUPERUSER;

/// A libpq keyword/value connection string, quoting values where libpq requires it.
pub(super) fn keyword_value_conninfo(host: &str, port: u16, dbname: &str) -> String {
    format!(
        "host={} port={port} user={SUPERUSER} dbname={}",
        conninfo_value(host),
        conninfo_value(dbname)
    )
}

/// A value for a keyword/value connection string: single-quoted, with `\` and `'` escaped, when
/// empty or holding white space, quotes or backslashes.
fn conninfo_value(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '\\');
    if plain {
        return value.to_owned();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// A `postgresql://` URL; the host may be a socket directory, percent-encoded.
pub(super) fn conninfo_url(host: &str, port: u16, dbname: &str) -> String {
    format!(
        "postgresql://{SUPERUSER}@{}:{port}/{}",
        percent_encode(host),
        percent_encode(dbname)
    )
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    use postgres::config::Host;
    use std::path::PathBuf;
    use std::str::FromStr as _;

    #[test]
    fn odd_socket_paths_survive_keyword_value_quoting() {
        for dir in [
            "/tmp/plain",
            "/tmp/a b",
            "/tmp/it's",
            r"/tmp/back\slash",
            "/tmp/ü=x",
        ] {
            let conninfo = keyword_value_conninfo(dir, 5432, "my db");
            let config = postgres::Config::from_str(&conninfo).unwrap();
            assert_eq!(
                config.get_hosts(),
                [Host::Unix(PathBuf::from(dir))],
                "{conninfo}"
            );
            assert_eq!(config.get_dbname(), Some("my db"));
            assert_eq!(config.get_user(), Some(SUPERUSER));
        }
        assert_eq!(
            keyword_value_conninfo("/tmp/it's", 5432, "d"),
            r"host='/tmp/it\'s' port=5432 user=postgres dbname=d"
        );
        assert_eq!(conninfo_value(""), "''");
    }

    #[test]
    fn odd_socket_paths_survive_url_encoding() {
        for dir in [
            "/tmp/plain",
            "/tmp/a b",
            "/tmp/it's",
            "/tmp/x:1@y?z",
            "/tmp/ü%",
        ] {
            let url = conninfo_url(dir, 5433, "d/b");
            let config = postgres::Config::from_str(&url).unwrap();
            assert_eq!(
                config.get_hosts(),
                [Host::Unix(PathBuf::from(dir))],
                "{url}"
            );
            assert_eq!(config.get_ports(), [5433]);
            assert_eq!(config.get_dbname(), Some("d/b"));
        }
        assert_eq!(
            conninfo_url("/tmp/a b", 5432, "d"),
            "postgresql://postgres@%2Ftmp%2Fa%20b:5432/d"
        );
    }
}
