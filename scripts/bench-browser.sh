#!/usr/bin/env bash
#! Measures the page (not a test): open → findings (a real paste) at 50,000, 200,000 and
#! 1,000,000 edges (`blastmap generate --edges`), with where the time went (the worker's parse
#! and analysis, the page's marks), the browser's peak resident memory and the peak JS heap and
#! WebAssembly memory of the page and its worker; click → repaint;
#! the gzipped wasm sizes. Also prints the native cost of the page's steps (model, pack,
#! unpack, scene, layout) for each size. A JSON file given instead of a size is measured as it
#! is (a chain from `blastmap generate --shape chain`, say): the steps it has nothing for (no
#! host, region or group) are skipped, and the row says so.
# Usage: scripts/bench-browser.sh [edges|file.json…]   (default: 50000 200000 1000000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(50000 200000 1000000)

[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
trunk build --release >/dev/null
cargo build --quiet --release -p blastmap-cli
cargo build --quiet --release -p blastmap-web --example gen_topology
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=()
for n in "${sizes[@]}"; do
  if [[ "$n" =~ ^[0-9]+$ ]]; then
    "$CARGO_TARGET_DIR/release/blastmap" generate --edges "$n" --format json >"$work/e-$n.json"
    file="$work/e-$n.json"
  elif [ -f "$n" ]; then
    file=$(cd "$(dirname "$n")" && pwd)/$(basename "$n")
  else
    echo "bench-browser: $n is neither a number of edges nor a file" >&2
    exit 2
  fi
  "$CARGO_TARGET_DIR/release/examples/gen_topology" "$file" ||
    echo "bench-browser: $file is not a native topology: the page's steps are not timed natively" >&2
  files+=("$file")
done
cd tests/browser
BLASTMAP_DIST="$ROOT/dist" node bench.mjs "${files[@]}"
