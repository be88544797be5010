#!/usr/bin/env bash
# Instructions per inference of every core model on the Cortex-M4 agent under QEMU, and the
# ratio to TFLite Micro's published counts (reference kernels and CMSIS-NN kernels).
#
# Under `-icount shift=0` (the qemu: option icount=1) one guest instruction is one ns of
# virtual time and SysTick counts 25 ticks per 1000 instructions on mps2-an386, so the
# device's inference ticks x 40 is its instruction count (resolution: 40 instructions).
# Every run boots its own QEMU (model preloaded into slot 0) and runs one inference on the
# same seeded input, without tensor capture; min/max show the spread (UART interrupts).
# Prints figures only; never asserts.
#
# usage: bench/qemu_icount_bench.sh [BUILD_DIR] [RUNS]     (defaults: build, 3)
#   TINYSCOPE_SHARED_DIR  where models/ are (default: ../shared next to the source tree)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
runs="${2:-3}"
shared="${TINYSCOPE_SHARED_DIR:-$here/../shared}"
cli="$build/app/cli/tinyscope-cli"
image="$build/firmware-arm/firmware/mps2-an386/tinyscope-agent.elf"

[ -x "$cli" ] || { echo "qemu_icount_bench: no $cli (build tinyscope-cli first)" >&2; exit 2; }
[ -f "$image" ] || { echo "qemu_icount_bench: no $image (build with arm-none-eabi-gcc installed)" >&2; exit 2; }
command -v qemu-system-arm >/dev/null || { echo "qemu_icount_bench: qemu-system-arm is not installed" >&2; exit 2; }
[ -d "$shared/models" ] || { echo "qemu_icount_bench: $shared/models is absent (set TINYSCOPE_SHARED_DIR)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tinyscope-icount.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# model  TFLM reference  TFLM + CMSIS-NN  (instructions per inference on Cortex-M4)
models=(
  "hello_world_int8        7700       3900"
  "ad01_int8               4070000    840000"
  "micro_speech_quantized  17800000   2390000"
  "kws_ref_model           134000000  9200000"
  "person_detect           354000000  27100000"
  "vww_96_int8             370000000  28600000"
  "pretrainedResnet_quant  539000000  41100000"
)

printf '%-24s %14s %12s %12s %12s %12s\n' model instructions "vs TFLM ref" "vs CMSIS-NN" "min" "max"
for row in "${models[@]}"; do
  read -r name ref cmsis <<<"$row"
  model="$shared/models/$name.tflite"
  [ -f "$model" ] || { printf '%-24s %14s\n' "$name" "(model absent)"; continue; }
  "$cli" run "$model" --seed 1 --dump "$work/$name" >/dev/null
  counts=()
  for ((i = 0; i < runs; i++)); do
    json=$("$cli" infer --device "qemu:?image=$image&model=$model&icount=1" --input "$work/$name/input.bin" \
      --capture none --json --run-timeout 600)
    ticks=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["total_ticks"])' <<<"$json")
    counts+=($((ticks * 40)))
  done
  python3 - "$name" "$ref" "$cmsis" "${counts[@]}" <<'PY'
import statistics, sys
name, ref, cmsis = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
counts = [int(c) for c in sys.argv[4:]]
med = statistics.median(counts)
def human(n):
    return f"{n/1e6:.2f}M" if n >= 1e6 else (f"{n/1e3:.1f}K" if n >= 1e3 else str(int(n)))
print(f"{name:<24} {human(med):>14} {med/ref:>11.2f}x {med/cmsis:>11.2f}x {human(min(counts)):>12} {human(max(counts)):>12}")
PY
done
echo "(instructions = device ticks x 40 under -icount shift=0; ratio > 1 means more instructions than TFLM)"
