//! The loader: finds and reads the desired-state SQL files and the external declarations from
//! disk, with their owning services, and hands their text to [`crate::loaded`] to be parsed
//! and lowered into one catalog.
//!
//! This is the only place the lint pipeline touches the file system; its errors are
//! [`LoadError`]s, which the command line turns into exit code 2.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::loaded::{EXTERNAL_WITHOUT_OWNER, Project};
use crate::source::{FileId, SourceMap, Span};

/// Why the files of a project could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A path given on the command line or in the config does not exist.
    #[error("{path} does not exist")]
    #[diagnostic(help("pass a .sql file or a directory of them"))]
    MissingPath {
        /// The path.
        path: PathBuf,
    },
}

/// What to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Desired-state files or directories.
    pub paths: Vec<PathBuf>,
    /// External-declaration files or directories.
    pub external: Vec<PathBuf>,
    /// Owning service per external file, keyed by path as written in the config.
    pub external_owners: Vec<(PathBuf, String)>,
    /// Schema for unqualified names (`public`).
    pub default_schema: String,
}

impl Project {
    /// Reads, parses and lowers every `.sql` file under the given paths.
    pub fn load(opts: &LoadOptions) -> Result<Project, LoadError> {
        let external_files = collect_sql_files(&opts.external)?;
        let mut desired_files = collect_sql_files(&opts.paths)?;
        // A schema directory may contain its external declarations (schema/external): those
        // files are external, never part of the desired state.
        desired_files.retain(|f| !external_files.contains(f));
        let mut sources = SourceMap::new();
        let mut owners = Vec::new();
        let mut diagnostics = Vec::new();
        for path in desired_files.iter().chain(&external_files) {
            let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
                path: path.clone(),
                source,
            })?;
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    // Reported at the first bad byte; the rest is read with replacement
                    // characters so every other statement is still checked.
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let id = FileId(u32::try_from(sources.len()).unwrap_or(u32::MAX));
                    diagnostics.push(
                        Diagnostic::new(
                            crate::parse::SYNTAX_ERROR,
                            Severity::Error,
                            "file is not valid UTF-8 from here on; it was read with replacement characters",
                            Some(Span::new(id, at, at + 1)),
                        )
                        .with_help("save the file as UTF-8"),
                    );
                    text
                }
            };
            sources.add(path.clone(), text);
        }
        for (i, path) in external_files.iter().enumerate() {
            let id = FileId(u32::try_from(desired_files.len() + i).unwrap_or(u32::MAX));
            let owner = owner_comment(&sources.file(id).text)
                .or_else(|| configured_owner(path, &opts.external_owners));
            if owner.is_none() {
                diagnostics.push(
                    Diagnostic::new(
                        EXTERNAL_WITHOUT_OWNER,
                        Severity::Warning,
                        "external declaration file names no owning service",
                        Some(Span::new(id, 0, 0)),
                    )
                    .with_help("start the file with `-- owner: <service>` or map it in schema.toml [external-owners]"),
                );
            }
            owners.push(owner.unwrap_or_else(|| "unknown".to_owned()));
        }
        let owners_by_file: Vec<Option<String>> = (0..sources.len())
            .map(|i| {
                i.checked_sub(desired_files.len())
                    .map(|j| owners[j].clone())
            })
            .collect();
        let default_schema = if opts.default_schema.is_empty() {
            "public"
        } else {
            &opts.default_schema
        };
        let (files, catalog, mut found) =
            crate::loaded::lower(&sources, &owners_by_file, default_schema);
        diagnostics.append(&mut found);
        Ok(Project {
            sources,
            files,
            catalog,
            diagnostics,
        })
    }
}

/// `-- owner: service` on the first non-empty line.
fn owner_comment(text: &str) -> Option<String> {
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let rest = line.trim().strip_prefix("--")?.trim();
    let owner = rest.strip_prefix("owner:")?.trim();
    (!owner.is_empty()).then(|| owner.to_owned())
}

fn configured_owner(path: &Path, owners: &[(PathBuf, String)]) -> Option<String> {
    owners
        .iter()
        .find(|(p, _)| path.ends_with(p) || p.ends_with(path))
        .map(|(_, o)| o.clone())
}

/// Every `.sql` file under the given paths, sorted, without duplicates.
pub fn collect_sql_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_file() {
            out.push(path.clone());
            continue;
        }
        if !path.exists() {
            return Err(LoadError::MissingPath { path: path.clone() });
        }
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| LoadError::Read {
                path: e.path().map_or_else(|| path.clone(), Path::to_owned),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed")),
            })?;
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "sql") {
                out.push(entry.path().to_owned());
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_comment_is_read_from_the_first_line() {
        assert_eq!(
            owner_comment("\n-- owner: event-service\ncreate table e ();").as_deref(),
            Some("event-service")
        );
        assert_eq!(owner_comment("create table e ();"), None);
    }
}
