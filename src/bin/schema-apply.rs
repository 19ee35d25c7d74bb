//! `schema-apply`: see `schema_tool::cli::apply`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::apply::ApplyArgs as clap::Parser>::parse();
    schema_tool::cli::main_with(|| schema_tool::cli::apply::run(args))
}
