//! What the server and helper programs printed, cut to its last lines for error messages.

use std::fs;
use std::path::Path;
use std::process::Output;

/// How many lines of a log to quote in an error.
const LOG_TAIL_LINES: usize = 30;

/// The last lines of a log file, or a note that it cannot be read.
pub(super) fn log_tail(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => tail_lines(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES),
        Err(err) => format!("(cannot read {}: {err})", path.display()),
    }
}

/// The last lines of what a finished program printed, standard output then standard error.
pub(super) fn output_tail(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    tail_lines(&text, LOG_TAIL_LINES)
}

/// The last `count` lines of `text`.
fn tail_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}
