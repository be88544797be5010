#!/usr/bin/env python3
"""A board running Edge Impulse's standard firmware, played on a pseudo-terminal.

It speaks the firmware's AT command interface as the real AT server does: it echoes what it
receives, runs a command at '\\r', answers, and prints the prompt "> ". Commands: b (stop),
AT+HELP, AT+CONFIG?, AT+SAMPLESETTINGS?, AT+SAMPLESETTINGS=label,interval,length[,hmac],
AT+SAMPLESTART=<sensor>, AT+READBUFFER=<from>,<to>[,y|n]. A sample is written the way the
firmware's sampler writes it: an Edge Impulse acquisition file in CBOR (floats, the values in
an indefinite-length array), signed with HMAC-SHA256, kept in a buffer the host reads in
base64. With ",y" the board switches to its "Data Transfer Baudrate" for the data, and checks
that the host's side of the line switched too (else it sends what a mismatched UART would:
garbage).

    python3 scripts/fake_ei_board.py            # prints "PTY /dev/pts/N", then serves
    tinyscope --device 'serial:/dev/pts/N?mode=ei'

--sent FILE appends, for every sample, the JSON of exactly what was sent (interval_ms, sensor
names and units, values) so tests compare the dataset against it. --fault makes the board lie
from sample --fault-after on (see FAULTS). Runs until killed or its peer closes for good.
"""
import argparse
import base64
import hashlib
import hmac
import json
import math
import os
import random
import select
import struct
import sys
import termios
import time
import tty

FAULTS = {
    "none": "a well-behaved board",
    "no-prompt": "AT+CONFIG? is answered without the closing prompt",
    "short": "the buffer read sends fewer bytes than 'Used buffer' declared",
    "huge": "'Used buffer' declares a sample of 2^40 bytes",
    "flood": "AT+SAMPLESTART prints text without end and never a prompt",
    "not-cbor": "the buffer holds random bytes, not an acquisition file",
    "sample-error": "AT+SAMPLESTART answers 'ERR: Failed to start sampling'",
    "bad-config": "AT+CONFIG? lists a sensor line in no known form",
}

SENSORS = [
    # name, max sample length (s), frequencies (Hz), axes (name, units)
    ("Built-in accelerometer", 300, [62.5, 100.0],
     [("accX", "m/s2"), ("accY", "m/s2"), ("accZ", "m/s2")]),
    ("Built-in microphone", 60, [16000.0], [("audio", "wav")]),
]

BAUDS = {115200: termios.B115200, 230400: termios.B230400, 460800: termios.B460800,
         921600: termios.B921600}


# ---- CBOR, the subset the firmware's sensor_aq writes ----
def cbor_head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    if n < 0x100:
        return bytes([(major << 5) | 24, n])
    if n < 0x10000:
        return bytes([(major << 5) | 25]) + struct.pack(">H", n)
    if n < 0x100000000:
        return bytes([(major << 5) | 26]) + struct.pack(">I", n)
    return bytes([(major << 5) | 27]) + struct.pack(">Q", n)


def cbor_text(s):
    b = s.encode()
    return cbor_head(3, len(b)) + b


def cbor_int(i):
    return cbor_head(0, i) if i >= 0 else cbor_head(1, -1 - i)


def cbor_f32(x):
    return b"\xfa" + struct.pack(">f", x)


def f32(x):
    return struct.unpack(">f", struct.pack(">f", x))[0]


def acquisition_file(device_id, device_type, interval_ms, axes, frames, hmac_key):
    """The CBOR file, signed, with the signature computed over the zeroed placeholder."""
    head = cbor_head(5, 3)
    head += cbor_text("protected") + cbor_head(5, 3)
    head += cbor_text("ver") + cbor_text("v1") + cbor_text("alg") + cbor_text("HS256")
    head += cbor_text("iat") + cbor_int(1700000000)
    head += cbor_text("signature")
    sig_at = len(head) + 2  # text head of a 64-byte string is 2 bytes (0x78 0x40)
    head += cbor_text("0" * 64)
    head += cbor_text("payload") + cbor_head(5, 5)
    head += cbor_text("device_name") + cbor_text(device_id)
    head += cbor_text("device_type") + cbor_text(device_type)
    head += cbor_text("interval_ms") + cbor_f32(interval_ms)
    head += cbor_text("sensors") + cbor_head(4, len(axes))
    for name, units in axes:
        head += cbor_head(5, 2) + cbor_text("name") + cbor_text(name)
        head += cbor_text("units") + cbor_text(units)
    head += cbor_text("values") + b"\x9f"  # indefinite length, closed by 0xff
    body = b"".join(cbor_head(4, len(f)) + b"".join(cbor_f32(v) for v in f) for f in frames)
    data = bytearray(head + body + b"\xff")
    mac = hmac.new(hmac_key.encode(), bytes(data), hashlib.sha256).hexdigest()
    data[sig_at:sig_at + 64] = mac.encode()
    return bytes(data)


class Board:
    def __init__(self, args, master, slave):
        self.a = args
        self.master = master
        self.slave = slave
        self.line = b""
        self.label = "idle"
        self.interval_ms = 10.0
        self.length_ms = 1000
        self.hmac_key = args.hmac_key
        self.buffer = b""
        self.samples = 0
        self.rng = random.Random(args.seed)

    def out(self, text):
        data = text.encode() if isinstance(text, str) else text
        while data:
            try:
                n = os.write(self.master, data)
                data = data[n:]
            except BlockingIOError:
                select.select([], [self.master], [], 1.0)

    def faulty(self, fault, sample=None):
        """Whether the board lies in this way for sample number `sample` (default: the next)."""
        n = self.samples if sample is None else sample
        return self.a.fault == fault and n >= self.a.fault_after

    def line_speed(self):
        return termios.tcgetattr(self.slave)[5]

    # ---- the AT server: echo, run at '\r', prompt ----
    def feed(self, data):
        for c in data:
            ch = bytes([c])
            if ch == b"\n":
                continue
            if ch == b"\r":
                self.out("\r\n")
                cmd = self.line.decode(errors="replace")
                self.line = b""
                if self.run(cmd):
                    self.out("> ")
            elif 0x20 <= c <= 0x7E:
                self.line += ch
                self.out(ch)

    def run(self, cmd):
        if self.line_speed() != termios.B115200:
            # The host left the line at the transfer rate: at 115200 the board hears noise.
            self.out(bytes(self.rng.getrandbits(8) | 0x80 for _ in range(16)))
            return False
        if cmd == "b":
            self.out("Not a valid AT command (b)\n")
            return True
        if not cmd.startswith("AT+"):
            self.out("Not a valid AT command (%s)\n" % cmd)
            return True
        body = cmd[3:]
        if body == "HELP":
            self.out("AT Server\nCommand set version: %s\n" % self.a.at_version)
            return True
        if body == "CONFIG?":
            return self.config()
        if body == "SAMPLESETTINGS?":
            self.sample_settings()
            return True
        if body.startswith("SAMPLESETTINGS="):
            args = body[len("SAMPLESETTINGS="):].split(",")
            if len(args) < 3:
                self.out("Missing argument! Required: LABEL,INTERVAL_MS,LENGTH_MS,[HMAC_KEY]\r\n")
                return False
            self.label = args[0]
            self.interval_ms = float(args[1])
            self.length_ms = int(args[2])
            if len(args) >= 4:
                self.hmac_key = args[3]
            self.out("OK\r\n")
            return True
        if body.startswith("SAMPLESTART="):
            return self.sample(body[len("SAMPLESTART="):])
        if body.startswith("READBUFFER="):
            return self.read_buffer(body[len("READBUFFER="):].split(","))
        self.out("Command not found! (AT+%s)\n" % body.split("=")[0].rstrip("?"))
        return True

    def config(self):
        if self.a.fault == "bad-config":
            self.out("===== Device info =====\r\nID:         %s\r\n\r\n===== Sensors ======\r\n"
                     "Accelerometer at some rate\n" % self.a.device_id)
            return True
        self.out("===== Device info =====\n")
        self.out("ID:         %s\r\n" % self.a.device_id)
        self.out("Type:       %s\r\n" % self.a.device_type)
        self.out("AT Version: %s\r\n" % self.a.at_version)
        self.out("Data Transfer Baudrate: %d\r\n" % self.a.transfer_baud)
        self.out("\r\n===== Sensors ======\r\n")
        for name, max_s, freqs, _ in SENSORS:
            self.out("Name: %s, Max sample length: %ds, Frequencies: [%s]\n" % (
                name, max_s, ", ".join("%.2fHz" % f for f in freqs)))
        self.out("\r\n===== Snapshot ======\r\nHas snapshot:    0\r\nSupports stream: 0\r\n")
        self.out("\r\n===== Inference ======\r\nSensor:           2\r\n"
                 "Model type:       classification\r\n")
        self.out("\r\n===== WIFI =====\r\nSSID:      \r\nPassword:  \r\nSecurity:  0\r\n"
                 "MAC:       00:00:00:00:00:00\r\nConnected: 0\r\nPresent:   0\r\n")
        self.out("\r\n===== Sampling parameters =====\r\n")
        self.sample_settings()
        self.out("\r\n===== Upload settings =====\r\nApi Key:   \r\nHost:      \r\nPath:      \r\n")
        self.out("\r\n===== Remote management =====\r\nURL:        \r\nConnected:  0\r\n"
                 "Last error: \r\n\r\n")
        return self.a.fault != "no-prompt"

    def sample_settings(self):
        self.out("Label:     %s\r\n" % self.label)
        self.out("Interval:  %.2f ms.\r\n" % self.interval_ms)
        self.out("Length:    %d ms.\r\n" % self.length_ms)
        self.out("HMAC key:  %s\r\n" % self.hmac_key)

    def sample(self, name):
        sensor = next((s for s in SENSORS if s[0] == name), None)
        if sensor is None:
            self.out("ERR: Failed to find sensor '%s' in the sensor list\n" % name)
            return True
        if self.faulty("sample-error"):
            self.out("ERR: Failed to start sampling\n")
            return True
        axes = sensor[3]
        frames_needed = int(self.length_ms / self.interval_ms)
        self.out("Sampling settings:\n")
        self.out("\tInterval: %.5f ms.\n" % self.interval_ms)
        self.out("\tLength: %d ms.\n" % self.length_ms)
        self.out("\tName: %s\n" % self.label)
        self.out("\tHMAC Key: %s\n" % self.hmac_key)
        self.out("\tFile name: %s\n" % self.label)
        self.out("Samples req: %d\n" % frames_needed)
        self.out("Starting in %d ms... (or until all flash was erased)\n" % self.a.start_delay_ms)
        time.sleep(self.a.start_delay_ms / 1000.0)
        self.out("Sampling...\n")
        if self.faulty("flood"):
            for _ in range(2000):
                self.out("Sampling... " + "x" * 200 + "\n")
            return False
        time.sleep(self.length_ms / 1000.0)
        frames = []
        for f in range(frames_needed):
            if len(axes) == 1:
                frames.append([f32(float(int(3000 * math.sin(f / 7.0))))])
            else:
                frames.append([f32(self.rng.uniform(-20, 20)) for _ in axes])
        interval = f32(self.interval_ms)
        self.buffer = acquisition_file(self.a.device_id, self.a.device_type, interval, axes,
                                       frames, self.hmac_key) + b"\xff" * self.a.pad
        if self.faulty("not-cbor"):
            self.buffer = bytes(self.rng.getrandbits(8) for _ in range(len(self.buffer)))
        if self.a.sent:
            with open(self.a.sent, "a") as f:
                f.write(json.dumps({"label": self.label, "sensor": name, "interval_ms": interval,
                                    "axes": [a[0] for a in axes], "units": [a[1] for a in axes],
                                    "values": frames}) + "\n")
        self.out("Done sampling, total bytes collected: %d\n" % (frames_needed * len(axes) * 4))
        self.out("[1/1] Uploading file to Edge Impulse...\n")
        to = len(self.buffer)
        if self.faulty("huge"):
            to = 1 << 40
        self.out("Not uploading file, not connected to WiFi. Used buffer, from=0, to=%d.\n" % to)
        self.out("OK\n")
        self.samples += 1
        return True

    def read_buffer(self, args):
        if len(args) < 2:
            self.out("Missing argument! Required: START,LENGTH,[USE_MAX_BAUDRATE]\r\n")
            return True
        start, length = int(args[0]), int(args[1])
        fast = len(args) >= 3 and args[2].startswith("y")
        data = self.buffer[start:start + length]
        if self.faulty("short", self.samples - 1):
            data = data[: len(data) // 2]
        text = base64.b64encode(data)
        if fast:
            self.out("OK\r\n")
            time.sleep(0.1)  # the firmware sleeps, then switches its UART
            deadline = time.monotonic() + 2.0  # lenient: a loaded host may take a moment
            while self.line_speed() != BAUDS[self.a.transfer_baud] and time.monotonic() < deadline:
                time.sleep(0.01)
            if self.line_speed() != BAUDS[self.a.transfer_baud]:
                # The host still listens at the old rate: what it hears is noise.
                text = bytes(self.rng.getrandbits(8) | 0x80 for _ in range(len(text)))
        for i in range(0, len(text), 684):  # 513 bytes of buffer per base64 chunk
            self.out(text[i:i + 684])
        if fast:
            self.out("\r\nOK\r\n")
            time.sleep(0.1)
        self.out("\r\n")
        return True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device-id", default="5E:A1:0C:33:9B:01")
    p.add_argument("--device-type", default="FAKE_EI_BOARD")
    p.add_argument("--at-version", default="1.8.0")
    p.add_argument("--transfer-baud", type=int, default=921600)
    p.add_argument("--hmac-key", default="0d2d5a1c2f9c8e7b")
    p.add_argument("--start-delay-ms", type=int, default=200)
    p.add_argument("--pad", type=int, default=0, help="0xFF bytes after the file, in the buffer")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sent", help="append what each sample sent, as JSON lines")
    p.add_argument("--fault", default="none", choices=sorted(FAULTS))
    p.add_argument("--fault-after", type=int, default=0, help="samples taken before the fault")
    args = p.parse_args()
    if args.transfer_baud not in BAUDS:
        p.error("--transfer-baud must be one of %s" % sorted(BAUDS))

    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    os.set_blocking(master, False)
    print("PTY " + os.ttyname(slave), flush=True)
    board = Board(args, master, slave)
    board.out("Edge Impulse standard firmware (fake)\r\n> ")
    while True:
        r, _, _ = select.select([master], [], [], 1.0)
        if not r:
            continue
        try:
            data = os.read(master, 4096)
        except BlockingIOError:
            continue
        except OSError:
            time.sleep(0.05)  # no one has the port open
            continue
        board.feed(data)


if __name__ == "__main__":
    sys.exit(main())
