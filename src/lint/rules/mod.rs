//! One module per rule; file name, type and rule name are spellings of one name.

pub mod external_dependency_fanout;
pub mod loader;
pub mod matview_exposes_tenant_data;
pub mod relation_name_collision;
pub mod undeclared_dependency;
pub mod view_bypasses_rls;
