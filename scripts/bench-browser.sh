#!/usr/bin/env bash
#! Measures the page (not a test): paste → findings and click → repaint at 200, 5,000 and
#! 50,000 components in headless Chromium, and the gzipped wasm sizes. Also prints the native
#! cost of the page's main-thread steps (model, scene, layout) for each size.
# Usage: scripts/bench-browser.sh [sizes…]   (default: 200 5000 50000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(200 5000 50000)

[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
trunk build --release >/dev/null
cargo build --quiet --release -p blastmap-web --example gen_topology
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=()
for n in "${sizes[@]}"; do
  "$CARGO_TARGET_DIR/release/examples/gen_topology" "$n" >"$work/t-$n.json"
  files+=("$work/t-$n.json")
done
cd tests/browser
BLASTMAP_DIST="$ROOT/dist" node bench.mjs "${files[@]}"
