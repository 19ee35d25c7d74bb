//! Opening a connection the way `psql` would.
//!
//! The target is a libpq connection URI (`postgresql://user:secret@host:5432/db?sslmode=require`)
//! or keyword string (`host=db user=app sslmode=verify-full`). What it leaves out comes from
//! libpq's environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
//! `PGSSLMODE`, `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT`, `PGAPPNAME`), then from libpq's
//! defaults (the local Unix socket, the operating-system user). `sslmode` has libpq's meaning:
//! `disable` (no TLS), `prefer` and `require` (TLS without certificate checks, `prefer` falling
//! back to plain text), `verify-ca` (the chain must lead to `sslrootcert` or a system root) and
//! `verify-full` (the host name must match too). TLS is `native-tls` via `postgres-native-tls`.
//!
//! Every failure is one [`ConnectError`] line that names the target with its password replaced
//! ([`redact`]); the CLI reports it and exits 2.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

/// Connect timeout when neither the target nor `PGCONNECT_TIMEOUT` sets one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to connect.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// `--database-url` or `DATABASE_URL` (URI or keyword string); `None`: environment only.
    pub url: Option<String>,
    /// libpq's `PG*` variables (`None` for unset). [`ConnectOptions::with_process_env`] fills
    /// them from the process; tests set them directly.
    pub env: Vec<(String, String)>,
    /// Overrides the connect timeout.
    pub connect_timeout: Option<Duration>,
}

impl ConnectOptions {
    /// Options for `url`, with the `PG*` variables of this process.
    pub fn with_process_env(url: Option<String>) -> Self {
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("PG"))
            .collect();
        ConnectOptions {
            url,
            env,
            connect_timeout: None,
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// `disable`.
    Disable,
    /// `allow` and `prefer`: TLS when the server offers it, unchecked.
    Prefer,
    /// `require`: TLS, unchecked.
    Require,
    /// `verify-ca`: TLS, certificate chain checked.
    VerifyCa,
    /// `verify-full`: TLS, chain and host name checked.
    VerifyFull,
}

impl TlsMode {
    fn parse(value: &str) -> Option<TlsMode> {
        match value {
            "disable" => Some(TlsMode::Disable),
            "allow" | "prefer" => Some(TlsMode::Prefer),
            "require" => Some(TlsMode::Require),
            "verify-ca" => Some(TlsMode::VerifyCa),
            "verify-full" => Some(TlsMode::VerifyFull),
            _ => None,
        }
    }
}

/// Why no connection could be made. Each is an environment problem (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL or keyword string cannot be read.
    #[error("invalid database URL {url}: {reason}")]
    InvalidUrl {
        /// The URL, password replaced.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The TLS settings cannot be used (unreadable root certificate, …).
    #[error("cannot set up TLS for {target}: {reason}")]
    Tls {
        /// The target, password replaced.
        target: String,
        /// What is wrong.
        reason: String,
    },
    /// The server cannot be reached (refused, unknown host, timeout, TLS handshake).
    #[error("cannot reach the database server at {target}: {reason}")]
    Unreachable {
        /// The target, password replaced.
        target: String,
        /// The client's message.
        reason: String,
    },
    /// The server refused the user or password.
    #[error("the database server at {target} rejected the credentials: {reason}")]
    Authentication {
        /// The target, password replaced.
        target: String,
        /// The server's message.
        reason: String,
    },
    /// The user may not connect to this database, or it does not exist.
    #[error("cannot use database at {target}: {reason}")]
    Database {
        /// The target, password replaced.
        target: String,
        /// The server's message.
        reason: String,
    },
}

/// Replaces the password in a connection URI or keyword string by `***`.
pub fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    // URI: scheme://user:password@host…
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = rest_start + colon + 1;
                out.replace_range(start..rest_start + at, "***");
            }
        }
    }
    // `password=…` as a URI query parameter or a keyword (possibly quoted).
    let mut search = 0;
    while let Some(found) = out[search..].find("password=") {
        let at = search + found;
        let before_ok = at == 0 || out[..at].ends_with(['?', '&', ' ', '\t', '\n']);
        let start = at + "password=".len();
        if !before_ok {
            search = start;
            continue;
        }
        let end = value_end(&out, start);
        out.replace_range(start..end, "***");
        search = start + 3;
    }
    out
}

/// End of a keyword or query value starting at `start` (a quoted keyword value may hold spaces).
fn value_end(s: &str, start: usize) -> usize {
    let bytes = s.as_bytes();
    if bytes.get(start) == Some(&b'\'') {
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'\'' => return i + 1,
                _ => i += 1,
            }
        }
        return bytes.len();
    }
    s[start..]
        .find(['&', ' ', '\t', '\n'])
        .map_or(s.len(), |i| start + i)
}

/// Removes `name=value` from a URI query or keyword string; returns the value (unquoted).
fn take_param(s: &mut String, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let mut search = 0;
    while let Some(found) = s[search..].find(&key) {
        let at = search + found;
        let before = s[..at].chars().last();
        if !matches!(before, None | Some('?' | '&' | ' ' | '\t' | '\n')) {
            search = at + key.len();
            continue;
        }
        let start = at + key.len();
        let end = value_end(s, start);
        let raw = s[start..end].to_owned();
        // Drop the parameter and one separator.
        let (cut_start, cut_end) = match s[end..].chars().next() {
            Some('&') => (at, end + 1),
            _ if before == Some('&') => (at - 1, end),
            _ => (at, end),
        };
        s.replace_range(cut_start..cut_end, "");
        if s.ends_with('?') {
            s.pop();
        }
        let value = raw.trim_matches('\'').replace("\\'", "'");
        return Some(percent_decode(&value));
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The resolved target: client configuration plus what `postgres::Config` cannot hold.
#[derive(Debug)]
pub struct Target {
    /// The client configuration (TLS mode folded into `require`/`prefer`/`disable`).
    pub config: Config,
    /// The requested `sslmode`.
    pub tls: TlsMode,
    /// `sslrootcert`.
    pub root_cert: Option<PathBuf>,
    /// Printable description: `user@host:port/dbname`.
    pub display: String,
}

/// Reads the URL and environment into a [`Target`] without connecting.
pub fn resolve(opts: &ConnectOptions) -> Result<Target, ConnectError> {
    let mut text = opts.url.clone().unwrap_or_default();
    let invalid = |reason: String| invalid_url(opts, reason);
    let sslmode = take_param(&mut text, "sslmode");
    let root_cert = take_param(&mut text, "sslrootcert");
    for ignored in [
        "sslcert",
        "sslkey",
        "sslcrl",
        "sslcompression",
        "gssencmode",
        "sslnegotiation",
    ] {
        take_param(&mut text, ignored);
    }
    let mut config = if text.trim().is_empty() {
        Config::new()
    } else {
        Config::from_str(&text).map_err(|e| invalid(e.to_string()))?
    };
    fill_from_environment(&mut config, opts)?;
    let timeout = connect_timeout(&config, opts)?;
    config.connect_timeout(timeout);
    let tls = tls_mode(sslmode, opts)?;
    config.ssl_mode(match tls {
        TlsMode::Disable => SslMode::Disable,
        TlsMode::Prefer => SslMode::Prefer,
        TlsMode::Require | TlsMode::VerifyCa | TlsMode::VerifyFull => SslMode::Require,
    });
    let root_cert = root_cert
        .or_else(|| opts.var("PGSSLROOTCERT").map(str::to_owned))
        .map(PathBuf::from);
    let display = describe(&config);
    Ok(Target {
        config,
        tls,
        root_cert,
        display,
    })
}

/// The URL is not acceptable, for `reason` (the URL is quoted without its password).
fn invalid_url(opts: &ConnectOptions, reason: String) -> ConnectError {
    ConnectError::InvalidUrl {
        url: redact(opts.url.as_deref().unwrap_or("")),
        reason,
    }
}

/// What the URL leaves out, from `PGHOST`, `PGPORT`, `PGUSER` (else `USER`), `PGPASSWORD`,
/// `PGDATABASE` (else the user) and `PGAPPNAME`, as libpq does; the host defaults to the
/// local socket directory when there is one, else `localhost`.
fn fill_from_environment(config: &mut Config, opts: &ConnectOptions) -> Result<(), ConnectError> {
    let invalid = |reason: String| invalid_url(opts, reason);
    if config.get_hosts().is_empty() {
        match opts.var("PGHOST") {
            Some(hosts) => {
                for h in hosts.split(',') {
                    config.host(h);
                }
            }
            None => {
                let socket_dir = std::path::Path::new("/var/run/postgresql");
                if socket_dir.is_dir() {
                    config.host_path(socket_dir);
                } else {
                    config.host("localhost");
                }
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = opts.var("PGPORT") {
            let port = port
                .parse::<u16>()
                .map_err(|_| invalid(format!("PGPORT {port:?} is not a port")))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = opts
            .var("PGUSER")
            .map(str::to_owned)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".to_owned());
        config.user(&user);
    }
    if config.get_password().is_none() {
        if let Some(p) = opts.var("PGPASSWORD") {
            config.password(p);
        }
    }
    if config.get_dbname().is_none() {
        let db = opts
            .var("PGDATABASE")
            .map(str::to_owned)
            .or_else(|| config.get_user().map(str::to_owned))
            .unwrap_or_default();
        config.dbname(&db);
    }
    if config.get_application_name().is_none() {
        config.application_name(opts.var("PGAPPNAME").unwrap_or("schema-tool"));
    }
    Ok(())
}

/// The connect timeout: the option, else the URL's `connect_timeout`, else
/// `PGCONNECT_TIMEOUT`, else the default.
fn connect_timeout(config: &Config, opts: &ConnectOptions) -> Result<Duration, ConnectError> {
    let invalid = |reason: String| invalid_url(opts, reason);
    let timeout = opts
        .connect_timeout
        .or_else(|| config.get_connect_timeout().copied());
    let timeout = match timeout {
        Some(t) => t,
        None => match opts.var("PGCONNECT_TIMEOUT") {
            Some(s) => Duration::from_secs(s.parse::<u64>().map_err(|_| {
                invalid(format!(
                    "PGCONNECT_TIMEOUT {s:?} is not a number of seconds"
                ))
            })?),
            None => DEFAULT_CONNECT_TIMEOUT,
        },
    };
    Ok(timeout)
}

/// The requested `sslmode`: the URL's, else `PGSSLMODE`, else `prefer`.
fn tls_mode(sslmode: Option<String>, opts: &ConnectOptions) -> Result<TlsMode, ConnectError> {
    let invalid = |reason: String| invalid_url(opts, reason);
    let mode_text = sslmode.or_else(|| opts.var("PGSSLMODE").map(str::to_owned));
    let tls = match mode_text.as_deref() {
        None => TlsMode::Prefer,
        Some(m) => TlsMode::parse(m).ok_or_else(|| invalid(format!("unknown sslmode {m:?}")))?,
    };
    Ok(tls)
}

/// `user@host:port/dbname` (never the password).
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => String::new(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}

/// Connects as described by `opts`. See the module documentation.
pub fn connect(opts: &ConnectOptions) -> Result<Client, ConnectError> {
    connect_target(&resolve(opts)?)
}

/// Connects to a resolved [`Target`] (whose configuration the caller may have changed, such
/// as the database name).
pub fn connect_target(target: &Target) -> Result<Client, ConnectError> {
    let result = if target.tls == TlsMode::Disable {
        target.config.connect(NoTls)
    } else {
        let connector = tls_connector(target)?;
        target.config.connect(connector)
    };
    result.map_err(|e| classify(&target.display, &e))
}

fn tls_connector(target: &Target) -> Result<postgres_native_tls::MakeTlsConnector, ConnectError> {
    let tls_error = |reason: String| ConnectError::Tls {
        target: target.display.clone(),
        reason,
    };
    let mut builder = native_tls::TlsConnector::builder();
    match target.tls {
        TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => {
            builder.danger_accept_invalid_certs(true);
            builder.danger_accept_invalid_hostnames(true);
        }
        TlsMode::VerifyCa => {
            builder.danger_accept_invalid_hostnames(true);
        }
        TlsMode::VerifyFull => {}
    }
    if let Some(path) = &target.root_cert {
        let pem = std::fs::read(path)
            .map_err(|e| tls_error(format!("cannot read sslrootcert {}: {e}", path.display())))?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
            tls_error(format!(
                "sslrootcert {} is not a PEM certificate: {e}",
                path.display()
            ))
        })?;
        builder.add_root_certificate(cert);
    }
    let connector = builder.build().map_err(|e| tls_error(e.to_string()))?;
    Ok(postgres_native_tls::MakeTlsConnector::new(connector))
}

/// Sorts a client error into the variant that tells the user what to fix.
fn classify(target: &str, e: &postgres::Error) -> ConnectError {
    let target = target.to_owned();
    if let Some(db) = e.as_db_error() {
        let reason = db.message().to_owned();
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            ConnectError::Authentication { target, reason }
        } else {
            ConnectError::Database { target, reason }
        };
    }
    let reason = crate::error_chain::error_chain(e);
    ConnectError::Unreachable { target, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(url: &str, env: &[(&str, &str)]) -> ConnectOptions {
        ConnectOptions {
            url: (!url.is_empty()).then(|| url.to_owned()),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            connect_timeout: None,
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgresql://app:s3cr%40t@db.example:5432/prod?sslmode=require"),
            "postgresql://app:***@db.example:5432/prod?sslmode=require"
        );
        assert_eq!(redact("postgres://app@db/prod"), "postgres://app@db/prod");
        assert_eq!(
            redact("host=db user=app password='a b\\'c' dbname=prod"),
            "host=db user=app password=*** dbname=prod"
        );
        assert_eq!(
            redact("postgres://db/prod?user=app&password=hunter2&sslmode=disable"),
            "postgres://db/prod?user=app&password=***&sslmode=disable"
        );
        assert_eq!(redact("host=db mypassword=x"), "host=db mypassword=x");
    }

    #[test]
    fn url_and_environment_combine_like_libpq() {
        let t = resolve(&opts(
            "postgresql://app:pw@db.example:6432/prod?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            &[("PGUSER", "other"), ("PGDATABASE", "ignored")],
        ))
        .unwrap();
        assert_eq!(t.tls, TlsMode::VerifyFull);
        assert_eq!(t.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(t.display, "app@db.example:6432/prod");
        assert_eq!(t.config.get_password(), Some(&b"pw"[..]));

        let t = resolve(&opts(
            "",
            &[
                ("PGHOST", "h"),
                ("PGPORT", "5433"),
                ("PGUSER", "u"),
                ("PGPASSWORD", "p"),
                ("PGSSLMODE", "disable"),
                ("PGCONNECT_TIMEOUT", "3"),
            ],
        ))
        .unwrap();
        assert_eq!(t.display, "u@h:5433/u");
        assert_eq!(t.tls, TlsMode::Disable);
        assert_eq!(
            t.config.get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );

        let t = resolve(&opts("host=db user=k sslmode=verify-ca dbname=x", &[])).unwrap();
        assert_eq!(t.tls, TlsMode::VerifyCa);
        assert_eq!(t.display, "k@db:5432/x");
        assert_eq!(
            t.config.get_connect_timeout(),
            Some(&DEFAULT_CONNECT_TIMEOUT)
        );
    }

    #[test]
    fn bad_input_is_one_line_without_the_password() {
        let err = resolve(&opts(
            "postgresql://app:topsecret@db/prod?sslmode=sometimes",
            &[],
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown sslmode"), "{text}");
        assert!(!text.contains("topsecret"), "{text}");
        let err = resolve(&opts("postgresql://app:topsecret@db:notaport/prod", &[])).unwrap_err();
        assert!(!err.to_string().contains("topsecret"), "{err}");
        assert!(!err.to_string().contains('\n'));
    }
}
