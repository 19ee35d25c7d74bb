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

/// The non-test Rust files of `src/` (no `tests.rs`, nothing under a `tests/` folder), with
/// their text.
fn library_sources() -> Vec<(std::path::PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")).sort_by_file_name() {
        let path = entry.unwrap().into_path();
        let relative = path.strip_prefix(root).unwrap().to_path_buf();
        let is_test = relative.components().any(|c| c.as_os_str() == "tests")
            || relative.file_name().is_some_and(|n| n == "tests.rs");
        if path.extension().is_some_and(|e| e == "rs") && !is_test {
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((relative, text));
        }
    }
    files
}

#[test]
fn architecture_md_names_every_folder_and_every_large_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")).sort_by_file_name() {
        let path = entry.unwrap().into_path();
        let relative = path.strip_prefix(root).unwrap();
        let name = relative.to_string_lossy().replace('\\', "/");
        let is_test = relative.components().any(|c| c.as_os_str() == "tests");
        let is_folder = path.is_dir() && !is_test && name != "src" && !name.ends_with("snapshots");
        if is_folder && !map.contains(&format!("{name}/")) {
            missing.push(format!("folder {name}/"));
        }
    }
    for (relative, text) in library_sources() {
        let name = relative.to_string_lossy().replace('\\', "/");
        if text.lines().count() > 300 && !map.contains(&name) {
            missing.push(format!("file {name} ({} lines)", text.lines().count()));
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name:\n{}",
        missing.join("\n")
    );
}

#[test]
fn architecture_md_names_only_paths_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut stale = Vec::new();
    for quoted in map.split('`').skip(1).step_by(2) {
        let path = quoted.trim_end_matches('/');
        let looks_like_a_path = (path.starts_with("src/") || path.starts_with("tests/"))
            && !path.contains(['*', '<', ' ', '{', ':']);
        if looks_like_a_path && !root.join(path).exists() {
            stale.push(quoted.to_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "ARCHITECTURE.md names paths that do not exist:\n{}",
        stale.join("\n")
    );
}

#[test]
fn no_library_file_over_1200_lines_and_no_function_over_150() {
    let mut problems = Vec::new();
    for (relative, text) in library_sources() {
        // Unit tests at the end of a file are not counted.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let lines: Vec<&str> = code.lines().collect();
        if lines.len() > 1200 {
            problems.push(format!("{}: {} lines", relative.display(), lines.len()));
        }
        for (start, length) in function_lengths(&lines) {
            if length > 150 {
                let at = start + 1;
                problems.push(format!(
                    "{}:{at}: a function of {length} lines",
                    relative.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "too large:\n{}", problems.join("\n"));
}

/// (first line, length) of each `fn` in `lines`, measured by its braces (string and character
/// literals holding braces are rare enough in this code base to be ignored; a miscount only
/// makes a function look longer).
fn function_lengths(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let is_fn = trimmed.starts_with("fn ")
            || [
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
                "pub const fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
        if !is_fn {
            i += 1;
            continue;
        }
        let mut depth = 0i32;
        let mut opened = false;
        let mut j = i;
        while j < lines.len() {
            let line = lines[j];
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            opened |= line.contains('{');
            if (opened && depth <= 0) || (!opened && line.trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        found.push((i, j - i + 1));
        // Nested functions are measured as part of their parent only.
        i = j + 1;
    }
    found
}
