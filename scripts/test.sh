#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then checks formatting,
# lints (clippy, warnings are errors) and runs every test (unit, fixtures, integration tests
# against throwaway PostgreSQL clusters, corpus regression suites).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
