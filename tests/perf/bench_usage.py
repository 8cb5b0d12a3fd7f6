#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage core benchmark: parse + aggregate a generated IIS log, side by side with what a user would write instead.

    make bench-usage                         # 1,000,000 lines, 3 repeats, bytes per host at 1/100/10k/100k clients
    make bench-usage ARGS="--lines 200000 --repeat 1"

Three ways count the same thing, requests per (date, site, port, c-ip, X-Forwarded-For, user agent,
crypt-protocol) with first and last time: the core (``w3c.read_w3c`` with ``iis.SPEC``, then the typed
groups), a plain ``str.split`` loop over the text file, and ``awk``. Their totals are compared before any figure is
printed. Then the bytes the host would return (the read reply) and the host report, as distinct clients grow at
a fixed line count. Times are wall and CPU seconds on this machine (not Windows).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import merge_groups
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import Checkpoint
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter, decode_bytes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.evidence import run_evidence
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.gate import GateRule
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.reply import (
    FileReadReply,
    FolderRead,
    UsageReply,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.report import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.w3c import read_w3c

FIELDS = ("date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
          "cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes "
          "cs-bytes time-taken crypt-protocol crypt-cipher crypt-hash crypt-keyexchange OriginalIP")
KEY = ("date", "s-sitename", "s-port", "c-ip", "OriginalIP", "cs(User-Agent)", "crypt-protocol")
AGENTS = ("Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/124.0.0.0"
          "+Safari/537.36", "Java/1.7.0_80", "curl/7.29.0", "Mozilla/4.0+(compatible;+MSIE+8.0;+Windows+NT+6.1;"
          "+Trident/4.0)", "Mozilla/5.0+(Windows+NT+6.1;+Trident/7.0;+rv:11.0)+like+Gecko")
PATHS = ("/portal/default.aspx", "/api/orders", "/owa/", "/health", "/ews/exchange.asmx")
CHUNK = 1 << 20
AS_OF = "2024-05-07T00:00:00Z"


def generate(path: Path, lines: int, clients: int, seed: int = 7) -> None:
    """An IIS W3C log of one day with the default fields plus crypt-* and OriginalIP."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
                  f"#Date: 2024-05-06 00:00:00\r\n#Fields: {FIELDS}\r\n")
        for i in range(lines):
            second = i * 86400 // lines
            client = rnd.randrange(clients)
            ip = f"10.{client >> 16 & 255}.{client >> 8 & 255}.{client & 255}"
            agent = AGENTS[client % len(AGENTS)]
            proto = "40" if client % 7 == 0 else "100" if client % 11 == 0 else "400"
            xff = f"203.0.113.{client % 250}" if client % 13 == 0 else "-"
            out.write(f"2024-05-06 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} W3SVC1 WEB01 "
                      f"10.0.0.5 GET {PATHS[i % 5]} - 443 - {ip} HTTP/1.1 {agent} - - portal.example.com 200 0 0 "
                      f"{5000 + i % 900} 480 {i % 97} {proto} 6610 800d ae06 {xff}\r\n")


def core(path: Path) -> tuple[int, int]:
    counter = RawCounter(iis.SPEC.names, iis.SPEC.fold_to, iis.SPEC.max_groups, iis.SPEC.max_field_bytes)
    with path.open("rb") as handle:
        read_w3c(iter(lambda: handle.read(CHUNK), b""), iis.SPEC, counter, Notes(), label=path.name,
                 directory="W3SVC1")
    notes = Notes()
    groups = merge_groups(g for g in (iis.interpret(r, notes) for r in counter.groups(decode_bytes)) if g)
    return sum(g.count for g in groups), len(groups)


def split_loop(path: Path) -> tuple[int, int]:
    """What a user would write: text lines, the column map from #Fields, split, a dict of [count, first, last]."""
    counts: dict[tuple, list] = {}
    index: list[int] = []
    time_at = 1
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("#"):
                if line.startswith("#Fields:"):
                    names = line[len("#Fields:"):].split()
                    index = [names.index(name) for name in KEY]
                    time_at = names.index("time")
                continue
            parts = line.split()
            key = tuple(parts[i] for i in index)
            stamp = parts[time_at]
            entry = counts.get(key)
            if entry is None:
                counts[key] = [1, stamp, stamp]
            else:
                entry[0] += 1
                if stamp < entry[1]:
                    entry[1] = stamp
                if stamp > entry[2]:
                    entry[2] = stamp
    return sum(e[0] for e in counts.values()), len(counts)


AWK = r"""
{ sub(/\r$/, "") }
/^#Fields:/ { n = 0; for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
/^#/ { next }
{
  k = $col["date"] SUBSEP $col["s-sitename"] SUBSEP $col["s-port"] SUBSEP $col["c-ip"] SUBSEP $col["OriginalIP"] \
      SUBSEP $col["cs(User-Agent)"] SUBSEP $col["crypt-protocol"]
  t = $col["time"]
  if (!(k in c)) { f[k] = t; l[k] = t }
  c[k]++
  if (t < f[k]) f[k] = t
  if (t > l[k]) l[k] = t
}
END { for (k in c) print c[k], f[k], l[k], k }
"""


def awk(path: Path) -> tuple[int, int]:
    out = subprocess.run(["awk", AWK, str(path)], check=True, capture_output=True, text=True).stdout
    rows = out.split("\n")[:-1]   # not splitlines(): the keys hold awk's SUBSEP, which it also splits on
    return sum(int(row.split(" ", 1)[0]) for row in rows), len(rows)


def timed(work: Callable[[Path], tuple[int, int]], path: Path) -> tuple[float, float, tuple[int, int]]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = work(path)
    wall = time.perf_counter() - start
    after, after_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
           + after_children.ru_utime + after_children.ru_stime - children.ru_utime - children.ru_stime)
    return wall, cpu, result


def throughput(lines: int, repeat: int, folder: Path) -> list[str]:
    path = folder / "u_ex240506_x.log"
    generate(path, lines, 500)
    size = path.stat().st_size
    runs: dict[str, list[tuple[float, float]]] = {}
    results = {}
    for _run in range(repeat):
        for name, work in (("core (read_w3c + typed groups)", core), ("str.split loop", split_loop), ("awk", awk)):
            wall, cpu, result = timed(work, path)
            runs.setdefault(name, []).append((wall, cpu))
            results[name] = result
    if {r[0] for r in results.values()} != {lines} or len({r[1] for r in results.values()}) != 1:
        raise SystemExit(f"the three counts disagree (lines, groups): {results}")
    rows = [f"{lines:,} lines, {size / 1e6:.0f} MB, 500 distinct clients; {repeat} run(s) each",
            "", "| approach | wall best | wall median | CPU best | lines/s (best wall) | groups "
            "| speed vs split (CPU) |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    split_cpu = min(c for _w, c in runs["str.split loop"])
    for name, samples in runs.items():
        walls, cpus = [w for w, _c in samples], [c for _w, c in samples]
        rows.append(f"| {name} | {min(walls):.2f} s | {statistics.median(walls):.2f} s | {min(cpus):.2f} s | "
                    f"{lines / min(walls):,.0f} | {results[name][1]:,} | {split_cpu / min(cpus):.2f}x |")
    return rows


def output_bytes(lines: int, folder: Path) -> list[str]:
    rows = ["", f"Bytes per host at {lines:,} lines as distinct clients grow (iis.SPEC: max_groups "
            f"{iis.SPEC.max_groups:,})", "", "| distinct clients | groups returned | host reply (JSON) | "
            "host report (JSON) |", "| --- | --- | --- | --- |"]
    for clients in (1, 100, 10_000, 100_000):
        path = folder / f"clients-{clients}.log"
        generate(path, lines, clients)
        counter = RawCounter(iis.SPEC.names, iis.SPEC.fold_to, iis.SPEC.max_groups, iis.SPEC.max_field_bytes)
        with path.open("rb") as handle:
            read_w3c(iter(lambda h=handle: h.read(CHUNK), b""), iis.SPEC, counter, Notes(), label=path.name,
                     directory="W3SVC1")
        folder = FolderRead("W3SVC1", "", 1, 1, lines, 0, False)
        read = FileReadReply(tuple(counter.groups(decode_bytes)), (), (folder,), (), AS_OF)
        reply = UsageReply(Checkpoint("bench", "", "", AS_OF, None, ()), "none", None, read, None, 7, "", "", None)
        report = build_report("WEB01", run_evidence(reply, None, "2024-04-07T00:00:00Z"), GateRule(), AS_OF)
        rows.append(f"| {clients:,} | {len(read.groups):,} | {len(json.dumps(read.to_json())):,} | "
                    f"{len(json.dumps(report.to_json())):,} |")
        path.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--bytes-lines", type=int, default=200_000, help="line count for the bytes-per-host table")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tlsguard-bench-usage-") as name:
        folder = Path(name)
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average "
              f"{os.getloadavg()[0]:.2f} at start")
        for row in throughput(args.lines, args.repeat, folder):
            print(row, flush=True)
        for row in output_bytes(args.bytes_lines, folder):
            print(row, flush=True)


if __name__ == "__main__":
    main()
