//! Why a throwaway cluster could not be started or used: [`ClusterError`].

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use super::binaries::BINDIR_ENV;
use super::server::{MAX_SOCKET_PATH, SOCKET_FILE_MAX};

/// Why a throwaway cluster could not be started or used.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No directory with both `initdb` and `postgres` was found.
    #[error(
        "PostgreSQL server binaries (initdb, postgres) not found; looked at: {searched}. \
         Install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`) \
         or set {BINDIR_ENV} to the directory that holds initdb and postgres"
    )]
    BinaryNotFound {
        /// Every place looked at, and what was wrong with it.
        searched: String,
    },
    /// `postgres --version` did not print a version this module understands.
    #[error("cannot read the PostgreSQL version from `{program} --version`: {output:?}")]
    Version {
        /// The `postgres` binary.
        program: PathBuf,
        /// What it printed.
        output: String,
    },
    /// A helper program (`initdb`, `postgres`, `openssl`, `sh`) could not be run at all.
    #[error("cannot run {program}")]
    Spawn {
        /// The program.
        program: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// `initdb` failed.
    #[error("initdb failed ({status}):\n{output}")]
    Initdb {
        /// Its exit status.
        status: ExitStatus,
        /// The end of what it printed.
        output: String,
    },
    /// `openssl` failed to make the server certificate.
    #[error("openssl could not make a certificate ({status}):\n{output}")]
    Certificate {
        /// Its exit status.
        status: ExitStatus,
        /// What it printed.
        output: String,
    },
    /// The server exited or did not become ready in time.
    #[error("PostgreSQL did not start: {reason}\n--- end of the server log ---\n{log_tail}")]
    Start {
        /// What went wrong.
        reason: String,
        /// The last lines of the server log.
        log_tail: String,
    },
    /// The unprivileged user to run the server as cannot be used.
    #[error("cannot run PostgreSQL as user {user:?}: {reason}")]
    User {
        /// The configured user name.
        user: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The socket path would exceed the limit of Unix socket addresses.
    #[error(
        "socket path {path}{SOCKET_FILE_MAX} is longer than {MAX_SOCKET_PATH} bytes; \
         choose a shorter temporary directory"
    )]
    SocketPathTooLong {
        /// The socket directory.
        path: String,
    },
    /// A connection to the cluster failed.
    #[error("cannot connect to database {dbname:?} of the throwaway cluster")]
    Connect {
        /// The database.
        dbname: String,
        /// The client's error.
        #[source]
        source: postgres::Error,
    },
    /// A statement run by this module failed.
    #[error("{statement} failed")]
    Sql {
        /// The statement.
        statement: String,
        /// The server's or client's error.
        #[source]
        source: postgres::Error,
    },
    /// A file-system or process operation failed.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
}

impl ClusterError {
    /// Turns an I/O error into [`ClusterError::Io`] saying what was being done.
    pub(super) fn io(context: impl Into<String>) -> impl FnOnce(io::Error) -> ClusterError {
        let context = context.into();
        move |source| ClusterError::Io { context, source }
    }

    /// Turns a failure to run `program` into [`ClusterError::Spawn`].
    pub(super) fn spawn(program: &Path) -> impl FnOnce(io::Error) -> ClusterError {
        let program = program.to_path_buf();
        move |source| ClusterError::Spawn { program, source }
    }
}
