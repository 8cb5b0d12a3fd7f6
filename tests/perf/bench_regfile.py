#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of the offline .reg audit (docs/regfile.md has the figures).

    make bench-regfile                                   # both parts below, default sizes
    make bench-regfile ARGS="throughput --lines 1000 10000 100000 200000"
    make bench-regfile ARGS="fleet --exports 1000"

``throughput``: parse + evaluate of a realistic ``reg export`` (UTF-16LE with BOM: keys with DWORD, string,
REG_EXPAND_SZ/REG_MULTI_SZ and binary values, long hex data wrapped over ``\\`` lines as regedit writes it),
in lines per second, best of ``--repeat`` runs. Evaluate is the snapshot plus the host view tls_info returns.

``fleet``: N small exports (one per host) audited by real ansible-playbook as one task with ``src: <folder>`` and
as N tasks (a ``loop`` over the files, what a playbook without the folder mode does), wall time of each.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.audit import host_view
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import parse_regfile
from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

BUILD = WindowsBuild(17763, server=True)
SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
WORDS = ("Control", "Services", "Parameters", "Enum", "Class", "Network", "Session Manager", "Print", "Tcpip",
         "Interfaces", "Linkage", "Security", "Performance", "Setup", "{4d36e972-e325-11ce-bfc1-08002be10318}")


def _hex_lines(prefix: str, data: bytes) -> list[str]:
    """Hex data wrapped as regedit writes it: a '\\' after the comma near column 77, two spaces to continue."""
    lines, line = [], prefix
    for index, byte in enumerate(data):
        piece = f"{byte:02x}" + ("," if index < len(data) - 1 else "")
        if len(line) + len(piece) > 76:
            lines.append(line + "\\")
            line = "  "
        line += piece
    return [*lines, line]


def realistic_export(target_lines: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = ["Windows Registry Editor Version 5.00", "", f"[{SCHANNEL}\\Protocols\\TLS 1.0\\Server]",
             '"Enabled"=dword:00000000', '"DisabledByDefault"=dword:00000001', ""]
    key = 0
    while len(lines) < target_lines:
        key += 1
        path = "\\".join(rng.choice(WORDS) for _level in range(rng.randint(2, 6)))
        lines.append(f"[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\{path}\\Item{key}]")
        for index in range(rng.randint(1, 6)):
            kind = rng.random()
            name = f'"Value{index}"'
            if kind < 0.4:
                lines.append(f"{name}=dword:{rng.getrandbits(32):08x}")
            elif kind < 0.7:
                lines.append(f'{name}="C:\\\\Windows\\\\System32\\\\drivers\\\\item{key}.sys"')
            elif kind < 0.85:
                text = f"%SystemRoot%\\system32\\item{key}.dll\0".encode("utf-16-le")
                lines += _hex_lines(f"{name}=hex(2):", text)
            else:
                lines += _hex_lines(f"{name}=hex:", rng.randbytes(rng.randint(8, 120)))
        lines.append("")
    return b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le")


def audit_once(raw: bytes, compiled) -> tuple[float, float]:
    start = time.perf_counter()
    parsed = parse_regfile(raw)
    parsed_at = time.perf_counter()
    values = parsed.snapshot()
    host_view(values, BUILD, compiled)
    return parsed_at - start, time.perf_counter() - parsed_at


def throughput(sizes: list[int], repeat: int) -> None:
    policy, _adapted = resolve_policy("enforce", None, BUILD)
    compiled = compile_policy(policy, BUILD)
    print(f"{'lines':>8} {'MB':>6} {'parse s':>8} {'evaluate s':>10} {'lines/s':>10}")
    for size in sizes:
        raw = realistic_export(size)
        lines = raw.decode("utf-16-le").count("\r\n") + 1
        best = min((audit_once(raw, compiled) for _run in range(repeat)), key=sum)
        print(f"{lines:>8} {len(raw) / 1e6:>6.1f} {best[0]:>8.3f} {best[1]:>10.3f} {lines / sum(best):>10.0f}")


def _playbook(folder: Path, body: str) -> float:
    play = folder / "play.yml"
    play.write_text("- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n" + body)
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-e",
           f"ansible_python_interpreter={sys.executable}", str(play)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=ansible_env(), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"ansible-playbook failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return elapsed


def fleet(exports: int, modes: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-regfile-") as scratch:
        folder = Path(scratch) / "exports"
        folder.mkdir()
        for index in range(exports):
            (folder / f"host{index:04d}.reg").write_bytes(realistic_export(40, seed=index))
        args = 'os_build: "17763"\n        profile: enforce'
        if "folder" in modes:
            task = f"    - tlsguard.windows.tls_regfile:\n        src: {folder}\n        {args}\n"
            seconds = _playbook(Path(scratch), task)
            print(f"one task, src: folder of {exports} exports: {seconds:.1f} s")
        if "tasks" in modes:
            loop = f"\"{{{{ query('ansible.builtin.fileglob', '{folder}/*.reg') }}}}\""
            task = (f"    - tlsguard.windows.tls_regfile:\n        src: \"{{{{ item }}}}\"\n        {args}\n"
                    f"      loop: {loop}\n")
            seconds = _playbook(Path(scratch), task)
            print(f"{exports} tasks (a loop, one export each): {seconds:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="part")
    rate = sub.add_parser("throughput")
    rate.add_argument("--lines", type=int, nargs="+", default=[1000, 10000, 50000, 100000, 200000])
    rate.add_argument("--repeat", type=int, default=3)
    many = sub.add_parser("fleet")
    many.add_argument("--exports", type=int, default=1000)
    many.add_argument("--modes", nargs="+", choices=["folder", "tasks"], default=["folder", "tasks"])
    args = parser.parse_args(argv)
    if args.part in (None, "throughput"):
        throughput(getattr(args, "lines", [1000, 10000, 50000, 100000, 200000]), getattr(args, "repeat", 3))
    if args.part in (None, "fleet"):
        fleet(getattr(args, "exports", 1000), getattr(args, "modes", ["folder", "tasks"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
