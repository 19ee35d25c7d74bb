//! TLS for a cluster started with [`ClusterOptions::ssl`](super::ClusterOptions::ssl): a
//! self-signed certificate made with the `openssl` command.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ClusterError;
use super::output::output_tail;
use super::user::{UserIds, hand_over};

/// The server's certificate and key.
#[derive(Debug)]
pub(super) struct SslFiles {
    /// The certificate (PEM), also the root certificate clients verify the server with.
    pub(super) cert: PathBuf,
    /// The private key.
    pub(super) key: PathBuf,
}

/// Makes a self-signed certificate for `localhost` and `127.0.0.1` with the `openssl` command,
/// readable by the server user only.
pub(super) fn make_certificate(
    dir: &Path,
    user: Option<UserIds>,
) -> Result<SslFiles, ClusterError> {
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
            hand_over(path, user)?;
        }
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(ClusterError::io(
            format!("cannot restrict {}", path.display()),
        ))?;
    }
    Ok(files)
}
