//! lib

pub mod shadow;
