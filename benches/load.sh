#!/usr/bin/env bash
# IdeaBox load benchmark: builds the release binary, generates the large `load-test`
# consultation, serves it on loopback and measures every main page and API call with wrk
# (2 threads, 32 connections), on SQLite and on PostgreSQL. See BENCHMARKS.md.
#
#   bash benches/load.sh                      # both databases, the standard dataset
#   bash benches/load.sh --backend sqlite     # one database
#   bash benches/load.sh --duration 20        # seconds per measurement (default 10)
#   bash benches/load.sh --scale              # list, search and export at 1,000,000 ideas
#   bash benches/load.sh --help               # every option
#
# Needs: Rust, Python 3, wrk (installed from Debian when missing and run as root),
# PostgreSQL at 127.0.0.1:5432 for the PostgreSQL pass (started when it is down).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if ! command -v wrk >/dev/null; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing wrk from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null ||
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
  else
    echo "wrk is needed: apt-get install wrk (as root)" >&2
    exit 2
  fi
fi

if [[ " $* " != *" --backend sqlite "* ]] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi

echo "building the release binary"
cargo build --release --quiet
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
exec python3 "$repo/benches/load.py" --binary "$target_dir/release/ideabox" "$@"
