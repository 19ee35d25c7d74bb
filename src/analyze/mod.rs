//! Analysis of SQL inside objects: function bodies (and, in `query`, view and policy queries).

pub mod function_body;
pub mod query;
