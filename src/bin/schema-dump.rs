//! `schema-dump`: see `schema_tool::cli::dump`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::dump::DumpArgs as clap::Parser>::parse();
    schema_tool::cli::main_with(|| schema_tool::cli::dump::run(args))
}
