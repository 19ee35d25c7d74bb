//! Unit tests of the parts that need no server: which definitions are in doubt, and settling.

use super::probe::{Slot, collect, settle};
use crate::catalog::Catalog;
use crate::loaded::Project;

fn catalog(sql: &str) -> Catalog {
    Project::from_sql(sql, &[]).catalog
}

fn default_of(c: &Catalog) -> Option<String> {
    let t = c.tables.values().next()?;
    Some(t.columns.first()?.default.as_ref()?.sql().to_owned())
}

#[test]
fn equal_definitions_need_no_probe() {
    let sql = "create table t (a text default 'x' check (a in ('x', 'y')));
               create view v as select a from t;";
    let mut desired = catalog(sql);
    let collected = collect(&mut desired, &catalog(sql), "public");
    assert!(collected.probes.is_empty(), "{:?}", collected.probes);
    assert_eq!(collected.settled, 0);
}

#[test]
fn a_cast_literal_is_settled_by_normalisation() {
    let mut desired = catalog("create table t (a text default 'x');");
    let live = catalog("create table t (a text default 'x'::text);");
    let collected = collect(&mut desired, &live, "public");
    assert!(collected.probes.is_empty());
    assert_eq!(collected.settled, 1);
    assert_eq!(default_of(&desired), Some("'x'::text".to_owned()));
}

#[test]
fn an_in_list_check_is_settled_by_normalisation() {
    let mut desired = catalog("create table t (a text, constraint c check (a in ('x', 'y')));");
    let live = catalog(
        "create table t (a text, constraint c check (a = any (array['x'::text, 'y'::text])));",
    );
    let collected = collect(&mut desired, &live, "public");
    assert!(collected.probes.is_empty());
    assert_eq!(collected.settled, 1);
}

#[test]
fn an_implicit_cast_is_in_doubt() {
    let mut desired = catalog("create table t (a varchar(9), constraint c check (length(a) > 1));");
    let live = catalog("create table t (a varchar(9), constraint c check (length(a::text) > 1));");
    let collected = collect(&mut desired, &live, "public");
    assert_eq!(collected.probes.len(), 1);
    let p = &collected.probes[0];
    assert_eq!(
        p.slot,
        Slot::Check(live.tables.keys().next().unwrap().clone(), "c".into())
    );
    let body = p.desired.0.body(&p.desired.1);
    assert!(body.contains("FROM \"public\".\"t\""), "{body}");
    assert!(body.contains("length(a) > 1"), "{body}");
    assert!(p.live.1.contains("a::text"), "{}", p.live.1);
    let printed = " SELECT (length((t.a)::text) > 1) AS e\n   FROM public.t;";
    let again = p.desired.0.unwrap_printed(printed).unwrap();
    assert_eq!(again, "length(t.a::text) > 1");
    assert!(settle(&mut desired, &live, &p.slot));
    let check = |c: &Catalog| {
        format!(
            "{:?}",
            c.tables.values().next().unwrap().constraints["c"].kind
        )
    };
    assert_eq!(check(&desired), check(&live));
}

#[test]
fn views_policies_defaults_and_domains_are_probed() {
    let mut desired = catalog(
        "create table t (id int, n numeric default 1 + 1, tenant uuid);
         create view v (x) as select * from t;
         alter table t enable row level security;
         create policy p on t using (tenant = current_setting('app.t')::uuid);
         create domain d as int check (value > 0 + 0);",
    );
    let live = catalog(
        "create table t (id int, n numeric default 2, tenant uuid);
         create view v as select t.id as x, t.n, t.tenant from public.t;
         alter table t enable row level security;
         create policy p on t using (tenant = (current_setting('app.t'::text))::uuid);
         create domain d as int check (value > 0);",
    );
    let collected = collect(&mut desired, &live, "public");
    let kinds: Vec<&str> = collected.probes.iter().map(|p| p.slot.kind()).collect();
    // The policy differs in literal casts only: normalisation settles it.
    assert_eq!(kinds, ["default", "check", "view"], "{collected:?}");
    assert_eq!(collected.settled, 1);
    let view = &collected.probes[2];
    let body = view.desired.0.body(&view.desired.1);
    assert!(body.starts_with("(\"x\") AS SELECT"), "{body}");
    assert!(
        view.desired
            .0
            .again()
            .body("SELECT 1")
            .starts_with("AS SELECT")
    );
    let default = &collected.probes[0];
    let body = default.desired.0.body(&default.desired.1);
    assert!(body.contains("CAST((1 + 1) AS numeric)"), "{body}");
}

#[test]
fn objects_on_one_side_only_are_not_probed() {
    let mut desired = catalog("create table t (a int check (a > 0)); create view v as select 1;");
    let live = catalog("create table u (a int check (a > 1));");
    assert!(collect(&mut desired, &live, "public").probes.is_empty());
}

#[test]
fn a_shadow_of_another_major_version_is_a_clear_error() {
    assert!(super::shadow::check_version(15, 15).is_ok());
    let err = super::shadow::check_version(15, 16).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("version 16") && text.contains("version 15") && text.contains("--dev-url"),
        "{text}"
    );
}

#[test]
fn the_shadow_copy_leaves_out_what_elaboration_does_not_need() {
    let live = catalog(
        "create table p (id int primary key);
         create table t (id int references p, a int check (a > 0));
         create index t_a on t (a);
         alter table t enable row level security;
         create policy own on t using (a = 1);
         grant select on t to public;
         create view v as select a from t;",
    );
    let shadow = super::shadow::shadow_catalog(&live);
    let t = shadow.tables.values().find(|t| t.name.name == "t").unwrap();
    assert_eq!(t.constraints.len(), 1, "{:?}", t.constraints);
    assert!(!t.rls_enabled && t.meta.grants.is_empty());
    assert!(shadow.indexes.is_empty() && shadow.policies.is_empty());
    assert_eq!(shadow.views.len(), 1);
}

#[test]
fn a_standard_body_printed_qualified_is_settled_by_normalisation() {
    let body = |schema: &str| {
        format!(
            "create function add(a int, b int) returns int language sql return a + b;
             create function f(a int) returns int language sql
             begin atomic select {schema}add(a, 1) as add; select (a * 2); end;
             create function g(a int) returns int language sql return {schema}add(a, 1) * 2;"
        )
    };
    let mut desired = catalog(&body(""));
    let live = catalog(&body("public."));
    let collected = collect(&mut desired, &live, "public");
    assert!(collected.probes.is_empty(), "{:?}", collected.probes);
    assert_eq!(collected.settled, 2);
    assert_eq!(
        desired.functions["public.f(integer)"].body,
        "BEGIN ATOMIC SELECT public.add(a, 1); SELECT a * 2; END"
    );
    let other = catalog(&body("").replace("* 2", "* 3"));
    let mut desired = catalog(&body(""));
    assert_eq!(collect(&mut desired, &other, "public").settled, 0);
}

#[test]
fn a_routine_keyed_with_qualified_types_is_the_same_routine() {
    let mut desired = catalog(
        "create type priority as enum ('low', 'high');
         create function f(p priority, sep text default '-') returns priority
         language plpgsql set timezone = 'UTC' as $$ begin return p; end $$;",
    );
    let live = catalog(
        "create type priority as enum ('low', 'high');
         create function f(p public.priority, sep text default '-'::text) returns public.priority
         language plpgsql set \"TimeZone\" to 'UTC' as $$ begin return p; end $$;",
    );
    let collected = collect(&mut desired, &live, "public");
    assert!(collected.probes.is_empty(), "{:?}", collected.probes);
    let keys: Vec<&String> = desired.functions.keys().collect();
    assert_eq!(keys, ["public.f(public.priority, text)"]);
    let without_spans = |c: &Catalog| {
        let mut fs = c.functions.clone();
        for f in fs.values_mut() {
            f.meta.span = None;
        }
        fs
    };
    assert_eq!(without_spans(&desired), without_spans(&live));
}
