//! Running a plan's steps: labels added to enums (`ALTER TYPE … ADD VALUE IF NOT EXISTS`, see
//! [`Step::runs_before_transaction`]), then the transactional steps in one transaction, then
//! the other non-transactional ones one by one.
//!
//! - Every statement runs under the [`Settings`] `lock_timeout` and `statement_timeout`.
//! - When a statement fails with `lock_not_available` (the lock timeout expired), the whole
//!   transaction is rolled back and run again after an exponentially growing wait, at most
//!   [`Settings::retries`] times; a non-transactional step is retried alone.
//! - A non-transactional step is made idempotent here: `CREATE INDEX CONCURRENTLY` is skipped
//!   when a valid index of that name exists, and an INVALID one (left by a failed or killed
//!   build) is dropped first; `DROP INDEX CONCURRENTLY` is skipped when the index is gone.
//! - [`Interrupt`] (Ctrl-C) cancels the running statement; the open transaction is rolled back.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pg_query::NodeEnum;
use postgres::{CancelToken, Client, NoTls};

use super::{LOCK_NOT_AVAILABLE, Settings, history};
use crate::catalog::QualifiedName;
use crate::catalog::names::quote_ident;
use crate::plan::Step;

/// What happened to one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Not reached.
    NotRun,
    /// Ran and (for transactional steps) was committed.
    Done,
    /// Nothing to do (with the reason): an interrupted apply had done it already.
    Skipped(String),
    /// Ran, then its transaction was rolled back.
    RolledBack,
    /// Failed (with the server's message).
    Failed(String),
}

impl StepStatus {
    /// The name recorded in the history.
    pub fn name(&self) -> &'static str {
        match self {
            StepStatus::NotRun => "not-run",
            StepStatus::Done => "done",
            StepStatus::Skipped(_) => "skipped",
            StepStatus::RolledBack => "rolled-back",
            StepStatus::Failed(_) => "failed",
        }
    }
}

/// One step's record: status, time of its last attempt, attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// Status.
    pub status: StepStatus,
    /// Time the last attempt took.
    pub elapsed: Duration,
    /// Attempts (retries after lock timeouts included).
    pub attempts: u32,
}

/// Progress of an apply, for the command line to print.
#[derive(Debug)]
pub enum Event<'a> {
    /// A step starts.
    Start {
        /// Index in the plan (0-based).
        index: usize,
        /// The step.
        step: &'a Step,
    },
    /// A step ended well.
    Done {
        /// Index in the plan.
        index: usize,
        /// Time it took.
        elapsed: Duration,
        /// Why nothing was done, when it was skipped.
        skipped: Option<String>,
    },
    /// A lock timeout: the part is retried after `wait`.
    Retry {
        /// `the transaction` or `step N`.
        part: String,
        /// The attempt about to start (2 = first retry).
        attempt: u32,
        /// Wait before it.
        wait: Duration,
        /// The server's message.
        error: String,
    },
    /// The transaction was committed.
    Committed {
        /// Steps in it.
        steps: usize,
        /// Time from BEGIN to COMMIT (last attempt).
        elapsed: Duration,
    },
}

/// Why execution stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A statement failed.
    #[error("step {step} failed: {message}")]
    Failed {
        /// 1-based step number.
        step: usize,
        /// The server's message (with detail and hint).
        message: String,
        /// Whether the transactional part had been committed.
        committed: bool,
    },
    /// Lock timeouts on every attempt.
    #[error(
        "step {step} could not take its locks within lock_timeout after {attempts} attempt{}: {message}",
        if *.attempts == 1 { "" } else { "s" }
    )]
    LockTimeout {
        /// 1-based step number.
        step: usize,
        /// Attempts made.
        attempts: u32,
        /// The server's message.
        message: String,
        /// Whether the transactional part had been committed.
        committed: bool,
    },
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted {
        /// Whether the transactional part had been committed.
        committed: bool,
    },
    /// The connection failed outside a statement.
    #[error("connection failed: {0}")]
    Connection(#[from] postgres::Error),
}

impl ExecError {
    /// Whether the transactional part was committed before the error.
    pub fn committed(&self) -> bool {
        match self {
            ExecError::Failed { committed, .. }
            | ExecError::LockTimeout { committed, .. }
            | ExecError::Interrupted { committed } => *committed,
            ExecError::Connection(_) => false,
        }
    }
}

const IDLE: u8 = 0;
const EXECUTING: u8 = 1;

/// Ctrl-C handling. Before execution starts, Ctrl-C ends the process at once (nothing was
/// changed); during execution it cancels the running statement and execution stops after
/// rolling back.
#[derive(Clone, Default)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
    phase: Arc<AtomicU8>,
    token: Arc<Mutex<Option<CancelToken>>>,
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interrupt")
            .field("set", &self.is_set())
            .finish()
    }
}

impl Interrupt {
    /// Installs the process's Ctrl-C (SIGINT, SIGTERM) handler. Call once.
    pub fn install(&self) -> Result<(), String> {
        let me = self.clone();
        ctrlc::set_handler(move || me.trigger()).map_err(|e| e.to_string())
    }

    /// What the handler does.
    pub fn trigger(&self) {
        if self.phase.load(Ordering::SeqCst) == IDLE {
            eprintln!("\ninterrupted: nothing was changed");
            std::process::exit(1);
        }
        self.flag.store(true, Ordering::SeqCst);
        let token = self.token.lock().ok().and_then(|t| t.clone());
        if let Some(t) = token {
            let _ = t.cancel_query(NoTls);
        }
    }

    /// Whether Ctrl-C was pressed during execution.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    fn executing(&self, client: &Client) {
        if let Ok(mut t) = self.token.lock() {
            *t = Some(client.cancel_token());
        }
        self.phase.store(EXECUTING, Ordering::SeqCst);
    }
}

/// The step running now, for the progress monitor.
pub type Running = Arc<Mutex<Option<(usize, Instant)>>>;

/// Runs `steps` (all of the plan: `records` gets one entry per step). With
/// `skip_transactional`, the transactional steps are taken as done (a resumed apply whose
/// transaction was committed). `history_id` is marked in the transaction.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; a struct would only rename them"
)]
pub fn execute(
    client: &mut Client,
    steps: &[Step],
    settings: &Settings,
    skip_transactional: bool,
    history_id: Option<i64>,
    interrupt: &Interrupt,
    running: &Running,
    records: &mut Vec<StepRecord>,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), ExecError> {
    records.clear();
    records.extend(steps.iter().map(|_| StepRecord {
        status: StepStatus::NotRun,
        elapsed: Duration::ZERO,
        attempts: 0,
    }));
    interrupt.executing(client);
    client.batch_execute(&timeouts(settings))?;
    // Labels added to enums first: the transaction may use them only once they are committed.
    let before: Vec<usize> = (0..steps.len())
        .filter(|&i| steps[i].runs_before_transaction())
        .collect();
    for &i in &before {
        non_transactional(
            client, steps, i, settings, interrupt, running, records, on_event,
        )?;
    }
    let tx: Vec<usize> = (0..steps.len())
        .filter(|&i| steps[i].transactional)
        .collect();
    if skip_transactional {
        for &i in &tx {
            records[i].status =
                StepStatus::Skipped("committed by the interrupted apply".to_owned());
        }
    } else if !tx.is_empty() {
        transactional(
            client, steps, &tx, settings, history_id, interrupt, running, records, on_event,
        )?;
    } else if let Some(id) = history_id {
        history::mark_transactional_done(client, id)?;
    }
    for i in (0..steps.len()).filter(|&i| !steps[i].transactional && !before.contains(&i)) {
        non_transactional(
            client, steps, i, settings, interrupt, running, records, on_event,
        )?;
    }
    client.batch_execute("RESET lock_timeout; RESET statement_timeout")?;
    Ok(())
}

fn timeouts(s: &Settings) -> String {
    format!(
        "SET lock_timeout = '{}ms'; SET statement_timeout = '{}ms'",
        s.lock_timeout.as_millis(),
        s.statement_timeout.map_or(0, |d| d.as_millis())
    )
}

/// The server's message with its detail and hint.
pub fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = format!(
                "{}: {} (SQLSTATE {})",
                db.severity(),
                db.message(),
                db.code().code()
            );
            if let Some(d) = db.detail() {
                m.push_str(&format!("\n  detail: {d}"));
            }
            if let Some(h) = db.hint() {
                m.push_str(&format!("\n  hint: {h}"));
            }
            m
        }
        None => e.to_string(),
    }
}

fn is_lock_timeout(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code() == LOCK_NOT_AVAILABLE)
}

#[allow(clippy::too_many_arguments, reason = "private helper of execute")]
fn transactional(
    client: &mut Client,
    steps: &[Step],
    tx: &[usize],
    settings: &Settings,
    history_id: Option<i64>,
    interrupt: &Interrupt,
    running: &Running,
    records: &mut [StepRecord],
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), ExecError> {
    let mut attempt = 1u32;
    'attempt: loop {
        let begun = Instant::now();
        client.batch_execute("BEGIN")?;
        for &i in tx {
            if interrupt.is_set() {
                rollback(client, tx, records);
                return Err(ExecError::Interrupted { committed: false });
            }
            on_event(Event::Start {
                index: i,
                step: &steps[i],
            });
            if interrupt.is_set() {
                rollback(client, tx, records);
                return Err(ExecError::Interrupted { committed: false });
            }
            let t = Instant::now();
            records[i].attempts = attempt;
            match run_step(client, &steps[i].sql, i, t, running, records, on_event) {
                Ok(()) => {}
                Err(e) => {
                    rollback(client, tx, records);
                    if interrupt.is_set() {
                        return Err(ExecError::Interrupted { committed: false });
                    }
                    if is_lock_timeout(&e) {
                        if attempt <= settings.retries {
                            let wait = settings.backoff_for(attempt);
                            attempt += 1;
                            on_event(Event::Retry {
                                part: "the transaction".to_owned(),
                                attempt,
                                wait,
                                error: message(&e),
                            });
                            sleep_interruptibly(wait, interrupt);
                            continue 'attempt;
                        }
                        records[i].status = StepStatus::Failed(message(&e));
                        return Err(ExecError::LockTimeout {
                            step: i + 1,
                            attempts: attempt,
                            message: message(&e),
                            committed: false,
                        });
                    }
                    records[i].status = StepStatus::Failed(message(&e));
                    return Err(ExecError::Failed {
                        step: i + 1,
                        message: message(&e),
                        committed: false,
                    });
                }
            }
        }
        if let Some(id) = history_id {
            if let Err(e) = history::mark_transactional_done(client, id) {
                rollback(client, tx, records);
                return Err(e.into());
            }
        }
        if let Err(e) = client.batch_execute("COMMIT") {
            rollback(client, tx, records);
            let last = tx.last().copied().unwrap_or(0);
            return Err(ExecError::Failed {
                step: last + 1,
                message: format!("COMMIT failed: {}", message(&e)),
                committed: false,
            });
        }
        on_event(Event::Committed {
            steps: tx.len(),
            elapsed: begun.elapsed(),
        });
        return Ok(());
    }
}

fn rollback(client: &mut Client, tx: &[usize], records: &mut [StepRecord]) {
    let _ = client.batch_execute("ROLLBACK");
    for &i in tx {
        if records[i].status == StepStatus::Done {
            records[i].status = StepStatus::RolledBack;
        }
    }
}

/// Runs step `i`'s SQL (started at `t`), shown as running meanwhile, and records how long
/// it took; when it succeeds the step is done.
fn run_step(
    client: &mut Client,
    sql: &str,
    i: usize,
    t: Instant,
    running: &Running,
    records: &mut [StepRecord],
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), postgres::Error> {
    set_running(running, Some(i));
    let result = client.batch_execute(sql);
    set_running(running, None);
    records[i].elapsed = t.elapsed();
    result?;
    records[i].status = StepStatus::Done;
    on_event(Event::Done {
        index: i,
        elapsed: t.elapsed(),
        skipped: None,
    });
    Ok(())
}

fn set_running(running: &Running, index: Option<usize>) {
    if let Ok(mut r) = running.lock() {
        *r = index.map(|i| (i, Instant::now()));
    }
}

fn sleep_interruptibly(wait: Duration, interrupt: &Interrupt) {
    let end = Instant::now() + wait;
    while Instant::now() < end && !interrupt.is_set() {
        std::thread::sleep(Duration::from_millis(20).min(end - Instant::now()));
    }
}

/// What a non-transactional statement does to which index.
#[derive(Debug, PartialEq, Eq)]
enum IndexAction {
    Create(QualifiedName),
    Drop(QualifiedName),
}

/// Reads `CREATE INDEX CONCURRENTLY name ON schema.table …` / `DROP INDEX CONCURRENTLY
/// schema.name` with PostgreSQL's parser.
fn index_action(sql: &str) -> Option<IndexAction> {
    let parsed = pg_query::parse(sql, 0).ok()?;
    let stmt = parsed
        .protobuf
        .stmts
        .first()?
        .stmt
        .as_ref()?
        .node
        .as_ref()?;
    let string = |n: &pg_query::protobuf::Node| match &n.node {
        Some(NodeEnum::String(s)) => Some(s.sval.clone()),
        _ => None,
    };
    match stmt {
        NodeEnum::IndexStmt(s) if s.concurrent && !s.idxname.is_empty() => {
            let rel = s.relation.as_ref()?;
            let schema = if rel.schemaname.is_empty() {
                "public".to_owned()
            } else {
                rel.schemaname.clone()
            };
            Some(IndexAction::Create(QualifiedName::new(schema, &s.idxname)))
        }
        NodeEnum::DropStmt(d) if d.concurrent => {
            let obj = d.objects.first()?;
            let parts: Vec<String> = match &obj.node {
                Some(NodeEnum::List(l)) => l.items.iter().filter_map(string).collect(),
                _ => return None,
            };
            match parts.as_slice() {
                [s, n] => Some(IndexAction::Drop(QualifiedName::new(s, n))),
                [n] => Some(IndexAction::Drop(QualifiedName::new("public", n))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `Some(valid)` when the index exists.
fn index_state(client: &mut Client, name: &QualifiedName) -> Result<Option<bool>, postgres::Error> {
    let row = client.query_opt(
        "SELECT i.indisvalid FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relname = $2",
        &[&name.schema, &name.name],
    )?;
    Ok(row.map(|r| r.get(0)))
}

#[allow(clippy::too_many_arguments, reason = "private helper of execute")]
fn non_transactional(
    client: &mut Client,
    steps: &[Step],
    i: usize,
    settings: &Settings,
    interrupt: &Interrupt,
    running: &Running,
    records: &mut [StepRecord],
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), ExecError> {
    let step = &steps[i];
    let action = index_action(&step.sql);
    let mut attempt = 1u32;
    loop {
        if interrupt.is_set() {
            return Err(ExecError::Interrupted { committed: true });
        }
        on_event(Event::Start { index: i, step });
        if interrupt.is_set() {
            return Err(ExecError::Interrupted { committed: true });
        }
        let t = Instant::now();
        records[i].attempts = attempt;
        let mut skipped = None;
        match &action {
            Some(IndexAction::Create(name)) => match index_state(client, name)? {
                Some(true) => skipped = Some(format!("index {name} exists and is valid")),
                Some(false) => {
                    client.batch_execute(&format!(
                        "DROP INDEX CONCURRENTLY IF EXISTS {}.{}",
                        quote_ident(&name.schema),
                        quote_ident(&name.name)
                    ))?;
                }
                None => {}
            },
            Some(IndexAction::Drop(name)) if index_state(client, name)?.is_none() => {
                skipped = Some(format!("index {name} is already gone"));
            }
            Some(IndexAction::Drop(_)) => {}
            None => {}
        }
        if let Some(why) = skipped {
            records[i].status = StepStatus::Skipped(why.clone());
            records[i].elapsed = t.elapsed();
            on_event(Event::Done {
                index: i,
                elapsed: t.elapsed(),
                skipped: Some(why),
            });
            return Ok(());
        }
        match run_step(client, &step.sql, i, t, running, records, on_event) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if interrupt.is_set() {
                    records[i].status = StepStatus::Failed("interrupted".to_owned());
                    return Err(ExecError::Interrupted { committed: true });
                }
                if is_lock_timeout(&e) && attempt <= settings.retries {
                    let wait = settings.backoff_for(attempt);
                    attempt += 1;
                    on_event(Event::Retry {
                        part: format!("step {}", i + 1),
                        attempt,
                        wait,
                        error: message(&e),
                    });
                    sleep_interruptibly(wait, interrupt);
                    continue;
                }
                records[i].status = StepStatus::Failed(message(&e));
                return Err(if is_lock_timeout(&e) {
                    ExecError::LockTimeout {
                        step: i + 1,
                        attempts: attempt,
                        message: message(&e),
                        committed: true,
                    }
                } else {
                    ExecError::Failed {
                        step: i + 1,
                        message: message(&e),
                        committed: true,
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_index_statements_are_recognised() {
        assert_eq!(
            index_action(r#"CREATE INDEX CONCURRENTLY "My Idx" ON "S"."t" (a);"#),
            Some(IndexAction::Create(QualifiedName::new("S", "My Idx")))
        );
        assert_eq!(
            index_action(r#"DROP INDEX CONCURRENTLY "S"."ïdx";"#),
            Some(IndexAction::Drop(QualifiedName::new("S", "ïdx")))
        );
        assert_eq!(index_action("CREATE INDEX i ON t (a);"), None);
    }
}
