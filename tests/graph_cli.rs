//! Runs `schema-lint --graph` and `--impact` as a user would, from the crate root.

use std::process::Command;

fn lint(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const SMALL: [&str; 3] = [
    "fixtures/graph/small/schema.sql",
    "--external",
    "fixtures/graph/small/external",
];

#[test]
fn impact_of_an_external_table_on_the_schema() {
    let (stdout, _, code) = lint(&["schema", "--impact", "public.users"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn impact_of_a_column() {
    let (stdout, _, code) = lint(&[SMALL[0], SMALL[1], SMALL[2], "--impact", "events.name"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn unknown_impact_name_is_a_usage_error() {
    let (stdout, stderr, code) = lint(&["schema", "--impact", "no_such_table"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no_such_table"), "{stderr}");
}

#[test]
fn small_graph_as_dot() {
    let (stdout, _, code) = lint(&[SMALL[0], SMALL[1], SMALL[2], "--graph", "dot"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn small_graph_as_mermaid() {
    let (stdout, _, code) = lint(&[SMALL[0], SMALL[1], SMALL[2], "--graph", "mermaid"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}
