//! Errors: the cases where a command cannot do its job at all (exit code 2).
//!
//! Findings (lint diagnostics, hazards) are values, not errors.

use crate::error_chain::error_chain;
use std::path::PathBuf;

/// Why a command could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The project's SQL files could not be read (a path missing or unreadable).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] crate::project::LoadError),
    /// `schema.toml` could not be read or is malformed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Configuration(#[from] crate::config::ConfigError),
    /// `schema.toml` is malformed (a setting only a command reads, such as `[plan.backfill]`).
    #[error("invalid configuration in {path}: {message}")]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A command-line value is not acceptable.
    #[error("{0}")]
    Usage(String),
    /// A file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No connection to the database (the message never holds the password).
    #[error(transparent)]
    Connect(#[from] crate::db::ConnectError),
    /// The live database could not be read.
    #[error("{}", error_chain(.0))]
    Introspect(#[from] crate::introspect::IntrospectError),
    /// The changes cannot be planned.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] crate::plan::PlanError),
    /// The embedded throwaway cluster could not be used.
    #[error("embedded PostgreSQL cluster: {}", error_chain(.0))]
    Cluster(#[from] crate::shadow::ClusterError),
    /// Definitions could not be elaborated on the target or a shadow database.
    #[error("{}", error_chain(.0))]
    Elaborate(#[from] crate::elaborate::ElaborateError),
    /// The target could not be planned against (read, checked, elaborated, planned).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Target(#[from] crate::target::TargetError),
    /// An apply could not run (its lock, its history, a lost connection).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Apply(#[from] crate::apply::workflow::ApplyError),
    /// A plan could not be validated on a copy (the scratch database, a query).
    #[error(transparent)]
    Validate(#[from] crate::validate::ValidateError),
    /// Writing output failed.
    #[error("cannot write output")]
    Output(#[from] std::io::Error),
}
