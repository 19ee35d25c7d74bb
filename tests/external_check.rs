//! `schema-lint --database-url`: the declared external tables checked against a real database.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn lint(url: &str) -> (i32, Value, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
        .args(["schema", "--format", "json", "--database-url", url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("schema-lint runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap(), v, stderr)
}

#[test]
fn externals_are_checked_against_the_live_database() {
    let (db, mut client) = common::fresh_database("externals");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/external");
    for file in schema_tool::project::collect_sql_files(&[dir]).unwrap() {
        client
            .batch_execute(&std::fs::read_to_string(file).unwrap())
            .unwrap();
    }
    let url = common::cluster().url(&db);

    let (code, v, stderr) = lint(&url);
    assert_eq!(code, 0, "{v}\n{stderr}");
    assert_eq!(v["summary"]["errors"], 0);

    // The owning services move on: a renamed column, a retyped column, a dropped table.
    client
        .batch_execute(
            "ALTER TABLE public.events RENAME COLUMN name TO title;
             ALTER TABLE public.tickets ALTER COLUMN event_id TYPE text;
             DROP TABLE public.platform_fees;",
        )
        .unwrap();
    let (code, v, _) = lint(&url);
    assert_eq!(code, 1);
    let mut messages: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "external-table-mismatch")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            "column public.events.name (owned by event-service) does not exist in the database",
            "column public.tickets.event_id is declared uuid but is text in the database",
            "external table public.platform_fees (owned by payment-service) does not exist in the database",
        ]
    );
}

#[test]
fn an_unreachable_database_is_one_line_and_exit_2_without_the_password() {
    let (code, _, stderr) =
        lint("postgresql://analytics:s3cret-pw@127.0.0.1:1/app?connect_timeout=2");
    assert_eq!(code, 2);
    assert!(!stderr.contains("s3cret-pw"), "{stderr}");
    assert!(!stderr.trim().is_empty());
}
