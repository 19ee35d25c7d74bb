//! Routine signatures as PostgreSQL prints them back.
//!
//! `format_type`, read with `search_path = pg_catalog`, qualifies a type of the default schema
//! that a file writes bare (`public.mood` for `mood`), and a routine's key is built from its
//! argument types: the same routine would be keyed twice and planned as a drop and a create.
//! [`align_signatures`] gives a desired routine the live spelling of its argument and return
//! types, and the live key, when they name the same types.

use crate::catalog::normalize::unqualify_type;
use crate::catalog::{Catalog, Function};

/// Whether two type names are the same once `schema.` is left out of both.
fn same_type(a: &str, b: &str, schema: &str) -> bool {
    a == b || unqualify_type(a, schema) == unqualify_type(b, schema)
}

/// Whether `live` is `desired` with its types spelled another way: same name, kind, argument
/// names, modes and defaults, and types equal up to the default schema.
fn same_signature(desired: &Function, live: &Function, schema: &str) -> bool {
    let returns = match (&desired.returns, &live.returns) {
        (Some(d), Some(l)) => same_type(d, l, schema),
        (None, None) => true,
        _ => false,
    };
    desired.name == live.name
        && desired.is_procedure == live.is_procedure
        && returns
        && desired.args.len() == live.args.len()
        && desired
            .args
            .iter()
            .zip(&live.args)
            .all(|(d, l)| d.name == l.name && d.mode == l.mode && same_type(&d.ty, &l.ty, schema))
}

/// Re-keys the desired routines whose signature is a live routine's spelled with bare names
/// of `default_schema`, and gives them the live spelling of their types (defaults stay as
/// written: they are compared as definitions). Returns how many were aligned.
pub fn align_signatures(desired: &mut Catalog, live: &Catalog, default_schema: &str) -> usize {
    let moves: Vec<(String, String)> = desired
        .functions
        .iter()
        .filter(|(key, _)| !live.functions.contains_key(*key))
        .filter_map(|(key, f)| {
            let (lkey, _) = live.functions.iter().find(|(lkey, l)| {
                !desired.functions.contains_key(*lkey) && same_signature(f, l, default_schema)
            })?;
            Some((key.clone(), lkey.clone()))
        })
        .collect();
    let mut aligned = 0;
    for (key, lkey) in moves {
        let (Some(mut f), Some(l)) = (desired.functions.remove(&key), live.functions.get(&lkey))
        else {
            continue;
        };
        f.returns.clone_from(&l.returns);
        for (a, la) in f.args.iter_mut().zip(&l.args) {
            a.ty.clone_from(&la.ty);
        }
        desired.functions.insert(lkey, f);
        aligned += 1;
    }
    aligned
}
