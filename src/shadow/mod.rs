//! Scratch PostgreSQL servers: the embedded shadow database and the clusters tests run against.
//!
//! [`cluster`] starts and removes throwaway clusters from the local PostgreSQL binaries.

pub mod cluster;

pub use cluster::{BinSource, Cluster, ClusterError, ClusterOptions, PgBinaries};
