use super::*;
use crate::catalog::Catalog;
use crate::graph::DepGraph;
use crate::plan::hazard::{HazardKind, RowCounts, TableRows, binary_coercible, hazards};
use crate::project::Project;

fn cat(sql: &str) -> Catalog {
    Project::from_sql(sql, &[]).catalog
}

/// The changes as one line each, followed by their hazard kinds.
fn changes(current: &str, desired: &str) -> Vec<String> {
    changes_with(current, desired, &DiffOptions::default())
}

fn changes_with(current: &str, desired: &str, opts: &DiffOptions) -> Vec<String> {
    let (c, d) = (cat(current), cat(desired));
    render(&c, &diff(&c, &d, opts), None)
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
    let list = diff(&c, &d, &DiffOptions::default());
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
    let list = diff(&c, &d, &DiffOptions::default());
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
            "add value 'very sad' to type public.mood before 'sad'",
            "add value 'meh' to type public.mood after 'sad'",
            "add value 'happy' to type public.mood",
            "drop attribute b from type public.pair",
            "alter attribute a of type public.pair type bigint",
            "add attribute c text to type public.pair",
            "set not null on type public.pos [validation-scan]",
            "alter sequence public.s",
        ]
    );
    let out = changes(
        "create type mood as enum ('sad', 'ok');",
        "create type mood as enum ('ok', 'sad');",
    );
    assert_eq!(out.len(), 1);
    assert!(
        out[0].starts_with("unsupported change to type public.mood"),
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
    let list = diff(&current, &desired, &DiffOptions::default());
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
fn binary_coercible_table() {
    assert!(binary_coercible(
        "character varying(10)",
        "character varying(20)"
    ));
    assert!(!binary_coercible(
        "character varying(20)",
        "character varying(10)"
    ));
    assert!(binary_coercible("character varying(10)", "text"));
    assert!(binary_coercible("numeric(10,2)", "numeric(12,2)"));
    assert!(binary_coercible("numeric(10,2)", "numeric"));
    assert!(!binary_coercible("numeric(10,2)", "numeric(12,3)"));
    assert!(binary_coercible(
        "timestamp(3) with time zone",
        "timestamp with time zone"
    ));
    assert!(!binary_coercible(
        "timestamp with time zone",
        "timestamp without time zone"
    ));
    assert!(!binary_coercible("integer", "bigint"));
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
    let list = diff(&current, &desired, &opts);
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
    assert!(diff(&desired, &desired, &opts).is_empty());
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
    assert!(diff(&current, &desired, &DiffOptions::default()).is_empty());
    // Declared in a file, its annotations are the project's to manage.
    let declared = cat(
        "create schema public; comment on schema public is 'ours'; create table t (id int primary key);",
    );
    let found: Vec<String> = diff(&current, &declared, &DiffOptions::default())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(found.iter().any(|c| c.contains("ours")), "{found:?}");
}
