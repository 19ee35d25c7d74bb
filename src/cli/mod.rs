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

/// Prints an error that stopped a command and returns exit code 2 (0 for a closed pipe).
pub fn report_error(err: &crate::error::Error) -> ExitCode {
    if let crate::error::Error::Output(io) = err {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    let handler = miette::GraphicalReportHandler::new_themed(if color_enabled() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    });
    let mut text = String::new();
    let _ = handler.render_report(&mut text, err);
    let mut stderr = std::io::stderr().lock();
    let _ = std::io::Write::write_all(&mut stderr, text.as_bytes());
    ExitStatus::Error.into()
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
