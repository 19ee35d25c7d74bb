//! Throwaway PostgreSQL clusters started from the local server binaries.
//!
//! [`Cluster::start`] finds `initdb` and `postgres` ([`PgBinaries::find`]), runs `initdb` into a
//! fresh temporary directory and starts a postmaster that listens on a Unix socket in that same
//! directory, so two clusters never collide whatever port they name. Durability is switched off
//! (`fsync`, `synchronous_commit`, `full_page_writes`): the data is thrown away anyway.
//!
//! The embedded shadow database and every test that needs a server use this module.
//!
//! # Cleanup
//! A cluster must not outlive its owner, however the owner ends: a watchdog process
//! (the `watchdog` module) stops the server and removes the directory when the [`Cluster`] is
//! dropped, when starting fails half-way, and when this process exits in any way at all.
//! Dropping a [`Cluster`] waits for the watchdog, so the cluster is gone when `drop` returns.
//!
//! # Running as root
//! `initdb` and `postgres` refuse to run as root. When the effective user is root, both run as an
//! unprivileged user ([`ClusterOptions::run_as`], `nobody` by default), and the temporary
//! directory is handed over to that user.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use postgres::NoTls;

use super::binaries::PgBinaries;
use super::conninfo::{conninfo_url, keyword_value_conninfo};
use super::error::ClusterError;
use super::initdb::{SUPERUSER, read_pg_version, run_initdb};
use super::output::log_tail;
use super::server::{
    SOCKET_ONLY_PORT, check_socket_dir, free_tcp_port, server_settings, spawn_postmaster,
};
use super::tls::make_certificate;
use super::user::{hand_over, server_user};
use super::watchdog::Guard;

/// How to start a throwaway cluster. `ClusterOptions::default()` is a Unix-socket-only cluster
/// from the first binaries found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Directory holding `initdb` and `postgres`. When `None`: [`BINDIR_ENV`], then
    /// `pg_config --bindir`, then `PATH`, then `/usr/lib/postgresql/*/bin` (highest version).
    pub bindir: Option<PathBuf>,
    /// Also listen on `127.0.0.1`, on a free port.
    pub tcp: bool,
    /// Accept SSL on the TCP port, with a self-signed certificate for `localhost` and
    /// `127.0.0.1` (see [`Cluster::ssl_root_cert`]). Implies `tcp`; needs the `openssl` command.
    pub ssl: bool,
    /// The user that runs `initdb` and the server when this process is root (`nobody` when
    /// `None`). Ignored for other users, who run the server themselves.
    pub run_as: Option<String>,
    /// The server's `max_connections`.
    pub max_connections: u32,
    /// How long to wait for the server to accept connections.
    pub start_timeout: Duration,
    /// Where to make the cluster's temporary directory (the system's temporary directory when
    /// `None`). The socket lives there too, so the path must stay short.
    pub temp_root: Option<PathBuf>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            bindir: None,
            tcp: false,
            ssl: false,
            run_as: None,
            max_connections: 100,
            start_timeout: Duration::from_secs(30),
            temp_root: None,
        }
    }
}

/// A running throwaway cluster. Dropping it stops the server and deletes its directory.
#[derive(Debug)]
pub struct Cluster {
    binaries: PgBinaries,
    major_version: u32,
    dir: PathBuf,
    /// `dir` as text, checked to be UTF-8 at start so connection strings can hold it.
    dir_text: String,
    port: u16,
    tcp: bool,
    ssl_root_cert: Option<PathBuf>,
    postmaster_pid: u32,
    guard: Guard,
}

impl Cluster {
    /// Finds the binaries ([`PgBinaries::find`]), then starts a cluster as [`Self::start_with`]
    /// does.
    pub fn start(opts: &ClusterOptions) -> Result<Cluster, ClusterError> {
        let binaries = PgBinaries::find(opts.bindir.as_deref())?;
        Cluster::start_with(binaries, opts)
    }

    /// Runs `initdb` into a fresh temporary directory, starts the server there and waits until it
    /// accepts connections. On error everything made so far is removed again.
    pub fn start_with(
        binaries: PgBinaries,
        opts: &ClusterOptions,
    ) -> Result<Cluster, ClusterError> {
        let run_as = server_user(opts.run_as.as_deref())?;

        let temp_root = match &opts.temp_root {
            Some(root) => root.clone(),
            None => std::env::temp_dir(),
        };
        let tempdir = tempfile::Builder::new()
            .prefix("schema-tool-pg.")
            .tempdir_in(&temp_root)
            .map_err(ClusterError::io(format!(
                "cannot make a temporary directory in {}",
                temp_root.display()
            )))?;
        let dir = tempdir.path().to_path_buf();
        let Some(dir_text) = dir.to_str().map(str::to_owned) else {
            return Err(ClusterError::Io {
                context: format!("temporary directory {} is not UTF-8", dir.display()),
                source: io::Error::from(io::ErrorKind::InvalidData),
            });
        };
        check_socket_dir(&dir_text)?;

        // From here on the watchdog removes the directory whatever happens.
        let mut guard = Guard::new(tempdir)?;

        if let Some(user) = run_as {
            hand_over(&dir, user)?;
        }

        let data_dir = dir.join("data");
        run_initdb(&binaries, &dir, &data_dir, run_as)?;
        let major_version = read_pg_version(&data_dir)?;

        let tcp = opts.tcp || opts.ssl;
        let port = if tcp {
            free_tcp_port()?
        } else {
            SOCKET_ONLY_PORT
        };
        let ssl_files = if opts.ssl {
            Some(make_certificate(&dir, run_as)?)
        } else {
            None
        };

        let log_path = dir.join("server.log");
        let settings = server_settings(opts, tcp, ssl_files.as_ref());
        let postmaster = spawn_postmaster(
            &binaries, &dir, &data_dir, port, settings, run_as, &log_path,
        )?;
        let postmaster_pid = postmaster.id();
        guard.watch_postmaster(postmaster)?;

        let mut cluster = Cluster {
            binaries,
            major_version,
            dir,
            dir_text,
            port,
            tcp,
            ssl_root_cert: ssl_files.map(|files| files.cert),
            postmaster_pid,
            guard,
        };
        cluster.wait_until_ready(opts.start_timeout, &log_path)?;
        Ok(cluster)
    }

    fn wait_until_ready(&mut self, timeout: Duration, log_path: &Path) -> Result<(), ClusterError> {
        let deadline = Instant::now() + timeout;
        let socket = self.dir.join(format!(".s.PGSQL.{}", self.port));
        let fail = |reason: String| ClusterError::Start {
            reason,
            log_tail: log_tail(log_path),
        };
        loop {
            if let Some(why) = self.guard.postmaster_exit() {
                return Err(fail(format!("the server exited ({why})")));
            }
            let last_error = if socket.exists() {
                match self.connect("postgres") {
                    Ok(_) => return Ok(()),
                    Err(err) => crate::error_chain::error_chain(&err),
                }
            } else {
                format!("no socket {} yet", socket.display())
            };
            if Instant::now() >= deadline {
                return Err(fail(format!(
                    "not ready after {} s; last attempt: {last_error}",
                    timeout.as_secs_f32()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The binaries this cluster was started from.
    pub fn binaries(&self) -> &PgBinaries {
        &self.binaries
    }

    /// The server's major version (from the data directory's `PG_VERSION`), to compare with a
    /// target database's.
    pub fn major_version(&self) -> u32 {
        self.major_version
    }

    /// The directory holding the cluster: the data directory `data/`, the server log and the
    /// Unix socket. Removed when the cluster stops.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory of the server's Unix socket (the same as [`Self::dir`]).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The server's port: it names the socket file and, with TCP, is the port on `127.0.0.1`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The postmaster's process id.
    pub fn postmaster_pid(&self) -> u32 {
        self.postmaster_pid
    }

    /// The self-signed certificate (PEM) the server presents when started with
    /// [`ClusterOptions::ssl`]; use it as `sslrootcert` to verify the server as `localhost` or
    /// `127.0.0.1`.
    pub fn ssl_root_cert(&self) -> Option<&Path> {
        self.ssl_root_cert.as_deref()
    }

    /// A libpq keyword/value connection string for `dbname` over the Unix socket, as user
    /// [`SUPERUSER`] (no password: the cluster trusts every local connection).
    pub fn connection_string(&self, dbname: &str) -> String {
        keyword_value_conninfo(&self.dir_text, self.port, dbname)
    }

    /// The same as [`Self::connection_string`] as a `postgresql://` URL; the socket directory is
    /// the percent-encoded host.
    pub fn url(&self, dbname: &str) -> String {
        conninfo_url(&self.dir_text, self.port, dbname)
    }

    /// A keyword/value connection string over TCP to `127.0.0.1`, when the cluster was started
    /// with [`ClusterOptions::tcp`]. Add `sslmode=...` as needed.
    pub fn tcp_connection_string(&self, dbname: &str) -> Option<String> {
        self.tcp
            .then(|| keyword_value_conninfo("127.0.0.1", self.port, dbname))
    }

    /// Client configuration for `dbname` over the Unix socket.
    pub fn config(&self, dbname: &str) -> postgres::Config {
        let mut config = postgres::Config::new();
        config
            .host_path(&self.dir)
            .port(self.port)
            .user(SUPERUSER)
            .dbname(dbname)
            .application_name("schema-tool");
        config
    }

    /// Connects to `dbname` over the Unix socket.
    pub fn connect(&self, dbname: &str) -> Result<postgres::Client, ClusterError> {
        self.config(dbname)
            .connect(NoTls)
            .map_err(|source| ClusterError::Connect {
                dbname: dbname.to_owned(),
                source,
            })
    }
}
