#!/usr/bin/env bash
# A screenshot of an installed Hanji's first run, under Xvfb, as a new user would see it.
#   bash packaging/linux/first-run-screenshot.sh [APP] [OUT.png]
# APP defaults to dist/hanji/hanji, OUT to docs/first-run.png. Needs xvfb-run, xwininfo (x11-utils)
# and import (imagemagick). The user's home is a fresh temporary folder, so this is the very first
# start: the demo project is written and opened (and the keyboard tour shows, when the build has one).
set -euo pipefail
cd "$(dirname "$0")/../.."
APP="$(readlink -f "${1:-dist/hanji/hanji}")"
OUT="$(readlink -f "${2:-docs/first-run.png}")"
WAIT="${HANJI_SCREENSHOT_WAIT:-8}"
for tool in xvfb-run import xwininfo; do
  command -v "$tool" >/dev/null || { echo "first-run-screenshot.sh: $tool not found" >&2; exit 1; }
done
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT
export APP OUT WAIT HOME_DIR
xvfb-run -a -s "-screen 0 1440x900x24" bash -c '
  set -euo pipefail
  env -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME="$HOME_DIR" HANJI_LANG="${HANJI_LANG:-en}" "$APP" &
  pid=$!
  for _ in $(seq 1 120); do   # up to 60 s for the window to be mapped
    if xwininfo -root -tree 2>/dev/null | grep -q "Hanji"; then break; fi
    sleep 0.5
  done
  sleep "$WAIT"               # let the demo project load and paint
  import -window root "$OUT"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
'
echo "$OUT"
