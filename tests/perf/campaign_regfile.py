#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reliability campaign's runs of tls_regfile (issue 16, parts 1a and 1b), repeatable: each input runs
through the real ``tls_regfile.main()`` in a forked child, the way AnsiballZ hands it its arguments.

    .build must be on PYTHONPATH (make setup links it):
    PYTHONPATH=.build .venv/bin/python tests/perf/campaign_regfile.py fuzz --inputs 10000 --seed 16
    PYTHONPATH=.build .venv/bin/python tests/perf/campaign_regfile.py large [--big]

``large`` repeats part 1b: the key, value, continuation and deletion series at 1x, 2x and 4x with
``profile: enforce`` (time, its ratio to 1x, peak RSS), one 10 MB bad line and 500,000 unreadable lines (result
size, longest message, RSS); ``--big`` adds a 400,000-key export of about 50 MB.

``fuzz`` is part 1a:

Each child gets a 4 GiB address-space limit and is killed after ``--kill`` seconds. Per input it records the exit,
whether an exception escaped ``main()`` or no JSON came back (a traceback), whether it was killed (a hang), its
wall time and peak RSS, and whether every error and warning of the file names a line 1..N of it. Inputs with one
known bad line at a known line number (the oracle class) must get an error naming exactly that line.

Input classes: random bytes (some with a BOM), byte mutations of the seeds (bit flips, NUL runs, truncation at an
odd offset, a dropped byte, duplicated chunks, stray BOMs), line mutations with hostile lines, grammar-generated
files, and clean files with one bad line. Seeds are the exports in examples/exports and renders of four profiles
for three builds; every text input is encoded in one of eight ways (UTF-16LE with and without BOM, UTF-16BE with
BOM, UTF-8 with and without BOM, cp1252, latin-1, or two encodings mixed). Arguments vary: one of ten builds,
a profile or none, a dest (.reg or .xml) and strict.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import select
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.text import decode, split_lines
from ansible_collections.tlsguard.windows.plugins.modules import tls_regfile
from ansible_collections.tlsguard.windows.tests.harness.module_main import run_main

ROOT = Path(__file__).resolve().parents[2]
BUILDS = ("6002", "7601", "9200", "9600", "14393", "17763", "19044", "20348", "22631", "26100")
PROFILES = ("enable", "enforce", "bsi", "mozilla_intermediate")
SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
HOSTILE = [
    '"Enabled"=dword:100000000', '"Enabled"=dword:-1', '"v"=hex:gg', '"v"=hex(ffffffff):00', '"v"=hex:00,\\',
    '"v"=hex:+1,-0', '"v"=hex:\u0661\u0662', '"v"=dword: 1', '"v"=hex(0004):01,00,00,00', '"v"=DWORD:1',
    '"\u202ertl"=dword:1', '"\U0001f600"=dword:1', '"a\u2028b"=dword:1', '"\ud800"=dword:1', '"\0"=dword:0',
    '[' + SCHANNEL + '\\' + '\\'.join(["deep"] * 3000) + ']', '"v"=hex:' + ",".join(["00"] * 700),
    '[HKEY_LOCAL_MACHINE\\..\\..\\x]', '[-' + SCHANNEL + '\\Protocols]', '[HKLM\\SOFTWARE\\x]', '[ HKEY_USERS\\x]',
    '[' + SCHANNEL + '\\Protocols\\TLS 1.0\\Server', '"Enabled"="', '"Enabled"', '=dword:1', '@=dword:1',
    '"v"=hex(7):61,00,00,\\', '  01,02', '"x"=-', '"x"=- ;c', '"x"="a" #c', ';comment', '#comment', 'REGEDIT4',
    'Windows Registry Editor Version 5.00', '"v"=hex(b):01,00,00,00,00,00,00,00', '"v"=hex(2):25,00,41,00,00,00',
    '"v"="' + "s" * 3000 + '"', '[' + "k" * 2000 + ']', '"v"=dword:0x1', '"v"=dword:', '"v"=hex:100', '\x0c',
]
# A line that a clean file never has and that must be reported at exactly its line (oracle class).
BAD_LINES = ['"Enabled"=dword:xyz', '"Enabled"=hex:zz', '"Enabled"=deword:00000001', '"Enabled"="unclosed',
             '"Enabled"=dword:123456789', '"Enabled"', '"Enabled"=hex(0x4):01,00,00,00']


ENCODINGS = ("utf-16-le-bom", "utf-16-le", "utf-16-be-bom", "utf-8", "utf-8-bom", "cp1252", "latin-1", "mixed")
READABLE = ("utf-16-le-bom", "utf-8", "utf-8-bom", "cp1252", "latin-1")  # what regedit reads (the others it refuses)


def _encode(text: str, rng: random.Random, choices: tuple[str, ...] = ENCODINGS) -> tuple[bytes, str]:
    how = rng.choice(choices)
    if how == "mixed":
        cut = rng.randrange(len(text) + 1)
        first = _encode(text[:cut], rng)[0]
        second = text[cut:].encode("utf-8", "surrogatepass")
        return first + second, how
    codecs = {"utf-16-le-bom": (b"\xff\xfe", "utf-16-le"), "utf-16-le": (b"", "utf-16-le"),
              "utf-16-be-bom": (b"\xfe\xff", "utf-16-be"), "utf-8": (b"", "utf-8"),
              "utf-8-bom": (b"\xef\xbb\xbf", "utf-8"), "cp1252": (b"", "cp1252"), "latin-1": (b"", "latin-1")}
    bom, codec = codecs[how]
    errors = "surrogatepass" if codec.startswith("utf") else "replace"
    return bom + text.encode(codec, errors), how


def _seeds(work: Path) -> list[str]:
    """The example exports and renders of four profiles for three builds, as text."""
    texts = [decode(path.read_bytes()).text for path in sorted((ROOT / "examples" / "exports").glob("*.reg"))]
    for profile in PROFILES:
        for build in ("9600", "17763", "26100"):
            dest = work / f"render-{profile}-{build}.reg"
            run_main(tls_regfile.main, {"os_build": build, "profile": profile, "dest": str(dest)})
            texts.append(decode(dest.read_bytes()).text)
    return texts


def _byte_mutation(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _step in range(rng.randint(1, 8)):
        what = rng.randrange(6)
        if not data:
            data += os.urandom(8)
        at = rng.randrange(len(data))
        if what == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif what == 1:
            data[at:at] = b"\0" * rng.randint(1, 64)
        elif what == 2:
            del data[at | 1:]  # cut at an odd offset: half a UTF-16 unit
        elif what == 3:
            del data[at]
        elif what == 4:
            size = rng.randint(1, 256)
            data[at:at] = data[at:at + size]
        else:
            data[at:at] = rng.choice([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"])
    return bytes(data)


def _line_mutation(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _step in range(rng.randint(1, 10)):
        at = rng.randrange(len(lines) + 1)
        what = rng.randrange(3)
        if what == 0 or not lines:
            lines.insert(at, rng.choice(HOSTILE))
        elif what == 1:
            del lines[min(at, len(lines) - 1)]
        else:
            lines.insert(at, lines[min(at, len(lines) - 1)])
    return rng.choice(["\r\n", "\n", "\r"]).join(lines)


def _grammar(rng: random.Random) -> str:
    hives = ["HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKLM", "HKEY_LOCAL_MASHINE", ""]
    parts = ["SYSTEM", "CurrentControlSet", "ControlSet001", "Control", "SecurityProviders", "SCHANNEL", "Protocols",
             "TLS 1.0", "TLS 1.2", "Server", "Client", "Ciphers", "..", "", "a\0b", 'q"t', "\\"]
    lines = [rng.choice(["Windows Registry Editor Version 5.00", "REGEDIT4", "junk", ""]), ""]
    for _key in range(rng.randint(0, 30)):
        path = "\\".join(rng.choice(parts) for _level in range(rng.randint(0, 12)))
        lines.append(f"[{'-' if rng.random() < 0.1 else ''}{rng.choice(hives)}\\{path}]")
        for _value in range(rng.randint(0, 5)):
            name = rng.choice(["Enabled", "DisabledByDefault", "Functions", "a\0b", 'q\\"t', ""])
            data = rng.choice(["dword:00000000", "dword:00000001", "dword:ffffffff", '"x"', "hex:01,02",
                               "hex(7):61,00,00,00,00,00", "-"])
            lines.append(f'"{name}"={data}')
    return "\r\n".join(lines)


def _oracle(text: str, rng: random.Random) -> tuple[str, int]:
    """A clean file with one bad line under a key; its 1-based line number."""
    lines = text.splitlines()
    keys = [n for n, line in enumerate(lines) if line.startswith("[") and line.endswith("]")]
    at = rng.choice(keys) + 1 if keys else len(lines)
    if not keys:
        lines.append(f"[{SCHANNEL}\\Protocols\\TLS 1.0\\Server]")
        at = len(lines)
    lines.insert(at, rng.choice(BAD_LINES))
    return "\r\n".join(lines) + "\r\n", at + 1


def make_input(seeds: list[str], rng: random.Random) -> tuple[str, bytes, str, int | None]:
    """(class, bytes, encoding, the oracle's bad line or None)."""
    kind = rng.choices(["random", "bytes", "lines", "grammar", "oracle"], weights=[7, 25, 30, 26, 12])[0]
    if kind == "random":
        raw = rng.choice([b"", b"\xff\xfe", b"\xef\xbb\xbf"]) if rng.random() < 0.3 else b""
        return kind, raw + rng.randbytes(rng.randint(0, 4096)), "raw", None
    if kind == "bytes":
        raw, how = _encode(rng.choice(seeds), rng)
        return kind, _byte_mutation(raw, rng), how, None
    if kind == "oracle":
        text, line = _oracle(rng.choice(seeds), rng)
        raw, how = _encode(text, rng, READABLE)  # a file regedit refuses has one error, on line 1, by design
        return kind, raw, how, line
    text = _line_mutation(rng.choice(seeds), rng) if kind == "lines" else _grammar(rng)
    raw, how = _encode(text, rng)
    return kind, raw, how, None


def _arguments(path: Path, work: Path, rng: random.Random, index: int) -> dict:
    args: dict = {"src": str(path), "os_build": rng.choice(BUILDS)}
    if rng.random() < 0.7:
        args["profile"] = rng.choice(PROFILES)
    if rng.random() < 0.25:
        args["dest"] = str(work / f"out-{index}.{rng.choice(['reg', 'xml'])}")
        args.setdefault("profile", "enforce")  # a dest needs a profile to render
    if rng.random() < 0.15:
        args["strict"] = True
    return args


def _child(args: dict, write_end: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    run = run_main(tls_regfile.main, args)
    report = {"rc": run.rc, "traceback": run.traceback, "result": run.result}
    data = json.dumps(report, default=str).encode()
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(data)
    os._exit(0)


def run_one(args: dict, kill_after: float) -> dict:
    """Fork, run the module, collect its report, time and peak RSS (wait4)."""
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(args, write_end)
        finally:
            os._exit(3)
    os.close(write_end)
    chunks, killed = [], False
    while True:
        left = kill_after - (time.monotonic() - started)
        ready, _w, _x = select.select([read_end], [], [], max(left, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _pid, _status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    try:
        report = json.loads(b"".join(chunks))
    except ValueError:
        report = None
    return {"killed": killed, "report": report, "seconds": seconds, "rss_kb": usage.ru_maxrss}


def _issue_lines(result: dict) -> list[object]:
    issues = [*result.get("errors", []), *result.get("warnings_in_file", [])]
    for entry in result.get("files", []):  # a folder or list audit nests them per file
        issues += [*entry.get("errors", []), *entry.get("warnings_in_file", [])]
    return [issue.get("line") if isinstance(issue, dict) else None for issue in issues]


ELSEWHERE = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"  # outside SCHANNEL


def _utf16(lines: list[str]) -> bytes:
    return b"\xff\xfe" + "\r\n".join(["Windows Registry Editor Version 5.00", "", *lines, ""]).encode("utf-16-le")


def _keys(n: int) -> bytes:
    return _utf16([line for i in range(n) for line in (f"[{ELSEWHERE}\\Item{i}]", '"Enabled"=dword:00000000', "")])


def _values(n: int) -> bytes:
    return _utf16([f"[{ELSEWHERE}]", *(f'"Value{i}"=dword:{i:08x}' for i in range(n))])


def _continued(n_bytes: int) -> bytes:
    per_line = 25
    rows = ["  " + ",".join(["ab"] * per_line) + ",\\" for _row in range(n_bytes // per_line)]
    return _utf16([f"[{ELSEWHERE}]", '"Blob"=hex:00,\\', *rows, "  00"])


def _deletions(n: int) -> bytes:
    lines = [line for i in range(n) for line in (f"[{ELSEWHERE}\\Item{i}]", '"Enabled"=dword:00000000', "")]
    return _utf16(lines + [f"[-{ELSEWHERE}\\Item{i}]" for i in range(n)])


SERIES = (("keys", _keys, (10_000, 20_000, 40_000)), ("values in one key", _values, (10_000, 20_000, 40_000, 80_000)),
          ("REG_BINARY bytes as continuations", _continued, (200_000, 400_000, 800_000)),
          ("[-key] deletions after values", _deletions, (1_000, 2_000, 4_000)))


def _large(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="tlsguard-campaign-") as folder:
        path = Path(folder) / "input.reg"

        def measure(raw: bytes, label: str) -> dict:
            path.write_bytes(raw)
            outcome = run_one({"src": str(path), "os_build": "17763", "profile": "enforce"}, options.kill)
            report = outcome["report"] or {}
            result = report.get("result", {})
            messages = [i.get("message", "") for i in result.get("errors", []) if isinstance(i, dict)]
            state = ("KILLED" if outcome["killed"] else "traceback" if report.get("traceback")
                     else "failed" if result.get("failed") else "ok")
            print(f"  {label}: {len(raw) / 1e6:.1f} MB, {outcome['seconds']:.2f} s, "
                  f"RSS {outcome['rss_kb'] / 1024:.0f} MB, {state}, result {len(json.dumps(result)) / 1e3:.0f} kB, "
                  f"{len(messages)} errors listed, longest message {max(map(len, messages), default=0)} characters")
            return outcome
        for name, make, sizes in SERIES:
            print(f"{name}:")
            times = [measure(make(size), f"{size:,}")["seconds"] for size in sizes]
            print("  ratio to the first size: " + ", ".join(f"{t / times[0]:.1f}x" for t in times[1:]))
        print("bounded errors:")
        measure(_utf16([f"[{SCHANNEL}]", '"v"=' + "x" * 10_000_000]), "one 10 MB bad line")
        measure(_utf16([f"[{SCHANNEL}]", *(["garbage"] * 500_000)]), "500,000 unreadable lines")
        if options.big:
            print("big export:")
            measure(_keys(400_000), "400,000 keys")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("part", choices=["fuzz", "large"])
    parser.add_argument("--inputs", type=int, default=1000, help="fuzz: how many inputs")
    parser.add_argument("--seed", type=int, default=16, help="fuzz: the generator's seed")
    parser.add_argument("--kill", type=float, default=30.0, help="seconds before a child counts as hung")
    parser.add_argument("--show", type=int, default=5, help="fuzz: examples printed per kind of problem")
    parser.add_argument("--big", action="store_true", help="large: add a 400,000-key export (about 50 MB)")
    parser.add_argument("--only", help="fuzz: run only the inputs of this class (the others are still generated, so "
                                       "the inputs are the same as in a full run)")
    options = parser.parse_args()
    if options.part == "large":
        _large(options)
        return
    rng = random.Random(options.seed)
    counts: Counter = Counter()
    problems: dict[str, list[str]] = {}
    slowest, biggest, total_seconds = 0.0, 0, 0.0
    with tempfile.TemporaryDirectory(prefix="tlsguard-campaign-") as folder:
        work = Path(folder)
        seeds = _seeds(work)
        started = time.monotonic()
        for index in range(options.inputs):
            kind, raw, how, bad_line = make_input(seeds, rng)
            path = work / "input.reg"
            path.write_bytes(raw)
            args = _arguments(path, work, rng, index)
            if options.only and kind != options.only:
                continue
            outcome = run_one(args, options.kill)
            counts[f"class {kind}"] += 1
            counts[f"encoding {how}"] += 1
            slowest = max(slowest, outcome["seconds"])
            biggest = max(biggest, outcome["rss_kb"])
            total_seconds += outcome["seconds"]
            found: list[str] = []
            report = outcome["report"]
            if outcome["killed"]:
                found.append("hang")
            elif report is None:
                found.append("no JSON")
            elif report["traceback"]:
                found.append("traceback")
            else:
                result = report["result"]
                counts["failed cleanly" if result.get("failed") else "succeeded"] += 1
                line_count = len(split_lines(decode(raw).text))
                lines = _issue_lines(result)
                counts["issues"] += len(lines)
                if any(not isinstance(line, int) for line in lines):
                    found.append("issue without a line")
                elif any(not 1 <= line <= line_count for line in lines):  # type: ignore[operator]
                    found.append("issue line out of range")
                if bad_line is not None and result.get("failed") and not lines:
                    # e.g. bsi on build 6002: no listed suite exists there, so the task fails on the policy, by name,
                    # and returns no file issues at all; the oracle cannot apply
                    counts["oracle: task failed on its policy first"] += 1
                elif bad_line is not None:
                    right = bad_line in lines
                    counts["oracle right" if right else "oracle wrong"] += 1
                    if not right:
                        found.append("oracle line not reported")
            for problem in found:
                counts[problem] += 1
                problems.setdefault(problem, [])
                if len(problems[problem]) < options.show:
                    kept = work.parent / f"tlsguard-campaign-{problem.replace(' ', '_')}-{index}.reg"
                    kept.write_bytes(raw)
                    problems[problem].append(f"input {index} ({kind}, {how}, args {json.dumps(args)}): {kept}")
            for leftover in work.glob("out-*"):
                leftover.unlink()
        wall = time.monotonic() - started
    ran = sum(v for k, v in counts.items() if k.startswith("class "))
    print(f"inputs: {ran} of {options.inputs} (seed {options.seed}) in {wall:.0f} s")
    for name in ("traceback", "no JSON", "hang", "issue without a line", "issue line out of range",
                 "oracle line not reported"):
        print(f"{name}: {counts[name]}")
    print(f"oracle: {counts['oracle right']} of {counts['oracle right'] + counts['oracle wrong']} bad lines named "
          f"at their line; {counts['oracle: task failed on its policy first']} runs failed on their policy first "
          "(a profile with no suite on the build), with no file issues")
    print(f"succeeded: {counts['succeeded']}, failed cleanly: {counts['failed cleanly']}, issues: {counts['issues']}")
    print(f"time per input: mean {total_seconds / max(ran, 1) * 1000:.0f} ms, max {slowest:.2f} s; "
          f"max RSS {biggest / 1024:.0f} MB")
    print("classes: " + ", ".join(f"{k[6:]} {v}" for k, v in sorted(counts.items()) if k.startswith("class ")))
    print("encodings: " + ", ".join(f"{k[9:]} {v}" for k, v in sorted(counts.items()) if k.startswith("encoding ")))
    for problem, examples in problems.items():
        print(f"{problem}:", *examples, sep="\n  ")
    sys.exit(1 if any(counts[p] for p in problems) else 0)


if __name__ == "__main__":
    main()
