//! Throwaway clusters: starting them, using them from parallel tests, and making sure they
//! disappear however their owner ends.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{cluster, error_chain, fresh_database};
use postgres::NoTls;
use schema_tool::shadow::{Cluster, ClusterError, ClusterOptions};

/// Set in the environment of a copy of this test binary that plays a cluster owner for
/// [`assert_owner_death_cleans_up`].
const OWNER_ENV: &str = "SCHEMA_TOOL_TEST_CLUSTER_OWNER";

/// Starts the line on which the owner process announces `<postmaster pid> <cluster dir>`.
const OWNER_MARKER: &str = "owner-cluster: ";

fn start(opts: &ClusterOptions) -> Cluster {
    Cluster::start(opts)
        .unwrap_or_else(|err| panic!("cannot start a cluster: {}", error_chain(&err)))
}

/// How many processes of the cluster in `dir` with postmaster `pid` run (zombies do not count).
/// Backends lead process groups of their own, but they all work in the data directory, so they
/// are found by their working directory.
fn server_processes(dir: &Path, pid: u32) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                return false;
            };
            // `pid (comm) state ...`; comm may hold spaces and parentheses.
            let running = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X");
            let is_postmaster = entry.file_name().to_str() == Some(&pid.to_string());
            let works_in_dir =
                std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(dir));
            running && (is_postmaster || works_in_dir)
        })
        .count()
}

/// Waits up to `timeout` for the cluster in `dir` with postmaster `pid` to be gone.
fn wait_until_gone(dir: &Path, pid: u32, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while (dir.exists() || server_processes(dir, pid) > 0) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!dir.exists(), "{} was left behind", dir.display());
    assert_eq!(
        server_processes(dir, pid),
        0,
        "postmaster {pid} or its backends were left running"
    );
}

#[test]
fn server_runs_the_major_version_it_reports() {
    let cluster = cluster();
    let mut client = cluster.connect("postgres").unwrap();
    let row = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap();
    let version_num: i32 = row.get(0);
    assert_eq!(
        u32::try_from(version_num / 10_000).unwrap(),
        cluster.major_version()
    );
    assert_eq!(cluster.binaries().major_version(), cluster.major_version());
}

#[test]
fn parallel_databases_do_not_see_each_other() {
    let names: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|i| {
                scope.spawn(move || {
                    let (name, mut client) = fresh_database("parallel");
                    client
                        .batch_execute(&format!(
                            "CREATE TABLE only_here (worker int); INSERT INTO only_here VALUES ({i});"
                        ))
                        .unwrap();
                    let rows = client.query("SELECT worker FROM only_here", &[]).unwrap();
                    let workers: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
                    assert_eq!(workers, [i]);
                    name
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_ne!(names[0], names[1]);
    assert!(
        names.iter().all(|name| name.starts_with("parallel_")),
        "{names:?}"
    );
}

#[test]
fn connection_string_and_url_both_connect() {
    let cluster = cluster();
    let (name, _client) = fresh_database("conninfo");
    for conninfo in [cluster.connection_string(&name), cluster.url(&name)] {
        let mut client = postgres::Client::connect(&conninfo, NoTls)
            .unwrap_or_else(|err| panic!("{conninfo}: {err}"));
        let row = client.query_one("SELECT current_database()", &[]).unwrap();
        assert_eq!(row.get::<_, String>(0), name, "{conninfo}");
    }
    assert_eq!(cluster.tcp_connection_string(&name), None);
}

#[test]
fn drop_database_removes_it_even_while_connected() {
    let cluster = cluster();
    let (name, _still_connected) = fresh_database("dropped");
    cluster.drop_database(&name).unwrap();
    let mut client = cluster.connect("postgres").unwrap();
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 0);
    // Dropping what is not there is no error.
    cluster.drop_database(&name).unwrap();
}

#[test]
fn drop_stops_the_server_and_removes_the_directory() {
    let cluster = start(&ClusterOptions::default());
    let dir = cluster.dir().to_path_buf();
    let pid = cluster.postmaster_pid();
    let _session = cluster.connect("postgres").unwrap();
    assert!(dir.join("data/PG_VERSION").is_file());
    // The postmaster, its helpers and the backend of `_session`.
    assert!(server_processes(&dir, pid) > 3);
    drop(cluster);
    // Drop waits for the cleanup, so there is nothing to wait for here.
    wait_until_gone(&dir, pid, Duration::ZERO);
}

#[test]
fn failed_start_reports_the_server_log_and_leaves_nothing() {
    let temp_root = tempfile::tempdir().unwrap();
    let opts = ClusterOptions {
        // Out of range: the server refuses to start and says so in its log.
        max_connections: 0,
        temp_root: Some(temp_root.path().to_path_buf()),
        ..ClusterOptions::default()
    };
    let err = Cluster::start(&opts).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ClusterError::Start { .. }), "{message}");
    assert!(message.contains("max_connections"), "{message}");
    let left: Vec<_> = std::fs::read_dir(temp_root.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn missing_binaries_error_says_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let opts = ClusterOptions {
        bindir: Some(empty.path().to_path_buf()),
        ..ClusterOptions::default()
    };
    let err = Cluster::start(&opts).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, ClusterError::BinaryNotFound { .. }),
        "{message}"
    );
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("SCHEMA_TOOL_PG_BINDIR"), "{message}");
    assert!(
        message.contains(&empty.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn tcp_with_ssl_serves_require_and_verify_full() {
    let cluster = start(&ClusterOptions {
        ssl: true,
        ..ClusterOptions::default()
    });
    let tcp = cluster.tcp_connection_string("postgres").unwrap();
    assert!(tcp.contains(&format!("port={}", cluster.port())), "{tcp}");

    // sslmode=require: encrypted, certificate not checked.
    let accept_any = native_tls::TlsConnector::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let connector = postgres_native_tls::MakeTlsConnector::new(accept_any);
    let mut client = postgres::Client::connect(&format!("{tcp} sslmode=require"), connector)
        .unwrap_or_else(|err| panic!("{tcp}: {}", error_chain(&err)));
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert!(row.get::<_, bool>(0));

    // verify-full: the certificate is trusted and names the host.
    let pem = std::fs::read(cluster.ssl_root_cert().unwrap()).unwrap();
    let verifying = || {
        let root = native_tls::Certificate::from_pem(&pem).unwrap();
        let connector = native_tls::TlsConnector::builder()
            .add_root_certificate(root)
            .build()
            .unwrap();
        postgres_native_tls::MakeTlsConnector::new(connector)
    };
    let port = cluster.port();
    for host in ["localhost", "127.0.0.1"] {
        let conninfo = format!(
            "host={host} hostaddr=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=require"
        );
        postgres::Client::connect(&conninfo, verifying())
            .unwrap_or_else(|err| panic!("{conninfo}: {}", error_chain(&err)));
    }
    let wrong_name = format!(
        "host=elsewhere.invalid hostaddr=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=require"
    );
    assert!(postgres::Client::connect(&wrong_name, verifying()).is_err());
}

/// Not a test by itself: [`assert_owner_death_cleans_up`] runs this test binary again with
/// [`OWNER_ENV`] set, and then this starts a cluster, prints where it is and waits to be killed.
#[test]
fn owner_process_helper() {
    if std::env::var_os(OWNER_ENV).is_none() {
        return;
    }
    let cluster = start(&ClusterOptions::default());
    let mut stdout = std::io::stdout();
    // libtest has already printed `test owner_process_helper ... ` without a line break.
    writeln!(
        stdout,
        "\n{OWNER_MARKER}{} {}",
        cluster.postmaster_pid(),
        cluster.dir().display()
    )
    .unwrap();
    stdout.flush().unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

/// The owner process of [`assert_owner_death_cleans_up`], killed should the test fail early.
struct OwnerProcess(std::process::Child);

impl Drop for OwnerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts an owner process, which starts a cluster; ends the owner by sending `signal` to its
/// process group (as a terminal does for Ctrl-C); checks that the cluster disappears.
fn assert_owner_death_cleans_up(signal: &str) {
    let exe = std::env::current_exe().unwrap();
    let mut owner = OwnerProcess(
        Command::new(exe)
            .args([
                "owner_process_helper",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(OWNER_ENV, "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap(),
    );
    let stdout = BufReader::new(owner.0.stdout.take().unwrap());
    let announced = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix(OWNER_MARKER).map(str::to_owned));
    let Some(announced) = announced else {
        let mut stderr = String::new();
        let _ = owner.0.stderr.take().unwrap().read_to_string(&mut stderr);
        panic!("the owner process announced no cluster:\n{stderr}");
    };
    let (pid, dir) = announced.split_once(' ').unwrap();
    let pid: u32 = pid.parse().unwrap();
    let dir = PathBuf::from(dir);
    assert!(dir.is_dir());
    assert!(server_processes(&dir, pid) > 0);

    // dash's `kill` takes `-SIGNAL -PGID`, not `-s SIGNAL`.
    let status = Command::new("/bin/sh")
        .args([
            "-c",
            r#"kill -"$1" -"$2""#,
            "sh",
            signal,
            &owner.0.id().to_string(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = owner.0.wait().unwrap();
    assert!(!exit.success(), "the owner survived SIG{signal}");

    wait_until_gone(&dir, pid, Duration::from_secs(10));
}

#[test]
fn killed_owner_leaves_no_server_and_no_directory() {
    assert_owner_death_cleans_up("KILL");
}

#[test]
fn ctrl_c_to_owner_leaves_no_server_and_no_directory() {
    assert_owner_death_cleans_up("INT");
}
