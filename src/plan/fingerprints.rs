//! What a plan records of the states it was computed from: SHA-256 fingerprints of each
//! object and of each side (the apply drift check), and the desired state as one script (the
//! plan file, verified after it is applied without the source files).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::TargetFingerprint;
use crate::catalog::Catalog;

/// What a plan records of the states it was computed from (the apply drift check and the
/// plan file's desired state).
pub(super) struct Fingerprints {
    /// SHA-256 of the target's script.
    pub(super) current: String,
    /// SHA-256 of the desired script.
    pub(super) desired: String,
    /// SHA-256 of each of the target's objects.
    pub(super) objects: BTreeMap<String, String>,
    /// The desired state as one script.
    pub(super) desired_sql: String,
    /// The declared external tables as `CREATE TABLE` statements.
    pub(super) externals_sql: String,
}

/// The desired state as a plan file carries it.
pub(super) struct DesiredState {
    /// Digest over its objects, as [`fingerprint`] computes it.
    pub(super) digest: String,
    /// Every object's declaration, file by file (the loader reads them in any order).
    pub(super) sql: String,
    /// The declared external tables as `CREATE TABLE` statements.
    pub(super) externals_sql: String,
}

impl DesiredState {
    /// The desired state of a plan.
    pub(super) fn of(desired: &Catalog) -> Self {
        let files = crate::ddl::layout::files(desired);
        let digest = digest_of_objects(
            &files
                .iter()
                .map(|(file, text)| (file.clone(), sha256_hex(text.as_bytes())))
                .collect(),
        );
        let mut sql = String::new();
        // External tables travel apart (`externals_sql`): they are declarations, not objects
        // of the project.
        for (file, text) in files.iter().filter(|(f, _)| !f.starts_with("external/")) {
            sql.push_str(&format!("-- {file}\n{text}\n"));
        }
        let externals_sql = desired
            .externals
            .values()
            .map(|t| crate::ddl::create_table(t, false))
            .collect();
        DesiredState {
            digest,
            sql,
            externals_sql,
        }
    }
}

/// Lower-case hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A catalog's fingerprint: the SHA-256 of each object's declaration (keyed by the file
/// `schema-dump` would write it to), and one digest over them all.
pub fn fingerprint(c: &Catalog) -> TargetFingerprint {
    let objects: BTreeMap<String, String> = crate::ddl::layout::files(c)
        .into_iter()
        .map(|(file, text)| (file, sha256_hex(text.as_bytes())))
        .collect();
    (digest_of_objects(&objects), objects)
}

/// One SHA-256 over per-object digests (file and digest of each, in file order).
fn digest_of_objects(objects: &BTreeMap<String, String>) -> String {
    let mut hasher = Sha256::new();
    for (file, digest) in objects {
        hasher.update(file.as_bytes());
        hasher.update(b"\0");
        hasher.update(digest.as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
