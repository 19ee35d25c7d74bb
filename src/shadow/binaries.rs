//! Finding the PostgreSQL server binaries and the version they run: [`PgBinaries::find`].
//!
//! The search order is the bindir option, [`BINDIR_ENV`], `pg_config --bindir`, the `initdb` on
//! `PATH` and `/usr/lib/postgresql/*/bin` (highest version); the first two are errors when the
//! directory they name lacks a binary, the others fall through to the next step.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ClusterError;

/// Environment variable naming the directory that holds `initdb` and `postgres`.
///
/// It is consulted when [`ClusterOptions::bindir`](super::ClusterOptions::bindir) is not set, before any other place.
pub const BINDIR_ENV: &str = "SCHEMA_TOOL_PG_BINDIR";

/// Where Debian and Ubuntu install one directory per major version (`15/bin`, `16/bin`, ...).
const DEBIAN_LIB_ROOT: &str = "/usr/lib/postgresql";

/// Which step of the search found the PostgreSQL binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinSource {
    /// [`ClusterOptions::bindir`](super::ClusterOptions::bindir).
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
