#!/usr/bin/env bash
# Boots a tinyscope firmware image in qemu-system-arm with its UART on a pty (or a TCP
# socket on loopback) and reports where to connect, machine-readably, on stdout:
#
#   TINYSCOPE_QEMU_PID=<pid>
#   TINYSCOPE_PTY=/dev/pts/N            (default)    or    TINYSCOPE_TCP=127.0.0.1:<port>
#   TINYSCOPE_QEMU_READY
#
# Then it relays QEMU's own output (semihosting prints, errors) and exits with QEMU's
# status: the firmware's semihosting exit code, 124 on timeout, 2 on a usage error.
# SIGTERM/SIGINT/exit of this script always take QEMU down with it.
#
# usage: qemu_run.sh [options] IMAGE.elf
#   --board NAME        mps2-an386 (default) | netduinoplus2
#   --model FILE        preload FILE (.tflite) into model slot 0 (see docs/FIRMWARE.md),
#                       wrapped in the firmware's slot header by `tinyscope-cli slot-image`
#                       ($TINYSCOPE_CLI, else tinyscope-cli on PATH, else build/app/cli/)
#   --slot N            slot for --model (default 0)
#   --icount            virtual time from instruction count: -icount shift=0 (1 insn = 1 ns);
#                       idle time still runs at wall-clock speed
#   --icount-nosleep    fully deterministic: -icount shift=0,sleep=off (idle time is skipped,
#                       so device uptime runs far ahead of the wall clock)
#   --timeout SECS      kill QEMU after SECS (default 60; 0 = no limit)
#   --tcp PORT          UART on a TCP server socket 127.0.0.1:PORT (waits for the client)
#   --no-semihosting    boot without -semihosting (the image must cope; ours does)
#   --dry-run           print the QEMU command line and exit
#   -- ARGS...          extra arguments for qemu-system-arm
set -euo pipefail

board=mps2-an386
model=""
slot=0
icount=0
icount_sleep=on
timeout_s=60
tcp_port=""
semihosting=1
dry_run=0
image=""
extra=()

die() { echo "qemu_run.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --board) board="${2:?--board needs a value}"; shift 2 ;;
    --model) model="${2:?--model needs a file}"; shift 2 ;;
    --slot) slot="${2:?--slot needs a number}"; shift 2 ;;
    --icount) icount=1; shift ;;
    --icount-nosleep) icount=1; icount_sleep=off; shift ;;
    --timeout) timeout_s="${2:?--timeout needs seconds}"; shift 2 ;;
    --tcp) tcp_port="${2:?--tcp needs a port}"; shift 2 ;;
    --no-semihosting) semihosting=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$image" ] || die "more than one image given"; image="$1"; shift ;;
  esac
done

[ -n "$image" ] || die "no image given (try --help)"
[ -f "$image" ] || die "image $image does not exist"

case "$board" in
  mps2-an386|netduinoplus2) ;;
  *) die "unknown board $board (mps2-an386 | netduinoplus2)" ;;
esac

command -v qemu-system-arm >/dev/null || die "qemu-system-arm is not installed"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/tinyscope-qemu.XXXXXX")"
qemu_pid=""
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    sleep 0.2
    kill -9 "$qemu_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

args=(-M "$board" -display none -monitor none -kernel "$image")
if [ -n "$tcp_port" ]; then
  args+=(-chardev "socket,id=uart0,host=127.0.0.1,port=$tcp_port,server=on,wait=on"
         -serial chardev:uart0)
else
  args+=(-serial pty)
fi
[ "$semihosting" = 1 ] && args+=(-semihosting-config enable=on,target=native)
[ "$icount" = 1 ] && args+=(-icount "shift=0,sleep=${icount_sleep}")

if [ -n "$model" ]; then
  # The slot header and each board's slot addresses have one definition (hal.h and
  # firmware_agent/port/cortex_m/slot_layout.h); tinyscope-cli slot-image applies them.
  cli="${TINYSCOPE_CLI:-}"
  [ -n "$cli" ] || cli="$(command -v tinyscope-cli || true)"
  [ -n "$cli" ] || cli="$(cd "$(dirname "$0")/.." && pwd)/build/app/cli/tinyscope-cli"
  [ -x "$cli" ] || die "--model needs tinyscope-cli (build it, or set TINYSCOPE_CLI)"
  addr="$("$cli" slot-image --board "$board" --slot "$slot" --output "$workdir/slot.bin" "$model")" ||
    die "could not build the slot image of $model"
  args+=(-device "loader,file=$workdir/slot.bin,addr=$addr,force-raw=on")
fi
args+=("${extra[@]}")

if [ "$dry_run" = 1 ]; then
  echo qemu-system-arm "${args[@]}"
  exit 0
fi

log="$workdir/qemu.log"
: >"$log"
if [ "$timeout_s" != 0 ]; then
  timeout -k 2 "$timeout_s" qemu-system-arm "${args[@]}" >"$log" 2>&1 </dev/null &
else
  qemu-system-arm "${args[@]}" >"$log" 2>&1 </dev/null &
fi
qemu_pid=$!
echo "TINYSCOPE_QEMU_PID=$qemu_pid"

if [ -n "$tcp_port" ]; then
  # QEMU listens before the guest runs (wait=on); the client's connect starts the guest.
  for _ in $(seq 1 100); do
    grep -q "QEMU waiting for connection" "$log" && break
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "TINYSCOPE_TCP=127.0.0.1:$tcp_port"
else
  pty=""
  for _ in $(seq 1 200); do
    pty=$(sed -n 's|.*char device redirected to \(/dev/pts/[0-9]*\).*|\1|p' "$log" | head -n 1)
    [ -n "$pty" ] && break
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$pty" ]; then
    cat "$log" >&2
    die "QEMU did not report a pty"
  fi
  echo "TINYSCOPE_PTY=$pty"
fi
echo "TINYSCOPE_QEMU_READY"

# Relay QEMU's output (semihosting prints, FATAL lines) until it exits.
tail -n +1 -f --pid="$qemu_pid" "$log" | grep -v "char device redirected" || true
set +e
wait "$qemu_pid"
rc=$?
set -e
qemu_pid=""
exit "$rc"
