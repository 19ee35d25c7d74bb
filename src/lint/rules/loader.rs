//! Documentation and levels of the findings the loader produces while reading SQL.

use crate::lint::LintContext;
use crate::lint::rule::RuleDef;
use crate::lint::settings::Level;

fn none(_: &mut LintContext<'_>) {}

/// A statement PostgreSQL's parser rejects.
pub static SYNTAX_ERROR: RuleDef = RuleDef {
    name: crate::parse::SYNTAX_ERROR,
    default_level: Level::Error,
    summary: "a statement PostgreSQL's parser rejects",
    docs: "## What it flags\nA statement that PostgreSQL's own parser (pg_query) rejects, or a psql meta-command (`\\set`, `\\i`) that is not SQL.\n\n## Why it matters\nThe file would not load; everything after the bad statement is still read, so each bad statement is reported on its own.\n\n## Example\n```sql,expect_diagnostic\ncreate tabel t (id int);\n```\n",
    options: &[],
    check: none,
};

/// A statement kind the catalog does not model.
pub static UNSUPPORTED_STATEMENT: RuleDef = RuleDef {
    name: crate::catalog::build::UNSUPPORTED_STATEMENT,
    default_level: Level::Warning,
    summary: "a statement (or part of one) the catalog does not model",
    docs: "## What it flags\nA statement kind the catalog does not model (operators, aggregates, rules, data statements such as INSERT, DROP …), or a clause it does not read. The statement is named; nothing is dropped silently.\n\n## Why it matters\nThe object is not linted or planned. Data statements do not belong in a declarative schema.\n\n## Example\n```sql,expect_diagnostic\ninsert into t values (1);\n```\n",
    options: &[],
    check: none,
};

/// A reference to an object no file declares.
pub static UNKNOWN_OBJECT: RuleDef = RuleDef {
    name: crate::catalog::build::UNKNOWN_OBJECT,
    default_level: Level::Error,
    summary: "ALTER, COMMENT, INDEX, POLICY … on an object no file declares",
    docs: "## What it flags\nA statement that changes or annotates an object (ALTER TABLE, CREATE INDEX, CREATE POLICY, COMMENT ON, GRANT) that no schema file declares.\n\n## Why it matters\nThe statement would fail on an empty database.\n\n## Example\n```sql,expect_diagnostic\ncreate index on missing_table (id);\n```\n",
    options: &[],
    check: none,
};

/// Two declarations of one object.
pub static DUPLICATE_OBJECT: RuleDef = RuleDef {
    name: crate::catalog::build::DUPLICATE_OBJECT,
    default_level: Level::Error,
    summary: "an object (function, type, policy, constraint …) declared twice",
    docs: "## What it flags\nA function, type, schema, policy, trigger or constraint declared more than once. (Relations declared twice are reported by `relation-name-collision`.)\n\n## Why it matters\nOnly one declaration can win; which one is an accident of file order.\n\n## Example\n```sql,expect_diagnostic\ncreate type mood as enum ('a'); create type mood as enum ('b');\n```\n",
    options: &[],
    check: none,
};

/// An external declaration file without an owner.
pub static EXTERNAL_WITHOUT_OWNER: RuleDef = RuleDef {
    name: crate::loaded::EXTERNAL_WITHOUT_OWNER,
    default_level: Level::Warning,
    summary: "an external declaration file that names no owning service",
    docs: "## What it flags\nA file passed with `--external` (or `external` in schema.toml) whose first line is not `-- owner: <service>` and that has no entry in `[external-owners]`.\n\n## Why it matters\nThe graph groups external tables by owning service, and fan-out limits count services.\n\n## Example\n```sql\n-- owner: event-service\ncreate table events (id uuid primary key);\n```\n",
    options: &[],
    check: none,
};

/// A suppression comment that suppresses nothing, names no known rule or gives no reason.
pub static UNUSED_SUPPRESSION: RuleDef = RuleDef {
    name: crate::lint::suppress::UNUSED_SUPPRESSION,
    default_level: Level::Warning,
    summary: "a `schema-lint: ignore` comment that suppresses nothing or gives no reason",
    docs: "## What it flags\nA `-- schema-lint: ignore RULE -- reason` comment that names an unknown rule, suppresses no finding on the statement below it, or gives no reason after `--`.\n\n## Why it matters\nStale suppressions hide future findings; a suppression without a reason cannot be reviewed.\n\n## Example\n```sql,expect_diagnostic\n-- schema-lint: ignore table-without-primary-key\ncreate table t (id int primary key);\n```\n",
    options: &[],
    check: none,
};
