//! Phase timings for profiling: with `SCHEMA_TOOL_TIMINGS=1` in the environment, each
//! [`mark`] prints the time since the first mark and the phase that just ended to stderr.
//! Off (one relaxed load per mark) otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("SCHEMA_TOOL_TIMINGS").map(|_| Instant::now()))
        .as_ref()
}

/// Records that `phase` has ended (printed only when timings are on).
pub fn mark(phase: &str) {
    if let Some(t) = start() {
        eprintln!("timing: {:>7.3} s  {phase}", t.elapsed().as_secs_f64());
    }
}
