//! Analysis of SQL inside objects: function bodies, and the expression trees of policies,
//! defaults and views.

pub mod expr;
pub mod function_body;
pub mod query;
