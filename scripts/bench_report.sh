#!/usr/bin/env bash
# Runs every benchmark and writes docs/BENCHMARKS.md: the one place the docs take speed,
# footprint and arena figures from. Other pages link to it and quote no figures of their own.
# Benchmarks print; they assert nothing (the tests check correctness).
#
#   scripts/bench_report.sh [--quick] [--out FILE] [--section NAME[,NAME...]]
#     --quick   shorter timings (runner 3 rounds of 0.1 s per engine, QEMU 1 run, stream steps 1 s,
#               replay of 3,600 inferences instead of 36,000)
#     --out     where to write (default docs/BENCHMARKS.md); written to a temporary name first
#     --section run these sections only and replace them in FILE, each stamped with its own
#               commit and date (after a change to one part, without re-running the rest):
#               runner ops image icount mlperf decoder stream session flash replay dataset
#
# Needs the Release build (`cmake --preset release && cmake --build --preset release`), which
# also cross-builds the Cortex-M4 images when arm-none-eabi-g++ is installed, and ../shared
# (TINYSCOPE_SHARED_DIR) for the models. A section whose inputs are missing says so instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${TINYSCOPE_BUILD_DIR:-$root/build}
shared=${TINYSCOPE_SHARED_DIR:-$root/../shared}
out=docs/BENCHMARKS.md
quick=0
only=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out=$2; shift ;;
    --section) only=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_report: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
runner_seconds=0.3; runner_rounds=7; qemu_runs=3; stream_step=3; replay_inferences=36000
if [ "$quick" = 1 ]; then runner_seconds=0.1; runner_rounds=3; qemu_runs=1; stream_step=1; replay_inferences=3600; fi
mlperf_iterations=10

[ -n "$only" ] || for bin in bench/runner_bench bench/decoder_bench bench/stream_bench app/cli/tinyscope-cli; do
  [ -x "$build/$bin" ] || { echo "bench_report: $build/$bin is missing: build the release preset first" >&2; exit 2; }
done

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
say() { printf '%s\n' "$*" >>"$tmp"; }
fence() { say '```'; cat >>"$tmp"; say '```'; }
section() { echo "bench_report: $*" >&2; say ""; say "## $*"; say ""; }

dataset_section() {
  section "Dataset store (bench/dataset_bench)"
  say "The index with 100,000 samples (filled in one SQL transaction), best of 5: pages of 100 (first,"
  say "deep by offset and by id, filtered by label, split, session, device, time), counts and counts"
  say "per label/split/device/session (target: each under 100 ms), every sample at once for reference;"
  say "label edits and undo (one transaction each, fsync'd), a train/test split of every sample; then"
  say "crash-safe adds of 1 s 16 kHz WAV payloads and verify of them; recording through SampleWriter"
  say "(2 s chunk commits, fed flat out; losses counted on a simulated real-time timeline with a 1 s"
  say "link buffer); WAV and Edge Impulse JSON export then import of 16 kHz audio and of 1 s IMU"
  say "samples; verify of ~300 MB of payloads (docs/DATASET.md). Sizes are scaled down so the section"
  say "takes under 90 s; each size is printed and extrapolations are labelled (\`dataset_bench --full\`"
  say "runs one hour of audio, 10,000 IMU samples and 10 GB)."
  say ""
  if [ -x "$build/bench/dataset_bench" ]; then
    "$build/bench/dataset_bench" "$([ "$quick" = 1 ] && echo 50 || echo 200)" | fence
  else
    say "(skipped: $build/bench/dataset_bench is not built)"
  fi
}

runner_section() {
  section "Desktop runtime vs TFLite Micro (bench/runner_bench --vs-tflm)"
  say "tinyscope's optimized desktop kernels and TensorFlow Lite Micro's reference kernels (\`tflm_run\`,"
  say "-O3) on every runnable model of \`golden/models.json\`, timed side by side in interleaved rounds:"
  say "each round times N \`invoke()\` calls of each engine one by one after an equal warm-up (TFLM in"
  say "its own process with \`--bench N\`, tinyscope in-process without observer). Medians of the round"
  say "medians, the median of the per-round ratios of medians and of minima with their ranges, GMAC/s"
  say "and % of the VNNI peak measured on one core; arena is the device kernel set's plan. The"
  say "per-operator split comes from a separate pass with the observer."
  say ""
  if [ -d "$shared/golden" ] && [ -x "$shared/tools/tflm_run" ]; then
    "$build/bench/runner_bench" --shared "$shared" --vs-tflm "$shared/tools/tflm_run" \
      --rounds "$runner_rounds" --min-seconds "$runner_seconds" >>"$tmp"
  elif [ -d "$shared/golden" ]; then
    say "(TFLM columns empty: $shared/tools/tflm_run is absent)"
    say ""
    "$build/bench/runner_bench" --shared "$shared" --rounds "$runner_rounds" --min-seconds "$runner_seconds" >>"$tmp"
  else
    say "(skipped: $shared/golden is absent)"
  fi
}

ops_section() {
  section "Optimized x86 operators (bench/op_bench)"
  say "One-operator int8 (and int16 MUL) models shaped like layers of small vision and audio models:"
  say "µs per \`invoke()\` (median of 5 batches) of the reference kernels and of the optimized kernels"
  say "on each instruction set this CPU has, all with a host cache; checked bit-exact by"
  say "\`model_runner_optimized_tests\`."
  say ""
  if [ -x "$build/bench/op_bench" ]; then
    "$build/bench/op_bench" --min-seconds "$runner_seconds" >>"$tmp"
  else
    say "(skipped: $build/bench/op_bench is absent: the optimized kernels are not built here)"
  fi
}

image_section() {
  section "Cortex-M4 agent image (arm-none-eabi-g++, -Os, no exceptions, no RTTI, no heap)"
  fw="$build/firmware-arm"
  if ls "$fw"/firmware/*/tinyscope-agent.footprint.txt >/dev/null 2>&1; then
    say "The linked agent (agent core + runtime with the operators the firmware registers + protocol +"
    say "port), as the build prints it after every link (\`firmware/<board>/<image>.footprint.txt\`)."
    say "RAM beyond the arena counts .data, .bss without the model arena and sample history, and the stack."
    say ""
    say "Each image carries the op groups of its build-time list (docs/FIRMWARE.md); the"
    say "\`tinyscope-agent-ops-<set>\` images measure the other operator sets on netduinoplus2."
    say ""
    say "| board | image | op groups | .text | .data | .bss | stack | flash | RAM beyond the model arena |"
    say "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for f in "$fw"/firmware/*/tinyscope-agent*.footprint.txt; do
      # shellcheck disable=SC1090
      (. "$f"; say "| $board | $image | ${ops:-core} | $text | $data | $bss | $stack | $flash B | $ram_beyond_arena B ($ram_beyond_arena_without_stack + $stack stack) |")
    done
    say ""
    say "Every Cortex-M4 image the build links (\`arm-none-eabi-size\`; .bss includes arena, history and stack):"
    say ""
    say "| image | .text | .data | .bss |"
    say "| --- | ---: | ---: | ---: |"
    while IFS= read -r elf; do
      name=${elf#"$fw"/firmware/}
      arm-none-eabi-size "$elf" | awk -v n="$name" 'NR == 2 { printf "| `%s` | %d | %d | %d |\n", n, $1, $2, $3 }' >>"$tmp"
    done < <(find "$fw/firmware" -name '*.elf' | sort)
    agent_elf="$fw/firmware/netduinoplus2/tinyscope-agent.elf"
    if [ -f "$agent_elf" ]; then
      say ""
      say "Where the flash of \`netduinoplus2/tinyscope-agent.elf\` (core op group) goes, by part"
      say "of the source tree (\`bench/firmware_size_breakdown.py\`): code byte by byte by the source file"
      say "the image's line table names, so code inlined from a header counts for that header and a"
      say "kernel's code inlined into the interpreter for the kernel; constant tables, vtables and"
      say "library code by symbol (libgcc and newlib by their archive member in the map file)."
      say "(The agent core, protocol and port archives hold -flto's intermediate code, not machine"
      say "code, so the libraries' own sizes are not listed.)"
      say ""
      python3 bench/firmware_size_breakdown.py "$agent_elf" --files 30 >>"$tmp"
    fi
  else
    say "(skipped: no Cortex-M4 images under $fw — install gcc-arm-none-eabi and rebuild)"
  fi
}

icount_section() {
  section "Cortex-M4 instructions per inference (bench/qemu_icount_bench.sh)"
  say "The agent image on mps2-an386 under QEMU \`-icount shift=0\`, median of $qemu_runs run(s); ratio"
  say "< 1 means fewer instructions than TFLite Micro (counts published for TFLM's reference and CMSIS-NN builds)."
  say ""
  if command -v qemu-system-arm >/dev/null && [ -d "$shared/models" ]; then
    bash bench/qemu_icount_bench.sh "$build" "$qemu_runs" | fence
  else
    say "(skipped: qemu-system-arm or $shared/models is absent)"
  fi
}

mlperf_section() {
  section "MLPerf Tiny DUT mode (bench/mlperf_dut_bench.sh)"
  say "The MLPerf Tiny models measured as the MLPerf Tiny runner measures a device (tinyscope-cli mlperf:"
  say "db load, \`infer $mlperf_iterations 1\`, the two m-lap-us laps; median over 3 inputs): the Cortex-M4 DUT image"
  say "under QEMU \`-icount shift=0\` (lap µs x 1000 = instructions; includes the input copy before each"
  say "run) and tinyscope-agent --dut on this host."
  say ""
  if [ -d "$shared/models" ]; then
    bash bench/mlperf_dut_bench.sh "$build" "$mlperf_iterations" >>"$tmp"
  else
    say "(skipped: $shared/models is absent)"
  fi
}

decoder_section() {
  section "Protocol decoding (bench/decoder_bench)"
  say "Frame decoding (COBS + CRC-32) alone and with message parsing, in MB/s of wire bytes, for"
  say "reads of 64 B, 4 KiB and the whole buffer at once."
  say ""
  "$build/bench/decoder_bench" | fence
}

stream_section() {
  section "Streaming end to end (bench/stream_bench)"
  say "tinyscope-agent → pty → DeviceLink → DeviceSession, 8 int16 channels, rising rates until"
  say "the first loss of any kind (gap, frame error, overrun, lost sample)."
  say ""
  "$build/bench/stream_bench" --step-seconds "$stream_step" | fence
}

session_section() {
  section "Streaming with a session log (bench/stream_bench --session)"
  say "The same ramp with every frame also written to a session log (docs/SESSIONS.md), as"
  say "\`stream --session\` and \`record\` do: the rate at 16 kHz × 8 ch must stay lossless."
  say ""
  logs=$(mktemp -d)
  "$build/bench/stream_bench" --step-seconds "$stream_step" --session "$logs" | fence
  rm -rf "$logs"
}

flash_section() {
  section "Flashing over a paced UART (bench/flash_bench)"
  say "kws_ref_model flashed by ModelFlasher to tinyscope-agent --pty --baud B (the agent paces the"
  say "bytes it reads and writes to B/10 bytes/s, 8N1, and hands a byte over only once it has crossed"
  say "the wire): payload bytes, transfer time (first chunk to last Ack), effective rate, % of the"
  say "wire rate (target >= 85%), retries, and the whole flash (slot check, erase, SHA-256 verify,"
  say "self-test, confirm); then under seeded byte corruption and frame drops (docs/FIRMWARE.md)."
  say ""
  if [ -x "$build/bench/flash_bench" ]; then
    flash_runs=3; [ "$quick" = 1 ] && flash_runs=1
    "$build/bench/flash_bench" --runs "$flash_runs" | fence
  else
    say "(skipped: $build/bench/flash_bench is not built)"
  fi
}

replay_section() {
  section "Session replay (bench/replay_bench)"
  say "A KWS-like session log (kws_ref_model, one inference every 100 ms with the model input and"
  say "every operator's output captured, as the agent sends them) written by the session log writer,"
  say "then \`tinyscope-cli replay --jobs 2\`: playback through the FrameDecoder and catalogue, a desktop"
  say "run and a tensor comparison per inference. Goal: one hour (36,000 inferences) in under a minute."
  say ""
  if [ -x "$build/bench/replay_bench" ] && [ -f "$shared/models/kws_ref_model.tflite" ]; then
    "$build/bench/replay_bench" --inferences "$replay_inferences" --model "$shared/models/kws_ref_model.tflite" | fence
  else
    say "(skipped: $build/bench/replay_bench is not built or $shared/models is absent)"
  fi
}

all_sections="runner ops image icount mlperf decoder stream session flash replay dataset"

if [ -n "$only" ]; then
  [ -f "$out" ] || { echo "bench_report: $out is missing: run the full report first" >&2; exit 2; }
  for sect in ${only//,/ }; do
    case " $all_sections " in
      *" $sect "*) ;;
      *) echo "bench_report: unknown section '$sect' (known: $all_sections)" >&2; exit 2 ;;
    esac
  done
  for sect in ${only//,/ }; do
    : >"$tmp"
    "${sect}_section"
    say ""
    say "(This section alone by \`scripts/bench_report.sh --section $sect\` at commit \`$(git rev-parse --short HEAD)\`, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; the rest of the page is from the run stamped above.)"
    heading=$(grep -m1 '^## ' "$tmp")
    grep -qxF "$heading" "$out" || { echo "bench_report: $out has no section '$heading': run the full report" >&2; exit 2; }
    # The page up to the old section's heading, the new section (its leading blank line is
    # already there), then the page from the next heading on.
    awk -v h="$heading" -v new="$tmp" '
      $0 == h { while ((getline line < new) > 0) if (seen++ > 0) print line; skip = 1; next }
      skip && /^## / { skip = 0; print "" }
      !skip { print }' "$out" >"$tmp.page"
    mv "$tmp.page" "$out"
    echo "bench_report: replaced the $sect section of $out" >&2
  done
  rm -f "$tmp"
  trap - EXIT
  exit 0
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
say "# Benchmarks"
say ""
say "Written by \`scripts/bench_report.sh$([ "$quick" = 1 ] && echo ' --quick')\` — do not edit by hand; run the script again."
say "Every figure the README and docs/ quote about speed, footprint or memory is on this page."
say ""
say "- commit \`$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo ' + local changes')\`, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "- $cpu, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; other work may share the machine, so"
say "  timings carry its noise (repeat runs spread by ±10–15 %); counts (instructions, bytes) do not."

for sect in $all_sections; do "${sect}_section"; done

mv "$tmp" "$out"
trap - EXIT
echo "bench_report: wrote $out" >&2
