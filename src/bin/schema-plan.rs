//! `schema-plan`: see `schema_tool::cli::plan`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::plan::PlanArgs as clap::Parser>::parse();
    schema_tool::cli::main_with(|| schema_tool::cli::plan::run(args))
}
