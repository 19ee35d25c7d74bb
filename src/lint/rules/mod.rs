//! One module per rule; file name, type and rule name are spellings of one name.

pub mod loader;
pub mod relation_name_collision;
