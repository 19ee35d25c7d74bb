//! The cluster's data directory: `initdb` into it (as the server user when this process is root)
//! and the major version it holds.

use std::fs;
use std::io;
use std::path::Path;
use std::process::Stdio;

use super::output::output_tail;
use super::user::{UserIds, command_as};
use super::{ClusterError, PgBinaries};

/// Superuser created by `initdb`; every connection to a throwaway cluster uses it.
pub const SUPERUSER: &str = "postgres";

/// Runs `initdb` into `data_dir` (inside the cluster directory `dir`) with the superuser
/// [`SUPERUSER`], trust authentication, UTF-8 and the C locale.
pub(super) fn run_initdb(
    binaries: &PgBinaries,
    dir: &Path,
    data_dir: &Path,
    user: Option<UserIds>,
) -> Result<(), ClusterError> {
    let program = binaries.bindir().join("initdb");
    let output = command_as(&program, user)
        .arg("-D")
        .arg(data_dir)
        .args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .current_dir(dir)
        .env("LC_ALL", "C")
        .env_remove("PGDATA")
        .stdin(Stdio::null())
        .output()
        .map_err(ClusterError::spawn(&program))?;
    if output.status.success() {
        return Ok(());
    }
    Err(ClusterError::Initdb {
        status: output.status,
        output: output_tail(&output),
    })
}

/// The major version in the data directory's `PG_VERSION`.
pub(super) fn read_pg_version(data_dir: &Path) -> Result<u32, ClusterError> {
    let path = data_dir.join("PG_VERSION");
    let text = fs::read_to_string(&path)
        .map_err(ClusterError::io(format!("cannot read {}", path.display())))?;
    text.trim().parse().map_err(|_| ClusterError::Io {
        context: format!(
            "{} holds {:?}, not a major version",
            path.display(),
            text.trim()
        ),
        source: io::Error::from(io::ErrorKind::InvalidData),
    })
}
