//! One module per rule; file name, type and rule name are spellings of one name.

pub mod external_dependency_fanout;
pub mod external_table_mismatch;
pub mod hardcoded_tenant_default;
pub mod identifier_too_long;
pub mod inconsistent_tenant_policy;
pub mod loader;
pub mod matview_exposes_tenant_data;
pub mod policy_per_row_subquery;
pub mod redundant_index;
pub mod refresh_concurrently_without_unique_index;
pub mod relation_name_collision;
pub mod rls_enabled_without_policy;
pub mod rls_not_forced;
pub mod rls_policy_without_enable;
pub mod security_definer_without_search_path;
pub mod table_without_primary_key;
pub mod table_without_tenant_column;
pub mod undeclared_dependency;
pub mod unguarded_current_setting;
pub mod unindexed_foreign_key;
pub mod view_bypasses_rls;
