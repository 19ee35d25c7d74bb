//! Round trips without a database: SQL → catalog → DDL → catalog gives the same catalog.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::layout;
use super::{ScriptOptions, dollar_tag, script};
use crate::catalog::Catalog;
use crate::catalog::normalize::forget_provenance;
use crate::loaded::Project;
use crate::project::LoadOptions;

/// What a catalog says, without where it was said.
fn comparable(mut c: Catalog) -> Catalog {
    forget_provenance(&mut c);
    c.duplicates.clear();
    let metas = c
        .schemas
        .values_mut()
        .map(|s| &mut s.meta)
        .chain(c.tables.values_mut().map(|t| &mut t.meta))
        .chain(c.externals.values_mut().map(|t| &mut t.meta))
        .chain(c.views.values_mut().map(|v| &mut v.meta))
        .chain(c.materialized_views.values_mut().map(|v| &mut v.meta))
        .chain(c.indexes.values_mut().map(|i| &mut i.meta))
        .chain(c.functions.values_mut().map(|f| &mut f.meta))
        .chain(c.triggers.values_mut().map(|t| &mut t.meta))
        .chain(c.policies.values_mut().map(|p| &mut p.meta))
        .chain(c.sequences.values_mut().map(|s| &mut s.meta))
        .chain(c.types.values_mut().map(|t| &mut t.meta))
        .chain(c.extensions.values_mut().map(|e| &mut e.meta))
        .chain(c.others.iter_mut().map(|o| &mut o.meta));
    for m in metas {
        m.location_base = 0;
    }
    for f in c.functions.values_mut() {
        f.body_error = None;
    }
    c
}

/// The per-file layout loaded again: desired files concatenated, external files by owner.
fn reload_layout(c: &Catalog) -> (Catalog, BTreeMap<String, String>) {
    let files = layout::files(c);
    let mut desired = String::new();
    let mut externals: Vec<(String, String)> = Vec::new();
    for (path, text) in &files {
        if path.starts_with("external/") {
            let owner = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("-- owner: "))
                .unwrap_or("unknown")
                .to_owned();
            externals.push((owner, text.clone()));
        } else {
            let _ = writeln!(desired, "-- {path}\n{text}");
        }
    }
    let ext: Vec<(&str, &str)> = externals
        .iter()
        .map(|(o, t)| (o.as_str(), t.as_str()))
        .collect();
    (Project::from_sql(&desired, &ext).catalog, files)
}

/// Field-by-field differences, readable in a failure message.
fn differences(a: &Catalog, b: &Catalog) -> String {
    fn map<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
        out: &mut String,
        what: &str,
        a: &BTreeMap<K, V>,
        b: &BTreeMap<K, V>,
    ) {
        for (k, v) in a {
            match b.get(k) {
                None => {
                    let _ = writeln!(out, "{what} {k:?} lost");
                }
                Some(w) if w != v => {
                    let _ = writeln!(out, "{what} {k:?} differs:\n  before {v:?}\n  after  {w:?}");
                }
                _ => {}
            }
        }
        for k in b.keys().filter(|k| !a.contains_key(k)) {
            let _ = writeln!(out, "{what} {k:?} appeared");
        }
    }
    let mut out = String::new();
    map(&mut out, "schema", &a.schemas, &b.schemas);
    map(&mut out, "table", &a.tables, &b.tables);
    map(&mut out, "external", &a.externals, &b.externals);
    map(&mut out, "view", &a.views, &b.views);
    map(
        &mut out,
        "matview",
        &a.materialized_views,
        &b.materialized_views,
    );
    map(&mut out, "index", &a.indexes, &b.indexes);
    map(&mut out, "function", &a.functions, &b.functions);
    map(&mut out, "trigger", &a.triggers, &b.triggers);
    map(&mut out, "policy", &a.policies, &b.policies);
    map(&mut out, "sequence", &a.sequences, &b.sequences);
    map(&mut out, "type", &a.types, &b.types);
    map(&mut out, "extension", &a.extensions, &b.extensions);
    if a.others != b.others {
        let _ = writeln!(out, "others differ:\n  {:?}\n  {:?}", a.others, b.others);
    }
    out
}

/// Both round trips (per-file layout, and one script with externals as plain tables) must
/// give the catalog back.
fn assert_round_trip(original: &Catalog) {
    let before = comparable(original.clone());
    let (after, files) = reload_layout(original);
    let after = comparable(after);
    let diff = differences(&before, &after);
    assert!(
        diff.is_empty(),
        "layout round trip differs:\n{diff}\nfiles: {:?}",
        files.keys().collect::<Vec<_>>()
    );

    let mut merged = before.clone();
    for (name, mut t) in std::mem::take(&mut merged.externals) {
        t.external_owner = None;
        merged.tables.insert(name, t);
    }
    let text = script(original, &ScriptOptions { externals: true });
    let after = comparable(Project::from_sql(&text, &[]).catalog);
    let diff = differences(&merged, &after);
    assert!(diff.is_empty(), "script round trip differs:\n{diff}");
}

fn load(paths: &[&Path], external: &[&Path]) -> Catalog {
    let project = Project::load(&LoadOptions {
        paths: paths.iter().map(|p| p.to_path_buf()).collect(),
        external: external.iter().map(|p| p.to_path_buf()).collect(),
        external_owners: Vec::new(),
        default_schema: "public".to_owned(),
    })
    .expect("schema loads");
    project.catalog
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn round_trip_sql(sql: &str) {
    let project = Project::from_sql(sql, &[]);
    let bad: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| d.rule == crate::parse::SYNTAX_ERROR || d.rule == "unknown-object")
        .collect();
    assert!(bad.is_empty(), "the fixture itself is wrong: {bad:?}");
    assert_round_trip(&project.catalog);
}

#[test]
fn analytics_schema_round_trips() {
    let r = root();
    assert_round_trip(&load(&[&r.join("schema")], &[&r.join("schema/external")]));
}

#[test]
fn as_documented_fixture_round_trips() {
    let r = root();
    assert_round_trip(&load(
        &[&r.join("fixtures/as-documented")],
        &[&r.join("schema/external")],
    ));
}

fn corpus(rel: &str) {
    let path = Path::new("/work/shared/corpus/parse").join(rel);
    if !path.exists() {
        return;
    }
    assert_round_trip(&load(&[&path], &[]));
}

#[test]
fn corpus_danbooru_round_trips() {
    corpus("danbooru/structure.sql");
}

#[test]
fn corpus_chinook_round_trips() {
    corpus("chinook/chinook_nodb.sql");
}

#[test]
fn corpus_pagila_round_trips() {
    corpus("pagila/pagila-schema.sql");
}

#[test]
fn corpus_northwind_round_trips() {
    corpus("northwind/northwind.sql");
}

#[test]
fn odd_names_schemas_and_extensions() {
    round_trip_sql(
        r#"create schema "Odd ""Schema""";
           create schema "select";
           create extension if not exists pgcrypto with schema "select";
           comment on schema "Odd ""Schema""" is 'it''s odd \ really';
           alter schema "select" owner to "Öwner";
           grant usage on schema "select" to "Some Role";"#,
    );
}

#[test]
fn odd_names_types() {
    round_trip_sql(
        r#"create type "Mood" as enum ('sad', 'it''s ok', 'Happy');
           create type "select"."ränge" as range (subtype = float8);
           create domain "Positive" as int not null default 1 check (value > 0) constraint "Upper Bound" check (value < 100);
           create domain d_text as text collate "C";
           create type "Pair" as ("Left" int, "order" "Mood"[]);
           create schema "select";
           comment on type "Mood" is 'feelings';
           comment on domain "Positive" is 'more than nothing';
           revoke usage on type "Pair" from public;
           grant usage on domain "Positive" to "Some Role";"#,
    );
}

#[test]
fn odd_names_tables() {
    round_trip_sql(
        r#"create table "User Accounts" (
               "ID" bigint generated always as identity (start with 10 increment by 5),
               "select" text collate "C" not null default 'it''s',
               "naïve" numeric(12,2) check ("naïve" >= 0),
               total numeric generated always as ("naïve" * 2) stored,
               serial_no serial,
               "Tags" varchar(20)[],
               constraint "PK ""Accounts""" primary key ("ID") include ("select"),
               constraint uniq unique nulls not distinct ("select", "Tags") deferrable initially deferred
           ) with (fillfactor = 70, autovacuum_enabled = false);
           create unlogged table "order" (
               id int primary key,
               account bigint references "User Accounts" ("ID") match full on delete cascade on update set null,
               during tsrange,
               constraint no_overlap exclude using gist (during with &&) where (id > 0),
               constraint later check (id > 1) not valid
           );
           create table m (id int, at date not null) partition by range (at);
           create table m_2024 partition of m for values from ('2024-01-01') to ('2025-01-01');
           create table m_old (id int, at date not null);
           alter table m attach partition m_old for values from (minvalue) to ('2024-01-01');
           create table child (extra int) inherits ("order");
           alter table "User Accounts" enable row level security;
           alter table "User Accounts" force row level security;
           alter table "order" owner to "Öwner";
           comment on table "order" is 'orders';
           comment on column "User Accounts"."select" is 'a keyword';
           grant select, insert on "User Accounts" to "Some Role" with grant option;
           grant update ("select") on "User Accounts" to public;"#,
    );
}

#[test]
fn odd_names_indexes_views_and_sequences() {
    round_trip_sql(
        r#"create table "T" ("A" int, b text, c jsonb);
           create unique index "T idx" on "T" using btree ("A" desc nulls last, lower(b) collate "C" text_pattern_ops) include (c) where ("A" > 0);
           create index on "T" using gin (c jsonb_path_ops) with (fastupdate = off);
           create index t_b on "T" (b nulls first) nulls not distinct;
           create sequence "Seq" as integer increment by -2 minvalue -100 maxvalue 0 start with -10 cache 5 cycle;
           create sequence owned_seq owned by "T"."A";
           create view "V ü" ("X", y) with (security_invoker = true, security_barrier) as select "A", b from "T" where "A" > 1 with local check option;
           create view v2 as select * from "V ü";
           create materialized view "MV" with (fillfactor = 50) as select count(*) as n from "T" with no data;
           create materialized view mv2 as select 1 as one;
           create index mv_idx on "MV" (n);
           comment on view "V ü" is 'view';
           comment on materialized view "MV" is 'mat';
           comment on index "T idx" is 'idx';
           comment on sequence "Seq" is 'seq';
           alter view v2 owner to "Öwner";
           alter sequence "Seq" owner to "Öwner";
           grant select on "V ü" to "Some Role";
           grant usage on sequence "Seq" to public;"#,
    );
}

#[test]
fn odd_names_functions_triggers_policies() {
    round_trip_sql(
        r#"create table "Accounts" (id int primary key, tenant uuid, "Owner" text);
           create function "Add"(a integer, inout "B" integer default 2, variadic rest int[] default '{}')
               language sql immutable strict leakproof parallel safe
               as $$ select a + "B" + coalesce(array_length(rest, 1), 0) $$;
           create function dollars() returns text language plpgsql security definer
               set search_path = public, pg_temp set work_mem = '64MB'
               as $body$ begin return '$$ and $x$'; end $body$;
           create function ends_in_dollar() returns text language sql as 'select ''a$''';
           create function rows_of(t int) returns table ("Id" int, "owner" text) language sql stable
               as $$ select id, "Owner" from "Accounts" where id = t $$;
           create function std(a int) returns int language sql return a * 2;
           create procedure "Do It"(in x int, out y int) language plpgsql as $$ begin y := x; end $$;
           create function trg() returns trigger language plpgsql as $$ begin return new; end $$;
           create trigger "Before Ins" before insert or update of "Owner", tenant on "Accounts"
               for each row when (new.id > 0) execute function trg('arg''1', 'two');
           create trigger stmt after delete or truncate on "Accounts" for each statement execute function trg();
           create constraint trigger c_trg after insert on "Accounts" for each row execute function trg();
           create policy "Tenant Isolation" on "Accounts" as restrictive for update to "Some Role", current_user
               using (tenant = current_setting('app.tenant')::uuid) with check (id > 0);
           create policy p_all on "Accounts" using (true);
           comment on function "Add"(integer, integer, int[]) is 'adds';
           comment on procedure "Do It"(int) is 'does';
           comment on trigger "Before Ins" on "Accounts" is 'trig';
           comment on policy p_all on "Accounts" is 'everyone';
           revoke execute on function dollars() from public;
           grant execute on function dollars() to "Some Role";
           alter function trg() owner to "Öwner";
           create aggregate "Sum2"(int) (sfunc = int4pl, stype = int);"#,
    );
}

#[test]
fn dollar_tags_avoid_the_body() {
    assert_eq!(dollar_tag("select 1"), "$$");
    assert_eq!(dollar_tag("select '$$'"), "$body$");
    assert_eq!(dollar_tag("a$"), "$body$");
    assert_eq!(dollar_tag("$$ $body$"), "$body1$");
}

#[test]
fn script_quotes_every_identifier() {
    let c = Project::from_sql(
        "create table t (a int primary key); create index i on t (a); create view v as select a from t;",
        &[],
    )
    .catalog;
    let text = script(&c, &ScriptOptions::default());
    insta::assert_snapshot!(text);
}
