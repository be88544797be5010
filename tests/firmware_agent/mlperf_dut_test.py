#!/usr/bin/env python3
"""MLPerf Tiny DUT mode, driven the way the MLPerf Tiny benchmark runner drives a device.

The host side here follows the runner's DUT-facing code (mlcommons/tiny benchmark/runner:
serial_device.py, device_under_test.py, script.py), written anew and without pyserial: a reader
thread splits the byte stream into lines at '\\n' (dropping '\\r' and NUL), a command is the
text plus '%', and its answer is every line up to the first one containing "m-ready"; `load`
sends `db load N` then `db <hex>` chunks of 31 bytes; an infer's laps are the first and second
m-lap-us lines and its results the m-results-[...] list.

Targets:
  --agent PATH                 tinyscope-agent --dut --pty, one process per model
  --qemu-run SCRIPT --image ELF  the Cortex-M4 DUT image under QEMU (scripts/qemu_run.sh --model);
                               with --append --dut, the tinyscope-agent image told at boot

Every inference result is checked against the desktop runtime (tinyscope-cli run on the same
input, formatted as the reference firmware formats it for that model), character for
character. Exit 0 pass, 1 fail, 77 skipped (something needed is missing).
"""
import argparse
import json
import math
import os
import queue
import random
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

SKIP = 77

MODELS = {  # shared model file -> the MLPerf model its profile must report
    "kws_ref_model": "kws01",
    "vww_96_int8": "vww01",
    "pretrainedResnet_quant": "ic01",
    "ad01_int8": "ad01",
}

failures = []


def check(condition, what):
    if condition:
        print("  ok   " + what)
    else:
        print("  FAIL " + what)
        failures.append(what)
    return condition


def f32(x):
    """x rounded to float32, as the device's float arithmetic rounds each operation."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


# --- The runner's serial device, re-implemented on a raw tty -------------------------------


class SerialDevice:
    def __init__(self, path, end_of_response="m-ready", delimiter="%", timeout=5.0):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        attrs = termios.tcgetattr(self.fd)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
        self.end = end_of_response
        self.delimiter = delimiter
        self.timeout = timeout
        self.lines = queue.Queue()
        self.running = True
        self.thread = threading.Thread(target=self._read_loop, daemon=True)
        self.thread.start()

    def _read_loop(self):
        msg = ""
        while self.running:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return
            for char in data.decode("ascii", "replace"):
                if char == "\n":
                    self.lines.put(msg)
                    msg = ""
                elif char not in "\r\0":
                    msg += char

    def close(self):
        self.running = False
        self.thread.join()
        os.close(self.fd)

    def write(self, text):
        data = text.encode()
        while data:
            n = os.write(self.fd, data)
            data = data[n:]

    def read_line(self, timeout=None):
        try:
            return self.lines.get(timeout=self.timeout if timeout is None else timeout)
        except queue.Empty:
            return None

    def send_command(self, command, timeout=None):
        self.write(command + self.delimiter)
        lines = []
        while True:
            resp = self.read_line(timeout)
            if resp is None:
                raise RuntimeError("No response to command " + command)
            if resp:
                lines.append(resp)
            if self.end in resp:
                return lines

    def drain(self, quiet=0.5):
        while self.read_line(quiet) is not None:
            pass


class Dut:
    """device_under_test.py's DUT: name, profile, load, infer."""

    def __init__(self, port):
        self.port = port
        self.max_bytes = 31

    def name(self):
        for line in self.port.send_command("name"):
            m = re.match(r"^m-(name)-dut-\[([^]]+)]$", line)
            if m:
                return m.group(2)
        return None

    def profile(self):
        found = {}
        for line in self.port.send_command("profile"):
            m = re.match(r"^m-(model|profile)-\[([^]]+)]$", line)
            if m:
                found[m.group(1)] = m.group(2)
        return found

    def load(self, data):
        answers = [self.port.send_command("db load %d" % len(data))]
        i = 0
        while i < len(data):
            chunk = "".join("%02x" % d for d in data[i : i + self.max_bytes])
            answers.append(self.port.send_command("db " + chunk))
            i += self.max_bytes
        return answers

    def infer(self, number, warmups, timeout=60.0):
        return self.port.send_command("infer %d %d" % (number, warmups), timeout=timeout)


def gather_infer_results(lines):
    """script.py's _gather_infer_results."""
    result = {}
    for res in lines:
        m = re.match(r"^m-results-\[([^]]+)\]$", res)
        if m:
            result["results"] = [float(x) for x in m.group(1).split(",") if x.strip()]
            result["results_text"] = m.group(1)
            continue
        m = re.match(r"^m-lap-us-([0-9]+)$", res)
        if m:
            key = "end_time" if "start_time" in result else "start_time"
            result[key] = int(m.group(1))
    if "start_time" in result and "end_time" in result:
        result["elapsed_time"] = result["end_time"] - result["start_time"]
    return result


# --- The oracle: the desktop runtime and the reference firmware's formatting ---------------


class Model:
    def __init__(self, cli, path):
        self.cli = cli
        self.path = path
        info = json.loads(subprocess.check_output([cli, "inspect", path, "--json"]))
        tensors = info["tensors"]
        self.input = tensors[info["inputs"][0]]
        self.output = tensors[info["outputs"][0]]

    def run(self, input_bytes, workdir):
        src = os.path.join(workdir, "in.bin")
        dst = os.path.join(workdir, "out.bin")
        with open(src, "wb") as f:
            f.write(bytes(input_bytes))
        subprocess.check_call(
            [self.cli, "run", self.path, "--input", src, "--output", dst, "--kernels", "reference"],
            stdout=subprocess.DEVNULL,
        )
        with open(dst, "rb") as f:
            return f.read()

    def dequantized(self, out):
        scale = f32(self.output["scale"][0])
        zp = self.output["zero_point"][0]
        return [f32((q - zp) * scale) for q in struct.unpack("%db" % len(out), out)]


def quantize_int8(x, scale, zp):
    """QuantizeFloatToInt8 of the reference: round(x / scale) half away from zero + zp."""
    s = f32(x / scale)
    q = int(math.floor(abs(s) + 0.5)) * (1 if s >= 0 else -1) + zp
    return max(-128, min(127, q))


def trunc(x):
    return int(x)  # C's (int) cast: toward zero


def kws_score(v):
    a = trunc(f32(v * 10))
    b = int(math.fmod(trunc(f32(v * 100)), 10))
    c = int(math.fmod(trunc(f32(v * 1000)), 10))
    return "0.%d%d%d" % (a, b, c)


def make_input(kind, rng):
    """(the bytes the runner would send, the int8 input tensor the model gets)."""
    if kind == "kws01":
        data = bytes(rng.randrange(256) for _ in range(490))
        return data, data
    if kind in ("vww01", "ic01"):
        n = 96 * 96 * 3 if kind == "vww01" else 32 * 32 * 3
        data = bytes(rng.randrange(256) for _ in range(n))
        return data, bytes(b ^ 0x80 for b in data)
    values = [f32(rng.uniform(-60.0, 12.0)) for _ in range(640)]
    return struct.pack("<640f", *values), None


def expected_results(kind, model, sent, workdir):
    if kind == "ad01":
        values = struct.unpack("<640f", sent)
        scale = f32(model.input["scale"][0])
        zp = model.input["zero_point"][0]
        tensor = struct.pack("<640b", *[quantize_int8(v, scale, zp) for v in values])
        out = model.dequantized(model.run(tensor, workdir))
        total = 0.0
        for o, x in zip(out, values):
            diff = f32(o - x)
            total = f32(total + f32(diff * diff))
        return "%.3f" % f32(total / 640.0)
    tensor = sent if kind == "kws01" else bytes(b ^ 0x80 for b in sent)
    out = model.dequantized(model.run(tensor, workdir))
    if kind == "kws01":
        return ",".join(kws_score(v) for v in out)
    return ",".join("%.3f" % v for v in out)


# --- Targets ----------------------------------------------------------------------------


class HostAgent:
    def __init__(self, agent, model, extra=()):
        self.proc = subprocess.Popen(
            [agent, "--dut", "--pty", "--quiet", "--model", model, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("PTY "):
            raise RuntimeError("agent did not announce its pty: %r %s" % (line, self.proc.stderr.read()))
        self.path = line[4:]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class QemuBoard:
    def __init__(self, script, image, model, qemu_args=()):
        self.proc = subprocess.Popen(
            [script, "--icount", "--timeout", "600", "--model", model, image, "--", *qemu_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.path = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("TINYSCOPE_PTY="):
                self.path = line.strip().split("=", 1)[1]
            if line.startswith("TINYSCOPE_QEMU_READY"):
                break
        if self.path is None:
            raise RuntimeError("qemu_run.sh did not report a pty")
        threading.Thread(target=self._relay, daemon=True).start()

    def _relay(self):
        for _ in self.proc.stdout:
            pass

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def handshake(port, boot_timeout):
    """Waits for the DUT to answer (QEMU attaches its pty lazily and drops what comes before
    the UART is up): a lone '%', as the runner's reset_port sends, until m-ready comes."""
    deadline = time.time() + boot_timeout
    while time.time() < deadline:
        port.write("%")
        line = port.read_line(0.5)
        while line is not None:
            if "m-ready" in line:
                # Several '%' may have got through: skip their answers, then a name% whose
                # answer proves the next line belongs to the next command.
                port.drain()
                port.write("name%")
                line = port.read_line(5.0)
                while line is not None and not line.startswith("m-name-"):
                    line = port.read_line(5.0)
                return line is not None and port.read_line(5.0) == "m-ready"
            line = port.read_line(0.2)
    return False


def exercise_model(target_name, port, kind, model, workdir, seed, infer_runs, exact_laps=False):
    dut = Dut(port)
    check(dut.name() is not None, "%s %s: name%% answers m-name-dut-[...]" % (target_name, kind))
    profile = dut.profile()
    check(profile.get("model") == kind, "%s %s: profile%% reports m-model-[%s] (got %r)" % (target_name, kind, kind, profile.get("model")))
    check(profile.get("profile") == "ULPMark for tinyML Firmware V0.0.1", "%s %s: profile string" % (target_name, kind))
    rng = random.Random(seed)
    for run in range(infer_runs):
        sent, _ = make_input(kind, rng)
        answers = dut.load(sent)
        check(answers[0] == ["m-[Expecting %d bytes]" % len(sent), "m-ready"], "%s %s: db load %d answered %r" % (target_name, kind, len(sent), answers[0]))
        check(answers[-1] == ["m-load-done", "m-ready"], "%s %s: the last db chunk answers m-load-done" % (target_name, kind))
        check(all(a == ["m-ready"] for a in answers[1:-1]), "%s %s: every other db chunk answers m-ready only" % (target_name, kind))
        if run == 0:
            printed = port.send_command("db print", timeout=30)
            hexdump = "".join(line[len("m-buffer-") :].replace("-", "") for line in printed if line.startswith("m-buffer-"))
            check(bytes.fromhex(hexdump) == sent, "%s %s: db print echoes the %d loaded bytes" % (target_name, kind, len(sent)))
        iterations, warmups = (10, 1) if kind == "kws01" else (1, 0)  # as tests.yaml asks
        lines = dut.infer(iterations, warmups, timeout=300)
        result = gather_infer_results(lines)
        check(lines[:3] == ["m-warmup-start-%d" % warmups, "m-warmup-done", "m-infer-start-%d" % iterations], "%s %s: warm-up and start lines" % (target_name, kind))
        check(len(lines) >= 3 and lines[-3] == "m-infer-done" and lines[-2].startswith("m-results-[") and lines[-1] == "m-ready", "%s %s: m-infer-done, m-results-[...], m-ready close the infer" % (target_name, kind))
        check(result.get("elapsed_time", -1) > 0, "%s %s: two laps, elapsed %s us" % (target_name, kind, result.get("elapsed_time")))
        expected = expected_results(kind, model, sent, workdir)
        check(result.get("results_text") == expected, "%s %s run %d: results bit-exact with the desktop runtime (%s, device %s)" % (target_name, kind, run, expected[:60], (result.get("results_text") or "")[:60]))
        if exact_laps and run == 0:
            # Under QEMU -icount the clock counts instructions: the same input, the same time
            # (within the few instructions a SysTick wrap interrupt may add).
            repeat = gather_infer_results(dut.infer(iterations, warmups, timeout=300))
            delta = abs(repeat.get("elapsed_time", 0) - result.get("elapsed_time", 0))
            check(repeat.get("results_text") == expected and delta <= 2,
                  "%s %s: the same input again takes the same instruction-counted time (%s vs %s us)" % (target_name, kind, result.get("elapsed_time"), repeat.get("elapsed_time")))
        again = port.send_command("results")
        check(again == ["m-results-[%s]" % expected, "m-ready"], "%s %s: results%% repeats them" % (target_name, kind))
        if result.get("elapsed_time", 0) > 0:
            print("       %s %s: %d inferences in %d us: %.1f inf/s" % (target_name, kind, iterations, result["elapsed_time"], iterations * 1e6 / result["elapsed_time"]))


def exercise_errors(target_name, port, kind):
    def answer(command):
        return port.send_command(command)

    check(answer("infer 1 0") == ["e-[Input db has 0 elemented, expected %d]" % {"kws01": 490, "ic01": 3072, "vww01": 27648, "ad01": 640}[kind], "m-ready"], "%s: infer before any load is refused with the reference's sentence" % target_name)
    check(answer("results") == ["e-[No results: no inference has run]", "m-ready"], "%s: results before any inference" % target_name)
    check(answer("x" * 100) == ["e-[Command too long: more than 80 characters]", "m-ready"], "%s: a 100-character command is refused" % target_name)
    check(answer("bogus 1 2") == ["e-[Unknown command: bogus]", "m-ready"], "%s: unknown command" % target_name)
    check(answer("db") == ["e-[Command 'db' requires a subcommand]", "m-ready"], "%s: db alone" % target_name)
    check(answer("db load") == ["e-[Command 'db load' requires the # of bytes]", "m-ready"], "%s: db load alone" % target_name)
    check(answer("db load 0") == ["e-[Command 'db load' must be >0 bytes]", "m-ready"], "%s: db load 0" % target_name)
    check(answer("db load 100000") == ["e-[Supplied buffer size 100000 exceeds maximum of 27648]", "m-ready"], "%s: db load beyond the buffer" % target_name)
    check(answer("db 0102") == ["e-[Command 'db' needs a 'db load N' first]", "m-ready"], "%s: db data with no load announced" % target_name)
    check(answer("db load 4") == ["m-[Expecting 4 bytes]", "m-ready"], "%s: db load 4" % target_name)
    check(answer("db 012") == ["e-[Insufficent number of hex digits]", "m-ready"], "%s: odd number of hex digits" % target_name)
    check(answer("db 01zz") == ["e-[Invalid hex digit 'zz']", "m-ready"], "%s: bad hex digit" % target_name)
    check(answer("db 0a0B") == ["m-ready"], "%s: two bytes, upper and lower case" % target_name)
    check(answer("db 0c0dff") == ["m-load-done", "m-ready"], "%s: load done at 4 bytes, the rest ignored" % target_name)
    check(answer("db print") == ["m-buffer-0a-0b-0c-0d", "m-ready"], "%s: db print" % target_name)
    check(answer("infer 0") == ["e-[Inference iterations must be >0]", "m-ready"], "%s: infer 0" % target_name)
    check(answer("infer 1 -1") == ["e-[Inference warmup must be >=0]", "m-ready"], "%s: infer 1 -1" % target_name)
    check(answer("infer 1 0")[0].startswith("e-[Input db has"), "%s: infer on a 4-byte load is refused" % target_name)
    stamp = answer("timestamp")
    check(len(stamp) == 2 and re.match(r"^m-lap-us-[0-9]+$", stamp[0]) and stamp[1] == "m-ready", "%s: timestamp%% answers m-lap-us-T (%r)" % (target_name, stamp))
    later = answer("timestamp")
    check(int(later[0][9:]) >= int(stamp[0][9:]), "%s: time stamps do not go back" % target_name)
    check(answer("  name   ")[0].startswith("m-name-dut-["), "%s: spaces around tokens are skipped" % target_name)
    helped = answer("help")
    check(helped[0] == "ULPMark for tinyML Firmware V0.0.1" and helped[-1] == "m-ready" and len(helped) > 5, "%s: help%% lists the commands" % target_name)
    port.write("%")  # an empty command, as the runner's reset_port sends
    check(port.read_line() == "m-ready", "%s: a lone %% answers m-ready" % target_name)
    check(Dut(port).name() is not None, "%s: still answers after the errors" % target_name)


def first_argmax(values):
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:
            best = i
    return best


def auc(scores, labels):
    wins, pairs = 0.0, 0
    for s, l in zip(scores, labels):
        if l == 0:
            continue
        for t, m in zip(scores, labels):
            if m != 0:
                continue
            pairs += 1
            wins += 1.0 if s > t else (0.5 if s == t else 0.0)
    return wins / pairs


def exercise_cli(args, workdir):
    """tinyscope-cli mlperf on sim: over a dataset in the runner's layout: it must report the
    model, a throughput, and the accuracy (AUC for ad01) that the desktop runtime's own answers
    give."""
    for index, name in enumerate(args.only):
        kind = MODELS[name]
        path = os.path.join(args.models, name + ".tflite")
        model = Model(args.cli, path)
        root = os.path.join(workdir, "dataset-" + kind)
        folder = os.path.join(root, kind)  # the runner's DIR/<model>/ layout
        os.makedirs(folder)
        rng = random.Random(2000 + index)
        rows, want_scores, want_labels, correct_labels = [], [], [], 0
        for i in range(4):
            if kind == "ad01":
                first, _ = make_input(kind, rng)
                second, _ = make_input(kind, rng)
                data = first + second[-512:]  # two windows: bytes 0..2559 and 512..3071
                windows = [data[0:2560], data[512:3072]]
                score = sum(float(expected_results(kind, model, w, workdir)) for w in windows) / 2
                label = i % 2
                want_scores.append(score)
                want_labels.append(label)
                rows.append("in%d.bin,2,%d,2560,512" % (i, label))
            else:
                data, _ = make_input(kind, rng)
                values = [float(v) for v in expected_results(kind, model, data, workdir).split(",")]
                label = first_argmax(values) if i != 3 else (first_argmax(values) + 1) % len(values)
                correct_labels += i != 3
                rows.append("in%d.bin,%d,%d" % (i, len(values), label))
            with open(os.path.join(folder, "in%d.bin" % i), "wb") as f:
                f.write(data)
        with open(os.path.join(folder, "y_labels.csv"), "w") as f:
            f.write("\n".join(rows) + "\n")
        device = "sim:?agent=" + args.agent
        proc = subprocess.run(
            [args.cli, "mlperf", "--device", device, "--model", path, "--dataset", root,
             "--iterations", "3", "--warmups", "1", "--json"],
            capture_output=True, text=True, timeout=600)
        if not check(proc.returncode == 0, "cli %s: tinyscope-cli mlperf exits 0 (%s)" % (kind, proc.stderr.strip())):
            continue
        report = json.loads(proc.stdout)
        check(report["model"] == kind, "cli %s: reports model %s" % (kind, report["model"]))
        check(report["files"] == 4 and report["inferences"] == (24 if kind == "ad01" else 12),
              "cli %s: 4 inputs, %d timed inferences" % (kind, report["inferences"]))
        check(report["throughput_median"] > 0 and report["latency_us_median"] > 0,
              "cli %s: throughput %.1f inf/s, latency %.0f us" % (kind, report["throughput_median"], report["latency_us_median"]))
        if kind == "ad01":
            want = auc(want_scores, want_labels)
            check(report["auc"] is not None and abs(report["auc"] - want) < 1e-9,
                  "cli %s: AUC %s equals the desktop runtime's %.4f" % (kind, report["auc"], want))
        else:
            want = 100.0 * correct_labels / 4
            check(abs(report["accuracy_percent"] - want) < 1e-9,
                  "cli %s: accuracy %s%% equals the desktop runtime's %.1f%%" % (kind, report["accuracy_percent"], want))
    # A device that speaks tinyscope's binary protocol, not MLPerf: one error line, exit 1.
    agent = subprocess.Popen([args.agent, "--pty", "--quiet"], stdout=subprocess.PIPE, text=True)
    try:
        pty = agent.stdout.readline().strip()[4:]
        proc = subprocess.run(
            [args.cli, "mlperf", "--device", "serial:" + pty, "--model", "kws01",
             "--dataset", os.path.join(workdir, "dataset-kws01"), "--timeout", "2"],
            capture_output=True, text=True, timeout=60)
        check(proc.returncode == 1 and proc.stderr.count("\n") == 1 and "not an MLPerf Tiny DUT" in proc.stderr,
              "cli: a device that is no DUT gives exit 1 and one error line (%s)" % proc.stderr.strip())
    finally:
        agent.terminate()
        agent.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--agent")
    ap.add_argument("--qemu-run")
    ap.add_argument("--image")
    ap.add_argument("--append", help="QEMU -append text (the boot command line, e.g. --dut)")
    ap.add_argument("--only", nargs="*", default=list(MODELS))
    ap.add_argument("--runs", type=int, default=2, help="inputs per model")
    ap.add_argument("--cli-mlperf", action="store_true", help="test tinyscope-cli mlperf on sim: instead")
    args = ap.parse_args()

    for tool in [args.cli] + ([args.agent] if args.agent else []):
        if not os.access(tool, os.X_OK):
            print("SKIP: %s is not built" % tool)
            return SKIP
    if not os.path.isdir(args.models):
        print("SKIP: shared models not found at %s" % args.models)
        return SKIP
    qemu = args.qemu_run is not None
    if qemu:
        if not args.image or not os.path.exists(args.image):
            print("SKIP: no DUT firmware image (%s): cross compiler missing?" % args.image)
            return SKIP
        if subprocess.call(["sh", "-c", "command -v qemu-system-arm"], stdout=subprocess.DEVNULL) != 0:
            print("SKIP: qemu-system-arm not installed")
            return SKIP

    if args.cli_mlperf:
        with tempfile.TemporaryDirectory() as workdir:
            exercise_cli(args, workdir)
        print("%d failure(s)" % len(failures))
        return 1 if failures else 0

    with tempfile.TemporaryDirectory() as workdir:
        for index, name in enumerate(args.only):
            kind = MODELS[name]
            path = os.path.join(args.models, name + ".tflite")
            model = Model(args.cli, path)
            qemu_args = ["-append", args.append] if args.append else []
            target = QemuBoard(args.qemu_run, args.image, path, qemu_args) if qemu else HostAgent(args.agent, path)
            target_name = "qemu" if qemu else "host"
            port = None
            try:
                port = SerialDevice(target.path, timeout=30.0 if qemu else 5.0)
                if not check(handshake(port, 60 if qemu else 10), "%s %s: the DUT answers a lone %%" % (target_name, kind)):
                    continue
                if index == 0:
                    exercise_errors(target_name, port, kind)
                exercise_model(target_name, port, kind, model, workdir, 1000 + index, args.runs, exact_laps=qemu)
                check(target.alive(), "%s %s: still running at the end" % (target_name, kind))
            except RuntimeError as e:
                check(False, "%s %s: %s" % (target_name, kind, e))
            finally:
                if port is not None:
                    port.close()
                target.stop()
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
