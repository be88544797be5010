#!/usr/bin/env bash
# Renders tinyscope's views in a real X server (Xvfb) with real data and saves PNGs.
#   scripts/screenshot.sh [BUILD_DIR]                      every view into docs/
#   scripts/screenshot.sh BUILD_DIR OUT.png [-- ARGS...]   one shot of `tinyscope ARGS`
# Every view: Live on the simulated IMU with the model running (docs/screenshot.png), Live on
# simulated 16 kHz audio with its spectrogram (docs/screenshot-audio.png), and the Dataset view
# on samples recorded from the simulator with tinyscope-cli and labelled in segments
# (docs/screenshot-dataset.png), the Flash view after flashing a model into the simulator from
# the window (docs/screenshot-flash.png), the Replay view on a session recorded from an agent
# with a faulty kernel (docs/screenshot-replay.png), and the Model view on kws_ref_model with a
# forced divergence (docs/screenshot-model.png; needs ../shared or TINYSCOPE_SHARED_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
gui="$build/app/gui/tinyscope"
cli="$build/app/cli/tinyscope-cli"
[ -x "$gui" ] || { echo "screenshot: $gui is not built" >&2; exit 2; }

# shot OUT.png ARGS...: starts tinyscope ARGS at 1280x800, waits, captures the screen.
shot() {
  local out_abs
  out_abs=$(realpath -m "$1")
  shift
  xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
    out=$1; shift
    "$@" & pid=$!
    sleep 5
    import -window root "$out"
    kill $pid; wait $pid 2>/dev/null || true' sh "$out_abs" "$gui" "$@"
  echo "screenshot: wrote ${out_abs#"$PWD"/}"
}

if [ $# -ge 2 ]; then
  out=$2
  shift 2
  [ "${1:-}" = "--" ] && shift
  shot "$out" "$@"
  exit 0
fi

[ -x "$cli" ] || { echo "screenshot: $cli is not built" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config"  # the shots neither read nor change your settings

shot docs/screenshot.png --continuous --dataset "$work/empty"
shot docs/screenshot-audio.png --device "sim:?sensor=audio" --dataset "$work/empty"

# A small dataset recorded from the simulated IMU, then labelled in segments.
ds="$work/dataset"
for label in wave tap idle; do
  "$cli" record --device "sim:?sensor=imu" --dataset "$ds" --create --label "$label" \
    --duration 4 --json >/dev/null
done
read -r first frames < <("$cli" dataset list "$ds" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["samples"][0]
print(s["id"], s["frames"])')
seg() { "$cli" dataset label "$ds" "$first" "$1" --start $((frames * $2 / 100)) --end $((frames * $3 / 100)) >/dev/null; }
seg wave 10 35
seg tap 45 60
seg wave 70 95
shot docs/screenshot-dataset.png --dataset "$ds" --raise dataset --no-connect

# Flash: the simulator's slots after flashing a model from the window (--flash): the new model in
# test state, waiting for Confirm. kws_ref_model from the shared models when present.
shared=${TINYSCOPE_SHARED_DIR:-$(sed -n 's/^TINYSCOPE_SHARED_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")}
flash_model="$shared/models/kws_ref_model.tflite"
[ -f "$flash_model" ] || flash_model=resources/models/imu_gesture_demo.tflite
shot docs/screenshot-flash.png --device "sim:?sensor=imu&slots=$work/slots" --flash "$flash_model" \
  --raise flash --dataset "$work/empty"

# Replay: a session recorded with tinyscope-cli from an agent whose FULLY_CONNECTED kernel is
# faulty (--fault-op), so the view shows where device and desktop part.
agent="$build/firmware_agent/port/host/tinyscope-agent"
coproc AGENT { exec "$agent" --pty --quiet --sensor imu --fault-op FULLY_CONNECTED \
  --model resources/models/imu_gesture_demo.tflite; }
read -r _ pty <&"${AGENT[0]}"
"$cli" record --device "serial:$pty" --dataset "$work/replay" --create --duration 6 \
  --model resources/models/imu_gesture_demo.tflite --infer-every 10 --capture all --json \
  >"$work/record.json"
kill "$AGENT_PID"
session=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["session_log"])' \
  "$work/record.json")
shot docs/screenshot-replay.png --replay "$session" --no-connect --dataset "$work/empty"
# The Model view: kws_ref_model on a real MLPerf keyword sample (its golden input, a tensor-file
# recipe in a sidecar beside a link to the model), run continuously on a simulated device whose
# DEPTHWISE_CONV_2D kernel is made faulty (sim:?fault-op=...): the first diverging operator is
# framed in the graph, and the Values tab (remembered in the settings) shows its difference.
if [ -f "$shared/models/kws_ref_model.tflite" ]; then
  models="$work/models"
  mkdir -p "$models" "$XDG_CONFIG_HOME/tinyscope"
  ln -s "$(realpath "$shared/models/kws_ref_model.tflite")" "$models/kws_ref_model.tflite"
  printf '{"input": {"recipe": "tensor-file", "source": "%s"}}\n' \
    "$(realpath "$shared/golden/kws_ref_model/real_mlperf_sample/input.bin")" >"$models/kws_ref_model.json"
  printf '[model]\ntab=3\n' >>"$XDG_CONFIG_HOME/tinyscope/tinyscope.conf"
  shot docs/screenshot-model.png --model "$models/kws_ref_model.tflite" \
    --device "sim:?sensor=audio&fault-op=DEPTHWISE_CONV_2D" --continuous --raise model \
    --dataset "$work/empty"
else
  echo "screenshot: $shared/models is missing; docs/screenshot-model.png not rendered" >&2
fi
# Keyword spotting from the window (--listen): espeak-ng says "yes" (eight times, so the plot
# still shows speech when the shot is taken) into a WAV the simulated
# device's audio sensor plays; its front-end (audio_preprocessor_int8, in a slot) and
# micro_speech_quantized run on the device (RunPipeline), and the window shows the word and the
# whole pipeline compared with the desktop's.
if [ -f "$shared/models/micro_speech_quantized.tflite" ] && command -v espeak-ng >/dev/null &&
  command -v sox >/dev/null; then
  kws="$work/kws"
  mkdir -p "$kws"
  ln -s "$(realpath "$shared/models/micro_speech_quantized.tflite")" "$kws/micro_speech_quantized.tflite"
  ln -s "$(realpath "$shared/models/audio_preprocessor_int8.tflite")" "$kws/audio_preprocessor_int8.tflite"
  printf '%s\n' '{"labels": ["silence", "unknown", "yes", "no"],' \
    ' "input": {"recipe": "audio", "front_end_model": "audio_preprocessor_int8.tflite",' \
    '           "sample_rate_hz": 16000, "window_ms": 30, "stride_ms": 20}}' \
    >"$kws/micro_speech_quantized.json"
  espeak-ng -g 40 -w "$kws/yes.22k.wav" "yes, yes, yes, yes, yes, yes, yes, yes"
  sox "$kws/yes.22k.wav" -r 16000 -c 1 -b 16 "$kws/yes.wav"
  shot docs/screenshot-kws.png --model "$kws/micro_speech_quantized.tflite" \
    --device "sim:?sensor=audio&wav=$kws/yes.wav&front-end=$kws/audio_preprocessor_int8.tflite" \
    --listen --raise model --dataset "$work/empty"
else
  echo "screenshot: shared models, espeak-ng or sox missing; docs/screenshot-kws.png not rendered" >&2
fi
