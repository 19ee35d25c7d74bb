use super::*;
use crate::parse::parse_file;
use crate::source::FileId;

fn build(sql: &str) -> (Catalog, Vec<Diagnostic>) {
    let parsed = parse_file(FileId(0), sql);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let input = Input {
        file: FileId(0),
        text: sql,
        statements: &parsed.statements,
        external_owner: None,
    };
    build_catalog(&[input], "public")
}

fn q(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

#[test]
fn table_with_implicit_constraint_names() {
    let (c, d) = build(
        "create table orders (id serial primary key, code varchar(10) unique, qty int check (qty > 0),
         customer_id int references customers on delete cascade);
         create table customers (id int primary key);",
    );
    assert!(d.is_empty(), "{d:?}");
    let t = &c.tables[&q("orders")];
    let names: Vec<&str> = t.constraints.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "orders_code_key",
            "orders_customer_id_fkey",
            "orders_pkey",
            "orders_qty_check"
        ]
    );
    assert_eq!(t.column("id").unwrap().ty, "integer");
    assert!(t.column("id").unwrap().not_null);
    assert_eq!(
        t.column("id").unwrap().default.as_ref().unwrap().sql(),
        "nextval('public.orders_id_seq'::regclass)"
    );
    assert!(c.sequences.contains_key(&q("orders_id_seq")));
    let ConstraintKind::ForeignKey {
        on_delete,
        ref_table,
        ..
    } = &t.constraints["orders_customer_id_fkey"].kind
    else {
        panic!()
    };
    assert_eq!(*on_delete, FkAction::Cascade);
    assert_eq!(ref_table, &q("customers"));
}

#[test]
fn alters_indexes_comments_and_grants_fold_into_objects_in_any_order() {
    let (c, d) = build(
        "comment on table t is 'hello';
         grant select on t to reader;
         create index on t (lower(name)) where name is not null;
         alter table t add constraint t_name_uq unique nulls not distinct (name);
         alter table t enable row level security, force row level security;
         create policy p on t using (tenant_id = current_setting('app.current_tenant', true)::uuid);
         create table t (id uuid, name text, tenant_id uuid not null);",
    );
    assert!(d.is_empty(), "{d:?}");
    let t = &c.tables[&q("t")];
    assert_eq!(t.meta.comment.as_deref(), Some("hello"));
    assert_eq!(t.meta.grants.len(), 1);
    assert!(t.rls_enabled && t.rls_forced);
    assert!(matches!(
        t.constraints["t_name_uq"].kind,
        ConstraintKind::Unique {
            nulls_not_distinct: true,
            ..
        }
    ));
    let idx = &c.indexes[&q("t_lower_idx")];
    assert_eq!(idx.keys[0].text(), "(lower(name))");
    assert_eq!(idx.predicate.as_ref().unwrap().sql(), "name IS NOT NULL");
    assert_eq!(c.policies_on(&q("t")).count(), 1);
}

#[test]
fn views_matviews_and_functions() {
    let (c, d) = build(
        "create view v with (security_invoker = true) as select 1 as a;
         -- schema: renamed from old_mv
         create materialized view mv as select * from v with no data;
         create function f(x int, out y int) returns int language plpgsql security definer
           set search_path = pg_catalog as $$ begin refresh materialized view concurrently mv; select 1 into y; end $$;",
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(c.views[&q("v")].security_invoker());
    let mv = &c.materialized_views[&q("mv")];
    assert!(mv.with_no_data);
    assert_eq!(mv.meta.renamed_from.as_deref(), Some("old_mv"));
    let f = &c.functions["public.f(integer)"];
    assert!(f.security_definer);
    assert_eq!(f.config["search_path"], "pg_catalog");
    assert!(
        f.references
            .iter()
            .any(|r| r.name == "mv" && r.action == BodyAction::RefreshConcurrently)
    );
}

#[test]
fn unmodelled_statements_warn_and_duplicates_are_recorded() {
    let (c, d) = build(
        "create table a (id int); create table a (id int);
         insert into a values (1);
         insert into a values (2);
         create aggregate agg (int) (sfunc = int4pl, stype = int);
         create index on missing (id);",
    );
    assert_eq!(c.duplicates.len(), 1);
    let mut rules: Vec<&str> = d.iter().map(|d| d.rule).collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [UNKNOWN_OBJECT, UNSUPPORTED_STATEMENT, UNSUPPORTED_STATEMENT]
    );
    assert!(
        d.iter()
            .any(|d| d.message.starts_with("2 INSERT statements")),
        "{d:?}"
    );
    assert_eq!(c.others.len(), 1);
}

#[test]
fn partitions_attached_the_pg_dump_way() {
    let (c, d) = build(
        "create table m (id int, at date) partition by range (at);
         create table m_2024 (id int, at date);
         alter table only m attach partition m_2024 for values from ('2024-01-01') to ('2025-01-01');",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(
        c.tables[&q("m")].partition_by.as_deref(),
        Some("RANGE (at)")
    );
    let (parent, bound) = c.tables[&q("m_2024")].partition_of.clone().unwrap();
    assert_eq!(parent, q("m"));
    assert_eq!(bound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
}

#[test]
fn unnamed_checks_are_named_like_postgres_names_them() {
    let (c, d) = build(
        "create table t (a int check (a > 0), b int, check (a <> b), check (b is not null));
         create table u (a int, check (a > 1));",
    );
    assert!(d.is_empty(), "{d:?}");
    let names: Vec<&str> = c.tables[&q("t")]
        .constraints
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["t_a_check", "t_b_check", "t_check"]);
    assert!(c.tables[&q("u")].constraints.contains_key("u_a_check"));
}

#[test]
fn constraint_using_index_takes_over_the_index() {
    let (c, d) = build(
        "create table t (id int, code text);
         create unique index t_code_idx on t (code);
         create unique index t_id_idx on t (id);
         alter table t add constraint t_pk primary key using index t_id_idx;
         alter table t add unique using index t_code_idx;",
    );
    assert!(d.is_empty(), "{d:?}");
    let t = &c.tables[&q("t")];
    assert_eq!(t.constraints["t_pk"].columns(), ["id"]);
    assert_eq!(t.constraints["t_code_idx"].columns(), ["code"]);
    assert!(t.column("id").unwrap().not_null);
    assert!(c.indexes.is_empty());
}

#[test]
fn a_unique_constraint_equal_to_the_primary_key_is_dropped() {
    let (c, d) = build(
        "create table t (id int primary key unique, a int, unique (a), constraint a_again unique (a));",
    );
    assert!(d.is_empty(), "{d:?}");
    let names: Vec<&str> = c.tables[&q("t")]
        .constraints
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["a_again", "t_pkey"]);
}

#[test]
fn sql_standard_return_body_is_kept() {
    let (c, d) = build("create function f(a int) returns int language sql return a * 2;");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.functions["public.f(integer)"].body, "RETURN a * 2");
}

#[test]
fn sql_standard_atomic_body_is_kept_without_implied_names() {
    let (c, d) = build(
        "create function f(a int) returns int language sql
         begin atomic select lower('x') as lower, a as a, a::text as text, a + 1 as b; select a; end;
         create function g() returns void language sql begin atomic end;",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(
        c.functions["public.f(integer)"].body,
        "BEGIN ATOMIC SELECT lower('x'), a, a::text AS text, a + 1 AS b; SELECT a; END"
    );
    assert_eq!(c.functions["public.g()"].body, "BEGIN ATOMIC END");
}

#[test]
fn attached_partition_indexes_become_the_parents() {
    let (c, d) = build(
        "create table f (id int not null, foo text not null) partition by list (foo);
         create table f_1 partition of f for values in ('a');
         create table f_2 partition of f for values in ('b');
         alter table only f add constraint f_pk primary key (foo, id);
         create unique index f_1_pkey on f_1 (foo, id);
         alter table f_1 add constraint f_1_pkey primary key using index f_1_pkey;
         alter index f_pk attach partition f_1_pkey;
         create index p_idx on only f (foo);
         create index f_2_part on f_2 (foo);
         alter index p_idx attach partition f_2_part;",
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(c.tables[&q("f_1")].constraints.is_empty());
    assert!(c.indexes.contains_key(&q("p_idx")));
    assert!(!c.indexes.contains_key(&q("f_2_part")));
}

#[test]
fn a_partition_key_attached_to_a_plain_parent_index_stays_the_partitions() {
    let (c, d) = build(
        "create table f (id int, foo text) partition by list (foo);
         create table f_1 partition of f for values in ('a');
         create unique index some_idx on only f (foo, id);
         create unique index f_1_pkey on f_1 (foo, id);
         alter table f_1 add constraint f_1_pkey primary key using index f_1_pkey;
         alter index some_idx attach partition f_1_pkey;",
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(c.tables[&q("f_1")].constraints.contains_key("f_1_pkey"));
}
