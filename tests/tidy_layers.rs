//! The architecture's import rules (ARCHITECTURE.md, "Invariants"), read from the source so
//! they cannot drift: each top-level module of the library may name only the modules its layer
//! allows (`crate::<module>` in a `use` line or a path), and the modules that do no I/O never
//! name the file system, processes, the network or a database client.
//!
//! Test code (`tests.rs` files, `tests/` folders and everything after `#[cfg(test)]` in a file)
//! is not checked: a test may build its fixtures however it likes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules that do no I/O (no file, process, network or database): models, analysis,
/// rules, planning, rendering. Their errors are values (`PlanError`, diagnostics).
const PURE: &[&str] = &[
    "source",
    "diagnostic",
    "error_chain",
    "stack",
    "parse",
    "catalog",
    "analyze",
    "graph",
    "loaded",
    "lint",
    "report",
    "ddl",
    "diff",
    "plan",
];

/// The modules that read or write files, start processes or talk to PostgreSQL, and the two
/// that sit on top of them (the exit-2 error and the command line).
const IO_MODULES: &[&str] = &[
    "project",
    "config",
    "db",
    "introspect",
    "shadow",
    "elaborate",
    "target",
    "apply",
    "validate",
    "timing",
    "error",
    "cli",
];

/// Every top-level module and the modules it may name. A new arrow is a design decision:
/// add it here, with ARCHITECTURE.md, only if it keeps the layers (pure modules never name
/// I/O modules; nothing but `cli` names `cli`; `error`, the exit-2 error, is named only by the
/// command line).
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves.
    ("source", &[]),
    ("diagnostic", &["source"]),
    ("error_chain", &[]),
    ("stack", &[]),
    ("timing", &[]),
    ("parse", &["source", "diagnostic"]),
    // The model. The catalog builder analyses routine bodies and view queries (`analyze`),
    // which in turn speaks of catalog names: one unit, split for size.
    ("catalog", &["source", "diagnostic", "parse", "analyze"]),
    ("analyze", &["source", "parse", "catalog"]),
    ("graph", &["source", "parse", "catalog", "analyze"]),
    (
        "loaded",
        &["source", "diagnostic", "parse", "catalog", "stack"],
    ),
    // Rules and renderers: no loader, no configuration file, no database.
    (
        "lint",
        &[
            "source",
            "diagnostic",
            "parse",
            "catalog",
            "analyze",
            "graph",
            "loaded",
            "stack",
        ],
    ),
    ("report", &["source", "diagnostic"]),
    ("ddl", &["catalog", "graph"]),
    // The planner: diff produces changes, plan orders and renders them.
    ("diff", &["catalog", "graph", "ddl"]),
    (
        "plan",
        &["parse", "catalog", "graph", "ddl", "diff", "stack"],
    ),
    // I/O: files.
    (
        "project",
        &["source", "diagnostic", "parse", "loaded", "stack"],
    ),
    ("config", &["lint"]),
    // I/O: PostgreSQL.
    ("shadow", &["catalog", "error_chain"]),
    ("db", &["catalog", "ddl", "plan", "shadow", "error_chain"]),
    ("introspect", &["source", "parse", "catalog"]),
    ("elaborate", &["parse", "catalog", "ddl", "db"]),
    (
        "target",
        &[
            "catalog",
            "ddl",
            "diff",
            "plan",
            "db",
            "introspect",
            "elaborate",
            "stack",
            "timing",
            "error_chain",
        ],
    ),
    ("apply", &["catalog", "plan", "db", "target"]),
    (
        "validate",
        &[
            "catalog",
            "ddl",
            "diff",
            "plan",
            "db",
            "introspect",
            "shadow",
            "target",
            "apply",
            "error_chain",
        ],
    ),
    // The top: the exit-2 error wraps each I/O layer's own; the command line uses anything.
    (
        "error",
        &[
            "project",
            "config",
            "db",
            "introspect",
            "shadow",
            "elaborate",
            "target",
            "apply",
            "validate",
            "plan",
            "error_chain",
        ],
    ),
    ("cli", &["*"]),
];

/// Names that show a module touches the outside world.
const IO_MARKERS: &[&str] = &[
    "std::fs",
    "std::process",
    "std::net",
    "std::env",
    "postgres::",
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Each non-test source file of the library with its top-level module and its code (comments
/// and test code removed).
fn library_files() -> Vec<(String, PathBuf, String)> {
    let src = src();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let path = entry.expect("walk src").into_path();
        let relative = path.strip_prefix(&src).expect("under src").to_path_buf();
        let is_test = relative.components().any(|c| c.as_os_str() == "tests")
            || relative.file_name().is_some_and(|n| n == "tests.rs");
        if path.extension().is_none_or(|e| e != "rs") || is_test || relative.starts_with("bin") {
            continue;
        }
        if relative == Path::new("lib.rs") {
            continue;
        }
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("read a source file");
        files.push((module, relative, code_of(&text)));
    }
    files
}

/// `text` without comments and without what follows its first `#[cfg(test)]`.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` names through `crate::`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let preceded = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            for item in group.split(',') {
                named.insert(leading_ident(item.trim()));
            }
        } else {
            named.insert(leading_ident(rest));
        }
    }
    named.retain(|m| !m.is_empty());
    named
}

fn leading_ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_module_names_only_what_its_layer_allows() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    for (module, path, code) in library_files() {
        let Some(may) = allowed.get(module.as_str()) else {
            problems.push(format!(
                "src/{}: module `{module}` has no line in ALLOWED (tests/tidy_layers.rs)",
                path.display()
            ));
            continue;
        };
        if may.contains(&"*") {
            continue;
        }
        for named in named_modules(&code) {
            if named != module && !may.contains(&named.as_str()) {
                problems.push(format!(
                    "src/{}: `{module}` may not name `crate::{named}`",
                    path.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn pure_modules_touch_no_file_process_network_or_database() {
    let mut problems = Vec::new();
    for (module, path, code) in library_files() {
        if !PURE.contains(&module.as_str()) {
            continue;
        }
        for marker in IO_MARKERS {
            if code.contains(marker) {
                problems.push(format!(
                    "src/{}: `{marker}` in pure module `{module}`",
                    path.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "I/O outside the I/O layers:\n{}",
        problems.join("\n")
    );
}

#[test]
fn pure_modules_never_name_an_io_module() {
    // Stated apart from ALLOWED so that a careless edit of that table cannot undo it.
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for module in PURE {
        for named in allowed.get(module).copied().unwrap_or_default() {
            assert!(
                !IO_MODULES.contains(named),
                "pure `{module}` is allowed to name I/O `{named}`"
            );
        }
    }
}

#[test]
fn the_checker_sees_imports_and_paths() {
    let code = code_of(
        "use crate::catalog::{Catalog, Table};\nuse crate::{diff, plan::Plan};\n\
         // crate::cli in a comment\nfn f() { crate::graph::DepGraph::build(x); }\n\
         #[cfg(test)]\nmod tests { use crate::db; }\n",
    );
    let named: Vec<String> = named_modules(&code).into_iter().collect();
    assert_eq!(named, ["catalog", "diff", "graph", "plan"]);
    let every_module: BTreeSet<String> = library_files().into_iter().map(|(m, _, _)| m).collect();
    let listed: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| (*m).to_owned()).collect();
    assert_eq!(
        every_module, listed,
        "ALLOWED lists exactly the library's modules"
    );
}
