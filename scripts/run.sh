#!/usr/bin/env bash
# Installs what tinyscope needs, builds it and launches the GUI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
exec build/app/gui/tinyscope "$@"
