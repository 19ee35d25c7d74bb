//! `schema-plan`: diff the desired state against a live database (or another desired state,
//! or an empty embedded database) and print an ordered, hazard-annotated plan.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use super::ExitStatus;
use super::plan_output::{self, Rendering, definition_diff::definitions_of};
use crate::catalog::Catalog;
use crate::config::ConfigFile;
use crate::db::{ConnectOptions, connect};
use crate::diff::{DiffOptions, after_renames, check_externals};
use crate::error::Error;
use crate::introspect::{IntrospectOptions, introspect};
use crate::plan::{Plan, PlanOptions, plan_with_changes};
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
    after_help = "Exit status: 0 planned, 1 changes found with --fail-on-changes, 2 bad input or environment.\n\nWith neither --database-url nor --from, the plan is made against an empty database in an embedded throwaway cluster."
)]
pub struct PlanArgs {
    /// Schema files or directories of .sql files (default: `paths` in schema.toml, else schema/).
    pub paths: Vec<PathBuf>,
    /// Files or directories declaring external tables (repeatable; default: `external` in schema.toml).
    #[arg(long, value_name = "PATH")]
    pub external: Vec<PathBuf>,
    /// Glob of objects neither planned nor reported (repeatable), e.g. `knex_migrations*`.
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// Configuration file (default: ./schema.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database to plan against (libpq URI or keyword string).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Plan from another desired state (a directory of .sql files) instead of a database.
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub from: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Also write the plan JSON to this file (for `schema-apply --plan`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 1 when the plan has steps.
    #[arg(long)]
    pub fail_on_changes: bool,
    /// Say for each step why it is where it is (human and markdown output).
    #[arg(long)]
    pub explain: bool,
}

/// Runs `schema-plan`.
pub fn run(args: PlanArgs) -> Result<ExitStatus, Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_to(args, &mut out)
}

fn load(
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
    let (config, _path) = ConfigFile::discover(args.config.as_deref())?;
    let paths = if !args.paths.is_empty() {
        args.paths.clone()
    } else if !config.paths.is_empty() {
        config.paths.clone()
    } else {
        vec![PathBuf::from("schema")]
    };
    let external = if args.external.is_empty() {
        config.external.clone()
    } else {
        args.external.clone()
    };
    // Against a database whose schemas are all read, the target is read while the files load.
    let overlapped = match (&args.from, &args.database_url) {
        (None, Some(url)) if config.schemas.is_empty() => Some(load_while_reading(
            url,
            paths.clone(),
            external.clone(),
            &config,
        )?),
        _ => None,
    };
    let (desired, overlapped) = match overlapped {
        Some((desired, target)) => (desired, Some(target)),
        None => (load(paths, external.clone(), &config)?.catalog, None),
    };
    let ignore: Vec<String> = args.ignore.iter().chain(&config.ignore).cloned().collect();
    let diff_opts = DiffOptions::new(&ignore, &config.schemas)
        .map_err(|e| Error::Usage(format!("bad --ignore pattern: {e}")))?;
    let mut note = None;
    let current = if let Some(target) = overlapped {
        check_target(&desired, target)?
    } else if let Some(dir) = &args.from {
        load(vec![dir.clone()], external, &config)?.catalog
    } else if let Some(url) = &args.database_url {
        let mut client = connect(&ConnectOptions::with_process_env(Some(url.clone())))?;
        read_target(&mut client, &desired, &config.schemas)?
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
        read_target(&mut client, &desired, &config.schemas)?
    };
    let (p, changes) = plan_with_changes(
        &current,
        &desired,
        &PlanOptions {
            diff: diff_opts.clone(),
            rows: None,
        },
    )?;
    if let Some(file) = &args.out {
        let text = serde_json::to_string_pretty(&p.to_json()).unwrap_or_default();
        std::fs::write(file, text + "\n").map_err(|source| Error::Write {
            path: file.clone(),
            source,
        })?;
    }
    match args.format {
        PlanFormat::Human | PlanFormat::Markdown => {
            let renamed = after_renames(&current, &desired, &diff_opts);
            let definitions = definitions_of(&changes, &renamed);
            let r = Rendering {
                plan: &p,
                definitions: &definitions,
                note: note.as_deref(),
                explain: args.explain,
                color: args.format == PlanFormat::Human && super::color_enabled(),
            };
            if args.format == PlanFormat::Human {
                plan_output::human::write(out, &r)?;
            } else {
                plan_output::markdown::write(out, &r)?;
            }
        }
        PlanFormat::Sql => write_sql(out, &p)?,
        PlanFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&p.to_json()).unwrap_or_default()
        )?,
    }
    Ok(if args.fail_on_changes && !p.steps.is_empty() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Loads the desired state on this thread while another connects to the target and reads all
/// its schemas: the two take about as long and do not depend on each other.
fn load_while_reading(
    url: &str,
    paths: Vec<PathBuf>,
    external: Vec<PathBuf>,
    config: &ConfigFile,
) -> Result<(Catalog, Catalog), Error> {
    let url = url.to_owned();
    let read = move || -> Result<Catalog, Error> {
        let mut client = connect(&ConnectOptions::with_process_env(Some(url)))?;
        Ok(introspect(
            &mut client,
            &IntrospectOptions {
                schemas: Vec::new(),
                threads: 0,
            },
        )?)
    };
    std::thread::scope(|s| {
        let reader = std::thread::Builder::new()
            .stack_size(crate::project::DEEP_STACK)
            .spawn_scoped(s, read)
            .map_err(Error::Output)?;
        let desired = load(paths, external, config);
        let target = match reader.join() {
            Ok(target) => target,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Ok((desired?.catalog, target?))
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
fn read_target(
    client: &mut postgres::Client,
    desired: &Catalog,
    managed: &[String],
) -> Result<Catalog, Error> {
    let mut schemas: Vec<String> = managed.to_vec();
    if !schemas.is_empty() {
        for n in desired.externals.keys() {
            if !schemas.contains(&n.schema) {
                schemas.push(n.schema.clone());
            }
        }
    }
    let current = introspect(
        client,
        &IntrospectOptions {
            schemas,
            threads: 0,
        },
    )?;
    let problems = check_externals(desired, &current);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        return Err(Error::Usage(lines.join("\n")));
    }
    Ok(current)
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
        if !s.transactional {
            writeln!(out, "-- not transactional: run on its own")?;
        }
        writeln!(out, "{}\n", s.sql)?;
    }
    Ok(())
}
