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
//! A cluster must not outlive its owner, however the owner ends. Next to the postmaster we start a
//! small watchdog shell whose standard input is a pipe that only this process holds (std opens
//! pipes close-on-exec, so no other child inherits it). The watchdog waits for end-of-file on
//! that pipe, which comes when [`Cluster`] is dropped, when starting fails half-way, and when this
//! process exits in any way at all: a normal exit that skips the destructors of statics (the test
//! harness), a panic, Ctrl-C or `SIGKILL`. It then asks the postmaster for a fast shutdown
//! (`SIGINT`), waits for it (killing it after ten seconds; backends notice their postmaster's death
//! and exit) and removes the directory. Dropping a [`Cluster`] waits for the watchdog, so the cluster is gone when `drop`
//! returns. Both the watchdog and the postmaster run in process groups of their own, so a Ctrl-C
//! at the terminal reaches only the owner, whose exit then triggers the cleanup.
//!
//! # Running as root
//! `initdb` and `postgres` refuse to run as root. When the effective user is root, both run as an
//! unprivileged user ([`ClusterOptions::run_as`], `nobody` by default), and the temporary
//! directory is handed over to that user.

use std::ffi::OsStr;
use std::fmt::{self, Write as _};
use std::fs;
use std::io::{self, Write as _};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use postgres::NoTls;

/// Environment variable naming the directory that holds `initdb` and `postgres`.
///
/// It is consulted when [`ClusterOptions::bindir`] is not set, before any other place.
pub const BINDIR_ENV: &str = "SCHEMA_TOOL_PG_BINDIR";

/// Superuser created by `initdb`; every connection to a throwaway cluster uses it.
pub const SUPERUSER: &str = "postgres";

/// Where Debian and Ubuntu install one directory per major version (`15/bin`, `16/bin`, ...).
const DEBIAN_LIB_ROOT: &str = "/usr/lib/postgresql";

/// The user the server runs as when this process is root, unless configured otherwise.
const DEFAULT_RUN_AS: &str = "nobody";

/// The socket-file name PostgreSQL puts in the socket directory; the port is at most 5 digits.
const SOCKET_FILE_MAX: &str = "/.s.PGSQL.65535";

/// `sun_path` holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

/// Port used when the cluster listens on its Unix socket only: it merely names the socket file.
const SOCKET_ONLY_PORT: u16 = 5432;

/// How many lines of a log to quote in an error.
const LOG_TAIL_LINES: usize = 30;

/// Reads the postmaster's pid from stdin until end-of-file, then stops the postmaster and removes
/// the cluster directory (`$1`). See the module documentation.
const WATCHDOG_SCRIPT: &str = r#"
trap '' HUP INT QUIT TERM PIPE
dir=$1
pid=
while IFS= read -r line; do pid=$line; done
if [ -n "$pid" ]; then
  kill -INT "$pid" 2>/dev/null
  i=0
  while [ -f "$dir/data/postmaster.pid" ] && kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 200 ]; then
      kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 0.05
  done
fi
rm -rf "$dir"
"#;

/// Numbers the databases made by [`Cluster::create_database`] in this process.
static DATABASE_COUNTER: AtomicU64 = AtomicU64::new(0);

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
    fn io(context: impl Into<String>) -> impl FnOnce(io::Error) -> ClusterError {
        let context = context.into();
        move |source| ClusterError::Io { context, source }
    }

    fn spawn(program: &Path) -> impl FnOnce(io::Error) -> ClusterError {
        let program = program.to_path_buf();
        move |source| ClusterError::Spawn { program, source }
    }
}

/// Which step of the search found the PostgreSQL binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinSource {
    /// [`ClusterOptions::bindir`].
    Option,
    /// The [`BINDIR_ENV`] environment variable.
    Env,
    /// `pg_config --bindir`.
    PgConfig,
    /// The directory of the `initdb` found on `PATH` (symbolic links resolved).
    Path,
    /// `/usr/lib/postgresql/<major>/bin`, the highest major version.
    LibDir,
}

impl fmt::Display for BinSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinSource::Option => "the bindir option",
            BinSource::Env => BINDIR_ENV,
            BinSource::PgConfig => "pg_config --bindir",
            BinSource::Path => "PATH",
            BinSource::LibDir => DEBIAN_LIB_ROOT,
        })
    }
}

/// A directory of PostgreSQL server binaries and the version they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    bindir: PathBuf,
    found_by: BinSource,
    version: String,
    major_version: u32,
}

impl PgBinaries {
    /// Finds `initdb` and `postgres`: in `bindir` when given (an error if they are not there),
    /// else in the directory named by [`BINDIR_ENV`] (likewise), else through
    /// `pg_config --bindir`, `PATH` and `/usr/lib/postgresql/*/bin`, in this order. Runs
    /// `postgres --version` to learn the version.
    pub fn find(bindir: Option<&Path>) -> Result<PgBinaries, ClusterError> {
        let env = std::env::var_os(BINDIR_ENV)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        let path_var = std::env::var_os("PATH");
        let (bindir, found_by) = locate(&Search {
            explicit: bindir,
            env: env.as_deref(),
            path_var: path_var.as_deref(),
            pg_config_bindir: &run_pg_config,
            lib_root: Path::new(DEBIAN_LIB_ROOT),
        })?;
        let program = bindir.join("postgres");
        let output = Command::new(&program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(ClusterError::spawn(&program))?;
        let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let Some((version, major_version)) = parse_version(&text) else {
            return Err(ClusterError::Version {
                program,
                output: text,
            });
        };
        Ok(PgBinaries {
            bindir,
            found_by,
            version,
            major_version,
        })
    }

    /// The directory holding `initdb` and `postgres`.
    pub fn bindir(&self) -> &Path {
        &self.bindir
    }

    /// Which step of the search found [`Self::bindir`].
    pub fn found_by(&self) -> BinSource {
        self.found_by
    }

    /// The full version as `postgres --version` prints it, e.g. `15.18` or `18beta1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The major version, e.g. `15`.
    pub fn major_version(&self) -> u32 {
        self.major_version
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
            std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).map_err(
                ClusterError::io(format!("cannot hand {} to the server user", dir.display())),
            )?;
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
        let log = fs::File::create(&log_path).map_err(ClusterError::io(format!(
            "cannot create {}",
            log_path.display()
        )))?;
        let log_err = log
            .try_clone()
            .map_err(ClusterError::io("cannot duplicate the server log handle"))?;

        let program = binaries.bindir().join("postgres");
        let mut command = command_as(&program, run_as);
        command
            .arg("-D")
            .arg(&data_dir)
            .arg("-k")
            .arg(&dir)
            .arg("-p")
            .arg(port.to_string())
            .args(server_settings(opts, tcp, ssl_files.as_ref()))
            .current_dir(&dir)
            .env("LC_ALL", "C")
            .env_remove("PGDATA")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0);
        let postmaster = command.spawn().map_err(ClusterError::spawn(&program))?;
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
            let exited = match self.guard.postmaster.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Err(err)) => Some(format!("cannot wait for the server: {err}")),
                Some(Ok(None)) | None => None,
            };
            if let Some(why) = exited {
                return Err(fail(format!("the server exited ({why})")));
            }
            let last_error = if socket.exists() {
                match self.connect("postgres") {
                    Ok(_) => return Ok(()),
                    Err(err) => error_chain(&err),
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

    /// Creates a database with a name unique across threads and processes: `prefix` (lower-cased,
    /// other characters than `a-z`, `0-9` and `_` replaced by `_`), a counter and the process id.
    /// Returns the name, which needs no quoting.
    pub fn create_database(&self, prefix: &str) -> Result<String, ClusterError> {
        let counter = DATABASE_COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = database_name(prefix, counter, std::process::id());
        // PostgreSQL 15 made WAL-logged copying the default; copying the template's files
        // is about a third faster for the small databases tests and planning use.
        let strategy = if self.major_version >= 15 {
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

    fn admin_execute(&self, statement: &str) -> Result<(), ClusterError> {
        self.connect("postgres")?
            .batch_execute(statement)
            .map_err(|source| ClusterError::Sql {
                statement: statement.to_owned(),
                source,
            })
    }
}

/// Owns the watchdog and the postmaster; dropping it stops both and removes the directory.
#[derive(Debug)]
struct Guard {
    watchdog: Child,
    /// Closing this pipe tells the watchdog to clean up.
    watchdog_stdin: Option<ChildStdin>,
    postmaster: Option<Child>,
    /// Removes the directory should the watchdog have failed to.
    _tempdir: tempfile::TempDir,
}

impl Guard {
    fn new(tempdir: tempfile::TempDir) -> Result<Guard, ClusterError> {
        let sh = Path::new("/bin/sh");
        let mut watchdog = Command::new(sh)
            .arg("-c")
            .arg(WATCHDOG_SCRIPT)
            .arg("schema-tool-pg-watchdog")
            .arg(tempdir.path())
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(ClusterError::spawn(sh))?;
        let watchdog_stdin = watchdog.stdin.take();
        Ok(Guard {
            watchdog,
            watchdog_stdin,
            postmaster: None,
            _tempdir: tempdir,
        })
    }

    /// Takes ownership of the postmaster and tells the watchdog its pid.
    fn watch_postmaster(&mut self, postmaster: Child) -> Result<(), ClusterError> {
        let pid = postmaster.id();
        self.postmaster = Some(postmaster);
        let stdin = self
            .watchdog_stdin
            .as_mut()
            .ok_or_else(|| ClusterError::Io {
                context: "the watchdog has no input pipe".to_owned(),
                source: io::Error::from(io::ErrorKind::BrokenPipe),
            })?;
        writeln!(stdin, "{pid}").map_err(ClusterError::io("cannot reach the cluster watchdog"))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(postmaster) = &mut self.postmaster {
            // Reap a postmaster that already died, so the watchdog does not wait for a zombie.
            let _ = postmaster.try_wait();
        }
        drop(self.watchdog_stdin.take());
        let _ = self.watchdog.wait();
        if let Some(mut postmaster) = self.postmaster.take() {
            if matches!(postmaster.try_wait(), Ok(None)) {
                // The watchdog is gone but the server is not: someone killed the watchdog.
                let _ = postmaster.kill();
            }
            let _ = postmaster.wait();
        }
    }
}

/// The uid and gid the server runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UserIds {
    uid: u32,
    gid: u32,
}

/// `None` when this process is not root; else the unprivileged user to run the server as.
fn server_user(run_as: Option<&str>) -> Result<Option<UserIds>, ClusterError> {
    if effective_uid() != Some(0) {
        return Ok(None);
    }
    let name = run_as.unwrap_or(DEFAULT_RUN_AS);
    let user_error = |reason: String| ClusterError::User {
        user: name.to_owned(),
        reason,
    };
    let passwd = fs::read_to_string("/etc/passwd")
        .map_err(|err| user_error(format!("cannot read /etc/passwd: {err}")))?;
    match lookup_user(&passwd, name) {
        Some(ids) if ids.uid == 0 => Err(user_error(
            "it is root, and initdb refuses to run as root".to_owned(),
        )),
        Some(ids) => Ok(Some(ids)),
        None => Err(user_error("no such user in /etc/passwd".to_owned())),
    }
}

/// The effective uid of this process, without `unsafe`: from `/proc/self/status`, else from the
/// owner of `/proc/self`. `None` off Linux.
fn effective_uid() -> Option<u32> {
    match fs::read_to_string("/proc/self/status") {
        Ok(status) => parse_status_euid(&status),
        Err(_) => fs::metadata("/proc/self").ok().map(|meta| meta.uid()),
    }
}

/// The effective uid from `/proc/<pid>/status`: `Uid: real effective saved fs`.
fn parse_status_euid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|euid| euid.parse().ok())
}

/// uid and gid of `name` in `/etc/passwd` text (`name:password:uid:gid:...`).
fn lookup_user(passwd: &str, name: &str) -> Option<UserIds> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != name {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some(UserIds { uid, gid })
    })
}

/// A command that runs as `user` when given (this process being root).
fn command_as(program: &Path, user: Option<UserIds>) -> Command {
    let mut command = Command::new(program);
    if let Some(user) = user {
        // std drops the supplementary groups too when root switches to another uid.
        command.uid(user.uid).gid(user.gid);
    }
    command
}

fn check_socket_dir(dir: &str) -> Result<(), ClusterError> {
    if dir.len() + SOCKET_FILE_MAX.len() > MAX_SOCKET_PATH {
        return Err(ClusterError::SocketPathTooLong {
            path: dir.to_owned(),
        });
    }
    Ok(())
}

fn run_initdb(
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

fn read_pg_version(data_dir: &Path) -> Result<u32, ClusterError> {
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

/// A port on `127.0.0.1` that nobody listens on right now.
fn free_tcp_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(ClusterError::io("cannot find a free TCP port"))?;
    let addr = listener
        .local_addr()
        .map_err(ClusterError::io("cannot find a free TCP port"))?;
    Ok(addr.port())
}

/// The server's certificate and key.
#[derive(Debug)]
struct SslFiles {
    cert: PathBuf,
    key: PathBuf,
}

/// Makes a self-signed certificate for `localhost` and `127.0.0.1` with the `openssl` command,
/// readable by the server user only.
fn make_certificate(dir: &Path, user: Option<UserIds>) -> Result<SslFiles, ClusterError> {
    let files = SslFiles {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
    };
    let program = Path::new("openssl");
    let output = Command::new(program)
        .args(["req", "-x509", "-nodes", "-days", "2"])
        .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&files.key)
        .arg("-out")
        .arg(&files.cert)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(ClusterError::spawn(program))?;
    if !output.status.success() {
        return Err(ClusterError::Certificate {
            status: output.status,
            output: output_tail(&output),
        });
    }
    for path in [&files.cert, &files.key] {
        if let Some(user) = user {
            std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(
                ClusterError::io(format!("cannot hand {} to the server user", path.display())),
            )?;
        }
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(ClusterError::io(
            format!("cannot restrict {}", path.display()),
        ))?;
    }
    Ok(files)
}

/// The `-c name=value` arguments of the postmaster.
fn server_settings(opts: &ClusterOptions, tcp: bool, ssl: Option<&SslFiles>) -> Vec<String> {
    let listen = if tcp { "127.0.0.1" } else { "" };
    let mut settings = vec![
        format!("listen_addresses={listen}"),
        "fsync=off".to_owned(),
        "synchronous_commit=off".to_owned(),
        "full_page_writes=off".to_owned(),
        format!("max_connections={}", opts.max_connections),
        "max_locks_per_transaction=1024".to_owned(),
        "TimeZone=UTC".to_owned(),
        "log_timezone=UTC".to_owned(),
    ];
    if let Some(files) = ssl {
        settings.push("ssl=on".to_owned());
        settings.push(format!("ssl_cert_file={}", files.cert.display()));
        settings.push(format!("ssl_key_file={}", files.key.display()));
    }
    settings
        .into_iter()
        .flat_map(|setting| ["-c".to_owned(), setting])
        .collect()
}

/// The last lines of a log file, or a note that it cannot be read.
fn log_tail(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => tail_lines(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES),
        Err(err) => format!("(cannot read {}: {err})", path.display()),
    }
}

fn output_tail(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    tail_lines(&text, LOG_TAIL_LINES)
}

fn tail_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// An error and its sources on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Inputs of the binary search, so that tests can stage every step.
struct Search<'a> {
    explicit: Option<&'a Path>,
    env: Option<&'a Path>,
    path_var: Option<&'a OsStr>,
    /// Runs the given `pg_config` and returns what `--bindir` printed.
    pg_config_bindir: &'a dyn Fn(&Path) -> Option<PathBuf>,
    lib_root: &'a Path,
}

/// The first directory with both binaries, and the step that found it; see [`PgBinaries::find`].
fn locate(search: &Search<'_>) -> Result<(PathBuf, BinSource), ClusterError> {
    let explicit = [
        (search.explicit, BinSource::Option),
        (search.env, BinSource::Env),
    ];
    for (dir, source) in explicit {
        if let Some(dir) = dir {
            return match missing_binary(dir) {
                None => Ok((dir.to_path_buf(), source)),
                Some(binary) => Err(ClusterError::BinaryNotFound {
                    searched: format!("{} set by {source} (no {binary})", dir.display()),
                }),
            };
        }
    }

    let mut searched = Vec::new();
    match find_in_path("pg_config", search.path_var) {
        None => searched.push("pg_config (not on PATH)".to_owned()),
        Some(pg_config) => match (search.pg_config_bindir)(&pg_config) {
            None => searched.push(format!("{} --bindir (failed)", pg_config.display())),
            Some(dir) => match missing_binary(&dir) {
                None => return Ok((dir, BinSource::PgConfig)),
                Some(binary) => searched.push(format!(
                    "{} from pg_config --bindir (no {binary})",
                    dir.display()
                )),
            },
        },
    }

    match find_in_path("initdb", search.path_var) {
        None => searched.push("PATH (no initdb)".to_owned()),
        Some(initdb) => {
            let dir = fs::canonicalize(&initdb)
                .ok()
                .and_then(|real| real.parent().map(Path::to_path_buf));
            match dir {
                Some(dir) if missing_binary(&dir).is_none() => return Ok((dir, BinSource::Path)),
                Some(dir) => searched.push(format!(
                    "{} found on PATH (no postgres in {})",
                    initdb.display(),
                    dir.display()
                )),
                None => searched.push(format!("{} found on PATH (unresolvable)", initdb.display())),
            }
        }
    }

    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(search.lib_root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions
        .into_iter()
        .rev()
        .find(|(_, dir)| missing_binary(dir).is_none())
    {
        return Ok((dir, BinSource::LibDir));
    }
    searched.push(format!("{}/*/bin", search.lib_root.display()));

    Err(ClusterError::BinaryNotFound {
        searched: searched.join(", "),
    })
}

/// The first of `initdb` and `postgres` that `dir` lacks as an executable file.
fn missing_binary(dir: &Path) -> Option<&'static str> {
    ["initdb", "postgres"]
        .into_iter()
        .find(|name| !is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The first executable `name` in the directories of a `PATH` value.
fn find_in_path(name: &str, path_var: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path_var?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn run_pg_config(pg_config: &Path) -> Option<PathBuf> {
    let output = Command::new(pg_config)
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let dir = text.trim();
    (output.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// `(version, major)` from `postgres --version` output such as
/// `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)` or `postgres (PostgreSQL) 18beta1`.
fn parse_version(text: &str) -> Option<(String, u32)> {
    let (_, rest) = text.split_once("(PostgreSQL) ")?;
    let version = rest.split_whitespace().next()?;
    let digits = version
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(version.len());
    let major = version[..digits].parse().ok()?;
    Some((version.to_owned(), major))
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

/// `ident` as a double-quoted SQL identifier.
fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A libpq keyword/value connection string, quoting values where libpq requires it.
fn keyword_value_conninfo(host: &str, port: u16, dbname: &str) -> String {
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
fn conninfo_url(host: &str, port: u16, dbname: &str) -> String {
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
    use std::str::FromStr as _;

    /// A fake bin directory under `root` holding executable files named `names`.
    fn fake_bindir(root: &Path, rel: &str, names: &[&str]) -> PathBuf {
        let dir = root.join(rel);
        fs::create_dir_all(&dir).unwrap();
        for name in names {
            let path = dir.join(name);
            fs::write(&path, "#!/bin/sh\n").unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    /// A staged machine where every step of the search would succeed with its own directory.
    struct Stage {
        root: tempfile::TempDir,
        option: PathBuf,
        env: PathBuf,
        pg_config: PathBuf,
        path: PathBuf,
        path_var: std::ffi::OsString,
        lib_root: PathBuf,
    }

    impl Stage {
        fn new() -> Stage {
            let root = tempfile::tempdir().unwrap();
            let both = ["initdb", "postgres"];
            let option = fake_bindir(root.path(), "option", &both);
            let env = fake_bindir(root.path(), "env", &both);
            let pg_config = fake_bindir(root.path(), "pg_config_bindir", &both);
            let path = fake_bindir(root.path(), "path", &["initdb", "postgres", "pg_config"]);
            let path_var = std::env::join_paths([root.path().join("empty"), path.clone()]).unwrap();
            let lib_root = root.path().join("lib");
            fake_bindir(&lib_root, "9/bin", &both);
            fake_bindir(&lib_root, "16/bin", &both);
            fake_bindir(&lib_root, "17/bin", &["initdb"]);
            fake_bindir(&lib_root, "notes/bin", &both);
            Stage {
                root,
                option,
                env,
                pg_config,
                path,
                path_var,
                lib_root,
            }
        }

        /// Searches with the steps before `first` switched off.
        fn locate_from(&self, first: BinSource) -> (PathBuf, BinSource) {
            let order = [
                BinSource::Option,
                BinSource::Env,
                BinSource::PgConfig,
                BinSource::Path,
                BinSource::LibDir,
            ];
            let first = order.iter().position(|step| *step == first).unwrap();
            let on = |step: BinSource| order[first..].contains(&step);
            let pg_config_dir = self.pg_config.clone();
            let pg_config_on = on(BinSource::PgConfig);
            let pg_config_bindir = move |_: &Path| pg_config_on.then(|| pg_config_dir.clone());
            let empty = self.root.path().join("empty");
            locate(&Search {
                explicit: on(BinSource::Option).then_some(self.option.as_path()),
                env: on(BinSource::Env).then_some(self.env.as_path()),
                path_var: Some(if on(BinSource::Path) {
                    self.path_var.as_os_str()
                } else {
                    empty.as_os_str()
                }),
                pg_config_bindir: &pg_config_bindir,
                lib_root: &self.lib_root,
            })
            .unwrap()
        }
    }

    #[test]
    fn discovery_follows_option_env_pg_config_path_libdir() {
        let stage = Stage::new();
        let expected = [
            (BinSource::Option, stage.option.clone()),
            (BinSource::Env, stage.env.clone()),
            (BinSource::PgConfig, stage.pg_config.clone()),
            (BinSource::Path, fs::canonicalize(&stage.path).unwrap()),
            // 17 lacks postgres and `notes` is no version, so 16 wins, not 9 (no string order).
            (BinSource::LibDir, stage.lib_root.join("16/bin")),
        ];
        for (first, dir) in expected {
            assert_eq!(stage.locate_from(first), (dir, first));
        }
    }

    #[test]
    fn discovery_resolves_symlinked_initdb_on_path() {
        let stage = Stage::new();
        let links = stage.root.path().join("links");
        fs::create_dir(&links).unwrap();
        let real = stage.lib_root.join("16/bin");
        std::os::unix::fs::symlink(real.join("initdb"), links.join("initdb")).unwrap();
        let pg_config_bindir = |_: &Path| None;
        let found = locate(&Search {
            explicit: None,
            env: None,
            path_var: Some(links.as_os_str()),
            pg_config_bindir: &pg_config_bindir,
            lib_root: &stage.root.path().join("nowhere"),
        })
        .unwrap();
        assert_eq!(found, (fs::canonicalize(real).unwrap(), BinSource::Path));
    }

    #[test]
    fn explicit_dir_without_binaries_is_an_error_not_a_fallthrough() {
        let stage = Stage::new();
        let incomplete = fake_bindir(stage.root.path(), "incomplete", &["initdb"]);
        let pg_config_bindir = |_: &Path| None;
        let err = locate(&Search {
            explicit: Some(&incomplete),
            env: None,
            path_var: Some(stage.path_var.as_os_str()),
            pg_config_bindir: &pg_config_bindir,
            lib_root: &stage.lib_root,
        })
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("set by the bindir option (no postgres)"),
            "{message}"
        );
    }

    #[test]
    fn nothing_found_says_what_to_install() {
        let root = tempfile::tempdir().unwrap();
        let pg_config_bindir = |_: &Path| None;
        let err = locate(&Search {
            explicit: None,
            env: None,
            path_var: Some(root.path().as_os_str()),
            pg_config_bindir: &pg_config_bindir,
            lib_root: &root.path().join("lib"),
        })
        .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, ClusterError::BinaryNotFound { .. }));
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains(BINDIR_ENV), "{message}");
        assert!(message.contains("pg_config (not on PATH)"), "{message}");
    }

    #[test]
    fn version_text_is_parsed() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"),
            Some(("15.18".to_owned(), 15))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 18beta1"),
            Some(("18beta1".to_owned(), 18))
        );
        assert_eq!(parse_version("postgres (PostgreSQL) devel"), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn euid_and_users_are_read_from_proc_and_passwd() {
        let status = "Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t5\t5\t5\t5\n";
        assert_eq!(parse_status_euid(status), Some(0));
        assert_eq!(parse_status_euid("Name:\tx\n"), None);
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        assert_eq!(
            lookup_user(passwd, "nobody"),
            Some(UserIds {
                uid: 65534,
                gid: 65534
            })
        );
        assert_eq!(lookup_user(passwd, "nobod"), None);
        assert_eq!(lookup_user("broken", "broken"), None);
    }

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

    #[test]
    fn long_socket_dirs_are_refused() {
        assert!(check_socket_dir("/tmp/schema-tool-pg.abcdef").is_ok());
        let err = check_socket_dir(&format!("/tmp/{}", "d".repeat(100))).unwrap_err();
        assert!(matches!(err, ClusterError::SocketPathTooLong { .. }));
    }

    #[test]
    fn server_settings_switch_off_durability_and_tcp() {
        let settings = server_settings(&ClusterOptions::default(), false, None);
        assert!(settings.contains(&"listen_addresses=".to_owned()));
        assert!(settings.contains(&"fsync=off".to_owned()));
        assert!(!settings.iter().any(|s| s.starts_with("ssl")));
        let tcp = server_settings(&ClusterOptions::default(), true, None);
        assert!(tcp.contains(&"listen_addresses=127.0.0.1".to_owned()));
    }
}
