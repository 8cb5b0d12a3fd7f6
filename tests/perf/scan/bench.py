# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Side-by-side benchmark: tls_scan against sslscan, nmap ssl-enum-ciphers, testssl.sh and the sslyze CLI.

Run from the repository root (see README.md beside this file):

    make bench-scan    # --endpoints 1 50 --rtt 0 20 --repeat 3 --out bench-results.md

Every tool scans the same nginx endpoints on 127.0.0.1 (directly, or through the delay proxy for a non-zero
RTT); wall time and the children's CPU time are measured around the tool's process(es), and its verdicts are
compared with what each endpoint really accepts.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nassl
from ansible.release import __version__ as ansible_core
from sslyze.__version__ import __version__ as sslyze_version

from . import fleet as fleet_module
from .tools import TOOLS, Context, Tool, run, shown

ROOT = Path(__file__).resolve().parents[3]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _correct(verdicts: dict[int, dict[str, bool]], ports: list[int], offsets: list[int]) -> tuple[int, str]:
    """How many endpoints got every version right, and which versions the tool reported."""
    good = 0
    reported: set[str] = set()
    for port, offset in zip(ports, offsets, strict=True):
        seen = verdicts.get(port, {})
        reported |= set(seen)
        truth = fleet_module.truth(offset)
        if {"tls1_0", "tls1_1", "tls1_2", "tls1_3"} <= set(seen) and all(v == (k in truth) for k, v in seen.items()):
            good += 1
    order = [k for k in fleet_module.PROTOCOLS if k in reported]
    return good, f"{order[0]}..{order[-1]}" if order else "-"


def _versions() -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)
        except OSError:
            return "missing"
        text = (out.stdout + out.stderr).strip().splitlines()
        return text[0].strip() if text else "?"

    return {
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "ansible-core": ansible_core,
        "sslyze / nassl": f"{sslyze_version} / {nassl.__version__}",
        "sslscan": first_line(["sslscan", "--version"]).replace("\x1b[1;34m", "").replace("\x1b[0m", ""),
        "nmap": first_line(["nmap", "--version"]),
        "testssl.sh": next((line.strip() for line in subprocess.run(
            ["testssl", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
            if "testssl" in line and "from" in line), "?").replace("\x1b[1m", "").replace("\x1b[m", ""),
        "nginx": first_line(["nginx", "-v"]),
        "openssl": first_line(["openssl", "version"]),
    }


def _measure(tool: Tool, ctx: Context, repeat: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for attempt in range(repeat):
        for old in ctx.work.iterdir():
            old.unlink()
        cpu, start = _cpu(), time.monotonic()
        run(tool, ctx)
        walls.append(time.monotonic() - start)
        cpus.append(_cpu() - cpu)
        if attempt == 0 and walls[0] > 60:  # slow tools run once: their spread is not what matters
            break
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--rtt", type=float, nargs="+", default=[0, 20], help="added round-trip time, ms")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median shown)")
    parser.add_argument("--tools", nargs="*", default=[], help="only tools whose name contains one of these")
    parser.add_argument("--base", type=int, default=4501, help="first nginx port; proxies use +100, +200")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args()
    for needed in ("nginx", "sslscan", "nmap", "testssl"):
        if not shutil.which(needed) and not Path(f"/usr/sbin/{needed}").exists():
            sys.exit(f"{needed} is missing: apt-get install -y sslscan nmap testssl.sh nginx")
    tools = [t for t in TOOLS if not args.tools or any(s in t.name for s in args.tools)]
    python = str(Path(sys.executable))
    with tempfile.TemporaryDirectory(prefix="tls-scan-bench-") as scratch:
        work = Path(scratch)
        fleet = fleet_module.start(work / "fleet", args.base, max(args.endpoints), args.rtt)
        rows = []
        try:
            for count in args.endpoints:
                offsets = list(range(count))
                for rtt in args.rtt:
                    ports = fleet.ports(rtt)[:count]
                    for tool in tools:
                        run_dir = work / "runs" / f"{len(rows)}"
                        run_dir.mkdir(parents=True)
                        ctx = Context(run_dir, ports, fleet.ca, python, ROOT / ".build")
                        walls, cpus = _measure(tool, ctx, args.repeat)
                        good, versions = _correct(tool.verdicts(ctx), ports, offsets) if tool.verdicts else (-1, "-")
                        command = shown(tool, ctx).replace(scratch, "$SCRATCH")
                        rows.append((tool, count, rtt, walls, cpus, good, versions, command))
                        verdict = f"{good}/{count} correct" if good >= 0 else "no verdicts"
                        sys.stderr.write(f"{tool.name} n={count} rtt={rtt:g}: {statistics.median(walls):.2f} s, "
                                         f"{verdict}\n")
                        sys.stderr.flush()
        finally:
            fleet.stop()
    text = _report(rows, _versions(), args)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)


def _report(rows: list, versions: dict[str, str], args: argparse.Namespace) -> str:
    lines = ["| tool | depth | endpoints | added RTT | wall s (median) | wall s (min-max) | CPU s | "
             "verdicts correct | versions compared |", "|---|---|---|---|---|---|---|---|---|"]
    for tool, count, rtt, walls, cpus, good, compared, _command in rows:
        correct = f"{good}/{count}" if good >= 0 else "n/a"
        lines.append(f"| {tool.name} | {tool.depth} | {count} | {rtt:g} ms | {statistics.median(walls):.2f} | "
                     f"{min(walls):.2f}-{max(walls):.2f} | {statistics.median(cpus):.2f} | {correct} | {compared} |")
    commands = sorted({(tool.name, command) for tool, count, rtt, _w, _c, _g, _v, command in rows
                       if count == max(args.endpoints) and rtt == min(args.rtt)})
    lines += ["", "Versions:", ""] + [f"- {k}: {v}" for k, v in versions.items()]
    lines += ["", f"Runs per measurement: {args.repeat} (one when the first took over 60 s).", "",
              f"Commands for {max(args.endpoints)} endpoints without added latency ($WORK is the run's scratch "
              "directory; with latency the same commands name the delay proxy's ports, nginx's + 100):", ""]
    lines += [f"- {name}: `{command}`" for name, command in commands]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
