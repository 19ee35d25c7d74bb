#!/usr/bin/env bash
# Installs what building and testing need, only what is missing:
#   - a C toolchain and libclang (pg_query builds PostgreSQL's parser and runs bindgen),
#   - the PostgreSQL server binaries (initdb, postgres, pg_ctl, pg_dump, psql) for the
#     throwaway clusters the tool and its tests start,
#   - libssl-dev (openssl-sys, behind the TLS connections to PostgreSQL),
#   - python3 (the benchmark schema generator), openssl (TLS tests).
# Rust itself comes from rustup (rust-toolchain.toml pins the version).
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libclang-dev libssl-dev gcc make pkg-config python3 openssl; do
  have_pkg "$pkg" || need+=("$pkg")
done
# Any PostgreSQL server major version will do; install Debian's when none is present.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  need+=(postgresql postgresql-contrib)
fi
if ! command -v psql >/dev/null 2>&1; then
  need+=(postgresql-client)
fi

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's package starts a cluster of its own; the tool never uses it.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    $SUDO service postgresql stop >/dev/null 2>&1 || true
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust with rustup (https://rustup.rs), then rerun" >&2
  exit 2
fi
