//! One module per rule; file name, type and rule name are spellings of one name.

pub mod hardcoded_tenant_default;
pub mod loader;
pub mod relation_name_collision;
pub mod table_without_primary_key;
pub mod table_without_tenant_column;
