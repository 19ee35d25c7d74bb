//! Declarative PostgreSQL schemas: lint, plan and apply.
//!
//! Files go `project` → `loaded` (`parse`, `catalog`) → `graph` → `lint` → `report`; a live
//! database goes `introspect` → `target` (`elaborate`, `diff`, `plan`) → `apply`. See
//! ARCHITECTURE.md for the map, and `tests/tidy_layers.rs` for the import rules it states.

/// The library under its own name in unit tests, so the lint test helpers
/// (`tests/common/lint.rs`) compile both here and in the integration tests.
#[cfg(test)]
extern crate self as schema_tool;

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
pub mod error_chain;
pub mod graph;
pub mod introspect;
pub mod lint;
pub mod loaded;
pub mod parse;
pub mod plan;
pub mod project;
pub mod report;
pub mod shadow;
pub mod source;
pub mod stack;
pub mod target;
pub mod timing;
pub mod validate;

/// mimalloc instead of the system allocator: parsing and catalog building allocate millions of
/// small objects, and glibc's malloc spent about a sixth of a 2,000-table plan's CPU time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
