//! `schema-dump` against a real throwaway PostgreSQL: the analytics schema is loaded, dumped
//! twice (identical files), linted, loaded again from the single-file dump (same live catalog),
//! and read back as a project (same catalog as the database).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cluster, error_chain, fresh_database};
use postgres::Client;
use schema_tool::catalog::Catalog;
use schema_tool::catalog::normalize::{forget_provenance, normalize};
use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::loaded::Project;
use schema_tool::project::LoadOptions;

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "sql"));
    files.sort();
    files
}

/// Loads the analytics `schema/`: externals, tables, views (retried until every one loads, as
/// they read each other), materialized views, functions.
fn load_analytics(client: &mut Client) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for dir in ["external", "tables", "views", "matviews", "functions"] {
        let mut pending = sql_files(&root.join(dir));
        while !pending.is_empty() {
            let mut failed = Vec::new();
            let mut last_error = String::new();
            for path in &pending {
                let text = std::fs::read_to_string(path).unwrap();
                let mut tx = client.transaction().unwrap();
                match tx.batch_execute(&text) {
                    Ok(()) => tx.commit().unwrap(),
                    Err(e) => {
                        last_error = format!("{}: {}", path.display(), error_chain(&e));
                        failed.push(path.clone());
                    }
                }
            }
            assert!(failed.len() < pending.len(), "cannot load {last_error}");
            pending = failed;
        }
    }
}

fn live(client: &mut Client) -> Catalog {
    introspect(client, &IntrospectOptions::default())
        .unwrap_or_else(|e| panic!("introspect: {}", error_chain(&e)))
}

fn dump(url: &str, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_schema-dump"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run schema-dump");
    assert!(
        out.status.success(),
        "schema-dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            out.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read_to_string(entry.path()).unwrap(),
            );
        }
    }
    out
}

/// Field-by-field differences between two catalogs, for failure messages.
fn differences(a: &Catalog, b: &Catalog) -> String {
    let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

#[test]
fn analytics_dump_is_stable_lints_and_reloads_to_the_same_catalog() {
    let (db, mut client) = fresh_database("dump_src");
    load_analytics(&mut client);
    let url = cluster().url(&db);
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, single) = (
        tmp.path().join("one"),
        tmp.path().join("two"),
        tmp.path().join("all.sql"),
    );
    dump(&url, &["--out", one.to_str().unwrap()]);
    dump(
        &url,
        &[
            "--out",
            two.to_str().unwrap(),
            "--single-file",
            single.to_str().unwrap(),
        ],
    );
    let (first, second) = (read_tree(&one), read_tree(&two));
    assert_eq!(first, second, "two dumps of one database differ");
    for dir in ["tables", "views", "matviews", "functions"] {
        assert!(
            first.keys().any(|k| k.starts_with(&format!("{dir}/"))),
            "no {dir}/ in {:?}",
            first.keys().collect::<Vec<_>>()
        );
    }

    // schema-lint reads the dump without a syntax error.
    let lint = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .arg(&one)
        .args(["--format", "json"])
        .current_dir(tmp.path())
        .output()
        .expect("run schema-lint");
    let report = String::from_utf8_lossy(&lint.stdout);
    assert_ne!(lint.status.code(), Some(2), "lint: {report}");
    assert!(!report.contains("\"syntax-error\""), "{report}");

    // The single-file dump loads with psql into an empty database and reads back the same.
    let original = live(&mut client);
    let (copy_db, mut copy) = fresh_database("dump_copy");
    let psql = cluster().binaries().bindir().join("psql");
    let loaded = Command::new(&psql)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&single)
        .arg(cluster().connection_string(&copy_db))
        .output()
        .expect("run psql");
    assert!(
        loaded.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let reloaded = live(&mut copy);
    assert!(
        original == reloaded,
        "the single-file dump loads into a different database:\n{}",
        differences(&original, &reloaded)
    );

    // The dumped files, read as a project, describe the database.
    let mut files = Project::load(&LoadOptions {
        paths: vec![one.clone()],
        default_schema: "public".to_owned(),
        ..LoadOptions::default()
    })
    .unwrap()
    .catalog;
    forget_provenance(&mut files);
    let mut database = original;
    normalize(&mut files, "public");
    normalize(&mut database, "public");
    let diff = differences(&files, &database);
    assert!(
        files == database,
        "the dumped files describe another catalog:\n{diff}"
    );
}

#[test]
fn small_fixture_dump_snapshot() {
    let (db, mut client) = fresh_database("dump_snap");
    client
        .batch_execute(
            r#"create schema "Sales";
               create type "Sales".status as enum ('new', 'paid');
               create sequence ticket_no start 100;
               create table "Sales"."Order" (
                   id bigint generated by default as identity primary key,
                   status "Sales".status not null default 'new',
                   note text check (note <> ''),
                   ticket int default nextval('ticket_no')
               );
               create index order_status on "Sales"."Order" (status) where status = 'new';
               alter table "Sales"."Order" enable row level security;
               create policy own on "Sales"."Order" using (note is not null);
               create view open_orders with (security_invoker) as
                   select id from "Sales"."Order" where status = 'new';
               create function "Sales".total(n int) returns int language sql stable as 'select n';
               comment on table "Sales"."Order" is 'orders';"#,
        )
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    dump(
        &cluster().url(&db),
        &["--out", tmp.path().to_str().unwrap()],
    );
    let mut text = String::new();
    for (path, content) in read_tree(tmp.path()) {
        // The owner is whoever runs the test cluster.
        let content: String = content
            .lines()
            .filter(|l| !l.contains(" OWNER TO "))
            .map(|l| format!("{l}\n"))
            .collect();
        text.push_str(&format!("==> {path}\n{content}\n"));
    }
    insta::assert_snapshot!(text);
}

#[test]
fn unreachable_database_is_one_line_without_password() {
    let out = Command::new(env!("CARGO_BIN_EXE_schema-dump"))
        .args([
            "--database-url",
            "postgresql://someone:s3cret@127.0.0.1:1/db",
            "--out",
            "/nonexistent-dump-dir",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("s3cret"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
