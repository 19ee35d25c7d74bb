//! Databases the tool creates for its own use and drops afterwards (the shadow for
//! elaboration, the copy `--validate` proves a plan on): on a [`Server`], either an embedded
//! throwaway cluster it starts (removed with everything in it) or a `--dev-url` server (the
//! database dropped, its sessions ended).

use postgres::Client;

use super::connect::Target;
use super::{ConnectError, ConnectOptions, connect, connect_target, resolve};
use crate::catalog::names::quote_ident;
use crate::shadow::{Cluster, ClusterError, ClusterOptions};

/// Which server gives the tool its temporary databases: the shadow for elaboration when the
/// target cannot be used, the copy `--validate` proves a plan on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Shadow {
    /// A temporary database created on this server (`--dev-url`), dropped afterwards.
    DevUrl(String),
    /// A database in an embedded throwaway cluster started from the local binaries.
    #[default]
    Embedded,
}

/// Why a temporary database could not be had.
#[derive(Debug, thiserror::Error)]
pub enum TemporaryError {
    /// The embedded cluster could not be started, or a database in it created or reached.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The `--dev-url` server (or the database on it) could not be reached.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The `--dev-url` server's version could not be read.
    #[error("cannot read the server version: {0}")]
    Version(postgres::Error),
    /// The `--dev-url` server refused to create the database.
    #[error("cannot create a database with --dev-url: {0}")]
    Create(postgres::Error),
}

/// A server temporary databases are created on, with its major version.
pub struct Server {
    place: Place,
    major: u32,
}

enum Place {
    Embedded(Box<Cluster>),
    DevUrl {
        admin: Box<Client>,
        target: Box<Target>,
    },
}

/// The server's major version (`15` for 15.4).
pub fn major_version(client: &mut Client) -> Result<u32, postgres::Error> {
    let row = client.query_one("SELECT current_setting('server_version_num')::int4", &[])?;
    let num: i32 = row.get(0);
    Ok(u32::try_from(num / 10_000).unwrap_or(0))
}

impl Server {
    /// Starts an embedded throwaway cluster, or connects to the `--dev-url` server, as
    /// `shadow` says.
    pub fn open(shadow: &Shadow) -> Result<Server, TemporaryError> {
        match shadow {
            Shadow::Embedded => Ok(Server::embedded(
                Cluster::start(&ClusterOptions::default())?,
            )),
            Shadow::DevUrl(url) => {
                let opts = ConnectOptions::with_process_env(Some(url.clone()));
                let mut admin = connect(&opts)?;
                let major = major_version(&mut admin).map_err(TemporaryError::Version)?;
                let target = resolve(&opts)?;
                Ok(Server {
                    place: Place::DevUrl {
                        admin: Box::new(admin),
                        target: Box::new(target),
                    },
                    major,
                })
            }
        }
    }

    /// An embedded cluster already started (the one `schema-plan` planned in, say).
    pub fn embedded(cluster: Cluster) -> Server {
        Server {
            major: cluster.major_version(),
            place: Place::Embedded(Box::new(cluster)),
        }
    }

    /// The server's major version.
    pub fn major_version(&self) -> u32 {
        self.major
    }

    /// Creates an empty database for `purpose` (in its name: `schema_tool_<purpose>_<pid>_<ns>`
    /// on a `--dev-url` server, recognisable if one is ever left behind).
    pub fn create_database(mut self, purpose: &str) -> Result<TemporaryDatabase, TemporaryError> {
        let name = match &mut self.place {
            Place::Embedded(cluster) => cluster.create_database(purpose)?,
            Place::DevUrl { admin, .. } => {
                create_on(admin, purpose).map_err(TemporaryError::Create)?
            }
        };
        Ok(TemporaryDatabase {
            server: self,
            name,
            dropped: false,
        })
    }
}

/// A database created on a [`Server`] for the tool's own use; dropped with it (or by
/// [`TemporaryDatabase::drop_database`], to hear of a failure).
pub struct TemporaryDatabase {
    server: Server,
    name: String,
    dropped: bool,
}

impl TemporaryDatabase {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server's major version.
    pub fn major_version(&self) -> u32 {
        self.server.major
    }

    /// Where the database is, for people: `an embedded throwaway PostgreSQL 15 cluster`, or
    /// `a temporary database on user@host:port/db`.
    pub fn description(&self) -> String {
        match &self.server.place {
            Place::Embedded(_) => format!(
                "an embedded throwaway PostgreSQL {} cluster",
                self.server.major
            ),
            Place::DevUrl { target, .. } => format!("a temporary database on {}", target.display),
        }
    }

    /// A new connection to the database.
    pub fn connect(&self) -> Result<Client, TemporaryError> {
        match &self.server.place {
            Place::Embedded(cluster) => Ok(cluster.connect(&self.name)?),
            Place::DevUrl { target, .. } => {
                let mut config = target.config.clone();
                config.dbname(&self.name);
                let t = Target {
                    config,
                    tls: target.tls,
                    root_cert: target.root_cert.clone(),
                    display: target.display.clone(),
                };
                Ok(connect_target(&t)?)
            }
        }
    }

    /// Whether what is created on the server outlives the database (roles on a `--dev-url`
    /// server; nothing outlives an embedded cluster).
    pub fn on_shared_server(&self) -> bool {
        matches!(self.server.place, Place::DevUrl { .. })
    }

    /// The administrative connection to a `--dev-url` server (none in an embedded cluster).
    pub fn admin(&mut self) -> Option<&mut Client> {
        match &mut self.server.place {
            Place::Embedded(_) => None,
            Place::DevUrl { admin, .. } => Some(admin),
        }
    }

    /// Drops the database on a `--dev-url` server now, ending any session still connected to
    /// it (an embedded cluster removes itself with everything in it).
    pub fn drop_database(&mut self) -> Result<(), postgres::Error> {
        if self.dropped {
            return Ok(());
        }
        self.dropped = true;
        match &mut self.server.place {
            Place::Embedded(_) => Ok(()),
            Place::DevUrl { admin, .. } => admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&self.name)
            )),
        }
    }
}

impl Drop for TemporaryDatabase {
    fn drop(&mut self) {
        let _ = self.drop_database();
    }
}

/// Creates an empty database named `schema_tool_<purpose>_<pid>_<nanoseconds>` (unique on the
/// server) and returns its name.
fn create_on(admin: &mut Client, purpose: &str) -> Result<String, postgres::Error> {
    let name = format!(
        "schema_tool_{purpose}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    admin.batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))?;
    Ok(name)
}
