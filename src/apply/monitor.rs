//! A second connection that watches the apply's session: while a step runs for more than a
//! second, it reads `pg_stat_progress_create_index` for the apply's backend and shows the
//! build's phase and progress (a live line on a terminal, a line every few seconds otherwise).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postgres::Client;

use super::execute::Running;

/// The running monitor; dropping it stops the thread.
pub struct Monitor {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").finish_non_exhaustive()
    }
}

/// Starts watching backend `pid` through `client` (a second connection to the same database).
/// `live`: rewrite one line on standard error; otherwise print a line at most every
/// `every`.
pub fn start(
    mut client: Client,
    pid: i32,
    running: Running,
    live: bool,
    every: Duration,
) -> Monitor {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        let mut last_line = Instant::now() - every;
        let mut shown = false;
        while !flag.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(250));
            let current = running.lock().ok().and_then(|r| *r);
            let Some((index, started)) = current else {
                if shown && live {
                    eprint!("\r\x1b[K");
                    shown = false;
                }
                continue;
            };
            if started.elapsed() < Duration::from_secs(1) {
                continue;
            }
            let Some(text) = progress(&mut client, pid) else {
                continue;
            };
            let line = format!(
                "  step {}: {text}, {:.1}s",
                index + 1,
                started.elapsed().as_secs_f64()
            );
            let mut err = std::io::stderr().lock();
            if live {
                let _ = write!(err, "\r\x1b[K{line}");
                let _ = err.flush();
                shown = true;
            } else if last_line.elapsed() >= every {
                let _ = writeln!(err, "{line}");
                last_line = Instant::now();
            }
        }
        if shown {
            eprint!("\r\x1b[K");
        }
    });
    Monitor {
        stop,
        thread: Some(thread),
    }
}

/// One line about the index build of backend `pid`, if one runs.
fn progress(client: &mut Client, pid: i32) -> Option<String> {
    let row = client
        .query_opt(
            "SELECT p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total, \
                    coalesce(c.relname::text, '') \
             FROM pg_catalog.pg_stat_progress_create_index p \
             LEFT JOIN pg_catalog.pg_class c ON c.oid = p.relid \
             WHERE p.pid = $1",
            &[&pid],
        )
        .ok()??;
    let phase: String = row.get(0);
    let (bd, bt, td, tt): (i64, i64, i64, i64) = (row.get(1), row.get(2), row.get(3), row.get(4));
    let table: String = row.get(5);
    let pct = if bt > 0 {
        format!(" {:.0}% of blocks", bd as f64 * 100.0 / bt as f64)
    } else if tt > 0 {
        format!(" {:.0}% of tuples", td as f64 * 100.0 / tt as f64)
    } else {
        String::new()
    };
    Some(format!("building an index on {table}: {phase}{pct}"))
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
