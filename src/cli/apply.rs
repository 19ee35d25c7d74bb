//! `schema-apply`: apply a plan to a live database, safely.
//!
//! Here: the flags and `schema.toml` (bad input exits 2 before connecting), the desired state
//! (files or a plan file), the connection, and the terminal: the report, the plan shown, the
//! confirmation prompt. The workflow itself (lock, drift check, gate, execute, history,
//! verify) is [`crate::apply::workflow`].

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;

use super::ExitStatus;
use super::inputs::{SchemaInputs, data_steps, load};
use crate::apply::settings::parse_hazards;
use crate::apply::workflow::{ApplyError, ApplyOptions, Desired, Ending, Operator, apply, ms};
use crate::apply::{Event, Interrupt, Settings, parse_duration};
use crate::config::ConfigFile;
use crate::db::temporary::Shadow;
use crate::db::{ConnectOptions, connect};
use crate::diff::DiffOptions;
use crate::error::Error;
use crate::plan::backfill::DataSteps;
use crate::plan::file::PlanFile;
use crate::plan::{Step, step_count};
use crate::target::TargetOptions;

/// `schema-apply` arguments.
#[derive(Debug, Parser)]
#[command(
    name = "schema-apply",
    version,
    about = "Apply the declarative schema (or a plan file) to a live database: locked, all or nothing, verified",
    after_help = "Exit status: 0 applied, nothing to do, or a dry run the apply would pass; 1 refused (with --dry-run: would be refused), rolled back, interrupted or verification failed; 2 bad input or cannot connect.\n\nHazards allowed without --allow-hazard: access-exclusive-lock, validation-scan, rebuilds-dependents, non-transactional."
)]
pub struct ApplyArgs {
    /// The desired state: schema paths, externals, ignores, configuration file.
    #[command(flatten)]
    pub schema: SchemaInputs,
    /// Database to apply to (libpq URI or keyword string).
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Apply this plan file (from `schema-plan --out`) instead of planning now.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "external", "ignore"])]
    pub plan: Option<PathBuf>,
    /// Allow steps with this hazard kind (repeatable).
    #[arg(long = "allow-hazard", value_name = "KIND")]
    pub allow_hazard: Vec<String>,
    /// lock_timeout of every statement (e.g. 5s, 500ms; default 5s, `[apply] lock-timeout`).
    #[arg(long, value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// statement_timeout of every statement (default none, `[apply] statement-timeout`).
    #[arg(long, value_name = "DURATION")]
    pub statement_timeout: Option<String>,
    /// Retries after a lock timeout, with exponential backoff (default 5, `[apply] retries`).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// How long to wait for another schema-apply on the same database (default 30s, `[apply] wait`).
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,
    /// Print the plan and the hazard gate's verdict, change nothing; exit 0 when the apply would
    /// run (or there is nothing to do), 1 when it would be refused (hazards not allowed, drift
    /// from the plan file), so that a dry run is a CI check.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (required when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
}

/// The `[apply]` keys of `schema.toml`.
const CONFIG_KEYS: [&str; 6] = [
    "lock-timeout",
    "statement-timeout",
    "retries",
    "wait",
    "backoff",
    "allow-hazards",
];

fn config_duration(config: &ConfigFile, key: &str) -> Result<Option<Duration>, Error> {
    match config.apply.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => parse_duration(s)
            .map(Some)
            .map_err(|e| Error::Usage(format!("schema.toml [apply] {key}: {e}"))),
        Some(toml::Value::Integer(n)) => Ok(Some(Duration::from_millis(
            u64::try_from(*n)
                .map_err(|_| Error::Usage(format!("schema.toml [apply] {key}: negative")))?,
        ))),
        Some(_) => Err(Error::Usage(format!(
            "schema.toml [apply] {key}: expected a duration such as \"5s\""
        ))),
    }
}

/// The settings from `schema.toml`'s `[apply]` table, then the flags.
fn settings(args: &ApplyArgs, config: &ConfigFile) -> Result<Settings, Error> {
    if let Some(k) = config
        .apply
        .keys()
        .find(|k| !CONFIG_KEYS.contains(&k.as_str()))
    {
        return Err(Error::Usage(format!(
            "schema.toml [apply]: unknown key `{k}` (known: {})",
            CONFIG_KEYS.join(", ")
        )));
    }
    let mut s = Settings::default();
    let flag = |v: &Option<String>, name: &str| -> Result<Option<Duration>, Error> {
        v.as_deref()
            .map(|t| parse_duration(t).map_err(|e| Error::Usage(format!("--{name}: {e}"))))
            .transpose()
    };
    if let Some(d) =
        flag(&args.lock_timeout, "lock-timeout")?.or(config_duration(config, "lock-timeout")?)
    {
        s.lock_timeout = d;
    }
    if let Some(d) = flag(&args.statement_timeout, "statement-timeout")?
        .or(config_duration(config, "statement-timeout")?)
    {
        s.statement_timeout = (!d.is_zero()).then_some(d);
    }
    if let Some(d) = flag(&args.wait, "wait")?.or(config_duration(config, "wait")?) {
        s.wait = d;
    }
    if let Some(d) = config_duration(config, "backoff")? {
        s.backoff = d;
    }
    s.retries = match (args.retries, config.apply.get("retries")) {
        (Some(n), _) => n,
        (None, Some(toml::Value::Integer(n))) => u32::try_from(*n)
            .map_err(|_| Error::Usage("schema.toml [apply] retries: out of range".to_owned()))?,
        (None, Some(_)) => {
            return Err(Error::Usage(
                "schema.toml [apply] retries: expected an integer".to_owned(),
            ));
        }
        (None, None) => s.retries,
    };
    let mut names = args.allow_hazard.clone();
    match config.apply.get("allow-hazards") {
        None => {}
        Some(toml::Value::Array(a)) => {
            for v in a {
                let n = v.as_str().ok_or_else(|| {
                    Error::Usage("schema.toml [apply] allow-hazards: expected strings".to_owned())
                })?;
                names.push(n.to_owned());
            }
        }
        Some(_) => {
            return Err(Error::Usage(
                "schema.toml [apply] allow-hazards: expected a list of hazard kinds".to_owned(),
            ));
        }
    }
    let extra = parse_hazards(&names).map_err(|e| Error::Usage(format!("--allow-hazard: {e}")))?;
    for k in extra {
        if !s.allowed.contains(&k) {
            s.allowed.push(k);
        }
    }
    Ok(s)
}

/// The desired state read from the files, planned as `schema-plan` plans it (with the data
/// steps of `[plan.backfill]`).
fn desired_from_files(
    args: &ApplyArgs,
    config: &ConfigFile,
    config_path: Option<&std::path::Path>,
) -> Result<Desired, Error> {
    let paths = args.schema.paths(config);
    let external = args.schema.external(config);
    let catalog = load(paths, external, config)?.catalog;
    let diff = args.schema.diff_options(config)?;
    Ok(Desired {
        catalog,
        planning: TargetOptions {
            schemas: config.schemas.clone(),
            diff,
            data_steps: data_steps(&[], config, config_path)?,
            shadow: Shadow::Embedded,
        },
    })
}

/// The desired state a plan file carries (its files are read from a temporary directory).
fn desired_from_plan_file(file: &PlanFile, config: &ConfigFile) -> Result<Desired, Error> {
    let dir = tempfile::tempdir().map_err(Error::Output)?;
    let write = |name: &str, text: &str| -> Result<PathBuf, Error> {
        let path = dir.path().join(name);
        std::fs::write(&path, text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    };
    let desired = write("desired.sql", &file.plan.desired_sql)?;
    let external = if file.plan.externals_sql.trim().is_empty() {
        Vec::new()
    } else {
        vec![write("externals.sql", &file.plan.externals_sql)?]
    };
    let catalog = load(vec![desired], external, config)?.catalog;
    let diff = DiffOptions::new(&file.ignore, &file.schemas)
        .map_err(|e| Error::Usage(format!("bad ignore pattern in the plan file: {e}")))?;
    Ok(Desired {
        catalog,
        planning: TargetOptions {
            schemas: file.schemas.clone(),
            diff,
            // The plan file carries its data steps' SQL in its steps.
            data_steps: DataSteps::new(),
            shadow: Shadow::Embedded,
        },
    })
}

/// Reads the plan file of `--plan`.
fn read_plan_file(path: &std::path::Path) -> Result<PlanFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    PlanFile::from_json(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

fn write_plan(out: &mut dyn Write, steps: &[Step], skip_tx: bool) -> std::io::Result<()> {
    for (i, s) in steps.iter().enumerate() {
        if skip_tx && s.transactional {
            continue;
        }
        let tx = if s.transactional {
            ""
        } else if s.runs_before_transaction() {
            " (before the transaction)"
        } else {
            " (outside the transaction)"
        };
        writeln!(out, "{}. {}{tx}", i + 1, s.objects.join(", "))?;
        for h in &s.hazards {
            writeln!(out, "   hazard {}: {}", h.kind, h.message)?;
        }
        for line in s.sql.lines() {
            writeln!(out, "   | {line}")?;
        }
    }
    Ok(())
}

/// Runs `schema-apply`.
pub fn run(args: ApplyArgs) -> Result<ExitStatus, Error> {
    let interrupt = Interrupt::default();
    interrupt
        .install()
        .map_err(|e| Error::Usage(format!("cannot install the Ctrl-C handler: {e}")))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_to(args, &interrupt, &mut out)
}

/// Runs `schema-apply`, writing its report to `out`.
pub fn run_to(
    args: ApplyArgs,
    interrupt: &Interrupt,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let (config, config_path) = ConfigFile::discover(args.schema.config.as_deref())?;
    let settings = settings(&args, &config)?;
    let interactive = std::io::stdin().is_terminal();
    if !args.dry_run && !args.yes && !interactive {
        return Err(Error::Usage(
            "standard input is not a terminal: pass --yes to apply without confirmation (or --dry-run to see the plan)"
                .to_owned(),
        ));
    }
    let Some(url) = args.database_url.clone() else {
        return Err(Error::Usage(
            "no database: pass --database-url URL or set DATABASE_URL".to_owned(),
        ));
    };
    // Read the inputs before connecting: bad input is exit 2 whatever the database.
    let plan_file = args.plan.as_deref().map(read_plan_file).transpose()?;
    let desired = match &plan_file {
        Some(f) => desired_from_plan_file(f, &config)?,
        None => desired_from_files(&args, &config, config_path.as_deref())?,
    };
    let connect_opts = ConnectOptions::with_process_env(Some(url));
    let mut client = connect(&connect_opts)?;
    let opts = ApplyOptions {
        settings: &settings,
        dry_run: args.dry_run,
        connect: &connect_opts,
        interrupt,
    };
    let mut terminal = Terminal {
        out,
        show_plan: args.dry_run || (interactive && !args.yes),
        ask: interactive && !args.yes,
        pause_before: test_pause(),
        interrupt,
    };
    let ending = apply(
        &mut client,
        &desired,
        plan_file.as_ref(),
        &opts,
        &mut terminal,
    )
    .map_err(|e| match e {
        ApplyError::Output(io) => Error::Output(io),
        ApplyError::Target(t) => Error::Target(t),
        other => Error::Apply(other),
    })?;
    Ok(match ending {
        Ending::Success => ExitStatus::Success,
        Ending::Failure => ExitStatus::Failure,
    })
}

/// The operator at a terminal (or a script with `--yes`): the report on `out`, warnings and
/// refusals on standard error, the confirmation prompt on standard input.
struct Terminal<'a> {
    out: &'a mut dyn Write,
    /// `--dry-run`, or a person who will be asked.
    show_plan: bool,
    /// A terminal and no `--yes`.
    ask: bool,
    /// The test hook's step (see [`test_pause`]).
    pause_before: Option<usize>,
    interrupt: &'a Interrupt,
}

impl Operator for Terminal<'_> {
    fn say(&mut self, line: &str) -> std::io::Result<()> {
        writeln!(self.out, "{line}")
    }

    fn warn(&mut self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    fn show_plan(&mut self, steps: &[Step], skip_tx: bool, count: usize) -> std::io::Result<()> {
        if !self.show_plan {
            return Ok(());
        }
        writeln!(self.out, "Plan: {}", step_count(count))?;
        write_plan(self.out, steps, skip_tx)
    }

    fn confirm(&mut self, count: usize) -> std::io::Result<bool> {
        if !self.ask {
            return Ok(true);
        }
        if count == 1 {
            write!(self.out, "Apply this step? [y/N] ")?;
        } else {
            write!(self.out, "Apply these {count} steps? [y/N] ")?;
        }
        self.out.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
    }

    fn progress(&mut self, event: Event<'_>, steps: &[Step]) {
        let line = match event {
            Event::Start { index, .. } => {
                if self.pause_before == Some(index + 1) {
                    self.pause(index + 1);
                }
                return;
            }
            Event::Done {
                index,
                elapsed,
                skipped,
            } => format!(
                "[{}/{}] {} {}{}",
                index + 1,
                steps.len(),
                steps[index].objects.join(", "),
                ms(elapsed),
                skipped
                    .map(|s| format!(" (skipped: {s})"))
                    .unwrap_or_default()
            ),
            Event::Retry {
                part,
                attempt,
                wait,
                error,
            } => format!(
                "lock timeout in {part}: {error}\n  retrying (attempt {attempt}) in {}",
                ms(wait)
            ),
            Event::Committed { steps, elapsed } => {
                format!(
                    "committed the transaction ({}, {})",
                    step_count(steps),
                    ms(elapsed)
                )
            }
        };
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
    }
}

impl Terminal<'_> {
    /// The test hook: waits up to 60 s before step `step` (until Ctrl-C).
    fn pause(&self, step: usize) {
        let _ = writeln!(std::io::stderr().lock(), "test pause before step {step}");
        let end = Instant::now() + Duration::from_secs(60);
        while Instant::now() < end && !self.interrupt.is_set() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The test hook: `SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP=N` makes the apply wait up to 60 s
/// before step N (until Ctrl-C), so the integration tests can kill it at a chosen step.
fn test_pause() -> Option<usize> {
    std::env::var("SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP")
        .ok()
        .and_then(|v| v.parse().ok())
}
