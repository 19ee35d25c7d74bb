//! Project hygiene checked by the test suite: every rule documents itself and its examples
//! hold, every rule has fixtures, every module says what it is for.

mod common;

use std::path::Path;

use common::lint::assert_doc_examples;
use schema_tool::lint::registry::{LOADER_RULES, RULES};

#[test]
fn every_rule_documents_itself_and_its_examples_hold() {
    for rule in RULES {
        for section in ["## What it flags", "## Why it matters", "## Example"] {
            assert!(
                rule.docs.contains(section),
                "{}: docs lack `{section}`",
                rule.name
            );
        }
        assert!(
            rule.docs.contains("```sql,expect_diagnostic"),
            "{}: no failing example",
            rule.name
        );
        assert!(
            rule.docs.contains("```sql\n"),
            "{}: no passing example",
            rule.name
        );
        assert!(
            assert_doc_examples(rule.name) >= 2,
            "{}: examples not run",
            rule.name
        );
        assert!(!rule.summary.is_empty(), "{}: no summary", rule.name);
        let kebab = rule
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-');
        assert!(kebab, "{}: rule names are kebab-case", rule.name);
        let module = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/lint/rules")
            .join(format!("{}.rs", rule.name.replace('-', "_")));
        assert!(
            module.is_file(),
            "{}: expected its module at {}",
            rule.name,
            module.display()
        );
    }
    for rule in LOADER_RULES {
        assert!(
            rule.docs.contains("## What it flags"),
            "{}: docs lack a section",
            rule.name
        );
    }
}

#[test]
fn rule_names_are_unique() {
    let mut names: Vec<&str> = RULES.iter().chain(LOADER_RULES).map(|r| r.name).collect();
    let before = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate rule names");
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(&src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs")
            || path.components().any(|c| c.as_os_str() == "tests")
        {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            first.starts_with("//!"),
            "{}: start the module with a `//!` paragraph",
            path.display()
        );
    }
}
