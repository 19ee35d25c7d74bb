//! The databases of a cluster: made with names unique across threads and processes, dropped
//! with their sessions.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Cluster, ClusterError};
use crate::catalog::names::quote_ident;

/// Numbers the databases made by [`Cluster::create_database`] in this process.
static DATABASE_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cluster {
    /// Creates a database with a name unique across threads and processes: `prefix` (lower-cased,
    /// other characters than `a-z`, `0-9` and `_` replaced by `_`), a counter and the process id.
    /// Returns the name, which needs no quoting.
    pub fn create_database(&self, prefix: &str) -> Result<String, ClusterError> {
        let counter = DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = database_name(prefix, counter, std::process::id());
        // PostgreSQL 15 made WAL-logged copying the default; copying the template's files
        // is about a third faster for the small databases tests and planning use.
        let strategy = if self.major_version() >= 15 {
            " STRATEGY = FILE_COPY"
        } else {
            ""
        };
        self.admin_execute(&format!("CREATE DATABASE {}{strategy}", quote_ident(&name)))?;
        Ok(name)
    }

    /// Drops database `name`, disconnecting its sessions first; no error if it does not exist.
    pub fn drop_database(&self, name: &str) -> Result<(), ClusterError> {
        self.admin_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(name)
        ))
    }

    /// Runs `statement` in the maintenance database `postgres`.
    fn admin_execute(&self, statement: &str) -> Result<(), ClusterError> {
        self.connect("postgres")?
            .batch_execute(statement)
            .map_err(|source| ClusterError::Sql {
                statement: statement.to_owned(),
                source,
            })
    }
}

/// `prefix_counter_pid`, with `prefix` reduced to a lower-case identifier so the name needs no
/// quoting, and cut so the whole fits PostgreSQL's 63-byte identifiers.
fn database_name(prefix: &str, counter: u64, pid: u32) -> String {
    let suffix = format!("_{counter}_{pid}");
    let mut name: String = prefix
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_') => c,
            _ => '_',
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        name.insert_str(0, "db_");
    }
    // Only ASCII is left, so any byte index is a character boundary.
    name.truncate(63_usize.saturating_sub(suffix.len()));
    name.push_str(&suffix);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_plain_identifiers() {
        assert_eq!(database_name("Plan Test", 3, 42), "plan_test_3_42");
        assert_eq!(database_name("9lives", 0, 1), "db_9lives_0_1");
        assert_eq!(database_name("", 0, 1), "db__0_1");
        let long = database_name(&"x".repeat(100), u64::MAX, u32::MAX);
        assert_eq!(long.len(), 63);
        assert!(long.ends_with(&format!("_{}_{}", u64::MAX, u32::MAX)));
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
    }
}
