#!/usr/bin/env bash
# Fails when any C++ file in the tree differs from its formatting by the root .clang-format.
#   scripts/check_format.sh          check (CI)
#   scripts/check_format.sh --fix    reformat in place
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.c' '*.def' '*.inc')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check_format: $f is not formatted (run scripts/check_format.sh --fix)"
    bad=$((bad + 1))
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "check_format: $bad of ${#files[@]} files need formatting"
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
