//! A project: the desired-state SQL files and the external declarations, read, parsed and
//! lowered into one catalog.
//!
//! This is the only place the lint pipeline touches the file system.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::catalog::build::{Input, build_catalog};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::parse::{ParsedFile, Statement, parse_file};
use crate::source::{FileId, SourceMap, Span};

/// Rule name for an external declaration file without an owning service.
pub const EXTERNAL_WITHOUT_OWNER: &str = "external-without-owner";

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

/// One loaded file.
#[derive(Debug)]
pub struct LoadedFile {
    /// Its id in the source map.
    pub id: FileId,
    /// Its statements.
    pub statements: Vec<Statement>,
    /// Owning service when it declares external tables.
    pub external_owner: Option<String>,
}

/// Everything read for one run.
#[derive(Debug)]
pub struct Project {
    /// All files' text.
    pub sources: SourceMap,
    /// Parsed files, desired state first, then externals, each group in path order.
    pub files: Vec<LoadedFile>,
    /// The catalog built from them.
    pub catalog: Catalog,
    /// Problems found while loading (syntax errors, unsupported statements, …).
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// Reads, parses and lowers every `.sql` file under the given paths.
    pub fn load(opts: &LoadOptions) -> Result<Project, Error> {
        let external_files = collect_sql_files(&opts.external)?;
        let mut desired_files = collect_sql_files(&opts.paths)?;
        // A schema directory may contain its external declarations (schema/external): those
        // files are external, never part of the desired state.
        desired_files.retain(|f| !external_files.contains(f));
        let mut sources = SourceMap::new();
        let mut owners = Vec::new();
        for path in desired_files.iter().chain(&external_files) {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            sources.add(path.clone(), text);
        }
        let mut diagnostics = Vec::new();
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
        let parsed = parse_all(&sources);
        let mut files = Vec::with_capacity(parsed.len());
        for (i, p) in parsed.into_iter().enumerate() {
            diagnostics.extend(p.diagnostics);
            let external_owner = i
                .checked_sub(desired_files.len())
                .map(|j| owners[j].clone());
            files.push(LoadedFile {
                id: FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                statements: p.statements,
                external_owner,
            });
        }
        let inputs: Vec<Input<'_>> = files
            .iter()
            .map(|f| Input {
                file: f.id,
                text: &sources.file(f.id).text,
                statements: &f.statements,
                external_owner: f.external_owner.as_deref(),
            })
            .collect();
        let default_schema = if opts.default_schema.is_empty() {
            "public"
        } else {
            &opts.default_schema
        };
        let (catalog, build_diags) = build_catalog(&inputs, default_schema);
        diagnostics.extend(build_diags);
        Ok(Project {
            sources,
            files,
            catalog,
            diagnostics,
        })
    }

    /// A project from in-memory SQL (tests, examples): one desired file and optional externals.
    pub fn from_sql(sql: &str, externals: &[(&str, &str)]) -> Project {
        let mut sources = SourceMap::new();
        sources.add("schema.sql", sql.to_owned());
        for (i, (_, text)) in externals.iter().enumerate() {
            sources.add(format!("external{i}.sql"), (*text).to_owned());
        }
        let parsed = parse_all(&sources);
        let mut diagnostics = Vec::new();
        let mut files = Vec::new();
        for (i, p) in parsed.into_iter().enumerate() {
            diagnostics.extend(p.diagnostics);
            files.push(LoadedFile {
                id: FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                statements: p.statements,
                external_owner: i.checked_sub(1).map(|j| externals[j].0.to_owned()),
            });
        }
        let inputs: Vec<Input<'_>> = files
            .iter()
            .map(|f| Input {
                file: f.id,
                text: &sources.file(f.id).text,
                statements: &f.statements,
                external_owner: f.external_owner.as_deref(),
            })
            .collect();
        let (catalog, build_diags) = build_catalog(&inputs, "public");
        diagnostics.extend(build_diags);
        Project {
            sources,
            files,
            catalog,
            diagnostics,
        }
    }

    /// Number of desired-state (non-external) files.
    pub fn desired_file_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.external_owner.is_none())
            .count()
    }
}

/// Parses every file, spreading files over the available cores; one large file is split at
/// statement boundaries first so it does not run on one core alone.
fn parse_all(sources: &SourceMap) -> Vec<ParsedFile> {
    let files: Vec<(FileId, &str)> = sources
        .iter()
        .map(|(id, f)| (id, f.text.as_str()))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    if threads <= 1 || files.len() <= 1 && files.first().is_none_or(|(_, t)| t.len() < 256 * 1024) {
        return files.iter().map(|(id, t)| parse_file(*id, t)).collect();
    }
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    if files.len() < threads * 4 && total >= 256 * 1024 {
        // Few, large files: parse each in chunks in parallel.
        return files
            .iter()
            .map(|(id, t)| parse_in_chunks(*id, t, threads))
            .collect();
    }
    let mut out: Vec<Option<ParsedFile>> = (0..files.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunk = files.len().div_ceil(threads);
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|group| {
                scope.spawn(move || {
                    group
                        .iter()
                        .map(|(id, t)| parse_file(*id, t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut i = 0;
        for h in handles {
            for p in h.join().unwrap_or_default() {
                out[i] = Some(p);
                i += 1;
            }
        }
    });
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// Parses one large file in `parts` chunks split at statement boundaries.
fn parse_in_chunks(file: FileId, text: &str, parts: usize) -> ParsedFile {
    let Ok(pieces) = pg_query::split_with_scanner(text) else {
        return parse_file(file, text);
    };
    let target = text.len() / parts + 1;
    let mut bounds = vec![0usize];
    for p in &pieces {
        let end = p.as_ptr() as usize - text.as_ptr() as usize + p.len();
        if end - bounds.last().copied().unwrap_or(0) >= target && bounds.len() < parts {
            // Include the terminating semicolon in this chunk.
            let end = text[end..].find(';').map_or(end, |i| end + i + 1);
            bounds.push(end);
        }
    }
    bounds.push(text.len());
    bounds.dedup();
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let results: Vec<ParsedFile> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(start, end)| {
                scope.spawn(move || {
                    let mut p = parse_file(file, &text[start..end]);
                    shift(&mut p, start);
                    p
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut out = ParsedFile::default();
    for r in results {
        out.statements.extend(r.statements);
        out.diagnostics.extend(r.diagnostics);
    }
    out
}

fn shift(p: &mut ParsedFile, by: usize) {
    let by32 = u32::try_from(by).unwrap_or(u32::MAX);
    for s in &mut p.statements {
        s.span = Span::new(
            s.span.file,
            s.span.start as usize + by,
            s.span.end as usize + by,
        );
        s.raw_start += by32;
        s.base += by32;
    }
    for d in &mut p.diagnostics {
        d.span = d
            .span
            .map(|s| Span::new(s.file, s.start as usize + by, s.end as usize + by));
        for l in &mut d.labels {
            l.span = Span::new(
                l.span.file,
                l.span.start as usize + by,
                l.span.end as usize + by,
            );
        }
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
pub fn collect_sql_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_file() {
            out.push(path.clone());
            continue;
        }
        if !path.exists() {
            return Err(Error::MissingPath { path: path.clone() });
        }
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::Read {
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

    #[test]
    fn chunked_parse_matches_whole_parse() {
        let text: String = (0..400)
            .map(|i| format!("create table t{i} (id int primary key);\n"))
            .collect();
        let whole = parse_file(FileId(0), &text);
        let chunked = parse_in_chunks(FileId(0), &text, 2);
        assert_eq!(whole.statements.len(), chunked.statements.len());
        for (a, b) in whole.statements.iter().zip(&chunked.statements) {
            assert_eq!(a.span, b.span);
        }
    }
}
