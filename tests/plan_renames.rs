//! Rename hints end to end: `-- schema: renamed from old_name` above a table, column, view,
//! materialized view or index plans `ALTER … RENAME` instead of drop and create, and the data
//! survives applying the plan on a real PostgreSQL.

mod common;

use common::{apply_plan, error_chain, fresh_database};
use postgres::Client;
use schema_tool::catalog::Catalog;
use schema_tool::introspect::{IntrospectOptions, introspect};
use schema_tool::loaded::Project;
use schema_tool::plan::{Plan, PlanOptions, plan};

fn live(client: &mut Client) -> Catalog {
    introspect(client, &IntrospectOptions::default())
        .unwrap_or_else(|e| panic!("introspect: {}", error_chain(&e)))
}

fn make_plan(current: &Catalog, desired: &Catalog) -> Plan {
    plan(current, desired, &PlanOptions::default()).unwrap_or_else(|e| panic!("plan: {e}"))
}

fn sql_of(p: &Plan) -> String {
    p.steps
        .iter()
        .map(|s| s.sql.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

const BEFORE: &str = "
create table orders (id int primary key, qty int not null, note text);
create index orders_qty on orders (qty);
insert into orders values (1, 10, 'first'), (2, 20, 'second');
create view big_orders as select id, qty from orders where qty > 15;
create materialized view order_totals as select sum(qty) as total from orders;
";

const AFTER: &str = "
-- schema: renamed from orders
create table purchases (
  id int primary key,
  -- schema: renamed from qty
  quantity int not null,
  note text
);
-- schema: renamed from orders_qty
create index purchases_quantity on purchases (quantity);
-- schema: renamed from big_orders
create view large_purchases as select id, quantity as qty from purchases where quantity > 15;
-- schema: renamed from order_totals
create materialized view purchase_totals as select sum(quantity) as total from purchases;
";

#[test]
fn rename_hints_keep_the_data() {
    let (_, mut client) = fresh_database("renames");
    client.batch_execute(BEFORE).unwrap();
    let desired = Project::from_sql(AFTER, &[]).catalog;
    let p = make_plan(&live(&mut client), &desired);
    let sql = sql_of(&p);
    for expected in [
        "ALTER TABLE \"public\".\"orders\" RENAME TO \"purchases\";",
        "ALTER TABLE \"public\".\"purchases\" RENAME COLUMN \"qty\" TO \"quantity\";",
        "ALTER TABLE \"public\".\"purchases\" RENAME CONSTRAINT \"orders_pkey\" TO \"purchases_pkey\";",
        "ALTER INDEX \"public\".\"orders_qty\" RENAME TO \"purchases_quantity\";",
        "ALTER VIEW \"public\".\"big_orders\" RENAME TO \"large_purchases\";",
        "ALTER MATERIALIZED VIEW \"public\".\"order_totals\" RENAME TO \"purchase_totals\";",
    ] {
        assert!(sql.contains(expected), "missing {expected}:\n{sql}");
    }
    assert!(!sql.contains("DROP TABLE"), "{sql}");
    assert!(!sql.contains("DROP COLUMN"), "{sql}");
    assert!(!sql.contains("DROP INDEX"), "{sql}");
    assert!(!sql.contains("DROP CONSTRAINT"), "{sql}");
    assert!(
        p.steps
            .iter()
            .all(|s| s.hazards.iter().all(|h| h.kind.name() != "data-loss")),
        "{sql}"
    );
    // Renames come before anything that uses the new names.
    let rename_at = sql.find("RENAME COLUMN").unwrap();
    if let Some(view) = sql.find("large_purchases\" AS") {
        assert!(rename_at < view, "{sql}");
    }
    apply_plan(&mut client, &p).unwrap_or_else(|e| panic!("{e}"));

    let rows: Vec<(i32, i32, String)> = client
        .query("select id, quantity, note from purchases order by id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        rows,
        vec![(1, 10, "first".to_owned()), (2, 20, "second".to_owned())]
    );
    let large: i64 = client
        .query_one("select count(*) from large_purchases", &[])
        .unwrap()
        .get(0);
    assert_eq!(large, 1);
    let total: i64 = client
        .query_one("select total from purchase_totals", &[])
        .unwrap()
        .get(0);
    assert_eq!(total, 30, "the materialized view kept its data");
    let index: i64 = client
        .query_one(
            "select count(*) from pg_indexes where indexname = 'purchases_quantity'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(index, 1);

    // Planned again, the hints match nothing: no rename, no drop.
    let again = make_plan(&live(&mut client), &desired);
    let again_sql = sql_of(&again);
    assert!(!again_sql.contains("RENAME"), "{again_sql}");
    assert!(!again_sql.contains("DROP TABLE"), "{again_sql}");
    assert!(!again_sql.contains("DROP COLUMN"), "{again_sql}");
}

#[test]
fn a_hint_naming_a_missing_object_creates_the_new_one() {
    let (_, mut client) = fresh_database("renames_missing");
    client
        .batch_execute("create table keep (id int primary key);")
        .unwrap();
    let desired = Project::from_sql(
        "create table keep (
           id int primary key,
           -- schema: renamed from nowhere
           added int
         );
         -- schema: renamed from ghost
         create table fresh (id int);",
        &[],
    )
    .catalog;
    let p = make_plan(&live(&mut client), &desired);
    let sql = sql_of(&p);
    assert!(!sql.contains("RENAME"), "{sql}");
    assert!(sql.contains("ADD COLUMN \"added\""), "{sql}");
    assert!(sql.contains("CREATE TABLE \"public\".\"fresh\""), "{sql}");
    apply_plan(&mut client, &p).unwrap_or_else(|e| panic!("{e}"));
}

/// PostgreSQL follows a renamed column inside the expressions over its table; so does the
/// plan: a CHECK, a generated column, index keys and predicates, a policy and a trigger
/// condition written with the new name are not restated.
#[test]
fn expressions_over_a_table_follow_its_renamed_column() {
    let (_, mut client) = fresh_database("renames_exprs");
    let shared = "alter table t enable row level security;
         create function touch() returns trigger language plpgsql as $$ begin return new; end $$;";
    client
        .batch_execute(&format!(
            "create table t (id int primary key, qty int constraint qty_positive check (qty > 0),
                 doubled int generated always as (qty * 2) stored);
             {shared}
             create index t_big on t (id) where qty > 10;
             create index t_next on t ((qty + 1));
             create policy small on t using (qty < 100);
             create trigger tr before update on t for each row
                 when (new.qty is distinct from old.qty) execute function touch();
             insert into t (id, qty) values (1, 5), (2, 50);"
        ))
        .unwrap();
    let desired = Project::from_sql(
        &format!(
            "create table t (id int primary key,
                 -- schema: renamed from qty
                 quantity int constraint qty_positive check (quantity > 0),
                 doubled int generated always as (quantity * 2) stored);
             {shared}
             create index t_big on t (id) where quantity > 10;
             create index t_next on t ((quantity + 1));
             create policy small on t using (quantity < 100);
             create trigger tr before update on t for each row
                 when (new.quantity is distinct from old.quantity) execute function touch();"
        ),
        &[],
    )
    .catalog;
    let p = make_plan(&live(&mut client), &desired);
    assert_eq!(
        sql_of(&p),
        "ALTER TABLE \"public\".\"t\" RENAME COLUMN \"qty\" TO \"quantity\";",
        "only the rename"
    );
    apply_plan(&mut client, &p).unwrap_or_else(|e| panic!("{e}"));
    let again = make_plan(&live(&mut client), &desired);
    assert!(again.steps.is_empty(), "{}", sql_of(&again));
    let total: i64 = client
        .query_one("select sum(doubled)::bigint from t", &[])
        .unwrap()
        .get(0);
    assert_eq!(total, 110);
}
