//! The apply lock: a session-level advisory lock, one per database, so that two applies never
//! interleave. Its key is derived from a fixed name, so every version of the tool uses the same
//! one; it is released when the session ends, however the process dies.

use std::time::{Duration, Instant};

use postgres::Client;
use sha2::{Digest, Sha256};

/// The name the lock key is derived from.
pub const LOCK_NAME: &str = "schema_tool.apply";

/// The advisory lock key: the first eight bytes of SHA-256 of [`LOCK_NAME`].
pub fn lock_key() -> i64 {
    let d = Sha256::digest(LOCK_NAME.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another session held it for the whole wait.
    #[error(
        "another schema-apply is running on this database (server process {holder}); waited {} for it",
        super::workflow::ms(*.waited)
    )]
    Busy {
        /// Backend pid of the holder (0 when unknown).
        holder: i32,
        /// How long this apply waited.
        waited: Duration,
    },
    /// A query failed.
    #[error("cannot take the apply lock: {0}")]
    Query(#[from] postgres::Error),
}

/// Takes the apply lock, polling until `wait` has passed. `on_wait` is called once, with the
/// holder's pid, when the lock is busy at first.
pub fn acquire(
    client: &mut Client,
    wait: Duration,
    on_wait: &mut dyn FnMut(i32),
) -> Result<(), LockError> {
    let key = lock_key();
    let start = Instant::now();
    let mut told = false;
    loop {
        let got: bool = client
            .query_one("SELECT pg_catalog.pg_try_advisory_lock($1)", &[&key])?
            .get(0);
        if got {
            return Ok(());
        }
        let holder = holder(client)?;
        if !told {
            on_wait(holder);
            told = true;
        }
        if start.elapsed() >= wait {
            return Err(LockError::Busy {
                holder,
                waited: start.elapsed(),
            });
        }
        std::thread::sleep(Duration::from_millis(100).min(wait));
    }
}

/// Releases the lock (it is released anyway when the session ends).
pub fn release(client: &mut Client) -> Result<(), postgres::Error> {
    client.execute("SELECT pg_catalog.pg_advisory_unlock($1)", &[&lock_key()])?;
    Ok(())
}

/// The backend pid holding the lock, 0 when none is found.
fn holder(client: &mut Client) -> Result<i32, postgres::Error> {
    let key = lock_key();
    // A bigint key is stored as classid (high half), objid (low half), objsubid 1.
    let high = (key >> 32) as u32;
    let low = key as u32;
    let row = client.query_opt(
        "SELECT pid FROM pg_catalog.pg_locks \
         WHERE locktype = 'advisory' AND granted AND objsubid = 1 \
           AND classid::text::bigint = $1 AND objid::text::bigint = $2 \
           AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
         LIMIT 1",
        &[&i64::from(high), &i64::from(low)],
    )?;
    Ok(row.map_or(0, |r| r.get(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_shown_to_the_hundredth_of_a_second() {
        let e = LockError::Busy {
            holder: 42,
            waited: Duration::from_nanos(1_034_567_891),
        };
        assert_eq!(
            e.to_string(),
            "another schema-apply is running on this database (server process 42); waited 1.03 s for it"
        );
    }
}
