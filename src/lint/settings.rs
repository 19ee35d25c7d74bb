//! What the lint rules take from the configuration: each rule's level and options, and the
//! tenant column and setting (and, with `--database-url`, the live catalog).
//!
//! `schema.toml` is read by the `config` module, which builds these settings; the rules never
//! see the file.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported as an error (exit 1).
    Error,
    /// Reported as a warning.
    Warning,
    /// Not run.
    Off,
}

/// The `[tenant]` table.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    /// Column that holds the tenant id (default `tenant_id`).
    #[serde(default = "default_tenant_column")]
    pub column: String,
    /// Setting that holds the current tenant (default `app.current_tenant`).
    #[serde(default = "default_tenant_setting")]
    pub setting: String,
}

fn default_tenant_column() -> String {
    "tenant_id".to_owned()
}

fn default_tenant_setting() -> String {
    "app.current_tenant".to_owned()
}

impl Default for TenantConfig {
    fn default() -> Self {
        TenantConfig {
            column: default_tenant_column(),
            setting: default_tenant_setting(),
        }
    }
}

/// The level and options of one rule after configuration.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Configured level, when one was set.
    pub level: Option<Level>,
    /// Rule-specific options.
    pub options: BTreeMap<String, toml::Value>,
}

impl RuleOptions {
    /// An integer option.
    pub fn usize(&self, key: &str, default: usize) -> usize {
        self.options
            .get(key)
            .and_then(toml::Value::as_integer)
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(default)
    }

    /// A list-of-strings option.
    pub fn strings(&self, key: &str) -> Vec<String> {
        self.options
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What the lint rules need to know from the configuration (and, with `--database-url`, the
/// live database).
#[derive(Clone, Debug, Default)]
pub struct LintSettings {
    /// Tenant column and setting.
    pub tenant: TenantConfig,
    /// Per-rule settings.
    pub rules: BTreeMap<String, RuleOptions>,
    /// The live database's catalog, read before linting when `--database-url` is given.
    pub live: Option<std::sync::Arc<crate::catalog::Catalog>>,
}

impl LintSettings {
    /// Options of one rule (defaults when not configured).
    pub fn rule(&self, name: &str) -> RuleOptions {
        self.rules.get(name).cloned().unwrap_or_default()
    }
}
