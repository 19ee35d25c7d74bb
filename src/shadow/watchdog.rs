//! The watchdog that removes a cluster however its owner ends.
//!
//! A cluster must not outlive its owner. Next to the postmaster we start a small watchdog shell
//! whose standard input is a pipe that only this process holds (std opens pipes close-on-exec,
//! so no other child inherits it). The watchdog waits for end-of-file on that pipe, which comes
//! when the [`Cluster`](super::Cluster) is dropped, when starting fails half-way, and when this
//! process exits in any way at all: a normal exit that skips the destructors of statics (the
//! test harness), a panic, Ctrl-C or `SIGKILL`. It then asks the postmaster for a fast shutdown
//! (`SIGINT`), waits for it (killing it after ten seconds; backends notice their postmaster's
//! death and exit) and removes the directory. Dropping a [`Guard`] waits for the watchdog, so the
//! cluster is gone when `drop` returns. Both the watchdog and the postmaster run in process
//! groups of their own, so a Ctrl-C at the terminal reaches only the owner, whose exit then
//! triggers the cleanup.

use std::io::{self, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use super::ClusterError;

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

/// Owns the watchdog and the postmaster; dropping it stops both and removes the directory.
#[derive(Debug)]
pub(super) struct Guard {
    watchdog: Child,
    /// Closing this pipe tells the watchdog to clean up.
    watchdog_stdin: Option<ChildStdin>,
    postmaster: Option<Child>,
    /// Removes the directory should the watchdog have failed to.
    _tempdir: tempfile::TempDir,
}

impl Guard {
    /// Starts the watchdog for the directory `tempdir`, which it removes when this guard goes.
    pub(super) fn new(tempdir: tempfile::TempDir) -> Result<Guard, ClusterError> {
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
    pub(super) fn watch_postmaster(&mut self, postmaster: Child) -> Result<(), ClusterError> {
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

    /// Why the postmaster is gone, when it has exited (or cannot be waited for).
    pub(super) fn postmaster_exit(&mut self) -> Option<String> {
        match self.postmaster.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => Some(status.to_string()),
            Some(Err(err)) => Some(format!("cannot wait for the server: {err}")),
            Some(Ok(None)) | None => None,
        }
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
