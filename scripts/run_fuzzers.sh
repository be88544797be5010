#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time,
# seeded with real inputs: the real models for the model loader, encoded messages for the
# protocol. Exits non-zero when a fuzzer finds a crash, leak or timeout.
#   scripts/run_fuzzers.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shared=${TINYSCOPE_SHARED_DIR:-../shared}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target model_loader_fuzz protocol_fuzz dataset_formats_fuzz

work=build-fuzz/corpus
rm -rf "$work"
mkdir -p "$work/model" "$work/model-seeds" "$work/protocol" "$work/artifacts"

# Model seeds: the real models small enough to mutate quickly.
if [ -d "$shared/models" ]; then
  find "$shared/models" -name '*.tflite' -size -120k -exec cp {} "$work/model-seeds/" \;
else
  echo "run_fuzzers: $shared/models is absent; the model loader fuzzer starts from an empty corpus"
fi
cp resources/models/*.tflite "$work/model-seeds/" 2>/dev/null || true

# Protocol seeds: the target writes one framed example of every message when asked.
TINYSCOPE_FUZZ_SEED_DIR="$work/protocol" ./build-fuzz/fuzz/protocol_fuzz -runs=0 "$work/protocol" >/dev/null 2>&1 || true

# Dataset seeds: the format fixtures plus one file per format from the library's writers.
mkdir -p "$work/dataset" "$work/dataset-seeds"
cp tests/app/dataset_formats/data/*.{json,cbor,csv,txt,TextGrid} "$work/dataset-seeds/" 2>/dev/null || true
cp tests/app/dataset_formats/data/ei_export/info.labels "$work/dataset-seeds/" 2>/dev/null || true
TINYSCOPE_FUZZ_SEED_DIR="$work/dataset-seeds/written" ./build-fuzz/fuzz/dataset_formats_fuzz >/dev/null 2>&1 || true
cp "$work/dataset-seeds/written/"* "$work/dataset-seeds/" 2>/dev/null || true
rm -rf "$work/dataset-seeds/written"

status=0
run() {
  local name=$1; shift
  echo "fuzz: $name for ${seconds}s"
  if ! ./build-fuzz/fuzz/"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$work/artifacts/$name-" -print_final_stats=1 "$@" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; see $work/$name.log and $work/artifacts/"
    tail -n 30 "$work/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$work/$name.log" | tail -n 2 | sed "s/^/fuzz: $name: /"
  fi
}
run model_loader_fuzz -max_len=400000 "$work/model" "$work/model-seeds"
run protocol_fuzz "$work/protocol"
run dataset_formats_fuzz -max_total_time=$(( seconds > 30 ? 30 : seconds )) -max_len=65536 "$work/dataset" "$work/dataset-seeds"
exit $status
