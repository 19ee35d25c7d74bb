//! The shadow database: where definitions are elaborated when the target refuses temporary
//! objects (a read-only replica, a role without the TEMP privilege).
//!
//! A temporary database on a `--dev-url` server (created, then dropped whatever happens) or a
//! database in an embedded throwaway cluster ([`crate::shadow`]) receives a copy of the live
//! schema written by [`crate::ddl`] (schemas, extensions, types, sequences, routines, tables and
//! views, without owners, grants, indexes, policies or triggers, which elaboration does not
//! need); its major version must be the target's, since each version prints definitions its
//! own way.

use postgres::Client;

use super::{ElaborateError, ElaborateOptions, Report, elaborate};
use crate::catalog::{Catalog, ConstraintKind, Meta};
use crate::db::temporary::{Server, TemporaryError};

use crate::db::temporary::Shadow;

/// Elaborates on the target behind `client`; when it refuses temporary objects, in a shadow
/// database holding a copy of `live` instead. See [`elaborate`].
pub fn elaborate_with_fallback(
    client: &mut Client,
    shadow: &Shadow,
    desired: &mut Catalog,
    live: &Catalog,
    opts: &ElaborateOptions,
) -> Result<Report, ElaborateError> {
    match elaborate(client, desired, live, opts) {
        Err(ElaborateError::Unusable(reason)) => {
            let target = major_version(client)?;
            let mut report = in_shadow(shadow, target, desired, live, opts)?;
            report.server = format!(
                "{} (the target refused temporary objects: {reason})",
                report.server
            );
            Ok(report)
        }
        other => other,
    }
}

/// The server's major version (`15` for 15.4).
fn major_version(client: &mut Client) -> Result<u32, ElaborateError> {
    crate::db::temporary::major_version(client).map_err(|e| ElaborateError::Query(Box::new(e)))
}

pub(super) fn check_version(target: u32, shadow: u32) -> Result<(), ElaborateError> {
    if target == shadow {
        Ok(())
    } else {
        Err(ElaborateError::VersionMismatch { target, shadow })
    }
}

/// Elaborates in a shadow database of major version `target`.
pub fn in_shadow(
    shadow: &Shadow,
    target: u32,
    desired: &mut Catalog,
    live: &Catalog,
    opts: &ElaborateOptions,
) -> Result<Report, ElaborateError> {
    let failed = |e: &dyn std::fmt::Display| ElaborateError::Shadow(e.to_string());
    let server = Server::open(shadow).map_err(|e| match e {
        TemporaryError::Version(e) => ElaborateError::Query(Box::new(e)),
        other => failed(&other),
    })?;
    check_version(target, server.major_version())?;
    let mut db = server.create_database("shadow").map_err(|e| failed(&e))?;
    let result = (|| {
        let mut client = db.connect().map_err(|e| failed(&e))?;
        load_live(&mut client, live)?;
        let mut report = elaborate(&mut client, desired, live, opts)?;
        report.server = db.description();
        Ok(report)
    })();
    let dropped = db.drop_database();
    let report = result?;
    dropped.map_err(|e| {
        failed(&format!(
            "cannot drop the temporary database {}: {e}",
            db.name()
        ))
    })?;
    Ok(report)
}

/// What of the live schema the shadow needs: everything a view, default, CHECK or policy
/// expression can refer to, without owners, grants, comments, indexes, foreign keys,
/// policies, triggers or unmodelled objects.
pub fn shadow_catalog(live: &Catalog) -> Catalog {
    let mut c = live.clone();
    let bare = |m: &mut Meta| *m = Meta::default();
    c.schemas.values_mut().for_each(|s| bare(&mut s.meta));
    c.extensions.values_mut().for_each(|e| bare(&mut e.meta));
    c.types.values_mut().for_each(|t| bare(&mut t.meta));
    c.sequences.values_mut().for_each(|s| bare(&mut s.meta));
    c.functions.values_mut().for_each(|f| bare(&mut f.meta));
    c.views
        .values_mut()
        .chain(c.materialized_views.values_mut())
        .for_each(|v| bare(&mut v.meta));
    for t in c.tables.values_mut().chain(c.externals.values_mut()) {
        bare(&mut t.meta);
        t.rls_enabled = false;
        t.rls_forced = false;
        t.constraints
            .retain(|_, k| !matches!(k.kind, ConstraintKind::ForeignKey { .. }));
        for col in &mut t.columns {
            col.comment = None;
        }
    }
    c.indexes.clear();
    c.policies.clear();
    c.triggers.clear();
    c.others.clear();
    c
}

/// Loads the shadow copy of `live`: in one message when it all loads, else statement by
/// statement, skipping what the scratch database rejects (an extension it lacks, say): a
/// definition that needs it then stays unsettled.
fn load_live(client: &mut Client, live: &Catalog) -> Result<(), ElaborateError> {
    let script = crate::ddl::script(
        &shadow_catalog(live),
        &crate::ddl::ScriptOptions { externals: true },
    );
    if client
        .batch_execute(&format!("BEGIN;\n{script}\nCOMMIT;"))
        .is_ok()
    {
        return Ok(());
    }
    client
        .batch_execute("ROLLBACK")
        .map_err(|e| ElaborateError::Query(Box::new(e)))?;
    let statements = pg_query::split_with_parser(&script)
        .map_err(|e| ElaborateError::Shadow(format!("cannot split the shadow script: {e}")))?;
    for s in statements {
        let _ = client.batch_execute(s);
    }
    Ok(())
}
