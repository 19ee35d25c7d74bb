//! The live side of the catalog: reads a database's schema from `pg_catalog` into the same
//! [`Catalog`] the file loader builds.
//!
//! # How
//! One `REPEATABLE READ READ ONLY` transaction, with `search_path = pg_catalog` so everything
//! PostgreSQL prints is schema-qualified, runs one query per object kind (`queries/<kind>.sql`,
//! each opening with a comment that lists its columns and version-specific branches). Objects
//! that belong to an extension (`pg_depend` deptype `e`) are left out.
//!
//! # Why the rows go back through the loader
//! Each kind is handled where its representation is cleanest:
//! - **Through the loader** (tables and their columns, constraints, indexes, views, materialized
//!   views, functions and procedures, triggers, policies, sequences, enums, domains, composite
//!   and range types): the rows become the DDL PostgreSQL would accept (`script`), mostly
//!   PostgreSQL's own text from `pg_get_*`, which is parsed by [`crate::parse::parse_file`]
//!   and lowered by [`crate::catalog::build::build_catalog`]. An expression, an index key, a
//!   view query or a function's options thus go through exactly the code that reads them from a
//!   file, so the two sides can only differ where PostgreSQL prints a definition differently
//!   from how a person wrote it, never because two lowerings disagree. PL/pgSQL and SQL bodies
//!   are analysed by [`crate::analyze::function_body`] on the way, as for files.
//! - **Directly from the rows** (schemas, extensions, RLS flags, owners, comments, grants):
//!   plain attributes with no expression in them; writing `COMMENT`/`GRANT`/`ALTER … OWNER`
//!   statements only to parse them again would add a round trip and nothing else.
//!
//! Parsing thousands of definitions costs about as much as the server's work, so the two
//! overlap: each kind's DDL is cut into chunks that worker threads (`std::thread::scope`, one
//! per core) parse while the next queries run; lowering then runs once over all chunks, in
//! order.
//!
//! # What the live side records
//! Owners always (the file side only where a file sets one); a NULL ACL expanded to
//! PostgreSQL's defaults (routines and types usable by PUBLIC) and the owner's own privileges
//! left out, as the loader does; spans are `None`.

mod decode;
mod rows;
mod script;

use std::collections::BTreeMap;
use std::sync::{Mutex, mpsc};

use postgres::{Client, IsolationLevel, Transaction};

pub use rows::{QUERY_FILES, query_text};

use crate::catalog::build::{Input, build_catalog};
use crate::catalog::{Catalog, Extension, Grant, Meta, QualifiedName, Schema};
use crate::parse::{ParsedFile, SYNTAX_ERROR, parse_file};
use crate::source::FileId;

/// What to read.
#[derive(Clone, Debug, Default)]
pub struct IntrospectOptions {
    /// Managed schemas; empty means every schema except `pg_*` and `information_schema`.
    pub schemas: Vec<String>,
    /// Threads that parse definitions while the queries run (`0`: one per available core
    /// but one, which the server needs).
    pub threads: usize,
}

/// Why a database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// A catalog query failed (connection lost, missing privilege, …).
    #[error("reading the catalog failed in query `{query}`")]
    Query {
        /// The query file (without `.sql`) or step.
        query: &'static str,
        /// The client's or the server's error.
        #[source]
        source: postgres::Error,
    },
    /// A query that always returns a row returned none.
    #[error("catalog query `{query}` returned no row")]
    Empty {
        /// The query file.
        query: &'static str,
    },
    /// The server is older than the catalog columns the queries use.
    #[error("PostgreSQL {version} is not supported: introspection needs PostgreSQL 13 or later")]
    UnsupportedVersion {
        /// `server_version_num`.
        version: i32,
    },
    /// A catalog code this version of the tool does not know.
    #[error("unknown {what} code {code:?} on {object}")]
    UnknownCode {
        /// The catalog column (`polcmd`, `relkind`, …).
        what: &'static str,
        /// The code.
        code: String,
        /// The object that carries it.
        object: String,
    },
    /// PostgreSQL printed a definition the parser rejects.
    #[error("cannot parse the definition PostgreSQL printed for {object}: {message}")]
    Unparsable {
        /// The object.
        object: String,
        /// The parser's message.
        message: String,
    },
}

/// Reads the managed schemas of the connected database. See the module documentation.
pub fn introspect(
    client: &mut Client,
    opts: &IntrospectOptions,
) -> Result<Catalog, IntrospectError> {
    let threads = match opts.threads {
        // One core is busy running the queries (the server), the rest parse.
        0 => std::thread::available_parallelism()
            .map_or(1, |n| usize::from(n).saturating_sub(1).max(1)),
        n => n,
    };
    let (to_parse, work) = mpsc::channel::<Chunk>();
    let work = Mutex::new(work);
    let (done, parsed) = mpsc::channel::<Chunk>();
    let (fetched, mut chunks) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (work, done) = (&work, done.clone());
                scope.spawn(move || {
                    loop {
                        let next = work.lock().map(|rx| rx.recv());
                        let Ok(Ok(mut chunk)) = next else { break };
                        chunk.parsed = parse_file(chunk.file, &chunk.text);
                        if done.send(chunk).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(done);
        let fetched = fetch(client, opts, &mut Chunker::new(to_parse));
        for w in workers {
            let _ = w.join();
        }
        (fetched, parsed.into_iter().collect::<Vec<_>>())
    });
    let fetched = fetched?;
    chunks.sort_by_key(|c| c.file);
    assemble(&fetched, &chunks)
}

/// Everything the queries returned.
struct Fetched {
    schemas: Vec<rows::SchemaRow>,
    tables: Vec<rows::TableRow>,
    columns: Vec<rows::ColumnRow>,
    indexes: Vec<rows::IndexRow>,
    views: Vec<rows::ViewRow>,
    functions: Vec<rows::FunctionRow>,
    triggers: Vec<rows::TriggerRow>,
    policies: Vec<rows::PolicyRow>,
    sequences: Vec<rows::SequenceRow>,
    types: Vec<rows::TypeRow>,
    extensions: Vec<rows::ExtensionRow>,
    grants: Vec<rows::GrantRow>,
}

/// Runs the queries in one transaction, handing each kind's DDL to the parsing threads as soon
/// as its rows are in, so parsing overlaps the server's work on the next queries. The order
/// puts the kinds that are slow to parse first.
fn fetch(
    client: &mut Client,
    opts: &IntrospectOptions,
    out: &mut Chunker,
) -> Result<Fetched, IntrospectError> {
    let (mut tx, version) = open_snapshot(client)?;
    let schemas = rows::schemas(&mut tx, &opts.schemas)?;
    let names: Vec<String> = schemas.iter().map(|s| s.name.clone()).collect();

    let views = rows::views(&mut tx, &names)?;
    for v in &views {
        out.push(script::view(v)?);
    }
    out.flush();
    let functions = rows::functions(&mut tx, &names)?;
    for r in &functions {
        out.push(script::function(r)?);
    }
    out.flush();
    let types = rows::types(&mut tx, &names)?;
    for t in &types {
        out.push(script::type_def(t)?);
    }
    let sequences = rows::sequences(&mut tx, &names)?;
    for s in &sequences {
        for statement in script::sequence(s) {
            out.push(statement);
        }
    }
    out.flush();
    let (tables, columns) = fetch_tables(&mut tx, &names, out)?;
    let policies = rows::policies(&mut tx, &names)?;
    for p in &policies {
        out.push(script::policy(p)?);
    }
    out.flush();
    let indexes = rows::indexes(&mut tx, &names, version.version_num)?;
    for i in &indexes {
        out.push(script::index(i));
    }
    out.flush();
    let triggers = rows::triggers(&mut tx, &names)?;
    for t in &triggers {
        out.push(script::trigger(t));
    }
    out.flush();
    // Kept as text by the loader (never planned), read back so a round trip sees them.
    for o in rows::operators(&mut tx, &names)? {
        out.push(script::operator(&o));
    }
    out.flush();
    let extensions = rows::extensions(&mut tx)?;
    let grants = rows::grants(&mut tx, &names)?;
    tx.commit().map_err(|source| IntrospectError::Query {
        query: "commit",
        source,
    })?;
    Ok(Fetched {
        schemas,
        tables,
        columns,
        indexes,
        views,
        functions,
        triggers,
        policies,
        sequences,
        types,
        extensions,
        grants,
    })
}

/// Opens the snapshot every query reads (`REPEATABLE READ READ ONLY`, with the session
/// settings the queries need) and reads the server version, refusing one older than 13.
fn open_snapshot(
    client: &mut Client,
) -> Result<(Transaction<'_>, rows::VersionRow), IntrospectError> {
    let begin = |source| IntrospectError::Query {
        query: "begin",
        source,
    };
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(begin)?;
    // Qualified names everywhere; enough memory that sorting the columns never spills; no JIT:
    // on a large catalog the estimated costs pass `jit_above_cost`, and compiling the catalog
    // queries took longer than running them (libLLVM was 7% of a plan benchmark's samples).
    tx.batch_execute(
        "SET LOCAL search_path = pg_catalog; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off",
    )
    .map_err(begin)?;
    let version = rows::version(&mut tx)?;
    if version.version_num < 130_000 {
        return Err(IntrospectError::UnsupportedVersion {
            version: version.version_num,
        });
    }
    Ok((tx, version))
}

/// Tables with their columns, then their constraints, handed to the parsing threads; returns
/// the table and column rows.
fn fetch_tables(
    tx: &mut Transaction<'_>,
    names: &[String],
    out: &mut Chunker,
) -> Result<(Vec<rows::TableRow>, Vec<rows::ColumnRow>), IntrospectError> {
    let tables = rows::tables(tx, names)?;
    let columns = rows::columns(tx, names)?;
    let mut by_table: BTreeMap<u32, Vec<&rows::ColumnRow>> = BTreeMap::new();
    for c in &columns {
        by_table.entry(c.table_oid).or_default().push(c);
    }
    for t in &tables {
        out.push(script::table(
            t,
            by_table.get(&t.oid).map_or(&[][..], Vec::as_slice),
        )?);
    }
    out.flush();
    let constraints = rows::constraints(tx, names)?;
    let by_oid: BTreeMap<u32, &rows::TableRow> = tables.iter().map(|t| (t.oid, t)).collect();
    for k in &constraints {
        if let Some(t) = by_oid.get(&k.table_oid) {
            out.push(script::constraint(t, k)?);
        }
    }
    out.flush();
    Ok((tables, columns))
}

/// A piece of the DDL script, parsed by a worker thread.
struct Chunk {
    file: FileId,
    text: String,
    /// Where each statement starts, and the object it describes (for error messages).
    starts: Vec<(usize, String)>,
    parsed: ParsedFile,
}

/// Cuts the script into chunks of about [`Chunker::TARGET`] bytes and sends them to the
/// parsing threads. Small chunks spread the work evenly and keep the parser's allocations
/// small.
struct Chunker {
    send: mpsc::Sender<Chunk>,
    current: Chunk,
    next_file: u32,
}

impl Chunker {
    const TARGET: usize = 64 * 1024;

    fn new(send: mpsc::Sender<Chunk>) -> Self {
        Chunker {
            send,
            current: Chunker::empty(FileId(0)),
            next_file: 1,
        }
    }

    fn empty(file: FileId) -> Chunk {
        Chunk {
            file,
            text: String::new(),
            starts: Vec::new(),
            parsed: ParsedFile::default(),
        }
    }

    fn push(&mut self, s: script::Statement) {
        self.current
            .starts
            .push((self.current.text.len(), s.object));
        self.current.text.push_str(&s.sql);
        self.current.text.push_str(";\n");
        if self.current.text.len() >= Self::TARGET {
            self.flush();
        }
    }

    /// Sends what has been collected (a kind's last statements) to the parsers.
    fn flush(&mut self) {
        if self.current.text.is_empty() {
            return;
        }
        let next = Chunker::empty(FileId(self.next_file));
        self.next_file += 1;
        let chunk = std::mem::replace(&mut self.current, next);
        // The workers only stop when the sender is dropped, so sending cannot fail while this
        // chunker lives; a failure would mean a worker panicked, and the chunk is then lost
        // and reported as missing objects rather than as a second panic.
        let _ = self.send.send(chunk);
    }
}

impl Drop for Chunker {
    fn drop(&mut self) {
        self.flush();
    }
}

fn assemble(f: &Fetched, chunks: &[Chunk]) -> Result<Catalog, IntrospectError> {
    for chunk in chunks {
        if let Some(d) = chunk
            .parsed
            .diagnostics
            .iter()
            .find(|d| d.rule == SYNTAX_ERROR)
        {
            let at = d.span.map_or(0, |s| s.start as usize);
            let object = chunk
                .starts
                .iter()
                .take_while(|(start, _)| *start <= at)
                .last()
                .map_or_else(String::new, |(_, o)| o.clone());
            return Err(IntrospectError::Unparsable {
                object,
                message: d.message.clone(),
            });
        }
    }
    let inputs: Vec<Input<'_>> = chunks
        .iter()
        .map(|c| Input {
            file: c.file,
            text: &c.text,
            statements: &c.parsed.statements,
            external_owner: None,
        })
        .collect();
    let (mut catalog, _diagnostics) = build_catalog(&inputs, "public");
    // Spans point into the generated script, which nobody can open: drop them.
    catalog.clear_object_spans();
    annotate(&mut catalog, f);
    Ok(catalog)
}

fn meta(owner: Option<&str>, comment: Option<&String>) -> Meta {
    Meta {
        owner: owner.map(str::to_owned),
        comment: comment.cloned(),
        ..Meta::default()
    }
}

/// Sets what comes straight from the rows: schemas, extensions, RLS flags, owners, comments,
/// grants.
fn annotate(c: &mut Catalog, f: &Fetched) {
    add_schemas_and_extensions(c, f);
    annotate_tables(c, f);
    annotate_views_indexes_sequences(c, f);
    annotate_types_and_routines(c, f);
    annotate_triggers_and_policies(c, f);
    add_grants(c, f);
}

/// Schemas and extensions, which come from the rows alone.
fn add_schemas_and_extensions(c: &mut Catalog, f: &Fetched) {
    for s in &f.schemas {
        c.schemas.insert(
            s.name.clone(),
            Schema {
                name: s.name.clone(),
                meta: meta(Some(&s.owner), s.comment.as_ref()),
            },
        );
    }
    for x in &f.extensions {
        c.extensions.insert(
            x.name.clone(),
            Extension {
                name: x.name.clone(),
                schema: Some(x.schema.clone()),
                version: Some(x.version.clone()),
                meta: meta(None, x.comment.as_ref()),
            },
        );
    }
}

/// Tables' RLS flags, owners and comments, and their columns' comments.
fn annotate_tables(c: &mut Catalog, f: &Fetched) {
    let columns_by_table: BTreeMap<u32, Vec<&rows::ColumnRow>> =
        f.columns.iter().fold(BTreeMap::new(), |mut m, col| {
            m.entry(col.table_oid).or_insert_with(Vec::new).push(col);
            m
        });
    for t in &f.tables {
        let Some(table) = c
            .tables
            .get_mut(&QualifiedName::new(t.schema.clone(), t.name.clone()))
        else {
            continue;
        };
        table.rls_enabled = t.rls_enabled;
        table.rls_forced = t.rls_forced;
        table.meta.owner = Some(t.owner.clone());
        table.meta.comment.clone_from(&t.comment);
        for col in columns_by_table.get(&t.oid).into_iter().flatten() {
            if let Some(column) = table.column_mut(&col.name) {
                column.comment.clone_from(&col.comment);
            }
        }
    }
}

/// Owners and comments of views and materialized views, indexes (with `NULLS NOT DISTINCT`)
/// and sequences.
fn annotate_views_indexes_sequences(c: &mut Catalog, f: &Fetched) {
    for v in &f.views {
        let name = QualifiedName::new(v.schema.clone(), v.name.clone());
        if let Some(view) = c
            .views
            .get_mut(&name)
            .or(c.materialized_views.get_mut(&name))
        {
            view.meta.owner = Some(v.owner.clone());
            view.meta.comment.clone_from(&v.comment);
        }
    }
    for i in &f.indexes {
        if let Some(index) = c
            .indexes
            .get_mut(&QualifiedName::new(i.schema.clone(), i.name.clone()))
        {
            index.nulls_not_distinct = i.nulls_not_distinct;
            index.meta.comment.clone_from(&i.comment);
        }
    }
    for s in &f.sequences {
        if let Some(seq) = c
            .sequences
            .get_mut(&QualifiedName::new(s.schema.clone(), s.name.clone()))
        {
            seq.meta.owner = Some(s.owner.clone());
            seq.meta.comment.clone_from(&s.comment);
        }
    }
}

/// Owners and comments of types and routines.
fn annotate_types_and_routines(c: &mut Catalog, f: &Fetched) {
    for t in &f.types {
        if let Some(ty) = c
            .types
            .get_mut(&QualifiedName::new(t.schema.clone(), t.name.clone()))
        {
            ty.meta.owner = Some(t.owner.clone());
            ty.meta.comment.clone_from(&t.comment);
            // The loader's default grant stands for a NULL ACL; grants.sql says what is there.
            ty.meta.grants.clear();
        }
    }
    for r in &f.functions {
        if let Some(func) = c
            .functions
            .get_mut(&function_key(&r.schema, &r.name, &r.input_types))
        {
            func.meta.owner = Some(r.owner.clone());
            func.meta.comment.clone_from(&r.comment);
            // The loader's default grant stands for a NULL ACL; grants.sql says what is there.
            func.meta.grants.clear();
        }
    }
}

/// Comments of triggers and policies.
fn annotate_triggers_and_policies(c: &mut Catalog, f: &Fetched) {
    for t in &f.triggers {
        let key = (
            QualifiedName::new(t.schema.clone(), t.table_name.clone()),
            t.name.clone(),
        );
        if let Some(trigger) = c.triggers.get_mut(&key) {
            trigger.meta.comment.clone_from(&t.comment);
        }
    }
    for p in &f.policies {
        let key = (
            QualifiedName::new(p.schema.clone(), p.table_name.clone()),
            p.name.clone(),
        );
        if let Some(policy) = c.policies.get_mut(&key) {
            policy.meta.comment.clone_from(&p.comment);
        }
    }
}

/// The grants read by `grants.sql`, in the loader's order.
fn add_grants(c: &mut Catalog, f: &Fetched) {
    for g in &f.grants {
        let Some(meta) = grant_target(c, g) else {
            continue;
        };
        meta.grants.push(Grant {
            grantee: g.grantee.clone(),
            privilege: g.privilege.clone(),
            column: g.column_name.clone(),
            with_grant_option: g.grantable,
        });
    }
    sort_grants(c);
}

/// The catalog key of a routine: as [`crate::catalog::identity`] builds it from a declaration.
fn function_key(schema: &str, name: &str, input_types: &[String]) -> String {
    format!(
        "{}({})",
        QualifiedName::new(schema, name),
        input_types.join(", ")
    )
}

fn grant_target<'c>(c: &'c mut Catalog, g: &rows::GrantRow) -> Option<&'c mut Meta> {
    let name = QualifiedName::new(g.schema.clone(), g.name.clone());
    match g.object_kind.as_str() {
        "schema" => c.schemas.get_mut(&g.name).map(|s| &mut s.meta),
        "relation" | "column" => {
            if let Some(t) = c.tables.get_mut(&name) {
                Some(&mut t.meta)
            } else if let Some(v) = c.views.get_mut(&name) {
                Some(&mut v.meta)
            } else if let Some(v) = c.materialized_views.get_mut(&name) {
                Some(&mut v.meta)
            } else {
                c.sequences.get_mut(&name).map(|s| &mut s.meta)
            }
        }
        "routine" => c
            .functions
            .get_mut(&function_key(&g.schema, &g.name, &g.input_types))
            .map(|f| &mut f.meta),
        "type" => c.types.get_mut(&name).map(|t| &mut t.meta),
        _ => None,
    }
}

fn sort_grants(c: &mut Catalog) {
    let metas = c
        .schemas
        .values_mut()
        .map(|s| &mut s.meta)
        .chain(c.tables.values_mut().map(|t| &mut t.meta))
        .chain(c.views.values_mut().map(|v| &mut v.meta))
        .chain(c.materialized_views.values_mut().map(|v| &mut v.meta))
        .chain(c.sequences.values_mut().map(|s| &mut s.meta))
        .chain(c.functions.values_mut().map(|f| &mut f.meta))
        .chain(c.types.values_mut().map(|t| &mut t.meta));
    for m in metas {
        m.grants.sort();
    }
}

/// Indexes left INVALID (`pg_index.indisvalid = false`) in the managed schemas (every
/// non-system schema when `schemas` is empty), typically by a `CREATE INDEX CONCURRENTLY` that
/// failed or was killed. Indexes being built right now by another session are left out.
pub fn invalid_indexes(
    client: &mut Client,
    schemas: &[String],
) -> Result<Vec<QualifiedName>, IntrospectError> {
    let rows = client
        .query(
            "SELECT n.nspname::text, c.relname::text \
             FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE NOT i.indisvalid \
               AND CASE WHEN cardinality($1::text[]) = 0 \
                        THEN n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' \
                        ELSE n.nspname = ANY ($1::text[]) END \
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p \
                               WHERE p.index_relid = i.indexrelid) \
             ORDER BY 1, 2",
            &[&schemas],
        )
        .map_err(|source| IntrospectError::Query {
            query: "invalid_indexes",
            source,
        })?;
    Ok(rows
        .iter()
        .map(|r| QualifiedName::new(r.get::<_, String>(0), r.get::<_, String>(1)))
        .collect())
}
