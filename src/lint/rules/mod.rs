//! One module per rule; file name, type and rule name are spellings of one name.

pub mod inconsistent_tenant_policy;
pub mod loader;
pub mod policy_per_row_subquery;
pub mod refresh_concurrently_without_unique_index;
pub mod relation_name_collision;
pub mod security_definer_without_search_path;
pub mod unguarded_current_setting;
