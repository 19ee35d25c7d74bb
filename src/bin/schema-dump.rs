//! `schema-dump`: see `schema_tool::cli::dump`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::dump::DumpArgs as clap::Parser>::parse();
    match schema_tool::stack::with_deep_stack(|| schema_tool::cli::dump::run(args)) {
        Ok(status) => status.into(),
        Err(err) => schema_tool::cli::report_error(&err),
    }
}
