#!/usr/bin/env bash
# Rejects what an MCU build must not use in tinyscope's freestanding parts: Qt includes,
# heap allocation, exceptions and STL containers. Host-only subfolders (host/, port/host/)
# and tests are exempt. Prints each offending line; exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='#include <Q|\bnew [A-Za-z_:]|\b(malloc|calloc|realloc|free)\(|\bthrow\b|\btry *\{|std::(vector|string|map|unordered_map|set|list|deque|function|shared_ptr|unique_ptr)\b|#include <(vector|string|map|unordered_map|list|deque|functional|memory|iostream|sstream|fstream)>'
hits=$(grep -rnE "$pattern" model_runner device_protocol firmware_agent \
         --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cc' --include='*.c' 2>/dev/null \
       | grep -vE '^[^:]*/(host|tests?)/' | grep -vE ':[0-9]+: *//' || true)
if [ -n "$hits" ]; then
  echo "Freestanding parts use what an MCU build must not (Qt, heap, exceptions, STL containers):"
  echo "$hits"
  exit 1
fi
echo "freestanding check: model_runner, device_protocol, firmware_agent are clean"
