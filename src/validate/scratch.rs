//! The scratch database a plan is validated in: a database of an embedded throwaway cluster,
//! or a temporary database on a `--dev-url` server (dropped when the [`Scratch`] is dropped).
//! Its major version must be the target's.

use postgres::Client;

use super::ValidateError;
use crate::catalog::names::quote_ident;
use crate::db::{ConnectOptions, connect, connect_target, resolve};
use crate::elaborate::Shadow;
use crate::shadow::{Cluster, ClusterOptions};

/// A scratch database and what it lives in.
pub struct Scratch {
    place: Place,
    name: String,
    /// Where the copy is, for the report: `an embedded PostgreSQL 15 cluster`, …
    pub description: String,
    /// Roles this run created on a `--dev-url` server, dropped with the database.
    pub created_roles: Vec<String>,
    major: u32,
}

enum Place {
    Embedded(Box<Cluster>),
    DevUrl {
        admin: Box<Client>,
        target: Box<crate::db::connect::Target>,
    },
}

/// The server's major version (`15` for 15.4).
pub fn major_version(client: &mut Client) -> Result<u32, postgres::Error> {
    let row = client.query_one("SELECT current_setting('server_version_num')::int4", &[])?;
    let num: i32 = row.get(0);
    Ok(u32::try_from(num / 10_000).unwrap_or(0))
}

impl Scratch {
    /// Creates the scratch database where `shadow` says (starting the embedded cluster takes
    /// a second or two: the command line does it while it plans). See [`Scratch::check_version`].
    pub fn create(shadow: &Shadow) -> Result<Scratch, ValidateError> {
        match shadow {
            Shadow::Embedded => {
                let cluster = Cluster::start(&ClusterOptions::default())
                    .map_err(|e| ValidateError::Scratch(super::chain(&e)))?;
                let major = cluster.major_version();
                let name = cluster
                    .create_database("validate")
                    .map_err(|e| ValidateError::Scratch(super::chain(&e)))?;
                let description = format!(
                    "an embedded throwaway PostgreSQL {} cluster",
                    cluster.major_version()
                );
                Ok(Scratch {
                    place: Place::Embedded(Box::new(cluster)),
                    name,
                    description,
                    created_roles: Vec::new(),
                    major,
                })
            }
            Shadow::DevUrl(url) => {
                let opts = ConnectOptions::with_process_env(Some(url.clone()));
                let mut admin =
                    connect(&opts).map_err(|e| ValidateError::Scratch(e.to_string()))?;
                let major = major_version(&mut admin).map_err(ValidateError::query)?;
                let name = crate::db::temporary::create(&mut admin, "validate").map_err(|e| {
                    ValidateError::Scratch(format!(
                        "cannot create a database with --dev-url: {}",
                        super::server_message(&e)
                    ))
                })?;
                let target = resolve(&opts).map_err(|e| ValidateError::Scratch(e.to_string()))?;
                let description = format!("a temporary database on {}", target.display);
                Ok(Scratch {
                    place: Place::DevUrl {
                        admin: Box::new(admin),
                        target: Box::new(target),
                    },
                    name,
                    description,
                    created_roles: Vec::new(),
                    major,
                })
            }
        }
    }

    /// Refuses a scratch server whose major version is not the target's: each version prints
    /// definitions its own way, so the re-plan would not be empty.
    pub fn check_version(&self, target_major: u32) -> Result<(), ValidateError> {
        if self.major == target_major {
            Ok(())
        } else {
            Err(ValidateError::Version {
                target: target_major,
                scratch: self.major,
            })
        }
    }

    /// A scratch database in a cluster already started (the one `schema-plan` planned in).
    pub fn in_cluster(cluster: Cluster) -> Result<Scratch, ValidateError> {
        let major = cluster.major_version();
        let name = cluster
            .create_database("validate")
            .map_err(|e| ValidateError::Scratch(super::chain(&e)))?;
        Ok(Scratch {
            description: format!("an embedded throwaway PostgreSQL {major} cluster"),
            place: Place::Embedded(Box::new(cluster)),
            name,
            created_roles: Vec::new(),
            major,
        })
    }

    /// A new connection to the scratch database.
    pub fn connect(&self) -> Result<Client, ValidateError> {
        match &self.place {
            Place::Embedded(cluster) => cluster
                .connect(&self.name)
                .map_err(|e| ValidateError::Scratch(super::chain(&e))),
            Place::DevUrl { target, .. } => {
                let mut config = target.config.clone();
                config.dbname(&self.name);
                let t = crate::db::connect::Target {
                    config,
                    tls: target.tls,
                    root_cert: target.root_cert.clone(),
                    display: target.display.clone(),
                };
                connect_target(&t).map_err(|e| ValidateError::Scratch(e.to_string()))
            }
        }
    }

    /// Whether the roles created in the scratch cluster outlive it (a `--dev-url` server).
    pub fn shared_server(&self) -> bool {
        matches!(self.place, Place::DevUrl { .. })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match &mut self.place {
            // The cluster removes itself with everything in it.
            Place::Embedded(_) => {}
            Place::DevUrl { admin, .. } => {
                let dropped = crate::db::temporary::drop(admin, &self.name);
                if let Err(e) = dropped {
                    eprintln!(
                        "schema-plan: cannot drop the temporary database {}: {}",
                        self.name,
                        super::server_message(&e)
                    );
                }
                for role in &self.created_roles {
                    let _ =
                        admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", quote_ident(role)));
                }
            }
        }
    }
}
