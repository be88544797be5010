#!/usr/bin/env bash
# The MLPerf Tiny models through tinyscope's DUT mode, measured the way the MLPerf Tiny runner
# measures a device (tinyscope-cli mlperf: db load, infer N W, the two m-lap-us laps):
#   - the Cortex-M4 DUT image on mps2-an386 under QEMU -icount shift=0 (qemu:?icount=1), where a
#     lap microsecond is 1000 guest instructions, so the median latency is an instruction count;
#   - tinyscope-agent --dut on this host (sim:), inferences per second.
# Each model gets a small dataset of seeded random inputs (the runner's layout: y_labels.csv +
# .bin files); its accuracy is meaningless and not printed. Prints figures only; never asserts.
#
# usage: bench/mlperf_dut_bench.sh [BUILD_DIR] [ITERATIONS]     (defaults: build, 10)
#   TINYSCOPE_SHARED_DIR  where models/ are (default: ../shared next to the source tree)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
iterations="${2:-10}"
shared="${TINYSCOPE_SHARED_DIR:-$here/../shared}"
cli="$build/app/cli/tinyscope-cli"
agent="$build/firmware_agent/port/host/tinyscope-agent"
image="$build/firmware-arm/firmware/mps2-an386/tinyscope-agent-dut.elf"

[ -x "$cli" ] || { echo "mlperf_dut_bench: no $cli (build tinyscope-cli first)" >&2; exit 2; }
[ -x "$agent" ] || { echo "mlperf_dut_bench: no $agent (build tinyscope-agent first)" >&2; exit 2; }
[ -d "$shared/models" ] || { echo "mlperf_dut_bench: $shared/models is absent (set TINYSCOPE_SHARED_DIR)" >&2; exit 2; }
qemu=1
if [ ! -f "$image" ] || ! command -v qemu-system-arm >/dev/null; then qemu=0; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tinyscope-mlperf.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# model file  MLPerf name  input bytes the runner sends
models=(
  "kws_ref_model           kws01  490"
  "vww_96_int8             vww01  27648"
  "pretrainedResnet_quant  ic01   3072"
  "ad01_int8               ad01   2560"
)

field() {  # field NAME < json
  python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

echo "| model | MLPerf | Cortex-M4 instructions per inference (qemu:?icount=1) | host inferences/s (sim:) |"
echo "| --- | --- | ---: | ---: |"
for entry in "${models[@]}"; do
  read -r file name bytes <<<"$entry"
  dir="$work/$name"
  mkdir -p "$dir"
  python3 - "$dir" "$bytes" <<'EOF'
import random, struct, sys
folder, size = sys.argv[1], int(sys.argv[2])
rng = random.Random(11)
with open(folder + "/y_labels.csv", "w") as labels:
    for i in range(3):
        if size == 2560:  # ad01: float32 features in the range of log-mel energies
            data = struct.pack("<640f", *[rng.uniform(-60.0, 12.0) for _ in range(640)])
        else:
            data = bytes(rng.randrange(256) for _ in range(size))
        open("%s/in%d.bin" % (folder, i), "wb").write(data)
        labels.write("in%d.bin,1,0\n" % i)
EOF
  model="$shared/models/$file.tflite"
  instructions="(no QEMU or DUT image)"
  if [ "$qemu" = 1 ]; then
    latency=$("$cli" mlperf --device "qemu:?icount=1&image=$image" --model "$model" --dataset "$work" \
                --iterations "$iterations" --warmups 1 --json | field latency_us_median)
    instructions=$(python3 -c "print(round($latency * 1000))")
  fi
  throughput=$("$cli" mlperf --device "sim:?agent=$agent" --model "$model" --dataset "$work" \
                 --iterations "$iterations" --warmups 1 --json | field throughput_median)
  printf '| %s | %s | %s | %.1f |\n' "$file" "$name" "$instructions" "$throughput"
done
