//! `schema-apply`: see `schema_tool::cli::apply`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::apply::ApplyArgs as clap::Parser>::parse();
    match schema_tool::stack::with_deep_stack(|| schema_tool::cli::apply::run(args)) {
        Ok(status) => status.into(),
        Err(err) => schema_tool::cli::report_error(&err),
    }
}
