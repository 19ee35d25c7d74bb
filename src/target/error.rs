//! Why planning against a target could not be done; the command line turns it into its
//! exit-2 [`crate::error::Error`].

/// Why a target could not be planned against.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TargetError {
    /// The live database could not be read.
    #[error("{}", crate::error_chain::error_chain(.0))]
    Introspect(#[from] crate::introspect::IntrospectError),
    /// Declared external tables are missing from the target or differ from it (one line each).
    #[error("{0}")]
    Externals(String),
    /// The declared external tables could not be created in a scratch database.
    #[error("cannot create the external tables in the scratch database: {0}")]
    CreateExternals(postgres::Error),
    /// Definitions could not be elaborated on the target or a shadow database.
    #[error("{}", crate::error_chain::error_chain(.0))]
    Elaborate(#[from] crate::elaborate::ElaborateError),
    /// The changes cannot be planned.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] crate::plan::PlanError),
    /// The thread that reads the target could not be started.
    #[error("cannot write output")]
    Thread(#[source] std::io::Error),
}
