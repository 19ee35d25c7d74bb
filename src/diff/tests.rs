use super::*;
use crate::catalog::Catalog;
use crate::graph::DepGraph;
use crate::loaded::Project;
use crate::plan::hazard::{HazardKind, RowCounts, TableRows, hazards};

fn cat(sql: &str) -> Catalog {
    Project::from_sql(sql, &[]).catalog
}

/// The changes as one line each, followed by their hazard kinds.
fn changes(current: &str, desired: &str) -> Vec<String> {
    changes_with(current, desired, &DiffOptions::default())
}

fn changes_with(current: &str, desired: &str, opts: &DiffOptions) -> Vec<String> {
    let (c, d) = (cat(current), cat(desired));
    render(&c, &diff(&c, &d, opts).changes, None)
}

/// The plan of `current` to `desired`, with default options.
fn planned(current: &str, desired: &str) -> crate::plan::Plan {
    crate::plan::plan(&cat(current), &cat(desired), &Default::default()).expect("plan")
}

/// The SQL of each change of the diff, in diff order (no planning).
fn sql_of(current: &Catalog, desired: &Catalog) -> Vec<String> {
    diff(current, desired, &DiffOptions::default())
        .changes
        .iter()
        .flat_map(|c| crate::plan::sql::render(c, current, desired, false))
        .map(|s| s.sql)
        .collect()
}

fn render(current: &Catalog, list: &[Change], rows: Option<&RowCounts>) -> Vec<String> {
    let graph = DepGraph::build(current);
    list.iter()
        .map(|ch| {
            let hz: Vec<&str> = hazards(ch, current, &graph, rows)
                .iter()
                .map(|h| h.kind.name())
                .collect();
            if hz.is_empty() {
                ch.to_string()
            } else {
                format!("{ch} [{}]", hz.join(","))
            }
        })
        .collect()
}

const T: &str = "create table t (id int primary key, name text);";

#[test]
fn identical_inputs_written_differently_yield_nothing() {
    let a = "CREATE TABLE public.T (ID integer NOT NULL, n character varying(10), x numeric(12,2) default 0, PRIMARY KEY (id));
             create view v as select id from t where n = 'a';";
    let b = "create   table t (
                 id   INT not null,
                 n varchar(10), x decimal(12, 2) DEFAULT 0,
                 primary key (id));
             CREATE VIEW public.v AS SELECT id FROM t WHERE n = 'a' ;";
    assert_eq!(changes(a, b), Vec::<String>::new());
}

#[test]
fn column_order_alone_is_no_change() {
    assert!(
        changes(
            "create table t (a int, b text, c uuid);",
            "create table t (c uuid, a int, b text);"
        )
        .is_empty()
    );
}

#[test]
fn tables_created_and_dropped() {
    assert_eq!(
        changes(
            "create table old (id int);",
            "create table p (id int primary key); create table c (id int, p_id int references p);
             alter table c enable row level security;"
        ),
        [
            "create table public.c",
            "add foreign key constraint c_p_id_fkey on public.c",
            "enable row level security on table public.c",
            "drop table public.old [data-loss]",
            "create table public.p",
        ]
    );
}

#[test]
fn columns_added_dropped_altered() {
    assert_eq!(
        changes(
            "create table t (id int, a varchar(10), b int, c text not null, gone text, s varchar(5));",
            "create table t (id int, a varchar(20), b bigint default 1, c text, s text,
                             n int not null, u uuid default gen_random_uuid());
             comment on column t.id is 'key';"
        ),
        [
            "drop column public.t.gone [data-loss]",
            "comment on column public.t.id: \"key\"",
            "alter column public.t.a type character varying(10) -> character varying(20) [access-exclusive-lock]",
            "alter column public.t.b type integer -> bigint [table-rewrite,access-exclusive-lock]",
            "set column public.t.b default 1",
            "drop not null on column public.t.c",
            "alter column public.t.s type character varying(5) -> text [access-exclusive-lock]",
            "add column public.t.n integer not null [needs-backfill]",
            "add column public.t.u uuid default gen_random_uuid() [table-rewrite,access-exclusive-lock]",
        ]
    );
}

#[test]
fn needs_backfill_only_when_rows_may_exist() {
    let c = cat(T);
    let d = cat("create table t (id int primary key, name text, n int not null);");
    let list = diff(&c, &d, &DiffOptions::default()).changes;
    let mut rows = RowCounts::default();
    let empty = TableRows {
        any: false,
        estimate: Some(0),
    };
    rows.0.insert(QualifiedName::new("public", "t"), empty);
    assert_eq!(
        render(&c, &list, Some(&rows)),
        ["add column public.t.n integer not null"]
    );
    let some = TableRows {
        any: true,
        estimate: None,
    };
    rows.0.insert(QualifiedName::new("public", "t"), some);
    assert_eq!(
        render(&c, &list, Some(&rows)),
        ["add column public.t.n integer not null [needs-backfill]"]
    );
}

#[test]
fn set_not_null_is_a_validation_scan() {
    assert_eq!(
        changes(
            T,
            "create table t (id int primary key, name text not null);"
        ),
        ["set not null on column public.t.name [validation-scan]"]
    );
}

#[test]
fn identity_generated_collation() {
    assert_eq!(
        changes(
            "create table t (id int, g int generated always as (id * 2) stored, s text);",
            "create table t (id int generated always as identity, g int generated always as (id * 3) stored, s text collate \"C\");"
        ),
        [
            "set not null on column public.t.id [validation-scan]",
            "set column public.t.id identity none -> always",
            "set column public.t.g generated id * 3 [table-rewrite,access-exclusive-lock]",
            "alter column public.t.s type text -> text collate C [access-exclusive-lock]",
        ]
    );
}

#[test]
fn constraints_added_not_valid_then_validated() {
    assert_eq!(
        changes(
            "create table p (id int primary key); create table t (id int, p int, constraint t_ck check (id > 0));",
            "create table p (id int primary key);
             create table t (id int, p int references p, constraint t_ck check (id > 1), unique (id));"
        ),
        [
            "drop constraint t_ck on public.t",
            "add check constraint t_ck on public.t not valid",
            "validate constraint t_ck on public.t [validation-scan]",
            "add unique constraint t_id_key on public.t [index-build,access-exclusive-lock]",
            "add foreign key constraint t_p_fkey on public.t not valid",
            "validate constraint t_p_fkey on public.t [validation-scan]",
        ]
    );
}

#[test]
fn indexes_created_dropped_replaced() {
    assert_eq!(
        changes(
            "create table t (a int, b int); create index t_a on t (a); create index t_b on t (b);",
            "create table t (a int, b int); create index t_a on t (a) where a > 0; create index t_ab on t (a, b);"
        ),
        [
            "replace index public.t_a (build new, drop old) [index-build,access-exclusive-lock]",
            "create index public.t_ab on public.t [index-build]",
            "drop index public.t_b on public.t [access-exclusive-lock]",
        ]
    );
    // An index on a new table is built on an empty table: no hazard.
    assert_eq!(
        changes("", "create table t (a int); create index t_a on t (a);"),
        [
            "create table public.t",
            "create index public.t_a on public.t"
        ]
    );
}

#[test]
fn views_replaced_and_options() {
    let cur = "create table t (a int, b int);
               create view v as select a from t;
               create view w as select a from v;
               create materialized view m as select a from t;
               create index m_a on m (a);
               create view over_m as select a from m;";
    let des = "create table t (a int, b int);
               create view v with (security_invoker = true) as select a, b from t;
               create view w as select a from v;
               create materialized view m as select a, b from t;
               create index m_a on m (a);
               create view over_m as select a from m;";
    assert_eq!(
        changes(cur, des),
        [
            "replace view public.v (create or replace)",
            "replace materialized view public.m (drop and create) [rebuilds-dependents]",
            "create index public.m_a on public.m [index-build]",
        ]
    );
    // A view whose columns change shape is recreated with its dependents.
    let des2 = cur.replace(
        "create view v as select a from t",
        "create view v as select b as a2, a from t",
    );
    assert_eq!(
        changes(cur, &des2),
        ["replace view public.v (drop and create) [rebuilds-dependents]"]
    );
    let c = cat(cur);
    let d = cat(&des2);
    let list = diff(&c, &d, &DiffOptions::default()).changes;
    let g = DepGraph::build(&c);
    let h = hazards(&list[0], &c, &g, None);
    assert!(h[0].message.contains("view public.w"), "{h:?}");
    // Losing security_invoker weakens security.
    assert_eq!(
        changes(
            "create table t (a int); create view v with (security_invoker) as select a from t;",
            "create table t (a int); create view v as select a from t;"
        ),
        ["set options of view public.v: set {} reset [\"security_invoker\"] [security-weakened]"]
    );
    // Replaced together with its query: CREATE OR REPLACE VIEW sets the options, and the
    // replacement carries the hazard.
    assert_eq!(
        changes(
            "create table t (a int, b int); create view v with (security_invoker) as select a from t;",
            "create table t (a int, b int); create view v as select a, b from t;"
        ),
        ["replace view public.v (create or replace) [security-weakened]"]
    );
}

#[test]
fn functions_replaced_or_recreated() {
    let f = |ret: &str, body: &str, extra: &str| {
        format!("create function f(x int) returns {ret} language sql {extra} as $$ {body} $$;")
    };
    assert_eq!(
        changes(
            &f("int", "select x", ""),
            &f("int", "select x + 1", "security definer")
        ),
        ["replace function public.f(integer) (create or replace) [security-weakened]"]
    );
    assert_eq!(
        changes(&f("int", "select x", ""), &f("bigint", "select x", "")),
        [
            "drop function public.f(integer)",
            "create function public.f(integer)"
        ]
    );
}

#[test]
fn triggers_recreated() {
    let base = "create table t (a int); create function tf() returns trigger language plpgsql as $$ begin return new; end $$;";
    assert_eq!(
        changes(
            &format!(
                "{base} create trigger tr before insert on t for each row execute function tf();"
            ),
            &format!(
                "{base} create trigger tr before update on t for each row execute function tf();"
            )
        ),
        [
            "drop trigger tr on public.t",
            "create trigger tr on public.t"
        ]
    );
}

#[test]
fn rls_and_policies() {
    let base = "create table t (tenant uuid, a int); alter table t enable row level security; alter table t force row level security;";
    assert_eq!(
        changes(base, "create table t (tenant uuid, a int);"),
        [
            "disable row level security on table public.t [security-weakened]",
            "no force row level security on table public.t [security-weakened]",
        ]
    );
    let p = |clause: &str| format!("{base} create policy p on t to app using ({clause});");
    // Narrower (old AND more): no hazard.
    assert_eq!(
        changes(
            &p("tenant = current_setting('x')::uuid"),
            &p("tenant = current_setting('x')::uuid AND a > 0")
        ),
        ["alter policy p on public.t: using (tenant = current_setting('x')::uuid AND a > 0)"]
    );
    assert_eq!(
        changes(&p("tenant = current_setting('x')::uuid"), &p("true")),
        ["alter policy p on public.t: using (true) [security-weakened]"]
    );
    assert_eq!(
        changes(
            &p("true"),
            &format!("{base} create policy p on t to app, admin using (true);")
        ),
        ["alter policy p on public.t: to app, admin [security-weakened]"]
    );
    assert_eq!(
        changes(
            &p("true"),
            &format!("{base} create policy p on t for select to app using (true);")
        ),
        ["replace policy p on public.t (drop and create)"]
    );
    assert_eq!(
        changes(&p("true"), base),
        ["drop policy p on public.t [security-weakened]"]
    );
}

#[test]
fn sequences_types_extensions_schemas() {
    assert_eq!(
        changes(
            "create sequence s; create type mood as enum ('sad', 'ok'); create domain pos as int check (value > 0);
             create type pair as (a int, b text); create extension pgcrypto;",
            "create schema app; create sequence s increment by 2;
             create type mood as enum ('very sad', 'sad', 'meh', 'ok', 'happy');
             create domain pos as int not null check (value > 0);
             create type pair as (a bigint, c text); create extension citext;"
        ),
        [
            "create schema app",
            "create extension citext",
            "drop extension pgcrypto",
            "add value 'very sad' to type public.mood before 'sad' [non-transactional]",
            "add value 'meh' to type public.mood after 'sad' [non-transactional]",
            "add value 'happy' to type public.mood [non-transactional]",
            "drop attribute b from type public.pair",
            "alter attribute a of type public.pair type bigint",
            "add attribute c text to type public.pair",
            "set not null on type public.pos [validation-scan]",
            "alter sequence public.s",
        ]
    );
}

#[test]
fn enum_labels_renamed_removed_or_reordered() {
    // Renamed by hints (ours above the label, sqldef's after it); added next to a renamed
    // label by its current name (ADD VALUE runs before the transaction's renames).
    let out = changes(
        "create type s as enum ('active', 'pending', 'low');",
        "create type s as enum (
           'active',
           'waiting' /* @renamed from=pending */,
           'between',
           -- schema: renamed from low
           'minor'
         );",
    );
    assert_eq!(
        out,
        [
            "rename value 'pending' of type public.s to 'waiting'",
            "rename value 'low' of type public.s to 'minor'",
            "add value 'between' to type public.s after 'pending' [non-transactional]",
        ]
    );
    // A stale hint (the rename is done) changes nothing.
    let done = "create type s as enum ('active', 'waiting' /* @renamed from=pending */);";
    assert!(changes(done, done).is_empty());
    // Unused: dropped and created again.
    let out = changes(
        "create type mood as enum ('sad', 'ok');",
        "create type mood as enum ('ok', 'sad');",
    );
    assert_eq!(
        out[..2],
        ["drop type public.mood", "create type public.mood"]
    );
    // Used by a column: refused, naming it.
    let out = changes(
        "create type mood as enum ('sad', 'ok'); create table t (m mood);",
        "create type mood as enum ('ok'); create table t (m mood);",
    );
    assert_eq!(out.len(), 1);
    assert!(
        out[0].starts_with("unsupported change to type public.mood")
            && out[0].contains("column public.t.m"),
        "{out:?}"
    );
}

#[test]
fn comments_grants_owners() {
    assert_eq!(
        changes(
            "create table t (a int); grant select on t to reader; grant insert on t to writer;",
            "create table t (a int); grant select on t to reader, auditor; comment on table t is 'x';
             alter table t owner to app;"
        ),
        [
            "comment on table public.t: \"x\"",
            "set owner of table public.t to app",
            "revoke INSERT on table public.t from writer",
            "grant SELECT on table public.t to auditor",
        ]
    );
}

#[test]
fn a_rename_frees_a_name_that_another_kind_takes() {
    // Migration 001's view venue_analytics, renamed, so that 002's table can take its name.
    assert_eq!(
        changes(
            "create table x (id int); create view venue_analytics as select id from x;",
            "create table x (id int);
             create table venue_analytics (id int);
             -- schema: renamed from venue_analytics
             create view venue_performance_summary as select id from x;"
        ),
        [
            "rename public.venue_analytics to view public.venue_performance_summary",
            "create table public.venue_analytics",
        ]
    );
    // Two desired states can hold a view and a table of one name (migrations 001 and 002 as
    // documented): the table's indexes stay with the table when the view is renamed.
    assert_eq!(
        changes(
            "create table x (id int); create view venue_analytics as select id from x;
             create table venue_analytics (id int, d date);
             create index venue_analytics_d on venue_analytics (d);",
            "create table x (id int);
             create table venue_analytics (id int, d date);
             -- schema: renamed from venue_analytics
             create view venue_performance_summary as select id from x;"
        ),
        [
            "rename public.venue_analytics to view public.venue_performance_summary",
            "drop index public.venue_analytics_d on public.venue_analytics [access-exclusive-lock]",
        ]
    );
    // A view of the same name kept on the desired side is not a rename.
    assert_eq!(
        changes(
            "create table x (id int); create view v as select id from x;",
            "create table x (id int); create view v as select id from x;
             -- schema: renamed from v
             create view w as select id from x;"
        ),
        ["create view public.w"]
    );
}

#[test]
fn a_constraint_that_only_changes_name_is_renamed() {
    // knex's 113-byte unique key name, truncated by PostgreSQL, given a short name: renaming
    // keeps its index instead of building a new one while writes are blocked.
    assert_eq!(
        changes(
            "create table t (a int, b int, c int check (c > 0),
                 constraint t_a_b_very_long_knex_name_unique unique (a, b));",
            "create table t (a int, b int, c int constraint c_positive check (c > 0),
                 constraint t_natural_key_unique unique (a, b));"
        ),
        [
            "rename constraint t_a_b_very_long_knex_name_unique to constraint t_natural_key_unique on public.t",
            "rename constraint t_c_check to constraint c_positive on public.t",
        ]
    );
    // A different definition under a new name is a drop and an add.
    assert_eq!(
        changes(
            "create table t (a int, b int, constraint k unique (a));",
            "create table t (a int, b int, constraint k2 unique (a, b));"
        ),
        [
            "drop constraint k on public.t",
            "add unique constraint k2 on public.t [index-build,access-exclusive-lock]",
        ]
    );
}

#[test]
fn an_index_that_only_changes_name_is_renamed() {
    assert_eq!(
        changes(
            "create table t (a int, b int); create index t_a_idx on t (a);
             create index t_b_idx on t (b);",
            "create table t (a int, b int); create index t_a_index on t (a);
             create index t_b_index on t (b) where b > 0;"
        ),
        [
            "rename public.t_a_idx to index public.t_a_index",
            "drop index public.t_b_idx on public.t [access-exclusive-lock]",
            "create index public.t_b_index on public.t [index-build]",
        ]
    );
}

#[test]
fn renames_from_hints() {
    assert_eq!(
        changes(
            "create table old_t (id int); create index old_t_id on old_t (id); create view old_v as select id from old_t;",
            "-- schema: renamed from old_t
             create table new_t (id int, x int); create index old_t_id on new_t (id);
             -- schema: renamed from old_v
             create view new_v as select id from new_t;"
        ),
        [
            "rename public.old_t to table public.new_t",
            "rename public.old_v to view public.new_v",
            "add column public.new_t.x integer",
        ]
    );
}

#[test]
fn ignore_patterns_and_managed_schemas() {
    let opts = DiffOptions::new(&["knex_migrations*".to_owned()], &["public".to_owned()]).unwrap();
    assert_eq!(
        changes_with(
            "create table knex_migrations (id int); create table knex_migrations_lock (i int);
             create schema other; create table other.x (a int);",
            "create table t (a int);",
            &opts
        ),
        ["create table public.t"]
    );
}

#[test]
fn externals_are_never_planned_but_checked() {
    let ext =
        "create table public.events (id uuid primary key, venue_id uuid, starts_at timestamptz);";
    let desired = Project::from_sql(
        "create view v as select id, venue_id from events;",
        &[("event-service", ext)],
    )
    .catalog;
    assert_eq!(desired.externals.len(), 1);
    // The live database has the other service's table (with a different shape): untouched.
    let current = cat(
        "create table events (id uuid primary key, starts_at date, extra int);
                       create index events_x on events (extra);",
    );
    let list = diff(&current, &desired, &DiffOptions::default()).changes;
    assert_eq!(render(&current, &list, None), ["create view public.v"]);
    let problems = check_externals(&desired, &current);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column.as_deref(), Some("venue_id"));
    assert!(
        problems[0].message.contains("event-service"),
        "{}",
        problems[0].message
    );
    let problems = check_externals(&desired, &cat(""));
    assert!(problems[0].message.contains("does not exist"));
}

#[test]
fn hazard_kinds_are_found_by_name() {
    assert_eq!(
        HazardKind::from_name("needs-backfill"),
        Some(HazardKind::NeedsBackfill)
    );
}

#[test]
fn analytics_as_documented_to_schema() {
    use crate::project::LoadOptions;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let load = |paths: Vec<std::path::PathBuf>| {
        Project::load(&LoadOptions {
            paths,
            external: vec![root.join("schema/external")],
            default_schema: "public".to_owned(),
            ..LoadOptions::default()
        })
        .unwrap()
        .catalog
    };
    let current = load(vec![root.join("fixtures/as-documented")]);
    let desired = load(vec![root.join("schema")]);
    let opts = DiffOptions::new(&["knex_migrations*".to_owned()], &[]).unwrap();
    let list = diff(&current, &desired, &opts).changes;
    let lines = render(&current, &list, None);
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for c in &list {
        *counts.entry(c.kind()).or_default() += 1;
    }
    let mut hz = std::collections::BTreeMap::<&str, usize>::new();
    let graph = DepGraph::build(&current);
    for c in &list {
        for h in hazards(c, &current, &graph, None) {
            *hz.entry(h.kind.name()).or_default() += 1;
        }
    }
    println!("{} changes\n{counts:#?}\nhazards {hz:#?}", list.len());
    for l in &lines {
        println!("{l}");
    }
    assert!(!list.is_empty());
    // Same input on both sides: nothing to do.
    assert!(diff(&desired, &desired, &opts).changes.is_empty());
    // No external table is ever touched.
    for c in &list {
        if let ObjectRef::Table(t) = c.object() {
            assert!(!desired.externals.contains_key(&t), "{c}");
        }
    }
}

#[test]
fn the_implicit_public_schema_keeps_its_comment_owner_and_grants() {
    // As a live database has it: PostgreSQL's comment and USAGE for PUBLIC on `public`.
    let mut current = cat("create table t (id int primary key);");
    let public = current.schemas.get_mut("public").unwrap();
    public.meta.comment = Some("standard public schema".to_owned());
    public.meta.owner = Some("pg_database_owner".to_owned());
    public.meta.grants.push(crate::catalog::Grant {
        grantee: "PUBLIC".to_owned(),
        privilege: "USAGE".to_owned(),
        column: None,
        with_grant_option: false,
    });
    let desired = cat("create table t (id int primary key);");
    assert!(
        diff(&current, &desired, &DiffOptions::default())
            .changes
            .is_empty()
    );
    // Declared in a file, its annotations are the project's to manage.
    let declared = cat(
        "create schema public; comment on schema public is 'ours'; create table t (id int primary key);",
    );
    let found: Vec<String> = diff(&current, &declared, &DiffOptions::default())
        .changes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(found.iter().any(|c| c.contains("ours")), "{found:?}");
}

#[test]
fn a_type_of_the_default_schema_written_qualified_or_bare_is_the_same_type() {
    // `format_type` qualifies what a file writes bare.
    let mut live = cat("create type mood as enum ('a'); create table t (m mood, n mood[]);");
    for c in &mut live.tables.values_mut().next().unwrap().columns {
        c.ty = format!("public.{}", c.ty);
    }
    let desired = cat("create type mood as enum ('a'); create table t (m mood, n mood[]);");
    assert!(
        render(
            &live,
            &diff(&live, &desired, &DiffOptions::default()).changes,
            None
        )
        .is_empty()
    );
    let other = cat("create type mood as enum ('a'); create table t (m text, n mood[]);");
    assert_eq!(
        diff(&live, &other, &DiffOptions::default()).changes.len(),
        1
    );
}

#[test]
fn an_extension_comment_no_file_states_is_left_alone() {
    let mut live = cat("create extension pgcrypto;");
    live.extensions.get_mut("pgcrypto").unwrap().meta.comment =
        Some("cryptographic functions".to_owned());
    assert!(changes_between(&live, "create extension pgcrypto;").is_empty());
    assert_eq!(
        changes_between(
            &live,
            "create extension pgcrypto; comment on extension pgcrypto is 'x';"
        )
        .len(),
        1
    );
}

fn changes_between(current: &Catalog, desired: &str) -> Vec<String> {
    render(
        current,
        &diff(current, &cat(desired), &DiffOptions::default()).changes,
        None,
    )
}

#[test]
fn identity_options_compare_with_defaults_resolved_and_start_unstated() {
    // As introspection reads it back: START equal to MINVALUE left out, other order.
    let live = cat(
        "create table v (volt int generated by default as identity (increment by 5 minvalue -100 maxvalue 100));",
    );
    let same = "create table v (volt int generated by default as identity (start with -100 increment by 5 minvalue -100 maxvalue 100));";
    assert!(changes_between(&live, same).is_empty());
    let changed = cat(
        "create table v (volt int generated by default as identity (start with -100 increment by 10 minvalue -100 maxvalue 100));",
    );
    let list = diff(&live, &changed, &DiffOptions::default()).changes;
    assert_eq!(list.len(), 1);
    let sql = crate::plan::sql::render(&list[0], &live, &changed, false);
    assert_eq!(
        sql[0].sql,
        "ALTER TABLE \"public\".\"v\" ALTER COLUMN \"volt\" SET INCREMENT BY 10;"
    );
}

#[test]
fn an_unstated_identity_start_follows_new_bounds() {
    // START left out is MINVALUE: raising MINVALUE moves it, and PostgreSQL checks the old
    // START against the new bounds, so the plan sets it.
    let live = cat(
        "create table v (volt int generated by default as identity (increment by 10 minvalue -200 maxvalue 200));",
    );
    let desired = cat(
        "create table v (volt int generated by default as identity (increment by 10 minvalue -100 maxvalue 200));",
    );
    let list = diff(&live, &desired, &DiffOptions::default()).changes;
    let sql = crate::plan::sql::render(&list[0], &live, &desired, false);
    assert!(
        sql[0]
            .sql
            .ends_with("SET MINVALUE -100 SET START WITH -100;"),
        "{}",
        sql[0].sql
    );
}

#[test]
fn partitioned_tables_get_plain_index_builds_and_valid_foreign_keys() {
    let current = "create table r (id int primary key);
                   create table p (id int, r int) partition by range (id);";
    let desired = "create table r (id int primary key);
                   create table p (id int, r int references r) partition by range (id);
                   create index p_r on p (r);";
    let p = planned(current, desired);
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert!(sql.iter().all(|s| !s.contains("CONCURRENTLY")), "{sql:?}");
    assert!(sql.iter().all(|s| !s.contains("NOT VALID")), "{sql:?}");
    assert!(p.steps.iter().all(|s| s.transactional));
}

#[test]
fn a_type_change_casts_explicitly_unless_only_the_length_changes() {
    let current = cat("create table t (a text, b varchar(20));");
    let desired = cat("create table t (a integer, b varchar(10));");
    let sql = sql_of(&current, &desired);
    assert!(
        sql.contains(
            &"ALTER TABLE \"public\".\"t\" ALTER COLUMN \"a\" TYPE integer USING \"a\"::integer;"
                .to_owned()
        ),
        "{sql:?}"
    );
    assert!(
        sql.contains(
            &"ALTER TABLE \"public\".\"t\" ALTER COLUMN \"b\" TYPE character varying(10);"
                .to_owned()
        ),
        "{sql:?}"
    );
}

#[test]
fn steps_about_an_index_built_concurrently_run_after_it_outside_the_transaction() {
    let current = "create table t (id int, name text); create index t_name on t (name);";
    let desired = "create table t (id int, name text); create index t_name on t (lower(name));
                   comment on index t_name is 'lower-case';";
    let p = planned(current, desired);
    let rename = p.position_of("RENAME TO");
    let comment = p
        .steps
        .iter()
        .position(|s| s.sql.starts_with("COMMENT ON INDEX"))
        .unwrap();
    assert!(!p.steps[rename].transactional && !p.steps[comment].transactional);
    assert!(rename < comment);
}

#[test]
fn a_sequence_owned_by_a_dropped_table_or_column_goes_with_it() {
    let current = "create table foo (id serial, n serial); create table bar (id int);";
    let list = changes(current, "create table bar (id int);");
    assert!(list.iter().all(|c| !c.contains("sequence")), "{list:?}");
    let list = changes(
        current,
        "create table foo (id serial); create table bar (id int);",
    );
    assert!(list.iter().all(|c| !c.contains("sequence")), "{list:?}");
}

#[test]
fn drops_of_types_and_tables_wait_for_what_uses_them() {
    let current = "create type old_status as enum ('a'); create table items (status old_status);
                   create table users (id int primary key, name text);
                   create table taggings (user_id int references users);";
    let desired = "create table items (status text); create table users (id int, name text);";
    let p = planned(current, desired);
    let at = |needle: &str| p.position_of(needle);
    assert!(at("TYPE text") < at("DROP TYPE"));
    assert!(at("DROP TABLE \"public\".\"taggings\"") < at("DROP CONSTRAINT \"users_pkey\""));
}

#[test]
fn an_enum_column_changes_type_through_text_with_its_default_set_again() {
    let current = cat("create type a as enum ('x'); create type b as enum ('x');
                       create table t (s a default 'x');");
    let desired = cat("create type a as enum ('x'); create type b as enum ('x');
                       create table t (s b default 'x');");
    let sql = sql_of(&current, &desired);
    let col = "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"s\"";
    assert_eq!(
        sql[..3],
        [
            format!("{col} DROP DEFAULT;"),
            format!("{col} TYPE b USING \"s\"::text::b;"),
            format!("{col} SET DEFAULT 'x';"),
        ]
    );
}

#[test]
fn functions_that_read_no_table_are_created_before_the_domains_and_tables_that_call_them() {
    let desired = "create domain email as text check (is_email(value));
                   create table t (id int default next_id(), e email);
                   create function is_email(s text) returns boolean language sql as $$ select s like '%@%' $$;
                   create function next_id() returns int language sql as $$ select 1 $$;";
    let p = planned("", desired);
    let at = |needle: &str| p.position_of(needle);
    assert!(at("FUNCTION \"public\".\"is_email\"") < at("CREATE DOMAIN"));
    assert!(at("FUNCTION \"public\".\"next_id\"") < at("CREATE TABLE"));
}

#[test]
fn sequence_ownership_is_released_before_the_table_goes_and_given_once_it_exists() {
    let p = planned(
        "create sequence s; create table a (id bigint); alter sequence s owned by a.id;",
        "create sequence s;",
    );
    let at = |p: &crate::plan::Plan, needle: &str| p.position_of(needle);
    assert!(at(&p, "OWNED BY NONE") < at(&p, "DROP TABLE"));
    let p = planned(
        "create sequence s;",
        "create sequence s; create table b (id bigint); alter sequence s owned by b.id;",
    );
    assert!(at(&p, "CREATE TABLE") < at(&p, "OWNED BY"));
}

#[test]
fn an_index_whose_name_a_new_key_takes_is_dropped_inside_the_transaction() {
    let p = planned(
        "create table foobar (id int); create unique index foobar_primary_key on foobar (id);",
        "create table foobar (id int, constraint foobar_primary_key primary key (id));",
    );
    let drop = p
        .steps
        .iter()
        .find(|s| s.sql.starts_with("DROP INDEX"))
        .unwrap();
    assert!(
        drop.transactional && !drop.sql.contains("CONCURRENTLY"),
        "{}",
        drop.sql
    );
}

#[test]
fn an_index_of_a_table_losing_columns_is_dropped_inside_the_transaction_first() {
    let p = planned(
        "create table foobar (id int, foo int); create index some_idx on foobar (foo);",
        "create table foobar (id int);",
    );
    assert!(p.steps.iter().all(|s| s.transactional), "{:?}", p.steps);
    let at = |needle: &str| p.position_of(needle);
    assert!(at("DROP INDEX") < at("DROP COLUMN"));
}

#[test]
fn a_policy_over_a_dropped_column_is_dropped_first_and_created_again() {
    let p = planned(
        "create table f (id int, val text, new_val text);
              create policy p on f using (val = 'x');",
        "create table f (id int, new_val text);
              create policy p on f using (new_val = 'x');",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("DROP POLICY") < at("DROP COLUMN"));
    assert!(at("DROP COLUMN") < at("CREATE POLICY"));
}

#[test]
fn a_policy_created_again_keeps_its_comment() {
    let p = planned(
        "create table f (id int, val text);
              create policy p on f using (val = 'x');
              comment on policy p on f is 'only x';",
        "create table f (id int);
              create policy p on f using (id = 1);
              comment on policy p on f is 'only x';",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("CREATE POLICY") < at("COMMENT ON POLICY"));
}

#[test]
fn a_default_the_column_grammar_restricts_is_parenthesised() {
    let current = cat("create table e (id int);");
    let desired = cat(
        "create table e (id int, at timestamp default (now() at time zone 'utc'), n int default 1);",
    );
    let sql = sql_of(&current, &desired);
    assert!(
        sql.iter()
            .any(|s| s.contains("DEFAULT (now() AT TIME ZONE 'utc')")),
        "{sql:?}"
    );
    assert!(sql.iter().any(|s| s.contains("DEFAULT 1")), "{sql:?}");
}

#[test]
fn a_dropped_routine_goes_after_the_routines_that_stop_calling_it() {
    let p = planned(
        "create function inc(i int) returns int language sql return i + 1;
              create function f(a int) returns int language sql return inc(a);",
        "create function f(a int) returns int language sql return a + 2;",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("CREATE OR REPLACE FUNCTION") < at("DROP FUNCTION"));
}

#[test]
fn a_unique_index_a_new_foreign_key_needs_is_built_inside_the_transaction() {
    let p = planned(
        "create table r (a int, b int); create table f (a int, b int);",
        "create table r (a int, b int); create unique index r_ab on r (a, b);
              create table f (a int, b int, foreign key (a, b) references r (a, b));",
    );
    let index = p.position_of("UNIQUE INDEX");
    let fk = p.position_of("FOREIGN KEY");
    assert!(p.steps[index].transactional && index < fk);
}

#[test]
fn default_null_is_no_default_and_an_identity_goes_before_drop_not_null() {
    assert!(
        changes(
            "create table t (a int not null);",
            "create table t (a int not null default null);"
        )
        .is_empty()
    );
    let p = planned(
        "create table t (a int generated always as identity);",
        "create table t (a int);",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("DROP IDENTITY") < at("DROP NOT NULL"));
}

#[test]
fn a_sequence_moving_to_another_column_is_released_before_the_old_table_goes() {
    let p = planned(
        "create sequence s; create table a (id bigint); alter sequence s owned by a.id;",
        "create sequence s; create table b (id bigint); alter sequence s owned by b.id;",
    );
    let at = |needle: &str| p.position_of(needle);
    assert!(at("OWNED BY NONE") < at("DROP TABLE"));
    assert!(at("CREATE TABLE") < at("OWNED BY \"public\".\"b\""));
}

#[test]
fn an_index_name_freed_by_a_dropped_table_is_simply_created() {
    let got = changes(
        "create table old_t (a int); create table new_t (a int);
         create index the_idx on old_t (a);",
        "create table new_t (a int); create index the_idx on new_t (a);",
    );
    assert!(
        got.iter()
            .any(|c| c.starts_with("create index public.the_idx")),
        "{got:?}"
    );
    assert!(!got.iter().any(|c| c.contains("replace")), "{got:?}");
}
