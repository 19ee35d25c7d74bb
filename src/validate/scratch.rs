//! The scratch database a plan is validated in: a database of an embedded throwaway cluster,
//! or a temporary database on a `--dev-url` server (dropped when the [`Scratch`] is dropped).
//! Its major version must be the target's.

use postgres::Client;

use super::ValidateError;
use crate::catalog::names::quote_ident;
use crate::db::temporary::Shadow;
use crate::db::temporary::{Server, TemporaryDatabase, TemporaryError};
use crate::shadow::Cluster;

/// A scratch database and what it lives in.
pub struct Scratch {
    database: TemporaryDatabase,
    /// Where the copy is, for the report: `an embedded PostgreSQL 15 cluster`, …
    pub description: String,
    /// Roles this run created on a `--dev-url` server, dropped with the database.
    pub created_roles: Vec<String>,
}

/// Why the scratch database could not be had, as validation says it.
fn scratch_error(e: TemporaryError) -> ValidateError {
    match e {
        TemporaryError::Cluster(e) => ValidateError::Scratch(crate::error_chain::error_chain(&e)),
        TemporaryError::Connect(e) => ValidateError::Scratch(e.to_string()),
        TemporaryError::Version(e) => ValidateError::query(e),
        TemporaryError::Create(e) => ValidateError::Scratch(format!(
            "cannot create a database with --dev-url: {}",
            super::server_message(&e)
        )),
    }
}

impl Scratch {
    /// Creates the scratch database where `shadow` says (starting the embedded cluster takes
    /// a second or two: the command line does it while it plans). See [`Scratch::check_version`].
    pub fn create(shadow: &Shadow) -> Result<Scratch, ValidateError> {
        Scratch::on(Server::open(shadow).map_err(scratch_error)?)
    }

    /// A scratch database in a cluster already started (the one `schema-plan` planned in).
    pub fn in_cluster(cluster: Cluster) -> Result<Scratch, ValidateError> {
        Scratch::on(Server::embedded(cluster))
    }

    fn on(server: Server) -> Result<Scratch, ValidateError> {
        let database = server.create_database("validate").map_err(scratch_error)?;
        Ok(Scratch {
            description: database.description(),
            database,
            created_roles: Vec::new(),
        })
    }

    /// Refuses a scratch server whose major version is not the target's: each version prints
    /// definitions its own way, so the re-plan would not be empty.
    pub fn check_version(&self, target_major: u32) -> Result<(), ValidateError> {
        let major = self.database.major_version();
        if major == target_major {
            Ok(())
        } else {
            Err(ValidateError::Version {
                target: target_major,
                scratch: major,
            })
        }
    }

    /// A new connection to the scratch database.
    pub fn connect(&self) -> Result<Client, ValidateError> {
        self.database.connect().map_err(scratch_error)
    }

    /// Whether the roles created in the scratch cluster outlive it (a `--dev-url` server).
    pub fn shared_server(&self) -> bool {
        self.database.on_shared_server()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // The database first: the roles may own objects in it.
        if let Err(e) = self.database.drop_database() {
            eprintln!(
                "schema-plan: cannot drop the temporary database {}: {}",
                self.database.name(),
                super::server_message(&e)
            );
        }
        let roles = std::mem::take(&mut self.created_roles);
        if let Some(admin) = self.database.admin() {
            for role in &roles {
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", quote_ident(role)));
            }
        }
    }
}
