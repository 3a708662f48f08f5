#!/usr/bin/env bash
# Sets up and serves the page locally with an example loaded: http://127.0.0.1:8080/#example=roblox-2021-consul
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --no-browser
PORT="${PORT:-8080}"
printf '\n\033[1mBlastmap:\033[0m http://127.0.0.1:%s/#example=roblox-2021-consul\n\n' "$PORT"
exec trunk serve --release --address 127.0.0.1 --port "$PORT"
