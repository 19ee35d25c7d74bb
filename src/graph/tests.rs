use super::*;
use crate::loaded::Project;

const SQL: &str = "create table users (id int primary key, tenant_id int, email text);
create table orders (id int primary key, user_id int references users (id), total numeric);
create index orders_user on orders (user_id);
create view user_orders as select u.id, u.email, o.total from users u join orders o on o.user_id = u.id;
create view big_spenders as select id, email from user_orders where total > 100;
create materialized view spend as select b.id from big_spenders b join events e on e.id = b.id;
alter table users enable row level security;
create policy p on users using (tenant_id = current_setting('app.tenant')::int);
";

fn graph() -> (Project, DepGraph) {
    let p = Project::from_sql(
        SQL,
        &[(
            "event-service",
            "-- owner: event-service\ncreate table events (id int, tenant_id int);",
        )],
    );
    let g = DepGraph::build(&p.catalog);
    (p, g)
}

#[test]
fn impact_of_a_column_follows_views() {
    let (_, g) = graph();
    let impact = g.impact("users.email").unwrap();
    let names: Vec<String> = impact
        .iter()
        .map(|(n, p)| format!("{n}: {}", p.join(" <- ")))
        .collect();
    assert_eq!(
        names,
        [
            "public.user_orders: public.users.email <- public.user_orders",
            "public.big_spenders: public.users.email <- public.user_orders <- public.big_spenders",
            "public.spend: public.users.email <- public.user_orders <- public.big_spenders <- public.spend",
        ]
    );
    assert!(g.impact("nope").is_none());
}

#[test]
fn view_outputs_and_externals() {
    let (_, g) = graph();
    let q = |n: &str| QualifiedName::new("public", n);
    assert_eq!(
        g.view_output_columns(&q("big_spenders")).unwrap(),
        ["id", "email"]
    );
    let ext = g.externals_reached(&q("spend"));
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].1, "event-service");
    let reached: Vec<String> = g
        .relations_reached(&q("spend"))
        .iter()
        .map(|(r, _)| r.name.clone())
        .collect();
    assert_eq!(
        reached,
        ["events", "big_spenders", "user_orders", "orders", "users"]
    );
    assert!(g.unresolved.is_empty(), "{:?}", g.unresolved);
}

#[test]
fn topological_order_puts_dependencies_first() {
    let (_, g) = graph();
    let order: Vec<&str> = g
        .topological_order()
        .into_iter()
        .map(|i| g.node(i).name.as_str())
        .collect();
    let pos = |n: &str| order.iter().position(|x| *x == n).unwrap();
    assert!(pos("public.users") < pos("public.user_orders"));
    assert!(pos("public.user_orders") < pos("public.big_spenders"));
    assert!(pos("public.orders") < pos("public.orders_user"));
}

#[test]
fn unresolved_references_are_recorded() {
    let p = Project::from_sql(
        "create table t (id int, other int references missing (id));
         create view v as select t.nope, x.a from t, ghost x;",
        &[],
    );
    let g = DepGraph::build(&p.catalog);
    let u: Vec<String> = g
        .unresolved
        .iter()
        .map(|u| {
            format!(
                "{} -> {}{}",
                u.from,
                u.relation,
                u.column
                    .as_deref()
                    .map(|c| format!(".{c}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        u,
        [
            "public.v -> public.ghost",
            "public.v -> public.t.nope",
            "public.t -> public.missing"
        ]
    );
}

#[test]
fn renders_group_externals_by_service() {
    let (_, g) = graph();
    let dot = g.render_dot();
    assert!(dot.contains("label=\"service: event-service\""), "{dot}");
    assert!(
        dot.contains("\"public.spend\" -> \"public.events\" [label=\"reads\"]"),
        "{dot}"
    );
    let mermaid = g.render_mermaid();
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("service: event-service"));
}

#[test]
fn sql_bodies_depend_on_the_routines_they_call() {
    let p = Project::from_sql(
        "create schema s;
         create function s.add(a int, b int) returns int language sql return a + b;
         create function add(a text, b text) returns text language sql return concat(a, b);
         create function inc(i int) returns int language plpgsql as $$ begin return i + 1; end $$;
         create function f(a int, b int) returns int language sql return s.add(a, b) + inc(a);
         create function g(a int) returns int language sql begin atomic select f(a, 1); end;
         create function h(a int) returns int language sql as $$ select g(a) $$;
         create function p(a int) returns int language plpgsql as $$ begin return h(a); end $$;",
        &[],
    );
    let g = DepGraph::build(&p.catalog);
    let calls = |name: &str| -> Vec<String> {
        let i = g.by_kind(NodeKind::Function, name).expect(name);
        let mut out: Vec<String> = g
            .graph
            .edges_directed(i, petgraph::Direction::Outgoing)
            .filter(|e| *e.weight() == Reason::FunctionCalls)
            .map(|e| g.node(petgraph::visit::EdgeRef::target(&e)).name.clone())
            .collect();
        out.sort();
        out
    };
    assert_eq!(
        calls("public.f(integer, integer)"),
        ["public.inc(integer)", "s.add(integer, integer)"]
    );
    assert_eq!(calls("public.g(integer)"), ["public.f(integer, integer)"]);
    assert_eq!(calls("public.h(integer)"), ["public.g(integer)"]);
    // PostgreSQL neither checks nor records what a PL/pgSQL body calls.
    assert!(calls("public.p(integer)").is_empty());
}
