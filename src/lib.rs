//! Declarative PostgreSQL schemas: lint, plan and apply.
//!
//! The pipeline is `source` → `parse` → `catalog` → `graph` → `lint` / `diff` → `plan` →
//! `apply`; see ARCHITECTURE.md for the map and the invariants.

pub mod analyze;
pub mod catalog;
pub mod db;
pub mod diagnostic;
pub mod introspect;
pub mod parse;
pub mod shadow;
pub mod source;
