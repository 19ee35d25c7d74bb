//! The desired-state arguments that lint, plan and apply share (DESIGN's command-line
//! contract), how they combine with `schema.toml`, and reading them: the desired catalog
//! and the data steps.

use std::path::PathBuf;

use crate::config::ConfigFile;
use crate::diff::DiffOptions;
use crate::error::Error;
use crate::loaded::Project;
use crate::plan::backfill::{DataStep, DataSteps, parse_column};
use crate::project::LoadOptions;

/// `[PATH]...`, `--external`, `--ignore` and `--config`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct SchemaInputs {
    /// Schema files or directories of .sql files (default: `paths` in schema.toml, else schema/).
    pub paths: Vec<PathBuf>,
    /// Files or directories declaring external tables (repeatable; default: `external` in schema.toml).
    #[arg(long, value_name = "PATH")]
    pub external: Vec<PathBuf>,
    /// Glob of objects neither planned nor reported (repeatable), e.g. `knex_migrations*`.
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// Configuration file (default: ./schema.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl SchemaInputs {
    /// The schema paths: the arguments, else `paths` in schema.toml, else `schema/`.
    pub fn paths(&self, config: &ConfigFile) -> Vec<PathBuf> {
        if !self.paths.is_empty() {
            self.paths.clone()
        } else if !config.paths.is_empty() {
            config.paths.clone()
        } else {
            vec![PathBuf::from("schema")]
        }
    }

    /// The external declarations: `--external`, else `external` in schema.toml.
    pub fn external(&self, config: &ConfigFile) -> Vec<PathBuf> {
        if self.external.is_empty() {
            config.external.clone()
        } else {
            self.external.clone()
        }
    }

    /// The ignore patterns: `--ignore` and those of schema.toml.
    pub fn ignore(&self, config: &ConfigFile) -> Vec<String> {
        self.ignore.iter().chain(&config.ignore).cloned().collect()
    }

    /// What a plan compares: the objects the ignore patterns leave out, the managed schemas.
    pub fn diff_options(&self, config: &ConfigFile) -> Result<DiffOptions, Error> {
        DiffOptions::new(&self.ignore(config), &config.schemas)
            .map_err(|e| Error::Usage(format!("bad --ignore pattern: {e}")))
    }
}

/// Object-name globs from `--ignore` and the config; each matches the bare or the
/// schema-qualified name. The same matcher as the plan's ([`DiffOptions`]), compiled once.
pub struct IgnoreSet(DiffOptions);

impl IgnoreSet {
    /// Whether a (possibly qualified) name is ignored.
    pub fn matches(&self, name: &str) -> bool {
        let bare = name.rsplit('.').next().unwrap_or(name);
        self.0.ignores_bare(name) || self.0.ignores_bare(bare)
    }
}

/// Compiles ignore globs.
pub fn ignore_set<'a>(patterns: impl Iterator<Item = &'a String>) -> Result<IgnoreSet, Error> {
    let patterns: Vec<String> = patterns.cloned().collect();
    DiffOptions::new(&patterns, &[])
        .map(IgnoreSet)
        .map_err(|e| match e.glob() {
            Some(p) => Error::Usage(format!("bad --ignore pattern `{p}`: {e}")),
            None => Error::Usage(e.to_string()),
        })
}

/// How to load the desired state from `paths` and the external declarations from `external`,
/// with the owners schema.toml gives them.
pub(crate) fn load_options(
    paths: Vec<PathBuf>,
    external: Vec<PathBuf>,
    config: &ConfigFile,
) -> LoadOptions {
    LoadOptions {
        paths,
        external,
        external_owners: config
            .external_owners
            .iter()
            .map(|(p, o)| (PathBuf::from(p), o.clone()))
            .collect(),
        default_schema: "public".to_owned(),
    }
}

/// Loads the desired state (and the external declarations); a file that does not parse is
/// bad input.
pub(crate) fn load(
    paths: Vec<PathBuf>,
    external: Vec<PathBuf>,
    config: &ConfigFile,
) -> Result<Project, Error> {
    let project = Project::load(&load_options(paths, external, config))?;
    if let Some(d) = project
        .diagnostics
        .iter()
        .find(|d| d.rule == crate::parse::SYNTAX_ERROR)
    {
        return Err(Error::Usage(format!(
            "the schema does not parse: {}",
            d.message
        )));
    }
    Ok(project)
}

/// The data steps of `--backfill` and `[plan.backfill]` (flags win), each file read now so
/// that the plan carries its SQL. A bad column name or an unreadable file is bad input.
pub(crate) fn data_steps(
    flags: &[String],
    config: &ConfigFile,
    config_path: Option<&std::path::Path>,
) -> Result<DataSteps, Error> {
    let mut named: Vec<(String, PathBuf, String)> = Vec::new();
    let base = config_path
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_owned)
        .unwrap_or_default();
    let from_config = config.plan_backfill().map_err(|message| Error::Config {
        path: config_path
            .map(std::path::Path::to_owned)
            .unwrap_or_default(),
        message,
    })?;
    for (column, file) in from_config {
        let shown = file.display().to_string();
        named.push((column, base.join(file), shown));
    }
    for flag in flags {
        let Some((column, file)) = flag.split_once('=') else {
            return Err(Error::Usage(format!(
                "--backfill {flag}: expected [SCHEMA.]TABLE.COLUMN=FILE"
            )));
        };
        named.push((column.to_owned(), PathBuf::from(file), file.to_owned()));
    }
    let mut out = DataSteps::new();
    for (column, path, shown) in named {
        let key = parse_column(&column, "public")
            .map_err(|e| Error::Usage(format!("backfill column {e}")))?;
        let sql = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if sql.trim().is_empty() {
            return Err(Error::Usage(format!(
                "data step {shown} for {column} is empty"
            )));
        }
        out.insert(key, DataStep { source: shown, sql });
    }
    Ok(out)
}
