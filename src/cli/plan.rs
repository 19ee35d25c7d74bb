//! `schema-plan`: diff the desired state against a live database (or another desired state,
//! or an empty embedded database) and print an ordered, hazard-annotated plan.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use super::ExitStatus;
use super::inputs::SchemaInputs;
use super::plan_output::{self, Rendering, definition_diff::definitions_of};
use crate::catalog::Catalog;
use crate::config::ConfigFile;
use crate::db::{ConnectOptions, connect};
use crate::diff::{Change, DiffOptions, check_externals, diff};
use crate::elaborate::{ElaborateOptions, Report, Shadow, elaborate_with_fallback};
use crate::error::Error;
use crate::introspect::{IntrospectOptions, introspect};
use crate::plan::backfill::{DataStep, DataSteps, parse_column, tables_to_check};
use crate::plan::hazard::RowCounts;
use crate::plan::{Plan, PlanOptions, fingerprint, plan_diff};
use crate::project::{LoadOptions, Project};

/// Plan output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// A summary, then each step with its SQL and hazards.
    Human,
    /// The statements, with `-- hazard:` comments.
    Sql,
    /// The plan JSON.
    Json,
    /// A pull-request comment: summary, highlighted hazards, SQL and definition diffs.
    Markdown,
}

/// `schema-plan` arguments.
#[derive(Debug, Parser)]
#[command(
    name = "schema-plan",
    version,
    about = "Plan the migration from a live database (or another desired state) to the declarative schema",
    after_help = "Exit status: 0 planned, 1 changes found with --fail-on-changes or the plan failed --validate, 2 bad input or environment.\n\nWith neither --database-url nor --from, the plan is made against an empty database in an embedded throwaway cluster."
)]
pub struct PlanArgs {
    /// The desired state: schema paths, externals, ignores, configuration file.
    #[command(flatten)]
    pub schema: SchemaInputs,
    /// Database to plan against (libpq URI or keyword string).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Plan from another desired state (a directory of .sql files) instead of a database.
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub from: Option<PathBuf>,
    /// Server for a temporary shadow database (created, then dropped) where definitions are
    /// elaborated when the target refuses temporary objects; default: an embedded throwaway
    /// cluster. Same major version as the target.
    #[arg(long, value_name = "URL", conflicts_with = "from")]
    pub dev_url: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Also write the plan JSON to this file (for `schema-apply --plan`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 1 when the plan has steps.
    #[arg(long)]
    pub fail_on_changes: bool,
    /// Data step for a NOT NULL column the plan adds or enforces (repeatable):
    /// `[SCHEMA.]TABLE.COLUMN=FILE`, a SQL file that fills the column in every row. Overrides
    /// `[plan.backfill]` in schema.toml for that column.
    #[arg(long, value_name = "COLUMN=FILE")]
    pub backfill: Vec<String>,
    /// Say for each step why it is where it is (human and markdown output).
    #[arg(long)]
    pub explain: bool,
    /// Prove the plan on a copy: restore the target's schema with a few sample rows per
    /// table in the embedded cluster (or on --dev-url), apply the plan there, plan again
    /// (must be empty) and check the rows survived. Exit 1 when it fails.
    #[arg(long, conflicts_with = "from")]
    pub validate: bool,
    /// Rows sampled per table by --validate (plus the rows their foreign keys reference).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "validate")]
    pub validate_rows: usize,
}

/// Runs `schema-plan`.
pub fn run(args: PlanArgs) -> Result<ExitStatus, Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_to(args, &mut out)
}

pub(crate) fn load(
    paths: Vec<PathBuf>,
    external: Vec<PathBuf>,
    config: &ConfigFile,
) -> Result<Project, Error> {
    let project = Project::load(&LoadOptions {
        paths,
        external,
        external_owners: config
            .external_owners
            .iter()
            .map(|(p, o)| (PathBuf::from(p), o.clone()))
            .collect(),
        default_schema: "public".to_owned(),
    })?;
    if let Some(d) = project
        .diagnostics
        .iter()
        .find(|d| d.rule == crate::parse::SYNTAX_ERROR)
    {
        return Err(Error::Usage(format!(
            "the schema does not parse: {}",
            d.message
        )));
    }
    Ok(project)
}

/// Runs `schema-plan`, writing to `out`.
pub fn run_to(args: PlanArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    crate::timing::mark("start");
    let (config, config_path) = ConfigFile::discover(args.schema.config.as_deref())?;
    let data_steps = data_steps(&args.backfill, &config, config_path.as_deref())?;
    let paths = args.schema.paths(&config);
    let external = args.schema.external(&config);
    // Against a database whose schemas are all read, the target is read while the files load.
    let (desired, mut read_ahead) = match (&args.from, &args.database_url) {
        (None, Some(url)) if config.schemas.is_empty() => {
            let client = connect(&ConnectOptions::with_process_env(Some(url.clone())))?;
            let (desired, client, target) =
                load_while_reading(client, paths, external.clone(), &config)?;
            (desired, Some((client, target)))
        }
        _ => (load(paths, external.clone(), &config)?.catalog, None),
    };
    let ignore = args.schema.ignore(&config);
    let diff_opts = DiffOptions::new(&ignore, &config.schemas)
        .map_err(|e| Error::Usage(format!("bad --ignore pattern: {e}")))?;
    let shadow = match &args.dev_url {
        Some(url) => Shadow::DevUrl(url.clone()),
        None => Shadow::Embedded,
    };
    let mut note = None;
    // --validate against a database: the embedded cluster starts while the plan is computed.
    // A database on a --dev-url server is only created once it is needed, so that an error
    // cannot leave it behind; without --database-url the planning cluster is reused.
    let early_scratch =
        (args.validate && args.database_url.is_some() && shadow == Shadow::Embedded).then(|| {
            std::thread::spawn(|| crate::validate::scratch::Scratch::create(&Shadow::Embedded))
        });
    // The target and what keeps it alive, for --validate.
    let mut target_client: Option<postgres::Client> = None;
    let mut embedded: Option<crate::shadow::Cluster> = None;
    let planned = if let Some(dir) = &args.from {
        // Both sides were written by people: a different tree is a real change.
        let current = load(vec![dir.clone()], external, &config)?.catalog;
        let diff = diff(&current, &desired, &diff_opts);
        let plan = plan_diff(
            &diff,
            &PlanOptions {
                diff: diff_opts.clone(),
                rows: None,
                data_steps: data_steps.clone(),
                target_fingerprint: None,
            },
        )?;
        let (changes, renamed_current) = diff.into_changes_and_renamed();
        TargetPlan {
            plan,
            changes,
            renamed_current,
            current,
            elaboration: None,
        }
    } else {
        let target = TargetOptions {
            schemas: &config.schemas,
            diff: &diff_opts,
            data_steps: &data_steps,
            shadow: &shadow,
        };
        if let Some((mut client, current)) = read_ahead.take() {
            let planned = plan_against_target(&mut client, &desired, Some(current), &target)?;
            target_client = Some(client);
            planned
        } else if let Some(url) = &args.database_url {
            let mut client = connect(&ConnectOptions::with_process_env(Some(url.clone())))?;
            let planned = plan_against_target(&mut client, &desired, None, &target)?;
            target_client = Some(client);
            planned
        } else {
            let cluster = crate::shadow::Cluster::start(&crate::shadow::ClusterOptions::default())?;
            let db = cluster.create_database("plan")?;
            let mut client = cluster.connect(&db)?;
            let n = create_externals(&mut client, &desired)?;
            note = Some(format!(
                "Planned against an empty database in an embedded throwaway PostgreSQL {} cluster{}.",
                cluster.major_version(),
                if n > 0 {
                    format!(" (the {n} declared external tables were created in it first)")
                } else {
                    String::new()
                }
            ));
            let planned = plan_against_target(&mut client, &desired, None, &target)?;
            target_client = Some(client);
            embedded = Some(cluster);
            planned
        }
    };
    if let Some(line) = planned.elaboration.as_ref().and_then(elaboration_note) {
        note = Some(match note {
            Some(n) => format!("{n}\n{line}"),
            None => line,
        });
    }
    // Kept until the output is written: dropping it stops a cluster or drops a database.
    let mut scratch = None;
    let validation = match (args.validate, target_client.as_mut()) {
        (true, Some(client)) => {
            // The time --validate adds: waiting for the cluster, then the validation.
            let started = std::time::Instant::now();
            let ready = match (early_scratch, embedded.take()) {
                (Some(thread), _) => match thread.join() {
                    Ok(s) => s?,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                (None, Some(cluster)) if shadow == Shadow::Embedded => {
                    crate::validate::scratch::Scratch::in_cluster(cluster)?
                }
                (None, cluster) => {
                    embedded = cluster;
                    crate::validate::scratch::Scratch::create(&shadow)?
                }
            };
            let scratch = scratch.insert(ready);
            let target = TargetOptions {
                schemas: &config.schemas,
                diff: &diff_opts,
                data_steps: &data_steps,
                shadow: &shadow,
            };
            Some(validate_on_copy(
                client,
                &planned,
                &desired,
                &target,
                (scratch, started),
                args.validate_rows,
            )?)
        }
        _ => None,
    };
    let p = &planned.plan;
    if let Some(file) = &args.out {
        let file_json = crate::plan::file::PlanFile {
            plan: p.clone(),
            schemas: config.schemas.clone(),
            ignore: ignore.clone(),
        }
        .to_json();
        let text = serde_json::to_string_pretty(&file_json).unwrap_or_default();
        std::fs::write(file, text + "\n").map_err(|source| Error::Write {
            path: file.clone(),
            source,
        })?;
    }
    match args.format {
        PlanFormat::Human | PlanFormat::Markdown => {
            let renamed = planned.renamed_current.as_ref().unwrap_or(&planned.current);
            let definitions = definitions_of(&planned.changes, renamed);
            let r = Rendering {
                plan: p,
                definitions: &definitions,
                note: note.as_deref(),
                explain: args.explain,
                color: args.format == PlanFormat::Human && super::color_enabled(),
            };
            if args.format == PlanFormat::Human {
                plan_output::human::write(out, &r)?;
                if let Some(v) = &validation {
                    writeln!(out)?;
                    for l in crate::validate::report::lines(v) {
                        writeln!(out, "{l}")?;
                    }
                }
            } else {
                plan_output::markdown::write(out, &r)?;
                if let Some(v) = &validation {
                    writeln!(out, "\n### Validation\n\n```")?;
                    for l in crate::validate::report::lines(v) {
                        writeln!(out, "{l}")?;
                    }
                    writeln!(out, "```")?;
                }
            }
        }
        PlanFormat::Sql => {
            write_sql(out, p)?;
            if let Some(v) = &validation {
                for l in crate::validate::report::lines(v) {
                    writeln!(out, "-- {l}")?;
                }
            }
        }
        PlanFormat::Json => {
            let mut json = p.to_json();
            if let (Some(v), Some(obj)) = (&validation, json.as_object_mut()) {
                obj.insert("validation".to_owned(), crate::validate::report::json(v));
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )?;
        }
    }
    crate::timing::mark("written");
    drop(scratch);
    drop(embedded);
    let failed = validation.as_ref().is_some_and(|v| !v.ok());
    Ok(if failed || (args.fail_on_changes && !p.steps.is_empty()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `--validate`: proves the plan on a copy of the target (see [`crate::validate`]); the copy
/// is planned again by [`plan_against_target`], like the target was.
fn validate_on_copy(
    target: &mut postgres::Client,
    planned: &TargetPlan,
    desired: &Catalog,
    opts: &TargetOptions<'_>,
    (scratch, started): (&mut crate::validate::scratch::Scratch, std::time::Instant),
    rows_per_table: usize,
) -> Result<crate::validate::Validation, Error> {
    let mut replan = |copy: &mut postgres::Client| {
        plan_against_target(copy, desired, None, opts)
            .map(|again| (again.plan, again.current))
            .map_err(|e| e.to_string())
    };
    Ok(crate::validate::validate_in(
        scratch,
        started,
        target,
        &planned.current,
        &planned.plan,
        &crate::validate::ValidateOptions {
            scratch: opts.shadow.clone(),
            rows_per_table,
            schemas: read_schemas(desired, opts.schemas),
            diff: opts.diff.clone(),
            renames: crate::validate::survive::Renames::of(&planned.changes),
        },
        &mut replan,
    )?)
}

/// What planning against a live target needs besides the two catalogs.
pub(crate) struct TargetOptions<'a> {
    /// Managed schemas (`schema.toml`); empty means every schema.
    pub schemas: &'a [String],
    /// What the diff compares.
    pub diff: &'a DiffOptions,
    /// Data steps for `needs-backfill` columns.
    pub data_steps: &'a DataSteps,
    /// Where to elaborate when the target refuses temporary objects.
    pub shadow: &'a Shadow,
}

/// A plan, with what it was computed from (for the renderings).
pub(crate) struct TargetPlan {
    /// The plan.
    pub plan: Plan,
    /// The diff's changes, before dependents to rebuild were added.
    pub changes: Vec<Change>,
    /// The target after the rename hints, when any applied (else it is `current`): the
    /// changes name objects by their new names.
    pub renamed_current: Option<Catalog>,
    /// The target as introspected (or the other directory).
    pub current: Catalog,
    /// What elaboration settled (against a database).
    pub elaboration: Option<Report>,
}

/// The one way to plan against a live database, shared by `schema-plan` and `schema-apply`
/// (on-the-spot plans and verification): introspect the target (unless `read_ahead` holds
/// it) and check its externals, elaborate the desired definitions on it (or a shadow), find
/// which tables gaining a NOT NULL column have rows, and plan.
pub(crate) fn plan_against_target(
    client: &mut postgres::Client,
    desired: &Catalog,
    read_ahead: Option<Catalog>,
    opts: &TargetOptions<'_>,
) -> Result<TargetPlan, Error> {
    let current = match read_ahead {
        Some(current) => check_target(desired, current)?,
        None => read_target(client, desired, opts.schemas)?,
    };
    let mut desired = desired.clone();
    // Elaboration mostly waits for the server: the target's fingerprint is taken meanwhile.
    let (elaboration, target_fingerprint) = std::thread::scope(|s| {
        let printer = std::thread::Builder::new()
            .stack_size(crate::project::DEEP_STACK)
            .spawn_scoped(s, || fingerprint(&current))
            .ok();
        let elaboration = elaborate_with_fallback(
            client,
            opts.shadow,
            &mut desired,
            &current,
            &ElaborateOptions::default(),
        );
        let print = printer.and_then(|p| p.join().ok());
        (elaboration, print)
    });
    let elaboration = elaboration?;
    crate::timing::mark("elaborated (and target fingerprinted)");
    let diff = diff(&current, &desired, opts.diff);
    crate::timing::mark("diffed");
    let rows = check_rows(client, &tables_to_check(&diff.changes, &current));
    crate::timing::mark("rows checked");
    let plan = plan_diff(
        &diff,
        &PlanOptions {
            diff: opts.diff.clone(),
            rows: Some(rows),
            data_steps: opts.data_steps.clone(),
            target_fingerprint,
        },
    )?;
    crate::timing::mark("planned");
    let (changes, renamed_current) = diff.into_changes_and_renamed();
    Ok(TargetPlan {
        plan,
        changes,
        renamed_current,
        current,
        elaboration: Some(elaboration),
    })
}

/// One line on what elaboration settled, when it had anything to do.
fn elaboration_note(r: &Report) -> Option<String> {
    if r.settled_by_normalisation == 0 && r.in_doubt == 0 {
        return None;
    }
    Some(format!(
        "Definitions PostgreSQL prints in its own way: {} equal once normalised, {} of {} more printed identically by {} ({} ms).",
        r.settled_by_normalisation,
        r.settled_by_server,
        r.in_doubt,
        r.server,
        r.elapsed.as_millis()
    ))
}

/// Whether the tables that gain a NOT NULL column have rows. When the target cannot say (no
/// privilege, a lock held too long), nothing is known and the plan assumes rows.
fn check_rows(
    client: &mut postgres::Client,
    tables: &[(crate::catalog::QualifiedName, crate::catalog::QualifiedName)],
) -> RowCounts {
    crate::db::rows::table_rows(client, tables).unwrap_or_else(|e| {
        let e = e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned());
        eprintln!(
            "schema-plan: could not check which tables have rows ({e}); assuming they have some"
        );
        RowCounts::default()
    })
}

/// The data steps of `--backfill` and `[plan.backfill]` (flags win), each file read now so
/// that the plan carries its SQL. A bad column name or an unreadable file is bad input.
pub(crate) fn data_steps(
    flags: &[String],
    config: &ConfigFile,
    config_path: Option<&std::path::Path>,
) -> Result<DataSteps, Error> {
    let mut named: Vec<(String, PathBuf, String)> = Vec::new();
    let base = config_path
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_owned)
        .unwrap_or_default();
    let from_config = config.plan_backfill().map_err(|message| Error::Config {
        path: config_path
            .map(std::path::Path::to_owned)
            .unwrap_or_default(),
        message,
    })?;
    for (column, file) in from_config {
        let shown = file.display().to_string();
        named.push((column, base.join(file), shown));
    }
    for flag in flags {
        let Some((column, file)) = flag.split_once('=') else {
            return Err(Error::Usage(format!(
                "--backfill {flag}: expected [SCHEMA.]TABLE.COLUMN=FILE"
            )));
        };
        named.push((column.to_owned(), PathBuf::from(file), file.to_owned()));
    }
    let mut out = DataSteps::new();
    for (column, path, shown) in named {
        let key = parse_column(&column, "public")
            .map_err(|e| Error::Usage(format!("backfill column {e}")))?;
        let sql = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if sql.trim().is_empty() {
            return Err(Error::Usage(format!(
                "data step {shown} for {column} is empty"
            )));
        }
        out.insert(key, DataStep { source: shown, sql });
    }
    Ok(out)
}

/// Loads the desired state on this thread while another connects to the target and reads all
/// its schemas: the two take about as long and do not depend on each other.
fn load_while_reading(
    mut client: postgres::Client,
    paths: Vec<PathBuf>,
    external: Vec<PathBuf>,
    config: &ConfigFile,
) -> Result<(Catalog, postgres::Client, Catalog), Error> {
    let read = move || -> Result<(postgres::Client, Catalog), Error> {
        let target = introspect(
            &mut client,
            &IntrospectOptions {
                schemas: Vec::new(),
                threads: 0,
            },
        )?;
        Ok((client, target))
    };
    std::thread::scope(|s| {
        let reader = std::thread::Builder::new()
            .stack_size(crate::project::DEEP_STACK)
            .spawn_scoped(s, read)
            .map_err(Error::Output)?;
        let desired = load(paths, external, config);
        crate::timing::mark("files loaded");
        let target = match reader.join() {
            Ok(target) => target,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (client, target) = target?;
        crate::timing::mark("target introspected");
        Ok((desired?.catalog, client, target))
    })
}

/// Checks the declared external tables against the target's catalog.
fn check_target(desired: &Catalog, current: Catalog) -> Result<Catalog, Error> {
    let problems = check_externals(desired, &current);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        return Err(Error::Usage(lines.join("\n")));
    }
    Ok(current)
}

/// Introspects the target (managed schemas plus those of the external tables) and checks the
/// declared external tables against it.
pub(crate) fn read_target(
    client: &mut postgres::Client,
    desired: &Catalog,
    managed: &[String],
) -> Result<Catalog, Error> {
    let schemas = read_schemas(desired, managed);
    let mut current = introspect(
        client,
        &IntrospectOptions {
            schemas: schemas.clone(),
            threads: 0,
        },
    )?;
    // An index left INVALID by a failed or killed `CREATE INDEX CONCURRENTLY` is not there
    // for the planner: if the desired state has it, it is built again (apply drops the
    // invalid one first).
    for name in crate::introspect::invalid_indexes(client, &schemas)? {
        if desired.indexes.contains_key(&name) {
            current.indexes.remove(&name);
        }
    }
    let problems = check_externals(desired, &current);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        return Err(Error::Usage(lines.join("\n")));
    }
    Ok(current)
}

/// The schemas a target is read from: the managed ones plus those of the external tables
/// (none: all of them).
fn read_schemas(desired: &Catalog, managed: &[String]) -> Vec<String> {
    let mut schemas: Vec<String> = managed.to_vec();
    if !schemas.is_empty() {
        for n in desired.externals.keys() {
            if !schemas.contains(&n.schema) {
                schemas.push(n.schema.clone());
            }
        }
    }
    schemas
}

/// Creates the declared external tables (and their schemas) in a scratch database.
fn create_externals(client: &mut postgres::Client, desired: &Catalog) -> Result<usize, Error> {
    let mut sql = String::new();
    let schemas: std::collections::BTreeSet<&str> = desired
        .externals
        .keys()
        .map(|n| n.schema.as_str())
        .filter(|s| *s != "public")
        .collect();
    for s in schemas {
        sql.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS {};\n",
            crate::catalog::names::quote_ident(s)
        ));
    }
    for t in desired.externals.values() {
        sql.push_str(&crate::ddl::create_table(t, false));
    }
    client.batch_execute(&sql).map_err(|e| {
        Error::Usage(format!(
            "cannot create the external tables in the scratch database: {e}"
        ))
    })?;
    Ok(desired.externals.len())
}

fn write_sql(out: &mut dyn Write, p: &Plan) -> std::io::Result<()> {
    for s in &p.steps {
        for h in &s.hazards {
            writeln!(out, "-- hazard: {}: {}", h.kind, h.message)?;
        }
        if s.runs_before_transaction() {
            writeln!(
                out,
                "-- not transactional: run on its own, before the transactional steps"
            )?;
        } else if !s.transactional {
            writeln!(out, "-- not transactional: run on its own")?;
        }
        writeln!(out, "{}\n", s.sql)?;
    }
    Ok(())
}
