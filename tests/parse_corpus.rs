//! Regression suite over `../shared/corpus/parse/`: PostgreSQL 15/16 regression SQL and
//! real-world schemas. The loader must never panic, must report every statement PostgreSQL's
//! parser rejects at its own location, and must leave no statement kind unaccounted for in the
//! real-world schemas.

use std::path::{Path, PathBuf};

use schema_tool::loaded::Project;
use schema_tool::project::LoadOptions;

/// `shared/corpus/parse` beside the repository (`../shared`; `../../shared` from a worktree
/// in `wt/<name>`).
fn corpus(dir: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/corpus/parse", "../../shared/corpus/parse"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| root.join("../shared/corpus/parse"))
        .join(dir)
}

fn load(path: &Path) -> Project {
    let opts = LoadOptions {
        paths: vec![path.to_owned()],
        ..LoadOptions::default()
    };
    schema_tool::stack::with_deep_stack(|| Project::load(&opts))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    schema_tool::project::collect_sql_files(&[dir.to_owned()]).unwrap()
}

#[test]
fn regression_sql_loads_and_every_rejected_statement_has_a_location() {
    for version in ["pg_regress_15", "pg_regress_16"] {
        let (mut files, mut statements, mut rejected) = (0, 0, 0);
        for path in sql_files(&corpus(version)) {
            let project = load(&path);
            files += 1;
            statements += project
                .files
                .iter()
                .map(|f| f.statements.len())
                .sum::<usize>();
            for d in project
                .diagnostics
                .iter()
                .filter(|d| d.rule == "syntax-error")
            {
                rejected += 1;
                let span = d.span.unwrap_or_else(|| {
                    panic!(
                        "{}: syntax error without location: {}",
                        path.display(),
                        d.message
                    )
                });
                let text = &project.sources.file(span.file).text;
                assert!(
                    (span.start as usize) < text.len().max(1),
                    "{}: span out of range",
                    path.display()
                );
            }
        }
        println!(
            "{version}: {files} files, {statements} statements read, {rejected} rejected with a location"
        );
        assert!(
            files > 100 && statements > 10_000,
            "{version}: corpus not found or not read"
        );
        assert!(
            rejected > 0,
            "{version}: the regression SQL contains deliberate errors"
        );
    }
}

#[test]
fn real_world_schemas_are_read_completely() {
    for (path, min_tables) in [
        (corpus("danbooru/structure.sql"), 60),
        (corpus("chinook/chinook_nodb.sql"), 11),
        (corpus("chinook/Chinook_PostgreSql_SerialPKs.sql"), 11),
        (corpus("northwind/northwind.sql"), 13),
        (corpus("pagila/pagila-schema.sql"), 15),
    ] {
        let project = load(&path);
        let c = &project.catalog;
        assert!(
            c.tables.len() >= min_tables,
            "{}: {} tables",
            path.display(),
            c.tables.len()
        );
        let syntax: Vec<_> = project
            .diagnostics
            .iter()
            .filter(|d| d.rule == "syntax-error")
            .collect();
        assert!(syntax.is_empty(), "{}: {syntax:#?}", path.display());
        // Every statement is either modelled or named in a finding: count the findings by kind.
        let unsupported: std::collections::BTreeSet<&str> = project
            .diagnostics
            .iter()
            .filter(|d| d.rule == "unsupported-statement")
            .map(|d| d.message.as_str())
            .collect();
        println!(
            "{}: {} tables, {} views, {} indexes, {} functions, {} triggers, {} sequences, {} types; not modelled: {unsupported:?}",
            path.file_name().unwrap().to_string_lossy(),
            c.tables.len(),
            c.views.len() + c.materialized_views.len(),
            c.indexes.len(),
            c.functions.len(),
            c.triggers.len(),
            c.sequences.len(),
            c.types.len(),
        );
    }
}

#[test]
fn danbooru_catalog_is_complete() {
    let project = load(&corpus("danbooru/structure.sql"));
    let text = &project.sources.file(project.files[0].id).text;
    let count = |needle: &str| text.matches(needle).count();
    let c = &project.catalog;
    assert_eq!(
        c.tables.len(),
        count("\nCREATE TABLE ") + count("\nCREATE UNLOGGED TABLE "),
        "tables"
    );
    assert_eq!(
        c.indexes.len(),
        count("\nCREATE INDEX ") + count("\nCREATE UNIQUE INDEX "),
        "indexes"
    );
    assert_eq!(c.sequences.len(), count("\nCREATE SEQUENCE "), "sequences");
    assert_eq!(c.functions.len(), count("\nCREATE FUNCTION "), "functions");
    assert_eq!(c.triggers.len(), count("\nCREATE TRIGGER "), "triggers");
    let constraints: usize = c.tables.values().map(|t| t.constraints.len()).sum();
    assert_eq!(constraints, count("ADD CONSTRAINT "), "constraints");
    assert_eq!(c.extensions.len(), count("CREATE EXTENSION "), "extensions");
}

#[test]
fn supabase_and_pagila_load_without_syntax_errors() {
    // Supabase's dump needs its extensions and roles, pagila PostgreSQL 18's uuidv7(): neither
    // matters to the parser, and what the catalog does not model (event triggers …) is named.
    let mut files = sql_files(&corpus("supabase"));
    files.extend(sql_files(&corpus("pagila")));
    assert!(files.len() >= 7, "corpus not found");
    for path in files {
        let project = load(&path);
        let syntax: Vec<_> = project
            .diagnostics
            .iter()
            .filter(|d| d.rule == "syntax-error")
            .collect();
        assert!(syntax.is_empty(), "{}: {syntax:#?}", path.display());
        let declares_tables = project
            .sources
            .file(project.files[0].id)
            .text
            .to_lowercase()
            .contains("create table");
        assert!(
            !declares_tables || !project.catalog.tables.is_empty(),
            "{}: no table read",
            path.display()
        );
    }
}
