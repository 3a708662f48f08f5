#!/usr/bin/env bash
# Sets up and runs every check and test: format, lints (native and wasm32), unit, snapshot,
# property and integration tests, then the browser tests in headless Chromium.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

step "setup"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32, the crates the page runs)"
wasm_crates=(-p blastmap-core -p blastmap-import)
[ -d web ] && wasm_crates+=(-p blastmap-web)
cargo clippy "${wasm_crates[@]}" --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

if [ -x scripts/test-browser.sh ]; then
  step "browser tests (headless Chromium)"
  scripts/test-browser.sh
fi
