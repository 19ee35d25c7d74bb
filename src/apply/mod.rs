//! Applying a plan to a live database safely.
//!
//! - [`lock`]: one session-level advisory lock per database, so two applies never interleave;
//! - [`gate`]: the hazard gate, which refuses steps whose hazards were not allowed, before
//!   anything runs;
//! - [`execute`]: the transactional steps in one transaction (all or nothing, retried as a whole
//!   when a lock cannot be had within `lock_timeout`), then the non-transactional ones
//!   (`CONCURRENTLY`) one by one, each idempotent; Ctrl-C cancels the running statement;
//! - [`monitor`]: a second connection that reports index-build progress;
//! - [`history`]: the record of every apply in the tool's own schema `schema_tool`;
//! - [`workflow`]: puts them in order: lock, plan or drift check, gate, confirm, execute,
//!   record, verify.
//!
//! The command line around them (flags, the terminal's report and prompt) is
//! `crate::cli::apply`.

pub mod execute;
pub mod gate;
pub mod history;
pub mod lock;
pub mod monitor;
pub mod settings;
pub mod workflow;

pub use execute::{Event, ExecError, Interrupt, StepRecord, StepStatus, execute};
pub use settings::{Settings, parse_duration};

/// The tool's own schema (apply history); never managed, never introspected.
pub const TOOL_SCHEMA: &str = "schema_tool";

/// SQLSTATE `lock_not_available` (a `lock_timeout` expired).
pub const LOCK_NOT_AVAILABLE: &str = "55P03";
