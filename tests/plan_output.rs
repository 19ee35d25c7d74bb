//! `schema-plan` renderings for people: the human summary with hazards and definition diffs,
//! the Markdown pull-request comment, and `--explain`. Planned from one directory to another,
//! so no database is needed.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema_plan(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schema-plan"))
        .current_dir(root())
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("run schema-plan");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A current and a desired directory with one changed definition of each kind.
fn before_after() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let before = "create table t (id int primary key, name text, qty int default 1,
  constraint qty_positive check (qty > 0));
create function audit() returns trigger language plpgsql as $$
begin
  return new;
end $$;
create trigger t_audit before insert on t for each row execute function audit();
alter table t enable row level security;
create policy own on t using (name = current_user);
create view v as select id, name from t where qty > 1;
";
    let after = "create table t (id int primary key, name text, qty int default 5,
  constraint qty_positive check (qty >= 0));
create function audit() returns trigger language plpgsql as $$
begin
  new.name := lower(new.name);
  return new;
end $$;
create trigger t_audit before insert or update on t for each row execute function audit();
alter table t enable row level security;
create policy own on t using (name = current_user or name = 'shared');
create view v as select id, name from t where qty > 2;
";
    for (sub, sql) in [("before", before), ("after", after)] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("schema.sql"), sql).unwrap();
    }
    dir
}

fn paths(dir: &tempfile::TempDir) -> (String, String) {
    let p = |s: &str| dir.path().join(s).to_string_lossy().into_owned();
    (p("before"), p("after"))
}

#[test]
fn human_output_shows_summary_hazards_and_definition_diffs() {
    let dir = before_after();
    let (before, after) = paths(&dir);
    let (code, stdout, stderr) = schema_plan(&["--config", "/dev/null", "--from", &before, &after]);
    assert_eq!(code, Some(0), "{stderr}");
    // Not a terminal: no colour escapes.
    assert!(!stdout.contains('\x1b'), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn markdown_output_for_a_pull_request_comment() {
    let dir = before_after();
    let (before, after) = paths(&dir);
    let (code, stdout, stderr) = schema_plan(&[
        "--config",
        "/dev/null",
        "--format",
        "markdown",
        "--explain",
        "--from",
        &before,
        &after,
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("```sql\n"), "{stdout}");
    assert!(stdout.contains("```diff\n"), "{stdout}");
    assert!(stdout.contains("-- why: "), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn long_markdown_plans_fold_into_details() {
    let (code, stdout, stderr) = schema_plan(&[
        "--format",
        "markdown",
        "--from",
        "fixtures/as-documented",
        "schema",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("<details><summary>All ") && stdout.contains(" steps (SQL)</summary>"),
        "{stdout}"
    );
    assert!(stdout.contains("> [!WARNING]"), "{stdout}");
    assert!(
        stdout.contains("**`security-weakened`**"),
        "severe hazards are highlighted in the table: {stdout}"
    );
    // Without --explain, no reasons.
    assert!(!stdout.contains("-- why: "), "{stdout}");
}

#[test]
fn explain_says_why_every_step_is_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    let desired = dir.path().join("desired");
    std::fs::create_dir(&empty).unwrap();
    std::fs::create_dir(&desired).unwrap();
    std::fs::write(empty.join("none.sql"), "").unwrap();
    std::fs::write(
        desired.join("schema.sql"),
        "create table a (id int primary key, b_id int);
create table b (id int primary key, a_id int references a);
alter table a add constraint a_b_fkey foreign key (b_id) references b;
create view va as select id from a;
create view vab as select va.id from va join b on b.a_id = va.id;
create index b_a on b (a_id);",
    )
    .unwrap();
    let (code, stdout, stderr) = schema_plan(&[
        "--config",
        "/dev/null",
        "--explain",
        "--from",
        &empty.to_string_lossy(),
        &desired.to_string_lossy(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let steps = stdout.matches("\n   | ").count();
    let whys: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("   why: "))
        .collect();
    assert!(whys.len() >= 7, "{stdout}");
    assert!(whys.len() <= steps, "{stdout}");
    assert!(whys.iter().all(|w| w.contains("[phase: ")), "{stdout}");
    let fk = whys
        .iter()
        .find(|w| w.starts_with("foreign keys are added once every table exists, so public.b"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(fk.contains("cycle public.a → public.b → public.a"), "{fk}");
    assert!(
        whys.iter()
            .any(|w| w.contains("part of the foreign-key cycle")),
        "{stdout}"
    );
    assert!(
        whys.iter()
            .any(|w| w.starts_with("created after public.a, public.va")
                || w.starts_with("created after public.b, public.va")),
        "the view over a view names what it waits for: {stdout}"
    );
    let (_, plain, _) = schema_plan(&[
        "--config",
        "/dev/null",
        "--from",
        &empty.to_string_lossy(),
        &desired.to_string_lossy(),
    ]);
    assert!(!plain.contains("why:"), "{plain}");
}
