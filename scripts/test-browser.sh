#!/usr/bin/env bash
#! Builds the page (Trunk, release) and the CLI, then runs the browser tests (tests/browser) in
#! headless Debian Chromium. Run scripts/setup.sh once first.
# Usage: scripts/test-browser.sh [node --test options, e.g. --test-name-pattern=share]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

log() { printf '\033[1m[test-browser]\033[0m %s\n' "$*" >&2; }

if [ ! -d tests/browser/node_modules/playwright-core ]; then
  log "installing playwright-core (npm ci)"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
log "building the CLI (expected findings come from it)"
cargo build --quiet -p blastmap-cli
log "building the page (trunk build --release, with the test hooks)"
trunk build --release --features test-hooks >/dev/null
export BLASTMAP_CLI="$CARGO_TARGET_DIR/debug/blastmap"
export BLASTMAP_DIST="$ROOT/dist"
log "running the browser tests"
cd tests/browser
exec node --test --test-concurrency=1 "$@"
