//! Command-line front ends: argument structs, exit statuses, error reporting.
//!
//! Exit codes (DESIGN.md): 0 success; 1 the check failed; 2 bad input or environment.

pub mod apply;
pub mod dump;
pub mod inputs;
pub mod lint;
pub mod plan;
pub mod plan_output;

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Exit 0.
    Success,
    /// Exit 1: lint errors, changes with `--fail-on-changes`, apply refused or rolled back.
    Failure,
    /// Exit 2: bad input or environment.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// What a binary's `main` runs: the command on a deep stack (see
/// [`crate::stack::with_deep_stack`]) under [`run_at_edge`], reporting to stderr. Panics are
/// reported quietly (message and location, no stack dump unless `RUST_BACKTRACE` asks).
pub fn main_with(
    command: impl FnOnce() -> Result<ExitStatus, crate::error::Error> + Send,
) -> ExitCode {
    QUIET_PANICS.store(true, Ordering::Relaxed);
    // Not `stderr().lock()`: the command runs on another thread and writes to standard error
    // itself (warnings, progress); holding the lock here for its whole run deadlocks it.
    run_at_edge(command, &mut std::io::stderr()).into()
}

/// Whether the panic hook leaves printing to the edge (set by [`main_with`]; tests keep the
/// standard output of their own panics).
static QUIET_PANICS: AtomicBool = AtomicBool::new(false);

/// Where the last panic happened, recorded by the hook [`run_at_edge`] installs.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs a command on a deep stack and turns its end into an exit status: an error is reported
/// to `stderr` (exit 2, 0 for a closed pipe); a panic, anywhere under it, is reported as an
/// internal error with its message and location (exit 2) instead of unwinding out of `main`.
pub fn run_at_edge(
    command: impl FnOnce() -> Result<ExitStatus, crate::error::Error> + Send,
    stderr: &mut dyn std::io::Write,
) -> ExitStatus {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let standard = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = info.location().map(ToString::to_string);
            }
            let backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
            if !QUIET_PANICS.load(Ordering::Relaxed) || backtrace {
                standard(info);
            }
        }));
    });
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::stack::with_deep_stack(command)
    }));
    match ran {
        Ok(Ok(status)) => status,
        Ok(Err(err)) => report_error_to(&err, stderr),
        Err(panic) => {
            let message = crate::report::human::panic_message(panic.as_ref());
            let location = LAST_PANIC.lock().ok().and_then(|mut l| l.take());
            let _ = writeln!(
                stderr,
                "internal error: this is a bug in schema-tool, please report it\n  panicked at {}: {message}",
                location.as_deref().unwrap_or("an unknown location"),
            );
            ExitStatus::Error
        }
    }
}

/// Prints an error that stopped a command and returns exit code 2 (0 for a closed pipe).
pub fn report_error(err: &crate::error::Error) -> ExitCode {
    report_error_to(err, &mut std::io::stderr().lock()).into()
}

/// [`report_error`] to a writer, returning the status.
fn report_error_to(err: &crate::error::Error, stderr: &mut dyn std::io::Write) -> ExitStatus {
    if let crate::error::Error::Output(io) = err {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitStatus::Success;
        }
    }
    let handler = miette::GraphicalReportHandler::new_themed(if color_enabled() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    });
    let mut text = String::new();
    let _ = handler.render_report(&mut text, err);
    let _ = stderr.write_all(text.as_bytes());
    ExitStatus::Error
}

/// Whether to colour human output: a terminal on stdout and no `NO_COLOR`.
pub fn color_enabled() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// The message binaries of unfinished commands print.
pub fn not_yet_implemented(command: &str) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln_err(&mut stderr, &format!("{command}: not yet implemented"));
    ExitStatus::Error.into()
}

fn writeln_err(w: &mut dyn std::io::Write, line: &str) -> std::io::Result<()> {
    writeln!(w, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_under_the_edge_is_an_internal_error_with_exit_2() {
        let mut stderr = Vec::new();
        let status = run_at_edge(|| panic!("the {} went wrong", "thing"), &mut stderr);
        let text = String::from_utf8_lossy(&stderr);
        assert_eq!(status, ExitStatus::Error);
        assert!(text.contains("this is a bug"), "{text}");
        assert!(text.contains("the thing went wrong"), "{text}");
        assert!(text.contains("src/cli/mod.rs:"), "{text}");
        assert!(!text.contains("stack backtrace"), "{text}");
    }

    #[test]
    fn a_command_s_own_status_and_errors_pass_the_edge() {
        let mut stderr = Vec::new();
        assert_eq!(
            run_at_edge(|| Ok(ExitStatus::Failure), &mut stderr),
            ExitStatus::Failure
        );
        let broken = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(
            run_at_edge(|| Err(crate::error::Error::Output(broken)), &mut stderr),
            ExitStatus::Success
        );
        assert!(stderr.is_empty());
    }
}
