#!/usr/bin/env bash
# The main job on the bundled example, from a fresh machine: build, lint the analytics schema
# (clean), lint the schema as its migrations documented it (the four known defects and more),
# and plan the schema against an embedded throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked --bins
bin=target/release

echo "== schema-lint schema   (the desired state: expected clean)"
"$bin/schema-lint" schema

echo
echo "== schema-lint fixtures/as-documented --external schema/external   (as the knex migrations built it)"
set +e
"$bin/schema-lint" fixtures/as-documented --external schema/external
status=$?
set -e
echo "(exit status $status: 1 means defects were found, as expected)"

echo
echo "== schema-plan   (against an empty database in an embedded throwaway PostgreSQL)"
"$bin/schema-plan"
