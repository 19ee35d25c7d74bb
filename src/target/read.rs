//! Reading the target: its catalog (the managed schemas plus those of the external tables),
//! without the indexes a failed `CREATE INDEX CONCURRENTLY` left INVALID, and the check of the
//! declared external tables against it.

use postgres::Client;

use super::TargetError;
use crate::catalog::Catalog;
use crate::introspect::{IntrospectOptions, introspect};

/// Introspects the target (managed schemas plus those of the external tables) and checks the
/// declared external tables against it.
pub fn read_target(
    client: &mut Client,
    desired: &Catalog,
    managed: &[String],
) -> Result<Catalog, TargetError> {
    let schemas = read_schemas(desired, managed);
    let mut current = introspect(
        client,
        &IntrospectOptions {
            schemas: schemas.clone(),
            threads: 0,
        },
    )?;
    // An index left INVALID by a failed or killed `CREATE INDEX CONCURRENTLY` is not there
    // for the planner: if the desired state has it, it is built again (apply drops the
    // invalid one first).
    for name in crate::introspect::invalid_indexes(client, &schemas)? {
        if desired.indexes.contains_key(&name) {
            current.indexes.remove(&name);
        }
    }
    require_externals(desired, &current)?;
    Ok(current)
}

/// Checks the declared external tables against the target's catalog: each missing or
/// different one is a line of the error.
pub fn require_externals(desired: &Catalog, current: &Catalog) -> Result<(), TargetError> {
    let problems = crate::diff::check_externals(desired, current);
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    Err(TargetError::Externals(lines.join("\n")))
}

/// The schemas a target is read from: the managed ones plus those of the external tables
/// (none: all of them).
pub fn read_schemas(desired: &Catalog, managed: &[String]) -> Vec<String> {
    let mut schemas: Vec<String> = managed.to_vec();
    if !schemas.is_empty() {
        for n in desired.externals.keys() {
            if !schemas.contains(&n.schema) {
                schemas.push(n.schema.clone());
            }
        }
    }
    schemas
}

/// Runs `work` on this thread while another reads all the target's schemas: loading the
/// desired state and reading the target take about as long and do not depend on each other.
/// Returns what `work` returned, the connection and the target's catalog.
pub fn read_all_while<T>(
    mut client: Client,
    work: impl FnOnce() -> T,
) -> Result<(T, Client, Catalog), TargetError> {
    let read = move || -> Result<(Client, Catalog), TargetError> {
        let target = introspect(
            &mut client,
            &IntrospectOptions {
                schemas: Vec::new(),
                threads: 0,
            },
        )?;
        Ok((client, target))
    };
    std::thread::scope(|s| {
        let reader = std::thread::Builder::new()
            .stack_size(crate::stack::DEEP_STACK)
            .spawn_scoped(s, read)
            .map_err(TargetError::Thread)?;
        let done = work();
        let target = match reader.join() {
            Ok(target) => target,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (client, target) = target?;
        crate::timing::mark("target introspected");
        Ok((done, client, target))
    })
}
