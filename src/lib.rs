//! Declarative PostgreSQL schemas: lint, plan and apply.
//!
//! The pipeline is `source` → `parse` → `catalog` → `graph` → `lint` / `diff` → `plan` →
//! `apply`; see ARCHITECTURE.md for the map and the invariants.

pub mod analyze;
pub mod apply;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod ddl;
pub mod diagnostic;
pub mod diff;
pub mod elaborate;
pub mod error;
pub mod graph;
pub mod introspect;
pub mod lint;
pub mod parse;
pub mod plan;
pub mod project;
pub mod report;
pub mod shadow;
pub mod source;
pub mod timing;
pub mod validate;
