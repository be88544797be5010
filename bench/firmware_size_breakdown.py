#!/usr/bin/env python3
"""Where the flash of a Cortex-M4 firmware image goes, by part of the source tree.

    bench/firmware_size_breakdown.py IMAGE.elf [--map IMAGE.map] [--nm arm-none-eabi-nm]
                                     [--files N]

Prints two Markdown tables (scripts/bench_report.sh puts them in docs/BENCHMARKS.md): the
image's flash (.text with .rodata and vectors, .ARM.exidx, .data load image) by part (runtime,
reference kernels, DSP kernels, device protocol, agent core, port, libgcc, newlib-nano), then
the N largest source files and library members.

Code is charged byte by byte to the source file the image's line table names for it
(`objdump --dwarf=decodedline`; the firmware is built with -g, which adds no byte to flash and
survives -flto): code inlined from a header counts for that header's folder, code a kernel
inlines into the interpreter for the kernel. What the line table does not cover (constant
tables, vtables, the vector table, libgcc and newlib) is charged by symbol (`nm -S`): to the
file its debug information names, else to the archive member the map file (-Wl,-Map) places at
its address, else to the part its C++ namespace belongs to. Bytes neither covers (string
literals, alignment padding) are one row.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

FLASH_SECTIONS = (".text", ".ARM.exidx", ".data")

# (path prefix inside the source tree, part name); the first match wins.
PARTS = (
    ("model_runner/cortex_m/", "DSP kernels (model_runner/cortex_m)"),
    ("model_runner/kernels/", "reference kernels (model_runner/kernels)"),
    ("model_runner/", "runtime: interpreter, planner, model reader (model_runner)"),
    ("device_protocol/", "device protocol (device_protocol)"),
    ("firmware_agent/core/", "agent core (firmware_agent/core)"),
    ("firmware_agent/port/", "HAL, Cortex-M4 port and board (firmware_agent/hal.h, port/)"),
    ("firmware_agent/hal.h", "HAL, Cortex-M4 port and board (firmware_agent/hal.h, port/)"),
)
# Symbols of tinyscope's own with C names and no debug information (asm, the vector table).
C_NAME_PARTS = (
    ("tinyscope_cm_", "model_runner/cortex_m/"),
    ("g_vectorTable", "firmware_agent/port/"),
)
SOURCE_ROOTS = ("model_runner/", "device_protocol/", "firmware_agent/")


def run(cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"firmware_size_breakdown: {' '.join(cmd)} failed: {e}")


def sibling_tool(nm, name):
    """arm-none-eabi-<name> beside the given nm (same prefix and folder)."""
    return nm[: -len("nm")] + name if nm.endswith("nm") else f"arm-none-eabi-{name}"


def section_ranges(elf, nm):
    """{name: (vma, size, lma)} of the flash sections, from `objdump -h`."""
    out = run([sibling_tool(nm, "objdump"), "-h", elf])
    sections = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 6 and f[1] in FLASH_SECTIONS:
            sections[f[1]] = (int(f[3], 16), int(f[2], 16), int(f[4], 16))
    return sections


def map_members(map_path):
    """Sorted [(address, size, object)] of the input sections in the map file."""
    rows = []
    pending = None
    in_map = False
    lib_re = re.compile(r"([^/\s]+\.a)\(([^)]+)\)$")
    with open(map_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map or not line.startswith(" ") or line.startswith(" *"):
                continue
            f2 = line.split()
            if len(f2) == 1 and f2[0].startswith("."):
                pending = f2[0]
                continue
            if pending and len(f2) == 3 and f2[0].startswith("0x") and f2[1].startswith("0x"):
                addr, size, obj = f2
            elif len(f2) == 4 and f2[0].startswith(".") and f2[1].startswith("0x"):
                _, addr, size, obj = f2
            else:
                pending = None
                continue
            pending = None
            m = lib_re.search(obj)
            name = f"{m.group(1)}({m.group(2)})" if m else obj
            rows.append((int(addr, 16), int(size, 16), name))
    rows.sort()
    return rows


def source_file(path):
    """'model_runner/kernels/conv_2d.cpp' from whatever path the line table holds."""
    path = os.path.normpath(path)
    best = None
    for root in SOURCE_ROOTS:
        i = path.rfind("/" + root)
        if i >= 0 and (best is None or i > best[0]):
            best = (i, path[i + 1 :])
    return best[1] if best else None


def own_source(member, tree):
    """Source file of one of tinyscope's objects in the map, or None.

    CMake names an object CMakeFiles/<target>.dir/<source path>.obj; inside an archive the map
    shows only the base name, found in the source tree (the library's name picks between
    kernels/conv_2d.cpp and cortex_m/conv_2d.cpp)."""
    m = re.search(r"(?:^|/)([^/]*)/CMakeFiles/[^/]+\.dir/(.+)\.obj$", member)
    if m:
        return source_file("/" + os.path.join(m.group(1) or ".", m.group(2)))
    m = re.match(r"libtinyscope_(\w+)\.a\((.+)\.obj\)$", member)
    if not m:
        return None
    lib, name = m.groups()
    candidates = tree.get(name, [])
    if len(candidates) > 1:
        candidates = [c for c in candidates if ("cortex_m" in c) == ("cortex_m" in lib)]
    return candidates[0] if len(candidates) == 1 else None


def library_member(member):
    lib, _, obj = member.partition("(")
    obj = obj.rstrip(")")
    obj = re.sub(r"^lib_a-", "", obj)
    obj = re.sub(r"\.(o|obj)$", "", obj)
    names = {"libgcc.a": "libgcc", "libc_nano.a": "newlib-nano libc",
             "libg_nano.a": "newlib-nano libc", "libm.a": "newlib libm",
             "libstdc++_nano.a": "libstdc++", "libnosys.a": "libnosys"}
    if lib in names:
        return names[lib], f"{names[lib]}: {obj}"
    return None, None


# C++ namespaces of tinyscope (as mangled: tinyscope::<first>::<second>) and their part.
NAMESPACE_PARTS = (
    (("runner", "cortex_m"), "model_runner/cortex_m/"),
    (("runner", "kernels"), "model_runner/kernels/"),
    (("runner", None), "model_runner/"),
    (("proto", None), "device_protocol/"),
    (("agent", "cortex_m"), "firmware_agent/port/"),
    (("agent", "board"), "firmware_agent/port/"),
    (("agent", "hal"), "firmware_agent/port/"),
    (("agent", None), "firmware_agent/core/"),
    (("demo", None), "firmware_agent/core/"),
)


def namespace_prefix(mangled):
    """Source folder of a tinyscope symbol from its mangled namespaces, or None."""
    i = mangled.find("9tinyscope")
    if i < 0:
        return None
    names = []
    rest = mangled[i + len("9tinyscope") :]
    while len(names) < 2:
        m = re.match(r"(\d+)", rest)
        if not m:
            break
        n = int(m.group(1))
        names.append(rest[len(m.group(1)) : len(m.group(1)) + n])
        rest = rest[len(m.group(1)) + n :]
    for (first, second), prefix in NAMESPACE_PARTS:
        if names[:1] == [first] and (second is None or names[1:2] == [second]):
            return prefix
    return None


def line_ranges(elf, objdump, in_flash):
    """Sorted, disjoint [(start, end, source file)] of the code the line table covers."""
    rows = []
    path = None
    out = run([objdump, "--dwarf=decodedline", elf])
    for line in out.splitlines():
        if line.endswith(":") and len(line.split()) == 1:  # a file's rows follow
            path = line[:-1]
            continue
        f = line.split()
        if len(f) < 3 or not f[2].startswith("0x") or path is None:
            continue
        addr = int(f[2], 16)
        end_of_sequence = f[1] == "-"
        if not end_of_sequence and not in_flash(addr):
            continue  # a function the linker dropped
        rows.append((addr, 0 if end_of_sequence else 1, None if end_of_sequence else path))
    rows.sort(key=lambda r: (r[0], r[1]))
    ranges = []
    for (addr, _, path), (next_addr, _, _) in zip(rows, rows[1:]):
        src = source_file(path) if path else None
        if src and next_addr > addr:
            if ranges and ranges[-1][1] == addr and ranges[-1][2] == src:
                ranges[-1] = (ranges[-1][0], next_addr, src)
            else:
                ranges.append((addr, next_addr, src))
    return ranges


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--map", help="the image's map file (default: IMAGE.map)")
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    ap.add_argument("--files", type=int, default=30, help="rows of the per-file table")
    args = ap.parse_args()
    map_path = args.map or os.path.splitext(args.elf)[0] + ".map"

    sections = section_ranges(args.elf, args.nm)
    flash_total = sum(size for _, size, _ in sections.values())

    def flash_section(addr):
        for name, (vma, size, _) in sections.items():
            if vma <= addr < vma + size:
                return name
        return None

    members = map_members(map_path) if os.path.exists(map_path) else []
    starts = [r[0] for r in members]

    def member_at(addr):
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and members[i][0] <= addr < members[i][0] + members[i][1]:
            return members[i][2]
        return None

    # tinyscope's sources by base name, for objects the map names but the line table does not.
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    tree = collections.defaultdict(list)
    for top in SOURCE_ROOTS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            rel = os.path.relpath(dirpath, root)
            if re.search(r"(^|/)(host|tests?)(/|$)", rel):
                continue
            for f in files:
                tree[f].append(os.path.join(rel, f))

    code = line_ranges(args.elf, sibling_tool(args.nm, "objdump"), flash_section)
    code_starts = [r[0] for r in code]

    def code_bytes_in(start, end):
        total = 0
        i = max(bisect.bisect_right(code_starts, start) - 1, 0)
        while i < len(code) and code[i][0] < end:
            total += max(0, min(end, code[i][1]) - max(start, code[i][0]))
            i += 1
        return total

    by_part = collections.Counter()
    by_file = collections.Counter()
    part_of_file = {}

    def charge(src, key, size):
        part = next((p for prefix, p in PARTS if src and src.startswith(prefix)), None)
        if part is None:
            part, key = "other", key
        by_part[part] += size
        by_file[key] += size
        part_of_file[key] = part

    for start, end, src in code:
        charge(src, src, end - start)

    demangled = {}
    for line in run([args.nm, "-S", "-C", "--defined-only", args.elf]).splitlines():
        f = line.split(" ", 3)
        if len(f) == 4:
            demangled.setdefault((f[0], f[1]), f[3])
    symbols = []
    out = run([args.nm, "-S", "-l", "--defined-only", args.elf])
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) ([0-9a-f]+) (\w) (\S+)(?:\t(.*):\d+)?$", line)
        if m and int(m.group(2), 16) > 0 and flash_section(int(m.group(1), 16)):
            name = demangled.get((m.group(1), m.group(2)), m.group(4))
            symbols.append((int(m.group(1), 16), int(m.group(2), 16), m.group(4), name, m.group(5)))
    # Ascending addresses; a symbol counts only the bytes no earlier one covered (aliases such
    # as __aeabi_dadd = __adddf3 and the C1/C2 constructor pair share their bytes), less the
    # code the line table already charged.
    symbols.sort(key=lambda s: (s[0], -s[1]))
    covered_end = 0
    for addr, size, mangled, name, path in symbols:
        start, end = max(addr, covered_end), addr + size
        if end <= start:
            continue
        covered_end = end
        size = end - start - code_bytes_in(start, end)
        if size <= 0:
            continue
        src = source_file(path) if path else None
        member = member_at(addr)
        if src is None and member:
            src = own_source(member, tree)
        if src is None and member:
            part, key = library_member(member)
            if part:
                by_part[part] += size
                by_file[key] += size
                part_of_file[key] = part
                continue
        key = src
        if src is None:
            mangled = re.sub(r"\.lto_priv\.\d+$", "", mangled)
            src = namespace_prefix(mangled) or next(
                (folder for prefix, folder in C_NAME_PARTS if mangled.startswith(prefix)), None)
            if mangled.startswith("_sub_I_"):
                name = "static constructors (merged by -flto)"
            key = re.sub(r"\.lto_priv\.\d+$", "", name)
        charge(src, key, size)

    # Names -flto left mangled (its .lto_priv suffix stops nm -C), demangled in one call.
    mangled_keys = [k for k in by_file if k.startswith("_Z")]
    if mangled_keys:
        names = subprocess.run([sibling_tool(args.nm, "c++filt")], input="\n".join(mangled_keys),
                               capture_output=True, text=True).stdout.splitlines()
        for key, plain in zip(mangled_keys, names):
            size, part = by_file.pop(key), part_of_file.pop(key)
            by_file[plain] += size
            part_of_file[plain] = part

    covered = sum(by_part.values())
    unattributed = flash_total - covered
    print("| part of the image | flash bytes | share |")
    print("| --- | ---: | ---: |")
    for part, size in by_part.most_common():
        print(f"| {part} | {size} | {100.0 * size / flash_total:.1f} % |")
    print(f"| string literals, padding and other bytes no symbol covers | {unattributed} | "
          f"{100.0 * unattributed / flash_total:.1f} % |")
    print(f"| **flash** ({' + '.join(s for s in FLASH_SECTIONS if s in sections)}) | "
          f"**{flash_total}** | 100 % |")
    print()
    print(f"The {args.files} largest source files and library members:")
    print()
    print("| file | part | flash bytes |")
    print("| --- | --- | ---: |")
    for key, size in by_file.most_common(args.files):
        short = part_of_file[key].split(" (")[0]
        print(f"| `{key}` | {short} | {size} |")


if __name__ == "__main__":
    main()
