//! `schema-plan`: diff the desired state against a live database (or another desired state,
//! or an empty embedded database) and print an ordered, hazard-annotated plan.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use super::ExitStatus;
use super::inputs::{SchemaInputs, data_steps, load};
use super::plan_output::{self, Rendering, definition_diff::definitions_of};
use crate::catalog::Catalog;
use crate::config::ConfigFile;
use crate::db::temporary::Shadow;
use crate::db::{ConnectOptions, connect};
use crate::diff::diff;
use crate::error::Error;
use crate::plan::{Plan, PlanOptions, plan_diff};
use crate::target::{
    TargetOptions, TargetPlan, create_externals, plan_against_target, read_all_while,
};
use crate::validate::ValidateError;
use crate::validate::scratch::Scratch;

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

/// Runs `schema-plan`, writing to `out`.
pub fn run_to(args: PlanArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    crate::timing::mark("start");
    let (config, config_path) = ConfigFile::discover(args.schema.config.as_deref())?;
    let data_steps = data_steps(&args.backfill, &config, config_path.as_deref())?;
    let paths = args.schema.paths(&config);
    let external = args.schema.external(&config);
    // Against a database whose schemas are all read, the target is read while the files load.
    let (desired, read_ahead) = match (&args.from, &args.database_url) {
        (None, Some(url)) if config.schemas.is_empty() => {
            let client = connect(&ConnectOptions::with_process_env(Some(url.clone())))?;
            let (desired, client, target) = read_all_while(client, || {
                let desired = load(paths, external.clone(), &config);
                crate::timing::mark("files loaded");
                desired
            })?;
            (desired?.catalog, Some((client, target)))
        }
        _ => (load(paths, external.clone(), &config)?.catalog, None),
    };
    let ignore = args.schema.ignore(&config);
    let opts = TargetOptions {
        schemas: config.schemas.clone(),
        diff: args.schema.diff_options(&config)?,
        data_steps,
        shadow: match &args.dev_url {
            Some(url) => Shadow::DevUrl(url.clone()),
            None => Shadow::Embedded,
        },
    };
    // --validate against a database: the embedded cluster starts while the plan is computed.
    // A database on a --dev-url server is only created once it is needed, so that an error
    // cannot leave it behind; without --database-url the planning cluster is reused.
    let early_scratch =
        (args.validate && args.database_url.is_some() && opts.shadow == Shadow::Embedded)
            .then(|| std::thread::spawn(|| Scratch::create(&Shadow::Embedded)));
    let mut planned = match &args.from {
        Some(dir) => plan_from_directory(dir, external, &config, &desired, &opts)?,
        None => plan_against_database(&args, &desired, read_ahead, &opts)?,
    };
    if let Some(line) = planned.target.elaboration_note() {
        planned.note = Some(match planned.note.take() {
            Some(n) => format!("{n}\n{line}"),
            None => line,
        });
    }
    // Kept until the output is written: dropping it stops a cluster or drops a database.
    let mut scratch = None;
    let validation = if args.validate {
        validate_on_copy(
            &mut planned,
            early_scratch,
            &mut scratch,
            &desired,
            &opts,
            &args,
        )?
    } else {
        None
    };
    if let Some(file) = &args.out {
        write_plan_file(file, &planned.target.plan, &config.schemas, &ignore)?;
    }
    write_output(out, &args, &planned, validation.as_ref())?;
    crate::timing::mark("written");
    drop(scratch);
    drop(planned.embedded.take());
    let failed = validation.as_ref().is_some_and(|v| !v.ok());
    let changed = !planned.target.plan.steps.is_empty();
    Ok(if failed || (args.fail_on_changes && changed) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// A plan and what it was made against, kept alive for `--validate`.
struct Planned {
    /// The plan and the catalogs it was computed from.
    target: TargetPlan,
    /// A line for people on where the plan was made, when it needs saying.
    note: Option<String>,
    /// The target (none with `--from`).
    client: Option<postgres::Client>,
    /// The embedded cluster planned in, when there was no `--database-url`.
    embedded: Option<crate::shadow::Cluster>,
}

/// `--from`: both sides were written by people, so a different tree is a real change; no
/// elaboration.
fn plan_from_directory(
    dir: &std::path::Path,
    external: Vec<PathBuf>,
    config: &ConfigFile,
    desired: &Catalog,
    opts: &TargetOptions,
) -> Result<Planned, Error> {
    let current = load(vec![dir.to_path_buf()], external, config)?.catalog;
    let diff = diff(&current, desired, &opts.diff);
    let plan = plan_diff(
        &diff,
        &PlanOptions {
            diff: opts.diff.clone(),
            rows: None,
            data_steps: opts.data_steps.clone(),
            target_fingerprint: None,
        },
    )?;
    let (changes, renamed_current) = diff.into_changes_and_renamed();
    let target = TargetPlan {
        plan,
        changes,
        renamed_current,
        current,
        elaboration: None,
        phases: Vec::new(),
    };
    Ok(Planned {
        target,
        note: None,
        client: None,
        embedded: None,
    })
}

/// Plans against `--database-url` (read already when `read_ahead` holds it), else against an
/// empty database of an embedded cluster holding the declared external tables.
fn plan_against_database(
    args: &PlanArgs,
    desired: &Catalog,
    read_ahead: Option<(postgres::Client, Catalog)>,
    opts: &TargetOptions,
) -> Result<Planned, Error> {
    let (mut client, read_ahead, note, embedded) = match (read_ahead, &args.database_url) {
        (Some((client, current)), _) => (client, Some(current), None, None),
        (None, Some(url)) => {
            let client = connect(&ConnectOptions::with_process_env(Some(url.clone())))?;
            (client, None, None, None)
        }
        (None, None) => {
            let cluster = crate::shadow::Cluster::start(&crate::shadow::ClusterOptions::default())?;
            let db = cluster.create_database("plan")?;
            let mut client = cluster.connect(&db)?;
            let n = create_externals(&mut client, desired)?;
            let note = format!(
                "Planned against an empty database in an embedded throwaway PostgreSQL {} cluster{}.",
                cluster.major_version(),
                if n == 1 {
                    " (the declared external table was created in it first)".to_owned()
                } else if n > 0 {
                    format!(" (the {n} declared external tables were created in it first)")
                } else {
                    String::new()
                }
            );
            (client, None, Some(note), Some(cluster))
        }
    };
    let target = plan_against_target(&mut client, desired, read_ahead, opts)?;
    Ok(Planned {
        target,
        note,
        client: Some(client),
        embedded,
    })
}

/// `--validate`: proves the plan on a copy of the target (see [`crate::validate`]), in the
/// scratch database started early, or in the cluster planned in, or created now; the copy
/// is planned again like the target was. The scratch database is kept in `scratch`.
fn validate_on_copy(
    planned: &mut Planned,
    early_scratch: Option<std::thread::JoinHandle<Result<Scratch, ValidateError>>>,
    scratch: &mut Option<Scratch>,
    desired: &Catalog,
    opts: &TargetOptions,
    args: &PlanArgs,
) -> Result<Option<crate::validate::Validation>, Error> {
    let Some(client) = planned.client.as_mut() else {
        return Ok(None);
    };
    // The time --validate adds: waiting for the cluster, then the validation.
    let started = std::time::Instant::now();
    let ready = match (early_scratch, planned.embedded.take()) {
        (Some(thread), _) => match thread.join() {
            Ok(s) => s?,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        (None, Some(cluster)) if opts.shadow == Shadow::Embedded => Scratch::in_cluster(cluster)?,
        (None, cluster) => {
            planned.embedded = cluster;
            Scratch::create(&opts.shadow)?
        }
    };
    let scratch = scratch.insert(ready);
    let validation = crate::validate::validate_in(
        scratch,
        started,
        client,
        &planned.target.current,
        &planned.target.plan,
        desired,
        &crate::validate::ValidateOptions {
            rows_per_table: args.validate_rows,
            renames: crate::validate::survive::Renames::of(&planned.target.changes),
            planning: opts.clone(),
        },
    )?;
    Ok(Some(validation))
}

/// `--out`: the plan file for `schema-apply --plan`.
fn write_plan_file(
    file: &std::path::Path,
    plan: &Plan,
    schemas: &[String],
    ignore: &[String],
) -> Result<(), Error> {
    let file_json = crate::plan::file::PlanFile {
        plan: plan.clone(),
        schemas: schemas.to_vec(),
        ignore: ignore.to_vec(),
    }
    .to_json();
    let text = serde_json::to_string_pretty(&file_json).unwrap_or_default();
    std::fs::write(file, text + "\n").map_err(|source| Error::Write {
        path: file.to_path_buf(),
        source,
    })
}

/// Writes the plan (and the validation, if any) in the format asked for.
fn write_output(
    out: &mut dyn Write,
    args: &PlanArgs,
    planned: &Planned,
    validation: Option<&crate::validate::Validation>,
) -> Result<(), Error> {
    let p = &planned.target.plan;
    let report = validation.map(crate::validate::report::lines);
    match args.format {
        PlanFormat::Human | PlanFormat::Markdown => {
            let target = &planned.target;
            let renamed = target.renamed_current.as_ref().unwrap_or(&target.current);
            let definitions = definitions_of(&target.changes, renamed);
            let r = Rendering {
                plan: p,
                definitions: &definitions,
                note: planned.note.as_deref(),
                explain: args.explain,
                color: args.format == PlanFormat::Human && super::color_enabled(),
            };
            if args.format == PlanFormat::Human {
                plan_output::human::write(out, &r)?;
                if let Some(lines) = &report {
                    writeln!(out)?;
                    for l in lines {
                        writeln!(out, "{l}")?;
                    }
                }
            } else {
                plan_output::markdown::write(out, &r)?;
                if let Some(lines) = &report {
                    writeln!(out, "\n### Validation\n\n```")?;
                    for l in lines {
                        writeln!(out, "{l}")?;
                    }
                    writeln!(out, "```")?;
                }
            }
        }
        PlanFormat::Sql => {
            write_sql(out, p)?;
            for l in report.iter().flatten() {
                writeln!(out, "-- {l}")?;
            }
        }
        PlanFormat::Json => {
            let mut json = p.to_json();
            if let (Some(v), Some(obj)) = (validation, json.as_object_mut()) {
                obj.insert("validation".to_owned(), crate::validate::report::json(v));
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )?;
        }
    }
    Ok(())
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
