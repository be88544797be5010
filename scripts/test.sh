#!/usr/bin/env bash
# The whole tinyscope test suite, as CI runs it on a fresh machine:
#   1. install the Debian packages          4. format + freestanding checks, Cortex-M4 cross build
#   2. host build (warnings are errors)     5. unit tests again under ASan + UBSan
#   3. ctest                                6. fuzzers for a bounded time
# The ASan build holds everything the Release build does but the Cortex-M4 images: the freestanding
# parts, Qt core, CLI, GUI and their tests (Qt's own GUI singletons are in tests/support/lsan.supp).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# Paths relative to the checkout, so ccache hits across clones (CI builds a fresh one).
export CCACHE_BASEDIR="$PWD"
step() { printf '\n=== %s ===\n' "$*"; }

step "setup: Debian packages"
bash scripts/setup.sh

step "format check (root .clang-format)"
bash scripts/check_format.sh

step "freestanding check"
bash scripts/check_freestanding.sh

step "host build (Release)"
cmake --preset release
cmake --build --preset release -j"$jobs"

step "Cortex-M4 cross build of the freestanding parts (-Os, no exceptions, no RTTI)"
cmake --preset cortex-m4
cmake --build --preset cortex-m4 -j"$jobs"

step "ASan + UBSan build"
cmake --preset asan
cmake --build --preset asan -j"$jobs"

if [ -x scripts/run_fuzzers.sh ]; then
  step "fuzzers (bounded)"
  bash scripts/run_fuzzers.sh "${TINYSCOPE_FUZZ_SECONDS:-60}"
fi

step "every suite but the process-level agent and QEMU ones under ASan + UBSan (those run in the Release pass)"
ctest --preset asan -j"$jobs" -LE "agent|qemu"

step "test suite (Release)"
ctest --preset release -j"$jobs"
