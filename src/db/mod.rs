//! Connections to the user's database: `--database-url` / `DATABASE_URL`, libpq's `PG*`
//! environment variables, TLS by `sslmode`, a connect timeout, and errors that never show a
//! password.

pub mod connect;
pub mod rows;
pub mod temporary;

pub use connect::{ConnectError, ConnectOptions, connect, connect_target, redact, resolve};
