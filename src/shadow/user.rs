//! Running as root: `initdb` and `postgres` refuse to, so both then run as an unprivileged user
//! ([`ClusterOptions::run_as`](super::ClusterOptions::run_as), `nobody` by default).

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::Command;

use super::ClusterError;

/// The user the server runs as when this process is root, unless configured otherwise.
const DEFAULT_RUN_AS: &str = "nobody";

/// The uid and gid the server runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UserIds {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

/// `None` when this process is not root; else the unprivileged user to run the server as.
pub(super) fn server_user(run_as: Option<&str>) -> Result<Option<UserIds>, ClusterError> {
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

/// Makes `user` the owner of `path` (a file or directory the server must read or write).
pub(super) fn hand_over(path: &Path, user: UserIds) -> Result<(), ClusterError> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(ClusterError::io(
        format!("cannot hand {} to the server user", path.display()),
    ))
}

/// A command that runs as `user` when given (this process being root).
pub(super) fn command_as(program: &Path, user: Option<UserIds>) -> Command {
    let mut command = Command::new(program);
    if let Some(user) = user {
        // std drops the supplementary groups too when root switches to another uid.
        command.uid(user.uid).gid(user.gid);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
