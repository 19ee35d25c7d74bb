//! `schema-lint`: see `schema_tool::cli::lint`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::lint::LintArgs as clap::Parser>::parse();
    match schema_tool::stack::with_deep_stack(|| schema_tool::cli::lint::run(args)) {
        Ok(status) => status.into(),
        Err(err) => schema_tool::cli::report_error(&err),
    }
}
