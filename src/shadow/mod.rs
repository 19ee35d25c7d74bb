//! Scratch PostgreSQL servers: the embedded shadow database and the clusters tests run against.
//!
//! [`cluster`] starts and removes throwaway clusters from the local PostgreSQL binaries; the
//! modules beside it each do one of its jobs: finding the binaries and their version
//! (`binaries`), `initdb` (`initdb`), running as an unprivileged user when root (`user`), the
//! server process and its options (`server`, `tls`), the watchdog that cleans up however the
//! owner dies (`watchdog`), databases (`databases`), connection strings (`conninfo`), and the
//! errors (`error`) with the server's log quoted in them (`output`).

mod binaries;
pub mod cluster;
mod conninfo;
mod databases;
mod error;
mod initdb;
mod output;
mod server;
mod tls;
mod user;
mod watchdog;

pub use binaries::{BINDIR_ENV, BinSource, PgBinaries};
pub use cluster::{Cluster, ClusterOptions};
pub use error::ClusterError;
pub use initdb::SUPERUSER;
