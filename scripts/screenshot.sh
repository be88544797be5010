#!/usr/bin/env bash
# Renders the tinyscope main window in a real X server (Xvfb) and saves a PNG.
#   scripts/screenshot.sh [BUILD_DIR] [OUT.png] [-- extra tinyscope args]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-docs/screenshot.png}
shift $(( $# > 2 ? 2 : $# )); [ "${1:-}" = "--" ] && shift
args=("$@")
[ -x "$build/app/gui/tinyscope" ] || { echo "screenshot: $build/app/gui/tinyscope is not built" >&2; exit 2; }
out_abs=$(realpath -m "$out")
xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
  "$0" "$@" & pid=$!
  sleep 4
  import -window root "'"$out_abs"'"
  kill $pid; wait $pid 2>/dev/null || true' "$build/app/gui/tinyscope" "${args[@]}"
echo "screenshot: wrote $out"
