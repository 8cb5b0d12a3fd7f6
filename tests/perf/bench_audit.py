"""The audit of a set of registry values (one host view, findings, compliance with drift effects) at growing sizes.

    PYTHONPATH=.build .venv/bin/python -m ansible_collections.tlsguard.windows.tests.perf.bench_audit

Values per size: a few protocol values plus filler, 1 % of it under SCHANNEL with names Windows does not read (each
goes through the name audit and its did-you-mean) and the rest elsewhere (services, as a whole
``reg export HKLM\\SYSTEM`` carries them), which only the category pass reads.
Prints values per second for the view + findings + compliance of a partial export under ``enforce``; the figures
in docs/performance.md come from this script. Compared with the same work done the old way (three evaluations and
a drift list per value) it is not: the old code had no effect-marked drift to compare with.
"""

from __future__ import annotations

import argparse
import time

from ansible_collections.tlsguard.windows.plugins.module_utils._core.audit_result import audit_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import SCHANNEL, protocol_ref
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, Snapshot, dword, sz
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of

BUILD = WindowsBuild(17763, ubr=6893)


def values(size: int) -> Snapshot:
    out = {protocol_ref(k, side, "Enabled"): dword(0) for k in ("ssl3_0", "tls1_0", "tls1_1")
           for side in ("client", "server")}
    out[protocol_ref("tls1_2", "server", "Enabled")] = dword(0xFFFFFFFF)
    for i in range(size - len(out)):
        if i % 100 == 0:
            out[RegRef("HKLM", rf"{SCHANNEL}\Messaging", f"Value{i}")] = dword(i)
        else:
            out[RegRef("HKLM", rf"SYSTEM\CurrentControlSet\Services\Svc{i // 50}\Parameters", f"V{i}")] = sz("x")
    return Snapshot(out)


def audit_once(snapshot: Snapshot) -> dict:
    compiled = compile_policy(resolve_policy("enforce", None, BUILD)[0], BUILD, snapshot)
    return audit_report(view_of(snapshot, BUILD, complete=False), compiled)


def seconds(snapshot: Snapshot, repeat: int) -> float:
    best = float("inf")
    for _attempt in range(repeat):
        start = time.perf_counter()
        audit_once(snapshot)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000, 100_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"| values | seconds (best of {args.repeat}) | values/s |")
    print("| ---: | ---: | ---: |")
    for size in args.sizes:
        taken = seconds(values(size), args.repeat)
        print(f"| {size:,} | {taken:.3f} | {size / taken:,.0f} |")


if __name__ == "__main__":
    main()
