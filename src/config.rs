//! `schema.toml`: the project's configuration, and the settings every command shares.
//!
//! The file is optional; flags override it. This is the only module that knows the file's
//! shape; what the lint rules take from it (levels, options, the tenant) is defined in
//! [`crate::lint::settings`] and built here ([`LintSettings::from_config`]). Its errors are
//! [`ConfigError`]s, which the command line turns into exit code 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::lint::registry;
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

    /// Parses config text. Besides the file's shape, `[rules]` is checked against the lint
    /// registry ([`check_rules`]): an unknown rule, an option its rule does not declare or a
    /// level other than `error | warning | off` is an error, never ignored.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        check_rules(text)?;
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

/// What a rule's level may be, for messages.
const LEVELS: &str = "error | warning | off";

/// Checks every entry of `[rules]`: the name is a rule of the lint registry (lint or loader
/// rule), a bare value or a table's `level` is a level, and every other key of a table is one
/// of the options the rule declares ([`crate::lint::RuleDef::options`]). Errors name the key
/// with its line and column and say what is accepted. Text that is not TOML, or a `rules` that
/// is not a table, is left to the deserializer, which reports it.
fn check_rules(text: &str) -> Result<(), String> {
    let Ok(root) = DeTable::parse(text) else {
        return Ok(());
    };
    let Some(rules) = root
        .get_ref()
        .iter()
        .find(|(key, _)| key.get_ref() == "rules")
        .and_then(|(_, value)| value.get_ref().as_table())
    else {
        return Ok(());
    };
    for (name, setting) in rules {
        let Some(rule) = registry::find(name.get_ref()) else {
            return Err(unknown_rule(text, name));
        };
        match setting.get_ref() {
            DeValue::Table(table) => {
                for (key, value) in table {
                    if key.get_ref() == "level" {
                        check_level(text, rule.name, value)?;
                    } else if !rule.options.contains(&key.get_ref().as_ref()) {
                        return Err(unknown_option(text, rule, key));
                    }
                }
            }
            _ => check_level(text, rule.name, setting)?,
        }
    }
    Ok(())
}

/// `Ok` when a level's value is one of [`LEVELS`].
fn check_level(text: &str, rule: &str, value: &Spanned<DeValue<'_>>) -> Result<(), String> {
    if matches!(value.get_ref().as_str(), Some("error" | "warning" | "off")) {
        return Ok(());
    }
    let written = text.get(value.span()).unwrap_or_default();
    Err(format!(
        "{}: invalid level {written} for rule `{rule}`, expected {LEVELS}",
        position(text, value.span().start)
    ))
}

/// An unknown rule name, with the closest known one when it is close enough to be a typo.
fn unknown_rule(text: &str, name: &Spanned<std::borrow::Cow<'_, str>>) -> String {
    let name_str = name.get_ref().as_ref();
    let closest = registry::RULES
        .iter()
        .chain(registry::LOADER_RULES)
        .map(|r| (strsim::levenshtein(name_str, r.name), r.name))
        .min()
        .filter(|(distance, _)| *distance <= (name_str.chars().count() / 3).max(2))
        .map(|(_, closest)| format!("did you mean `{closest}`? "))
        .unwrap_or_default();
    format!(
        "{}: unknown rule `{name_str}` in [rules]; {closest}(`schema-lint --list-rules` lists the rules)",
        position(text, name.span().start)
    )
}

/// An option the rule does not declare, with those it does.
fn unknown_option(
    text: &str,
    rule: &crate::lint::RuleDef,
    key: &Spanned<std::borrow::Cow<'_, str>>,
) -> String {
    let accepted: Vec<String> = std::iter::once(&"level")
        .chain(rule.options)
        .map(|o| format!("`{o}`"))
        .collect();
    format!(
        "{}: unknown option `{}` for rule `{}`, expected {}",
        position(text, key.span().start),
        key.get_ref(),
        rule.name,
        accepted.join(", ")
    )
}

/// "line L, column C" (1-based, columns in characters) of a byte offset in the text.
fn position(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    format!("line {line}, column {column}")
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

    #[test]
    fn misspelled_rule_is_rejected_with_the_closest_name() {
        let e = ConfigFile::parse("[rules]\nrls-not-forcd = \"error\"\n").unwrap_err();
        assert!(
            e.starts_with("line 2, column 1: unknown rule `rls-not-forcd`"),
            "{e}"
        );
        assert!(e.contains("did you mean `rls-not-forced`?"), "{e}");
        assert!(e.contains("schema-lint --list-rules"), "{e}");
        let e = ConfigFile::parse("[rules]\nnothing-like-any = \"off\"\n").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn unknown_option_is_rejected_with_the_accepted_ones() {
        let e =
            ConfigFile::parse("[rules.external-dependency-fanout]\nmax-table = 6\n").unwrap_err();
        assert_eq!(
            e,
            "line 2, column 1: unknown option `max-table` for rule `external-dependency-fanout`, \
             expected `level`, `max-tables`, `max-services`"
        );
        let e = ConfigFile::parse("[rules]\nrls-not-forced = { level = \"off\", x = 1 }\n")
            .unwrap_err();
        assert!(
            e.contains("expected `level`\n") || e.ends_with("expected `level`"),
            "{e}"
        );
    }

    #[test]
    fn bad_level_is_rejected_with_the_levels() {
        let e = ConfigFile::parse("[rules]\nrls-not-forced = \"fatal\"\n").unwrap_err();
        assert_eq!(
            e,
            "line 2, column 18: invalid level \"fatal\" for rule `rls-not-forced`, \
             expected error | warning | off"
        );
        let e = ConfigFile::parse("[rules.rls-not-forced]\nlevel = 3\n").unwrap_err();
        assert!(e.contains("invalid level 3"), "{e}");
    }

    #[test]
    fn loader_rules_and_declared_options_are_accepted() {
        ConfigFile::parse(
            "[rules]\nunused-suppression = \"warning\"\n\
             [rules.table-without-tenant-column]\nexempt = [\"audit_*\"]\n",
        )
        .unwrap();
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position("a\néé = 1", 7), "line 2, column 4");
    }
}
