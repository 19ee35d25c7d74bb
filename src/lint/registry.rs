//! The only list of rules.

use crate::lint::settings::Level;

use super::rule::RuleDef;
use super::rules;

/// Every lint rule, in documentation order.
pub static RULES: &[&RuleDef] = &[
    &rules::relation_name_collision::RULE,
    &rules::table_without_tenant_column::RULE,
    &rules::table_without_primary_key::RULE,
    &rules::hardcoded_tenant_default::RULE,
    &rules::rls_policy_without_enable::RULE,
    &rules::rls_enabled_without_policy::RULE,
    &rules::rls_not_forced::RULE,
    &rules::redundant_index::RULE,
    &rules::unindexed_foreign_key::RULE,
    &rules::identifier_too_long::RULE,
    &rules::inconsistent_tenant_policy::RULE,
    &rules::policy_per_row_subquery::RULE,
    &rules::unguarded_current_setting::RULE,
    &rules::security_definer_without_search_path::RULE,
    &rules::refresh_concurrently_without_unique_index::RULE,
    &rules::undeclared_dependency::RULE,
    &rules::external_dependency_fanout::RULE,
    &rules::external_table_mismatch::RULE,
    &rules::view_bypasses_rls::RULE,
    &rules::matview_exposes_tenant_data::RULE,
];

/// Findings the loader itself produces; listed so they have docs, levels and `--explain`.
pub static LOADER_RULES: &[&RuleDef] = &[
    &rules::loader::SYNTAX_ERROR,
    &rules::loader::UNSUPPORTED_STATEMENT,
    &rules::loader::UNKNOWN_OBJECT,
    &rules::loader::DUPLICATE_OBJECT,
    &rules::loader::EXTERNAL_WITHOUT_OWNER,
    &rules::loader::UNUSED_SUPPRESSION,
];

/// A rule (lint or loader) by name.
pub fn find(name: &str) -> Option<&'static RuleDef> {
    RULES
        .iter()
        .chain(LOADER_RULES)
        .copied()
        .find(|r| r.name == name)
}

/// A loader rule by name.
pub fn loader_rule(name: &str) -> Option<&'static RuleDef> {
    LOADER_RULES.iter().copied().find(|r| r.name == name)
}

/// Whether a level means the rule runs.
pub fn enabled(level: Level) -> bool {
    level != Level::Off
}
