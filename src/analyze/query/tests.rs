use std::collections::HashMap;

use super::*;
use crate::loaded::Project;

fn analyse(sql: &str, view: &str) -> QueryAnalysis {
    let p = Project::from_sql(sql, &[]);
    let name = QualifiedName::new("public", view);
    let v = p
        .catalog
        .views
        .get(&name)
        .or_else(|| p.catalog.materialized_views.get(&name))
        .expect("view");
    let cols = HashMap::new();
    let env = Env {
        catalog: &p.catalog,
        search_path: &v.search_path,
        view_columns: &cols,
        span: v.meta.span,
        base: v.meta.location_base,
    };
    analyze_query(&env, &v.query.node(), &v.column_names)
}

fn used(a: &QueryAnalysis) -> Vec<String> {
    a.columns
        .iter()
        .map(|c| {
            format!(
                "{}.{}{}",
                c.relation.name,
                c.column,
                if c.resolved { "" } else { "?" }
            )
        })
        .collect()
}

const TABLES: &str = "create table users (id int, tenant_id int, email text);
create table orders (id int, user_id int, total numeric);\n";

#[test]
fn aliases_joins_and_outputs() {
    let a = analyse(
        &format!(
            "{TABLES}create view v as select u.id, u.email as mail, sum(o.total), count(*) from users u join orders o on o.user_id = u.id group by 1, 2;"
        ),
        "v",
    );
    assert_eq!(a.output, ["id", "mail", "sum", "count"]);
    assert_eq!(
        used(&a),
        ["orders.user_id", "users.id", "users.email", "orders.total"]
    );
    assert_eq!(a.relations.len(), 2);
}

#[test]
fn ctes_subqueries_and_sublinks() {
    let a = analyse(
        &format!("{TABLES}create view v as with big as (select user_id, total from orders where total > 10)
         select s.n, (select max(b.total) from big b where b.user_id = s.id) as m
         from (select id, email as n, tenant_id from users) s
         where exists (select 1 from orders o where o.user_id = s.id and tenant_id = 1);"),
        "v",
    );
    assert_eq!(a.output, ["n", "m"]);
    assert!(a.relations.iter().all(|r| r.resolved));
    assert_eq!(a.relations.len(), 2, "{:?}", a.relations);
    assert_eq!(
        used(&a),
        [
            "orders.user_id",
            "orders.total",
            "users.id",
            "users.email",
            "users.tenant_id"
        ]
    );
}

#[test]
fn star_expansion_and_missing_column() {
    let a = analyse(
        &format!("{TABLES}create view v as select u.*, o.nope from users u, orders o;"),
        "v",
    );
    assert_eq!(a.output, ["id", "tenant_id", "email", "nope"]);
    assert!(used(&a).contains(&"orders.nope?".to_owned()));
}

#[test]
fn unknown_relation_is_unresolved() {
    let a = analyse("create view v as select x.a from missing x;", "v");
    assert_eq!(a.relations[0].name, QualifiedName::new("public", "missing"));
    assert!(!a.relations[0].resolved);
}

#[test]
fn set_operations_and_lateral() {
    let a = analyse(
        &format!("{TABLES}create view v (k) as select id from users union all select id from orders;
         create view w as select u.id, l.t from users u, lateral (select o.total as t from orders o where o.user_id = u.id) l;"),
        "w",
    );
    assert_eq!(a.output, ["id", "t"]);
    assert!(used(&a).contains(&"orders.user_id".to_owned()));
    let v = analyse(
        &format!(
            "{TABLES}create view v (k) as select id from users union all select id from orders;"
        ),
        "v",
    );
    assert_eq!(v.output, ["k"]);
}
