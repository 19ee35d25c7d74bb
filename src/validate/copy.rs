//! The schema-only copy of the target: the roles its objects name, then the introspected
//! catalog rendered by [`crate::ddl::script`] (owners, grants, policies and all).

use std::collections::BTreeSet;

use postgres::Client;

use super::{ValidateError, server_message};
use crate::catalog::Catalog;
use crate::catalog::names::quote_ident;
use crate::ddl::{ScriptOptions, script};

/// The roles the catalog names: owners, grantees, policy roles (keywords left out).
pub fn roles(c: &Catalog) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut meta = |m: &crate::catalog::Meta| {
        out.extend(m.owner.iter().cloned());
        out.extend(m.grants.iter().map(|g| g.grantee.clone()));
    };
    c.schemas.values().for_each(|s| meta(&s.meta));
    c.extensions.values().for_each(|e| meta(&e.meta));
    c.types.values().for_each(|t| meta(&t.meta));
    c.sequences.values().for_each(|s| meta(&s.meta));
    c.functions.values().for_each(|f| meta(&f.meta));
    c.tables
        .values()
        .chain(c.externals.values())
        .for_each(|t| meta(&t.meta));
    c.views
        .values()
        .chain(c.materialized_views.values())
        .for_each(|v| meta(&v.meta));
    for p in c.policies.values() {
        out.extend(p.roles.iter().cloned());
    }
    out.retain(|r| {
        !matches!(
            r.as_str(),
            "PUBLIC" | "public" | "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER"
        )
    });
    out
}

/// Creates, `NOLOGIN`, the roles of `wanted` the scratch server lacks; returns those created.
/// A role that cannot be created is left out (the statements naming it then fail and are
/// reported with the others).
pub fn create_roles(
    client: &mut Client,
    wanted: &BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, ValidateError> {
    let names: Vec<String> = wanted.iter().cloned().collect();
    let rows = client
        .query(
            "SELECT r FROM unnest($1::text[]) AS r WHERE NOT EXISTS \
             (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)",
            &[&names],
        )
        .map_err(ValidateError::query)?;
    let mut created = Vec::new();
    for row in rows {
        let role: String = row.get(0);
        match client.batch_execute(&format!("CREATE ROLE {} NOLOGIN", quote_ident(&role))) {
            Ok(()) => created.push(role),
            Err(e) => notes.push(format!(
                "role {role} is missing on the scratch server and cannot be created: {}",
                server_message(&e)
            )),
        }
    }
    Ok(created)
}

/// Loads the target's schema: in one transaction when it all loads, else statement by
/// statement; each statement the scratch database rejects becomes a note (the first few are
/// quoted). Returns the number of statements rejected.
pub fn load_schema(
    client: &mut Client,
    current: &Catalog,
    notes: &mut Vec<String>,
) -> Result<usize, ValidateError> {
    let text = script(current, &ScriptOptions { externals: true });
    if client
        .batch_execute(&format!("BEGIN;\n{text}\nCOMMIT;"))
        .is_ok()
    {
        return Ok(0);
    }
    client
        .batch_execute("ROLLBACK")
        .map_err(ValidateError::query)?;
    let statements = pg_query::split_with_parser(&text)
        .map_err(|e| ValidateError::Scratch(format!("cannot split the schema script: {e}")))?;
    let mut rejected = 0;
    for s in &statements {
        if let Err(e) = client.batch_execute(s) {
            rejected += 1;
            if rejected <= 3 {
                let first = s.trim().lines().next().unwrap_or_default();
                notes.push(format!(
                    "the copy rejected `{first}`: {}",
                    server_message(&e)
                ));
            }
        }
    }
    if rejected > 3 {
        notes.push(format!(
            "the copy rejected {rejected} of the {} statements of the target's schema",
            statements.len()
        ));
    }
    Ok(rejected)
}
