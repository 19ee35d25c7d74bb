//! `schema-plan`: see `schema_tool::cli::plan`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::plan::PlanArgs as clap::Parser>::parse();
    match schema_tool::stack::with_deep_stack(|| schema_tool::cli::plan::run(args)) {
        Ok(status) => status.into(),
        Err(err) => schema_tool::cli::report_error(&err),
    }
}
