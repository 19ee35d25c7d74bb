//! `schema-lint`: see `schema_tool::cli::lint`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <schema_tool::cli::lint::LintArgs as clap::Parser>::parse();
    schema_tool::cli::main_with(|| schema_tool::cli::lint::run(args))
}
