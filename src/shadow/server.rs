//! The server process's options: where its socket goes, which TCP port it takes and the
//! `-c name=value` settings it starts with, and starting it.

use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Stdio};

use super::tls::SslFiles;
use super::user::{UserIds, command_as};
use super::{ClusterError, ClusterOptions, PgBinaries};

/// The socket-file name PostgreSQL puts in the socket directory; the port is at most 5 digits.
pub(super) const SOCKET_FILE_MAX: &str = "/.s.PGSQL.65535";

/// `sun_path` holds 108 bytes including the terminating NUL.
pub(super) const MAX_SOCKET_PATH: usize = 107;

/// Port used when the cluster listens on its Unix socket only: it merely names the socket file.
pub(super) const SOCKET_ONLY_PORT: u16 = 5432;

/// Refuses a socket directory whose socket path would not fit a Unix socket address.
pub(super) fn check_socket_dir(dir: &str) -> Result<(), ClusterError> {
    if dir.len() + SOCKET_FILE_MAX.len() > MAX_SOCKET_PATH {
        return Err(ClusterError::SocketPathTooLong {
            path: dir.to_owned(),
        });
    }
    Ok(())
}

/// A port on `127.0.0.1` that nobody listens on right now.
pub(super) fn free_tcp_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(ClusterError::io("cannot find a free TCP port"))?;
    let addr = listener
        .local_addr()
        .map_err(ClusterError::io("cannot find a free TCP port"))?;
    Ok(addr.port())
}

/// The `-c name=value` arguments of the postmaster.
pub(super) fn server_settings(
    opts: &ClusterOptions,
    tcp: bool,
    ssl: Option<&SslFiles>,
) -> Vec<String> {
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

/// Starts the postmaster on `data_dir`, its socket in `dir`, with `settings` (`-c` arguments),
/// as `user` when given, writing its log to `log_path`, in a process group of its own.
pub(super) fn spawn_postmaster(
    binaries: &PgBinaries,
    dir: &Path,
    data_dir: &Path,
    port: u16,
    settings: Vec<String>,
    user: Option<UserIds>,
    log_path: &Path,
) -> Result<Child, ClusterError> {
    let log = fs::File::create(log_path).map_err(ClusterError::io(format!(
        "cannot create {}",
        log_path.display()
    )))?;
    let log_err = log
        .try_clone()
        .map_err(ClusterError::io("cannot duplicate the server log handle"))?;

    let program = binaries.bindir().join("postgres");
    let mut command = command_as(&program, user);
    command
        .arg("-D")
        .arg(data_dir)
        .arg("-k")
        .arg(dir)
        .arg("-p")
        .arg(port.to_string())
        .args(settings)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .env_remove("PGDATA")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .process_group(0);
    command.spawn().map_err(ClusterError::spawn(&program))
}

#[cfg(test)]
mod tests {
    use super::*;

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
