#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time,
# seeded with real inputs: the real models and fuzz/regressions/ for the model targets,
# encoded messages for the protocol. Exits non-zero when a fuzzer finds a crash, leak or timeout.
#   scripts/run_fuzzers.sh [SECONDS_PER_TARGET]   (default 60)
# All targets together stay within TINYSCOPE_FUZZ_TOTAL_SECONDS (default 300, CI's budget):
# when SECONDS_PER_TARGET x targets is more, each target gets an equal share.
set -euo pipefail
targets=$(grep -c '^run ' "$0")  # the run lines at the end of this script
cd "$(dirname "$0")/.."
seconds=${1:-60}
total=${TINYSCOPE_FUZZ_TOTAL_SECONDS:-300}
if [ $((seconds * targets)) -gt "$total" ]; then
  seconds=$((total / targets))
  echo "run_fuzzers: $targets targets within ${total}s: ${seconds}s each"
fi
shared=${TINYSCOPE_SHARED_DIR:-../shared}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target model_verify_fuzz model_invoke_fuzz model_inspect_fuzz \
  protocol_fuzz device_stream_fuzz dataset_formats_fuzz session_log_fuzz ei_at_fuzz

work=build-fuzz/corpus
rm -rf "$work"
mkdir -p "$work/model" "$work/model-invoke" "$work/model-inspect" "$work/model-seeds" \
  "$work/protocol" "$work/device-stream" "$work/session-log" "$work/ei-at" "$work/artifacts"

# Model seeds: the real models small enough to mutate quickly, and the kept crash inputs.
if [ -d "$shared/models" ]; then
  find "$shared/models" -name '*.tflite' -size -120k -exec cp {} "$work/model-seeds/" \;
  # Dump manifests for model_inspect_fuzz (inputs starting with '{').
  for m in hello_world_int8 micro_speech_quantized trained_lstm_int8; do
    cp "$shared/golden/$m/seed1/manifest.json" "$work/model-seeds/$m.manifest.json" 2>/dev/null || true
  done
else
  echo "run_fuzzers: $shared/models is absent; the model loader fuzzer starts from an empty corpus"
fi
cp resources/models/*.tflite fuzz/regressions/*.tflite "$work/model-seeds/" 2>/dev/null || true

# Protocol seeds: the target writes one framed example of every message when asked.
TINYSCOPE_FUZZ_SEED_DIR="$work/protocol" ./build-fuzz/fuzz/protocol_fuzz -runs=0 "$work/protocol" >/dev/null 2>&1 || true
# Device stream seeds: encoded frames and messages a session meets (windows, tensor chunks,
# results, refusals, a re-hello), written the same way.
TINYSCOPE_FUZZ_SEED_DIR="$work/device-stream" QT_QPA_PLATFORM=offscreen \
  ./build-fuzz/fuzz/device_stream_fuzz -runs=0 "$work/device-stream" >/dev/null 2>&1 || true

# Session log seeds: a recorded upload, run, captured tensor, result and refusal, and a torn copy.
TINYSCOPE_FUZZ_SEED_DIR="$work/session-log" QT_QPA_PLATFORM=offscreen \
  ./build-fuzz/fuzz/session_log_fuzz -runs=0 "$work/session-log" >/dev/null 2>&1 || true

# Edge Impulse AT seeds: a board's real replies (config, sampling, a fast-baud buffer read).
TINYSCOPE_FUZZ_SEED_DIR="$work/ei-at" ./build-fuzz/fuzz/ei_at_fuzz -runs=0 "$work/ei-at" >/dev/null 2>&1 || true

# Dataset seeds: the format fixtures plus one file per format from the library's writers.
mkdir -p "$work/dataset" "$work/dataset-seeds"
cp tests/app/dataset_formats/data/*.{json,cbor,csv,txt,TextGrid} "$work/dataset-seeds/" 2>/dev/null || true
cp tests/app/dataset_formats/data/ei_export/info.labels "$work/dataset-seeds/" 2>/dev/null || true
TINYSCOPE_FUZZ_SEED_DIR="$work/dataset-seeds/written" ./build-fuzz/fuzz/dataset_formats_fuzz >/dev/null 2>&1 || true
cp "$work/dataset-seeds/written/"* "$work/dataset-seeds/" 2>/dev/null || true
rm -rf "$work/dataset-seeds/written"

status=0
# run NAME RSS_LIMIT_MB [libFuzzer args]: the memory cap fails the run on an allocation blow-up.
run() {
  local name=$1 rss=$2; shift 2
  echo "fuzz: $name for ${seconds}s"
  if ! ./build-fuzz/fuzz/"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb="$rss" \
        -artifact_prefix="$work/artifacts/$name-" -print_final_stats=1 "$@" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; see $work/$name.log and $work/artifacts/"
    tail -n 30 "$work/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|Done' "$work/$name.log" | tail -n 3 | sed "s/^/fuzz: $name: /"
  fi
}
# Verify + plan only (fast), size-capped inference, inspect/summary + manifest round trip.
run model_verify_fuzz 4096 -max_len=400000 "$work/model" "$work/model-seeds"
run model_invoke_fuzz 4096 -max_len=400000 "$work/model-invoke" "$work/model-seeds"
run model_inspect_fuzz 4096 -max_len=400000 "$work/model-inspect" "$work/model-seeds"
run protocol_fuzz 4096 "$work/protocol"
run device_stream_fuzz 512 -max_len=16384 "$work/device-stream"
run dataset_formats_fuzz 2048 -max_len=65536 "$work/dataset" "$work/dataset-seeds"
run session_log_fuzz 1024 -max_len=65536 "$work/session-log"
run ei_at_fuzz 512 -max_len=65536 "$work/ei-at"
exit $status
