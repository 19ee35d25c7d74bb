//! `db::connect` against real servers: every `sslmode`, and one clear error line (never the
//! password) for an unreachable server, a refused role, a missing database and a missing
//! privilege.

mod common;

use schema_tool::db::{ConnectError, ConnectOptions, connect};
use schema_tool::shadow::{Cluster, ClusterOptions};

use common::cluster;

fn options(url: String) -> ConnectOptions {
    ConnectOptions {
        url: Some(url),
        env: Vec::new(),
        connect_timeout: Some(std::time::Duration::from_secs(5)),
    }
}

fn connect_err(url: String) -> ConnectError {
    match connect(&options(url)) {
        Ok(_) => panic!("connected, but an error was expected"),
        Err(e) => e,
    }
}

fn one_line_without_secret(err: &ConnectError) -> String {
    let text = err.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    text
}

#[test]
fn each_sslmode_connects_as_libpq_would() {
    let ssl = Cluster::start(&ClusterOptions {
        ssl: true,
        ..ClusterOptions::default()
    })
    .expect("ssl cluster");
    let port = ssl.port();
    let root = ssl
        .ssl_root_cert()
        .expect("root certificate")
        .display()
        .to_string();
    for (mode, extra) in [
        ("disable", String::new()),
        ("prefer", String::new()),
        ("require", String::new()),
        ("verify-ca", format!(" sslrootcert={root}")),
        ("verify-full", format!(" sslrootcert={root}")),
    ] {
        let url = format!(
            "host=localhost port={port} user=postgres password=hunter2 dbname=postgres sslmode={mode}{extra}"
        );
        let mut client = connect(&options(url)).unwrap_or_else(|e| panic!("sslmode={mode}: {e}"));
        let on_tls: bool = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(on_tls, mode != "disable", "sslmode={mode}");
    }
    // verify-full without the root certificate: the self-signed chain is not trusted.
    let url =
        format!("postgresql://postgres:hunter2@localhost:{port}/postgres?sslmode=verify-full");
    let err = connect_err(url);
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err:?}");
    one_line_without_secret(&err);
}

#[test]
fn failures_are_one_clear_line() {
    let c = cluster();
    let socket = c.socket_dir().display().to_string();
    let port = c.port();
    let mut admin = c.connect("postgres").expect("connect");
    admin
        .batch_execute(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'connect_nologin') THEN CREATE ROLE connect_nologin NOLOGIN; END IF;
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'connect_plain') THEN CREATE ROLE connect_plain LOGIN; END IF;
             END $$;",
        )
        .unwrap();
    let db = c.create_database("connect_closed").unwrap();
    admin
        .batch_execute(&format!("REVOKE CONNECT ON DATABASE {db} FROM PUBLIC"))
        .unwrap();

    let nowhere = "postgresql://app:hunter2@127.0.0.1:1/postgres?sslmode=disable".to_owned();
    let err = connect_err(nowhere);
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err:?}");
    assert!(one_line_without_secret(&err).contains("app@127.0.0.1:1/postgres"));

    let refused =
        format!("host={socket} port={port} user=connect_nologin password=hunter2 dbname=postgres");
    let err = connect_err(refused);
    assert!(
        matches!(err, ConnectError::Authentication { .. }),
        "{err:?}"
    );
    one_line_without_secret(&err);

    let missing = format!("host={socket} port={port} user=postgres dbname=no_such_database");
    let err = connect_err(missing);
    assert!(matches!(err, ConnectError::Database { .. }), "{err:?}");
    assert!(one_line_without_secret(&err).contains("no_such_database"));

    let closed =
        format!("host={socket} port={port} user=connect_plain password=hunter2 dbname={db}");
    let err = connect_err(closed);
    assert!(matches!(err, ConnectError::Database { .. }), "{err:?}");
    assert!(one_line_without_secret(&err).contains("permission denied"));
}

#[test]
fn environment_variables_fill_what_the_url_leaves_out() {
    let c = cluster();
    let opts = ConnectOptions {
        url: None,
        env: vec![
            ("PGHOST".to_owned(), c.socket_dir().display().to_string()),
            ("PGPORT".to_owned(), c.port().to_string()),
            ("PGUSER".to_owned(), "postgres".to_owned()),
            ("PGDATABASE".to_owned(), "postgres".to_owned()),
            ("PGSSLMODE".to_owned(), "disable".to_owned()),
            ("PGAPPNAME".to_owned(), "schema-tool-test".to_owned()),
        ],
        connect_timeout: None,
    };
    let mut client = connect(&opts).expect("connect from PG* variables");
    let app: String = client
        .query_one("SELECT current_setting('application_name')", &[])
        .unwrap()
        .get(0);
    assert_eq!(app, "schema-tool-test");
}
