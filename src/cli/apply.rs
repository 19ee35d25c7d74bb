//! `schema-apply`: apply a plan to a live database, safely.
//!
//! Order of work: read the flags and `schema.toml` (bad input exits 2 before connecting),
//! connect, take the apply lock ([`crate::apply::lock`]), compute the plan (from the desired
//! schema, or read a plan file and check the target for drift), run the hazard gate, show the
//! plan and ask (or `--yes`), execute ([`crate::apply::execute`]) while recording the apply in
//! `schema_tool.apply_history`, then introspect again and plan from the desired state, which
//! must be empty.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;

use super::ExitStatus;
use super::inputs::SchemaInputs;
use crate::apply::execute::{Running, message};
use crate::apply::settings::parse_hazards;
use crate::apply::{
    Event, ExecError, Interrupt, Settings, StepRecord, StepStatus, execute, gate, history, lock,
    monitor, parse_duration,
};
use crate::catalog::Catalog;
use crate::config::ConfigFile;
use crate::db::{ConnectOptions, connect};
use crate::diff::DiffOptions;
use crate::elaborate::Shadow;
use crate::error::Error;
use crate::plan::backfill::DataSteps;
use crate::plan::file::{PlanFile, drift, plan_digest};
use crate::plan::{Plan, Step, fingerprint};

/// `schema-apply` arguments.
#[derive(Debug, Parser)]
#[command(
    name = "schema-apply",
    version,
    about = "Apply the declarative schema (or a plan file) to a live database: locked, all or nothing, verified",
    after_help = "Exit status: 0 applied (or nothing to do, or a dry run), 1 refused, rolled back, interrupted or verification failed, 2 bad input or cannot connect.\n\nHazards allowed without --allow-hazard: access-exclusive-lock, validation-scan, rebuilds-dependents, non-transactional."
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
    /// Print what would run; change nothing.
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

/// What the plan is compared with after applying.
struct Desired {
    catalog: Catalog,
    schemas: Vec<String>,
    diff: DiffOptions,
    /// Data steps from `schema.toml` (`[plan.backfill]`), for plans made on the spot.
    data_steps: DataSteps,
    /// Keeps the files of a plan file's desired state alive while they are read.
    _dir: Option<tempfile::TempDir>,
}

fn desired_from_files(
    args: &ApplyArgs,
    config: &ConfigFile,
    config_path: Option<&std::path::Path>,
) -> Result<Desired, Error> {
    let paths = args.schema.paths(config);
    let external = args.schema.external(config);
    let catalog = super::plan::load(paths, external, config)?.catalog;
    let ignore = args.schema.ignore(config);
    let diff = DiffOptions::new(&ignore, &config.schemas)
        .map_err(|e| Error::Usage(format!("bad --ignore pattern: {e}")))?;
    Ok(Desired {
        catalog,
        schemas: config.schemas.clone(),
        diff,
        data_steps: super::plan::data_steps(&[], config, config_path)?,
        _dir: None,
    })
}

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
    let catalog = super::plan::load(vec![desired], external, config)?.catalog;
    let diff = DiffOptions::new(&file.ignore, &file.schemas)
        .map_err(|e| Error::Usage(format!("bad ignore pattern in the plan file: {e}")))?;
    Ok(Desired {
        catalog,
        schemas: file.schemas.clone(),
        diff,
        // The plan file carries its data steps' SQL in its steps.
        data_steps: DataSteps::new(),
        _dir: Some(dir),
    })
}

/// Plans the desired state against the target the way `schema-plan` does.
fn plan_against(
    client: &mut postgres::Client,
    desired: &Desired,
) -> Result<(Plan, Catalog), Error> {
    let planned = super::plan::plan_against_target(
        client,
        &desired.catalog,
        None,
        &super::plan::TargetOptions {
            schemas: &desired.schemas,
            diff: &desired.diff,
            data_steps: &desired.data_steps,
            shadow: &Shadow::Embedded,
        },
    )?;
    Ok((planned.plan, planned.current))
}

fn fail(text: &str) -> ExitStatus {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
    ExitStatus::Failure
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

fn ms(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn steps_json(steps: &[Step], records: &[StepRecord]) -> serde_json::Value {
    json!(
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let r = records.get(i);
                json!({
                    "sql": s.sql,
                    "transactional": s.transactional,
                    "status": r.map_or("not-run", |r| r.status.name()),
                    "ms": r.map_or(0, |r| u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX)),
                    "attempts": r.map_or(0, |r| r.attempts),
                })
            })
            .collect::<Vec<_>>()
    )
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
    let plan_file = match &args.plan {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            Some(
                PlanFile::from_json(&text)
                    .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let desired = match &plan_file {
        Some(f) => desired_from_plan_file(f, &config)?,
        None => desired_from_files(&args, &config, config_path.as_deref())?,
    };
    let connect_opts = ConnectOptions::with_process_env(Some(url));
    let mut client = connect(&connect_opts)?;
    if !args.dry_run {
        let waited = Instant::now();
        let mut on_wait = |holder: i32| {
            let _ = writeln!(
                std::io::stderr().lock(),
                "another schema-apply (server process {holder}) holds the apply lock; waiting up to {}",
                ms(settings.wait)
            );
        };
        match lock::acquire(&mut client, settings.wait, &mut on_wait) {
            Ok(()) if waited.elapsed() > Duration::from_millis(150) => {
                writeln!(out, "Took the apply lock after {}.", ms(waited.elapsed()))?;
            }
            Ok(()) => {}
            Err(e @ lock::LockError::Busy { .. }) => {
                return Ok(fail(&format!("refused: {e}. Nothing was changed.")));
            }
            Err(lock::LockError::Query(q)) => {
                return Err(Error::Usage(format!(
                    "cannot take the apply lock: {}",
                    message(&q)
                )));
            }
        }
    }
    let result = apply_locked(
        &args,
        &settings,
        plan_file.as_ref(),
        &desired,
        &mut client,
        &connect_opts,
        interrupt,
        out,
        interactive,
    );
    if !args.dry_run {
        let _ = lock::release(&mut client);
    }
    result
}

fn db_error(what: &str, e: &postgres::Error) -> Error {
    Error::Usage(format!("{what}: {}", message(e)))
}

/// Everything after the apply lock is taken.
#[allow(
    clippy::too_many_arguments,
    reason = "the command's state, passed once"
)]
fn apply_locked(
    args: &ApplyArgs,
    settings: &Settings,
    plan_file: Option<&PlanFile>,
    desired: &Desired,
    client: &mut postgres::Client,
    connect_opts: &ConnectOptions,
    interrupt: &Interrupt,
    out: &mut dyn Write,
    interactive: bool,
) -> Result<ExitStatus, Error> {
    let have_history =
        history::exists(client).map_err(|e| db_error("cannot read the apply history", &e))?;
    if have_history && !args.dry_run {
        let abandoned = history::abandon_unfinished(client)
            .map_err(|e| db_error("cannot read the apply history", &e))?;
        for (id, started, tx_done) in abandoned {
            writeln!(
                out,
                "Note: apply #{id} (started {started}) did not finish{}.",
                if tx_done {
                    "; its transactional part was committed"
                } else {
                    "; its transaction was rolled back by the server"
                }
            )?;
        }
    }
    // The plan: computed now, or read and checked for drift.
    let mut skip_tx = false;
    let (the_plan, digest) = match plan_file {
        None => {
            let (p, _) = plan_against(client, desired)?;
            let d = plan_digest(&p);
            (p, d)
        }
        Some(f) => {
            let current = super::plan::read_target(client, &desired.catalog, &desired.schemas)?;
            let (now_digest, now_objects) = fingerprint(&current);
            let then = f
                .plan
                .fingerprint
                .get("current")
                .cloned()
                .unwrap_or_default();
            if now_digest != then {
                let resumable = if have_history {
                    history::resumable(client, &f.digest())
                        .map_err(|e| db_error("cannot read the apply history", &e))?
                } else {
                    None
                };
                match resumable {
                    Some(id) => {
                        writeln!(
                            out,
                            "Resuming apply #{id} of this plan: its transactional part was committed; running the remaining steps."
                        )?;
                        skip_tx = true;
                    }
                    None => {
                        let lines = drift(&f.plan.objects, &now_objects);
                        let mut text = String::from(
                            "refused: the database changed since the plan was made (drift); nothing was changed.\n",
                        );
                        if lines.is_empty() {
                            text.push_str(
                                "  (the overall fingerprint differs; no single object's does)\n",
                            );
                        }
                        for l in lines.iter().take(50) {
                            text.push_str(&format!("  {l}\n"));
                        }
                        if lines.len() > 50 {
                            text.push_str(&format!("  … and {} more\n", lines.len() - 50));
                        }
                        text.push_str(
                            "Plan again with schema-plan --out, review, and apply the new plan.",
                        );
                        return Ok(fail(&text));
                    }
                }
            }
            (f.plan.clone(), f.digest())
        }
    };
    let steps = &the_plan.steps;
    let to_run: Vec<(usize, &Step)> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| !(skip_tx && s.transactional))
        .collect();
    if to_run.is_empty() {
        writeln!(out, "No changes: the database matches the desired schema.")?;
        return Ok(ExitStatus::Success);
    }
    let refused = gate::refusals(to_run.iter().copied(), &settings.allowed);
    if args.dry_run || (interactive && !args.yes) {
        writeln!(out, "Plan: {} steps", to_run.len())?;
        write_plan(out, steps, skip_tx)?;
    }
    if !refused.is_empty() {
        return Ok(fail(&gate::describe(&refused)));
    }
    if args.dry_run {
        writeln!(out, "Dry run: nothing was changed.")?;
        return Ok(ExitStatus::Success);
    }
    if interactive && !args.yes && !confirm(out, to_run.len())? {
        return Ok(fail("not confirmed: nothing was changed"));
    }
    // Execute.
    history::ensure(client).map_err(|e| db_error("cannot create the apply history", &e))?;
    let fp = json!({
        "current": the_plan.fingerprint.get("current"),
        "desired": the_plan.fingerprint.get("desired"),
    });
    let id = history::start(client, &digest, &fp, &steps_json(steps, &[]))
        .map_err(|e| db_error("cannot record the apply", &e))?;
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .map_err(|e| db_error("cannot read the backend pid", &e))?
        .get(0);
    let running: Running = Running::default();
    let live = std::io::stderr().is_terminal();
    let _monitor = connect(connect_opts)
        .ok()
        .map(|c| monitor::start(c, pid, running.clone(), live, Duration::from_secs(5)));
    let total = steps.len();
    writeln!(
        out,
        "Applying {} steps (apply #{id}): {} in one transaction, then {} one by one.",
        to_run.len(),
        to_run.iter().filter(|(_, s)| s.transactional).count(),
        to_run.iter().filter(|(_, s)| !s.transactional).count()
    )?;
    let started = Instant::now();
    let mut records = Vec::new();
    let pause = test_pause();
    let result = execute(
        client,
        steps,
        settings,
        skip_tx,
        Some(id),
        interrupt,
        &running,
        &mut records,
        &mut |e| {
            let line = match e {
                Event::Start { index, .. } => {
                    if pause == Some(index + 1) {
                        let _ = writeln!(
                            std::io::stderr().lock(),
                            "test pause before step {}",
                            index + 1
                        );
                        let end = Instant::now() + Duration::from_secs(60);
                        while Instant::now() < end && !interrupt.is_set() {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                    return;
                }
                Event::Done {
                    index,
                    elapsed,
                    skipped,
                } => format!(
                    "[{}/{total}] {} {}{}",
                    index + 1,
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
                    format!("committed the transaction ({steps} steps, {})", ms(elapsed))
                }
            };
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        },
    );
    drop(_monitor);
    let done = records
        .iter()
        .filter(|r| r.status == StepStatus::Done)
        .count();
    match result {
        Ok(()) => {}
        Err(e) => {
            let (outcome, head) = match &e {
                ExecError::Interrupted { .. } => ("interrupted", "interrupted".to_owned()),
                ExecError::LockTimeout { .. } => ("lock-timeout", e.to_string()),
                other => ("failed", other.to_string()),
            };
            let _ = client.batch_execute("ROLLBACK");
            let _ = history::finish(
                client,
                id,
                outcome,
                &steps_json(steps, &records),
                Some(&head),
            );
            let what = if e.committed() {
                format!(
                    "The transactional part was committed; {} of the steps outside it ran. Run schema-apply again to finish: completed steps are skipped and an invalid index is rebuilt.",
                    records
                        .iter()
                        .zip(steps)
                        .filter(|(r, s)| !s.transactional && r.status == StepStatus::Done)
                        .count()
                )
            } else {
                "The transaction was rolled back: nothing was changed.".to_owned()
            };
            if let ExecError::Connection(c) = &e {
                return Err(Error::Usage(format!("{}\n{what}", message(c))));
            }
            return Ok(fail(&format!("{head}\n{what}")));
        }
    }
    writeln!(
        out,
        "Applied {done} of {total} steps in {}.",
        ms(started.elapsed())
    )?;
    // Verify: the plan from the desired state must now be empty.
    let (again, _) = plan_against(client, desired)?;
    let (outcome, status) = if again.steps.is_empty() {
        writeln!(out, "Verified: the database matches the desired schema.")?;
        ("succeeded", ExitStatus::Success)
    } else {
        let mut text = String::from(
            "verification failed: after applying, the database still differs from the desired schema:\n",
        );
        for s in &again.steps {
            for l in s.sql.lines() {
                text.push_str(&format!("  {l}\n"));
            }
        }
        let _ = fail(text.trim_end());
        ("verification-failed", ExitStatus::Failure)
    };
    history::finish(client, id, outcome, &steps_json(steps, &records), None)
        .map_err(|e| db_error("cannot record the apply", &e))?;
    Ok(status)
}

/// The test hook: `SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP=N` makes the apply wait up to 60 s
/// before step N (until Ctrl-C), so the integration tests can kill it at a chosen step.
fn test_pause() -> Option<usize> {
    std::env::var("SCHEMA_APPLY_TEST_PAUSE_BEFORE_STEP")
        .ok()
        .and_then(|v| v.parse().ok())
}

fn confirm(out: &mut dyn Write, n: usize) -> Result<bool, Error> {
    write!(out, "Apply these {n} steps? [y/N] ")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
