#!/usr/bin/env bash
#! Measures the page on the deep shapes (not a test): a `requires` chain, a `requires_at_start`
#! chain and a spine under many leaves — paste → findings, click → repaint, and the browser's
#! peak resident memory — in headless Chromium.
# Usage: scripts/bench-browser-deep.sh [DEPTH] [SPINE_DEPTH LEAVES]   (default: 100000, 1000 100000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
depth=${1:-100000}
spine_depth=${2:-1000}
leaves=${3:-100000}

[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
trunk build --release >/dev/null
cargo build --quiet --release -p blastmap-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$CARGO_TARGET_DIR/release/blastmap"
"$bin" generate --shape chain --depth "$depth" --format json >"$work/chain-$depth.json"
"$bin" generate --shape start-chain --depth "$depth" --format json >"$work/start-chain-$depth.json"
"$bin" generate --shape spine --depth "$spine_depth" --leaves "$leaves" --format json >"$work/spine-$spine_depth-$leaves.json"
cd tests/browser
BLASTMAP_DIST="$ROOT/dist" node bench-deep.mjs "$work/chain-$depth.json" "$work/start-chain-$depth.json" "$work/spine-$spine_depth-$leaves.json"
