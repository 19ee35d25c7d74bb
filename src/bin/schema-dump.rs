//! `schema-dump`: not yet implemented (see its issue); exits 2.

use std::process::ExitCode;

fn main() -> ExitCode {
    schema_tool::cli::not_yet_implemented("schema-dump")
}
