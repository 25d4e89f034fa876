#!/usr/bin/env bash
# Runs the browser tests against a real IdeaBox server on a fresh SQLite database.
#
#   IDEABOX_BIN   the server binary (default: target/debug/ideabox in the repository)
#   KEEP_TMP=1    keep the scratch folder (database, outbox, server log) for inspection
#
# Extra arguments go to `node --test` (e.g. --test-name-pattern=journey).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${IDEABOX_BIN:-$repo/target/debug/ideabox}"
case "$bin" in /*) ;; *) bin="$repo/$bin" ;; esac

if [[ ! -x "$bin" ]]; then
  echo "run.sh: no IdeaBox binary at $bin (run cargo build, or set IDEABOX_BIN)" >&2
  exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" || ! -d "$here/node_modules/axe-core" ]]; then
  echo "run.sh: node modules missing: (cd tests/browser && npm ci)" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ideabox-browser.XXXXXX")"
server_pid=""
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$tmp/server.log" ]]; then
    echo "---- last lines of the server log ($tmp/server.log) ----" >&2
    tail -n 40 "$tmp/server.log" >&2 || true
  fi
  if [[ "${KEEP_TMP:-0}" == "1" ]]; then
    echo "run.sh: scratch folder kept at $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port: bind port 0, read what the kernel chose, release it.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

export IDEABOX_DATABASE_URL="sqlite://$tmp/browser.db"
export IDEABOX_BIND="127.0.0.1:$port"
export IDEABOX_OUTBOX_DIR="$tmp/outbox"
# Settings from the caller's environment must not leak into the test server.
unset IDEABOX_CONFIG IDEABOX_SMTP_URL IDEABOX_BASE_URL IDEABOX_TRUSTED_PROXIES IDEABOX_DEFAULT_LANGUAGE
export IDEABOX_LOG="${IDEABOX_LOG:-info}"

# Accounts the accessibility checks sign in with, created before the server starts.
export IDEABOX_ADMIN_EMAIL="admin@example.jp"
export IDEABOX_ADMIN_PASSWORD="admin password for browser tests"
export IDEABOX_CITIZEN_EMAIL="citizen@example.jp"
export IDEABOX_CITIZEN_PASSWORD="citizen password for browser tests"
printf '%s\n' "$IDEABOX_ADMIN_PASSWORD" | "$bin" user create --email "$IDEABOX_ADMIN_EMAIL" \
  --name Admin --role admin --verified --password-stdin >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log" >&2; exit 1; }
# An unverified citizen: their pages show the "confirm your email" banner.
printf '%s\n' "$IDEABOX_CITIZEN_PASSWORD" | "$bin" user create --email "$IDEABOX_CITIZEN_EMAIL" \
  --name "市民 テスト" --role citizen --password-stdin >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log" >&2; exit 1; }
# Staff for the moderation and drafting journeys.
export IDEABOX_MODERATOR_EMAIL="moderator@example.jp"
export IDEABOX_MODERATOR_PASSWORD="moderator password for browser tests"
export IDEABOX_DRAFTER_EMAIL="drafter@example.jp"
export IDEABOX_DRAFTER_PASSWORD="drafter password for browser tests"
printf '%s\n' "$IDEABOX_MODERATOR_PASSWORD" | "$bin" user create --email "$IDEABOX_MODERATOR_EMAIL" \
  --name "モデレーター" --role moderator --verified --password-stdin >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log" >&2; exit 1; }
printf '%s\n' "$IDEABOX_DRAFTER_PASSWORD" | "$bin" user create --email "$IDEABOX_DRAFTER_EMAIL" \
  --name "起草担当" --role drafter --verified --password-stdin >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log" >&2; exit 1; }
# Demo data puts an open consultation on the home page.
"$bin" demo >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; exit 1; }
# A second consultation with more ideas than one list page holds, for the page-weight check.
"$bin" demo --ideas 30 --users 10 --comments 30 --votes 60 >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log" >&2; exit 1; }

"$bin" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
healthy() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' \
    "$base/healthz"
}
ready=0
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: the server exited during start-up" >&2
    exit 1
  fi
  if healthy; then
    ready=1
    break
  fi
  sleep 0.2
done
if [[ $ready -ne 1 ]]; then
  echo "run.sh: $base/healthz did not answer 200 in time" >&2
  exit 1
fi
echo "run.sh: IdeaBox at $base (pid $server_pid), scratch folder $tmp"

cd "$here"
# TMPDIR: Chromium's throw-away profiles and downloads land in the scratch folder too.
mkdir -p "$tmp/node"
IDEABOX_URL="$base" IDEABOX_OUTBOX="$tmp/outbox" TMPDIR="$tmp/node" \
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  node --test --test-reporter=spec --test-concurrency=1 "$@" ./*.test.js
