//! `schema.toml`: the project's configuration, and the settings every command shares.
//!
//! The file is optional; flags override it. This is the only module that knows the file's
//! shape; what the lint rules take from it (levels, options, the tenant) is defined in
//! [`crate::lint::settings`] and built here ([`LintSettings::from_config`]). Its errors are
//! [`ConfigError`]s, which the command line turns into exit code 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::lint::settings::{Level, LintSettings, RuleOptions, TenantConfig};

/// Why `schema.toml` could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is malformed.
    #[error("invalid configuration in {path}: {message}")]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One rule's configuration: a bare level, or a table with a level and options.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RuleSetting {
    /// `rule = "warning"`.
    Level(Level),
    /// `[rules.rule] level = "warning", max-tables = 6`.
    Table {
        /// Level, when given.
        #[serde(default)]
        level: Option<Level>,
        /// Rule-specific options.
        #[serde(flatten)]
        options: BTreeMap<String, toml::Value>,
    },
}

/// The contents of `schema.toml`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Desired-state files or directories.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// External-table declarations.
    #[serde(default)]
    pub external: Vec<PathBuf>,
    /// Owning service per external file (path relative to the config file → service).
    #[serde(default, rename = "external-owners")]
    pub external_owners: BTreeMap<String, String>,
    /// Globs of objects never planned nor reported as drift.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Managed schemas.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Tenant column and setting.
    #[serde(default)]
    pub tenant: TenantConfig,
    /// Per-rule levels and options.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Plan and apply settings (read by those commands).
    #[serde(default)]
    pub plan: toml::Table,
    /// Apply settings.
    #[serde(default)]
    pub apply: toml::Table,
}

impl ConfigFile {
    /// Reads and validates a config file.
    pub fn read(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        ConfigFile::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses config text.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Loads `--config FILE`, or `./schema.toml` when present, or the defaults.
    /// Relative paths inside the file are made relative to the file's directory.
    pub fn discover(explicit: Option<&Path>) -> Result<(ConfigFile, Option<PathBuf>), ConfigError> {
        let path = match explicit {
            Some(p) => p.to_owned(),
            None => {
                let default = PathBuf::from("schema.toml");
                if !default.is_file() {
                    return Ok((ConfigFile::default(), None));
                }
                default
            }
        };
        let mut config = ConfigFile::read(&path)?;
        let base = path.parent().map(Path::to_owned).unwrap_or_default();
        if !base.as_os_str().is_empty() {
            for p in config.paths.iter_mut().chain(config.external.iter_mut()) {
                if p.is_relative() {
                    *p = base.join(&*p);
                }
            }
        }
        Ok((config, Some(path)))
    }
}

impl ConfigFile {
    /// `[plan.backfill]`: data-step files by the column they fill (`"schema.table.column" =
    /// "path.sql"`), paths as written (relative to the config file's directory).
    pub fn plan_backfill(&self) -> Result<BTreeMap<String, PathBuf>, String> {
        let Some(value) = self.plan.get("backfill") else {
            return Ok(BTreeMap::new());
        };
        let table = value.as_table().ok_or_else(|| {
            "[plan] backfill must be a table of \"schema.table.column\" = \"file.sql\"".to_owned()
        })?;
        table
            .iter()
            .map(|(column, file)| match file.as_str() {
                Some(f) => Ok((column.clone(), PathBuf::from(f))),
                None => Err(format!(
                    "[plan.backfill] \"{column}\" must be the path of a SQL file"
                )),
            })
            .collect()
    }
}

impl LintSettings {
    /// Settings from a config file.
    pub fn from_config(config: &ConfigFile) -> Self {
        let rules = config
            .rules
            .iter()
            .map(|(name, setting)| {
                let options = match setting {
                    RuleSetting::Level(l) => RuleOptions {
                        level: Some(*l),
                        options: BTreeMap::new(),
                    },
                    RuleSetting::Table { level, options } => RuleOptions {
                        level: *level,
                        options: options.clone(),
                    },
                };
                (name.clone(), options)
            })
            .collect();
        LintSettings {
            tenant: config.tenant.clone(),
            rules,
            live: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_parses() {
        let c = ConfigFile::parse(
            r#"
paths = ["schema"]
external = ["schema/external"]
ignore = ["knex_migrations*"]
schemas = ["public"]
[tenant]
column = "org_id"
[rules]
rls-not-forced = "off"
[rules.external-dependency-fanout]
level = "warning"
max-tables = 6
"#,
        )
        .unwrap();
        assert_eq!(c.tenant.column, "org_id");
        assert_eq!(c.tenant.setting, "app.current_tenant");
        let s = LintSettings::from_config(&c);
        assert_eq!(s.rule("rls-not-forced").level, Some(Level::Off));
        let f = s.rule("external-dependency-fanout");
        assert_eq!(f.level, Some(Level::Warning));
        assert_eq!(f.usize("max-tables", 4), 6);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(ConfigFile::parse("pathz = []").is_err());
    }
}
