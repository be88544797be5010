#!/usr/bin/env python3
"""Writes the binary and signed fixtures of this folder from the formats' documentation,
with no tinyscope code involved: CBOR encoded by hand (RFC 8949 heads, float16/32/64,
indefinite-length arrays), HMAC-SHA256 from Python's hmac module over the producer's bytes
with the signature zeroed (Edge Impulse's signing rule), a TextGrid re-encoded as UTF-16.
Run from this folder: python3 make_fixtures.py"""
import hashlib
import hmac
import struct

KEY = b"tinyscope-fixture-key"
ZEROS = b"0" * 64


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    if n < 65536:
        return bytes([major << 5 | 25]) + struct.pack(">H", n)
    return bytes([major << 5 | 26]) + struct.pack(">I", n)


def text(s):
    b = s.encode()
    return head(3, len(b)) + b


def uint(n):
    return head(0, n) if n >= 0 else head(1, -1 - n)


def f16(x):
    return b"\xf9" + struct.pack(">e", x)


def f32(x):
    return b"\xfa" + struct.pack(">f", x)


def f64(x):
    return b"\xfb" + struct.pack(">d", x)


def sign(data):
    mac = hmac.new(KEY, data, hashlib.sha256).hexdigest().encode()
    assert data.count(ZEROS) == 1
    return data.replace(ZEROS, mac)


# CBOR: payload first, an indefinite sensors list and values mixing int, f16, f32 and f64.
payload = (head(5, 4) + text("device_type") + text("NANO33BLE") + text("interval_ms") + f16(10.0)
           + text("sensors") + b"\x9f"
           + head(5, 2) + text("name") + text("accX") + text("units") + text("m/s2")
           + head(5, 2) + text("name") + text("accY") + text("units") + text("m/s2")
           + b"\xff"
           + text("values") + b"\x9f"
           + head(4, 2) + uint(1) + f16(-2.5)
           + head(4, 2) + f32(0.25) + f64(-9.81)
           + b"\x9f" + uint(-3) + uint(300) + b"\xff"
           + b"\xff")
protected = head(5, 2) + text("ver") + text("v1") + text("alg") + text("HS256")
unsigned = head(5, 3) + text("payload") + payload + text("signature") + text("0" * 64) + \
    text("protected") + protected
open("mixed_unsigned.cbor", "wb").write(unsigned)
open("mixed_signed.cbor", "wb").write(sign(unsigned))

# JSON signed over its own layout: spaces, newlines, key order protected last.
signed_json = ("{\n  \"payload\": {\n    \"device_type\": \"DISCO-L475VG-IOT01A\",\n"
               "    \"interval_ms\": 10,\n    \"sensors\": [ { \"name\": \"accX\", \"units\": \"m/s2\" },"
               " { \"name\": \"accY\", \"units\": \"m/s2\" }, { \"name\": \"accZ\", \"units\": \"m/s2\" } ],\n"
               "    \"values\": [ [ -9.81, 0.03, 1.21 ], [ -9.83, 0.04, 1.27 ], [ -9.12, 0.03, 1.23 ] ]\n  },\n"
               "  \"signature\" : \"" + "0" * 64 + "\",\n"
               "  \"protected\": { \"alg\": \"HS256\", \"ver\": \"v1\", \"iat\": 1564128599 }\n}\n").encode()
open("signed.json", "wb").write(sign(signed_json))

# The long-form TextGrid again as UTF-16 (little endian with BOM), as Praat writes non-ASCII.
long_form = open("long.TextGrid", encoding="utf-8").read()
open("utf16.TextGrid", "wb").write(b"\xff\xfe" + long_form.encode("utf-16-le"))
