//! Elaboration: settling the definitions that differ only in how PostgreSQL prints them.
//!
//! DESIGN's "parse first, elaborate only what is in doubt": after tree comparison and
//! [`crate::catalog::normalize`], a person-written definition (a view query, a CHECK, a
//! default, a policy expression, …) may still differ from the live one only because the server
//! prints it back in its own way: `IN (…)` as `= ANY (ARRAY[…])`, implicit casts made explicit,
//! a view's `*` expanded, columns qualified. [`elaborate`] asks a server to print both the
//! desired and the live definition the same way (each as a temporary view over the live table,
//! inside one transaction that is always rolled back, with short lock and statement timeouts)
//! and, where the two print-backs are identical, replaces the desired definition by the live
//! one, so the diff sees it unchanged. A definition the server rejects (a view over a table the
//! plan has yet to create) simply stays different: it is a change anyway.
//!
//! The server is normally the target itself ([`elaborate`]); where it refuses temporary objects
//! (a read-only replica, no TEMP privilege), [`shadow`] provides a scratch database holding a
//! copy of the live schema: on a `--dev-url` server or in an embedded throwaway cluster.
//!
//! - [`probe`]: which definitions are in doubt, the views that print them, settling.
//! - [`session`]: the rolled-back transaction, batches under savepoints, reading back.
//! - [`shadow`]: the scratch database when the target cannot be used.
//! - [`star`]: a view's `SELECT *` expanded from the desired catalog, settled without the
//!   server.

pub mod probe;
pub mod routine_bodies;
pub mod routines;
pub mod session;
pub mod shadow;
pub mod star;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use postgres::Client;

use crate::catalog::Catalog;
pub use session::Limits;
pub use shadow::elaborate_with_fallback;

/// How to elaborate.
#[derive(Clone, Debug)]
pub struct ElaborateOptions {
    /// Schema searched for unqualified names when an object has no search path of its own.
    pub default_schema: String,
    /// Timeouts of the elaboration transaction.
    pub limits: Limits,
}

impl Default for ElaborateOptions {
    fn default() -> Self {
        ElaborateOptions {
            default_schema: "public".to_owned(),
            limits: Limits::default(),
        }
    }
}

/// What an elaboration did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Definitions equal once normalised (settled without the server).
    pub settled_by_normalisation: usize,
    /// Definitions the server was asked about.
    pub in_doubt: usize,
    /// Of those, the ones it printed identically (settled).
    pub settled_by_server: usize,
    /// Of those, the ones it could not print (rejected by the server).
    pub rejected: usize,
    /// Definitions in doubt by kind (`view`, `check`, `default`, `policy`, …).
    pub in_doubt_by_kind: BTreeMap<&'static str, usize>,
    /// Round trips to the server.
    pub round_trips: usize,
    /// Wall time spent.
    pub elapsed: Duration,
    /// Where the definitions were elaborated (the target, or a shadow database).
    pub server: String,
}

/// Why elaboration could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ElaborateError {
    /// The server refuses temporary objects (no TEMP privilege, read-only); a shadow database
    /// can stand in.
    #[error("the server cannot hold temporary objects: {0}")]
    Unusable(String),
    /// A query failed for another reason (connection lost, …).
    #[error("elaboration failed: {0}")]
    Query(#[source] Box<postgres::Error>),
    /// The shadow database's major version is not the target's.
    #[error(
        "the shadow PostgreSQL is version {shadow} but the target is version {target}: definitions would be printed differently; use --dev-url with a server of version {target}"
    )]
    VersionMismatch {
        /// Target's major version.
        target: u32,
        /// Shadow's major version.
        shadow: u32,
    },
    /// The shadow database could not be set up.
    #[error("shadow database: {0}")]
    Shadow(String),
}

/// Settles, in `desired`, every definition that equals its `live` counterpart once normalised
/// or once the server behind `client` has printed both; see the module documentation. The
/// server must hold the live schema (the target, or a shadow copy of it). Leaves nothing
/// behind on the server.
pub fn elaborate(
    client: &mut Client,
    desired: &mut Catalog,
    live: &Catalog,
    opts: &ElaborateOptions,
) -> Result<Report, ElaborateError> {
    let started = Instant::now();
    let collected = probe::collect(desired, live, &opts.default_schema);
    let mut report = Report {
        settled_by_normalisation: collected.settled,
        in_doubt: collected.probes.len(),
        server: "the target".to_owned(),
        ..Report::default()
    };
    for p in &collected.probes {
        *report.in_doubt_by_kind.entry(p.slot.kind()).or_default() += 1;
    }
    let jobs: Vec<session::Job> = collected
        .probes
        .iter()
        .map(|p| session::Job {
            search_path: p.search_path.clone(),
            desired: p.desired.0.body(&p.desired.1),
            live: p.live.0.body(&p.live.1),
        })
        .collect();
    let first = session::print_back(client, &jobs, opts.limits)?;
    report.round_trips = first.round_trips;
    report.rejected = collected.probes.len() - first.views.len();
    // A print-back printed again is not always the same text (a cast over an ARRAY moves into
    // its elements), and the live side was printed once already: where the first prints
    // differ, both are printed once more, and any print of one side equal to any print of the
    // other settles it (each print means exactly what it was printed from).
    let mut again = Vec::new();
    let mut jobs = Vec::new();
    for (i, (d, l)) in &first.views {
        let p = &collected.probes[*i];
        if d == l {
            if probe::settle(desired, live, &p.slot) {
                report.settled_by_server += 1;
            }
            continue;
        }
        let (Some(dt), Some(lt)) = (p.desired.0.unwrap_printed(d), p.live.0.unwrap_printed(l))
        else {
            continue;
        };
        jobs.push(session::Job {
            search_path: p.search_path.clone(),
            desired: p.desired.0.again().body(&dt),
            live: p.live.0.again().body(&lt),
        });
        again.push((*i, d, l));
    }
    let second = session::print_back(client, &jobs, opts.limits)?;
    report.round_trips += second.round_trips;
    for (j, (d2, l2)) in &second.views {
        let (i, d1, l1) = again[*j];
        let same = d2 == l2 || d2 == l1 || d1 == l2;
        if same && probe::settle(desired, live, &collected.probes[i].slot) {
            report.settled_by_server += 1;
        }
    }
    let pairs: Vec<(String, String)> = collected
        .opclasses
        .iter()
        .map(|(_, _, o, m)| (o.clone(), m.clone()))
        .collect();
    if !pairs.is_empty() {
        let defaults = session::default_opclasses(client, &pairs)?;
        report.round_trips += 1;
        for ((index, key, _, _), default) in collected.opclasses.iter().zip(defaults) {
            if !default {
                continue;
            }
            if let Some(k) = desired
                .indexes
                .get_mut(index)
                .and_then(|i| i.keys.get_mut(*key))
            {
                k.opclass = None;
            }
        }
    }
    let bodies = routine_bodies::settle(client, desired, live, &opts.default_schema, opts.limits)?;
    report.in_doubt += bodies.in_doubt;
    report.settled_by_server += bodies.settled;
    report.round_trips += bodies.round_trips;
    if bodies.in_doubt > 0 {
        *report.in_doubt_by_kind.entry("function").or_default() += bodies.in_doubt;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
