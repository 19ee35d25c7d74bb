//! `schema-dump`: read a live database and write it as declarative SQL files, to adopt the
//! tool on an existing database.
//!
//! The database is read by [`crate::introspect`] and written by [`crate::ddl`]: `--out DIR`
//! in the layout of `schema/` ([`crate::ddl::layout`]), `--single-file FILE` as one script in
//! dependency order ([`crate::ddl::script`]). Output is deterministic: no timestamps, objects
//! in name order, so dumping an unchanged database twice gives identical files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Parser;

use super::ExitStatus;
use super::inputs::{IgnoreSet, ignore_set};
use crate::catalog::Catalog;
use crate::db::{ConnectOptions, connect};
use crate::ddl::{ScriptOptions, layout, script};
use crate::error::Error;
use crate::introspect::{IntrospectOptions, introspect};

/// `schema-dump` arguments.
#[derive(Debug, Parser)]
#[command(
    name = "schema-dump",
    version,
    about = "Write a live PostgreSQL database as declarative SQL files",
    after_help = "Exit status: 0 written, 2 bad input or environment (bad URL, cannot connect, cannot write)."
)]
pub struct DumpArgs {
    /// Database to read (libpq URI or keyword string); `PG*` variables fill in the rest.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Directory to write the files to (`tables/`, `views/`, `matviews/`, `functions/`, …).
    #[arg(long, value_name = "DIR", required_unless_present = "single_file")]
    pub out: Option<PathBuf>,
    /// Also (or instead) write everything as one script that psql loads into an empty database.
    #[arg(long, value_name = "FILE")]
    pub single_file: Option<PathBuf>,
    /// Managed schema to read (repeatable; default: every schema but the system ones).
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Glob of objects to leave out (repeatable), on the bare or schema-qualified name.
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
}

/// Runs `schema-dump`.
pub fn run(args: DumpArgs) -> Result<ExitStatus, Error> {
    let ignore = ignore_set(args.ignore.iter())?;
    let mut client = connect(&ConnectOptions::with_process_env(args.database_url.clone()))?;
    let mut catalog = introspect(
        &mut client,
        &IntrospectOptions {
            schemas: args.schemas.clone(),
            threads: 0,
        },
    )?;
    remove_ignored(&mut catalog, &ignore);
    if let Some(dir) = &args.out {
        write_layout(dir, &layout::files(&catalog))?;
    }
    if let Some(file) = &args.single_file {
        let text = script(&catalog, &ScriptOptions { externals: true });
        write_file(file, &text)?;
    }
    Ok(ExitStatus::Success)
}

/// Drops ignored objects, and what hangs off ignored relations.
pub fn remove_ignored(c: &mut Catalog, ignore: &IgnoreSet) {
    let hit = |name: &crate::catalog::QualifiedName| ignore.matches(&name.to_string());
    c.tables.retain(|n, _| !hit(n));
    c.externals.retain(|n, _| !hit(n));
    c.views.retain(|n, _| !hit(n));
    c.materialized_views.retain(|n, _| !hit(n));
    c.sequences.retain(|n, _| !hit(n));
    c.types.retain(|n, _| !hit(n));
    c.functions.retain(|_, f| !hit(&f.name));
    c.indexes.retain(|n, i| !hit(n) && !hit(&i.table));
    c.triggers.retain(|(t, _), _| !hit(t));
    c.policies.retain(|(t, _), _| !hit(t));
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes the files, and removes `.sql` files a previous dump left in the directories the
/// layout owns, so the directory always matches the database.
fn write_layout(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), Error> {
    for sub in [
        "tables",
        "external",
        "views",
        "matviews",
        "functions",
        "types",
        "sequences",
    ] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = format!("{sub}/{}", entry.file_name().to_string_lossy());
            if path.extension().is_some_and(|e| e == "sql") && !files.contains_key(&rel) {
                std::fs::remove_file(&path).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
            }
        }
    }
    for top in ["schemas.sql", "extensions.sql", "others.sql"] {
        let path = dir.join(top);
        if !files.contains_key(top) && path.exists() {
            std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        }
    }
    for (rel, text) in files {
        write_file(&dir.join(rel), text)?;
    }
    Ok(())
}
