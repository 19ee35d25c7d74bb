//! The desired-state arguments that lint, plan and apply share (DESIGN's command-line
//! contract), and how they combine with `schema.toml`.

use std::path::PathBuf;

use crate::config::ConfigFile;

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
}
