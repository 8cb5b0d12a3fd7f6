# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scan a list of targets: resolve names, probe every version, optionally go full depth, judge, summarise.

Threads, not processes: the work is mostly waiting on sockets, which releases the GIL. One bad endpoint ends
as that endpoint's status; nothing it does stops the others or fails the scan.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .deadlines import attempt_seconds, guarded_sockets
from .outcomes import PROBE_ORDER, Probe, give_up
from .probe import Connection, connection, probe
from .results import add_full, endpoint_result, finish, summarize
from .scheduler import LimitedRunner
from .sslyze_commands import FullRequest, scan_full
from .targets import Target

Progress = Callable[[dict, int, int], None]


@dataclass(frozen=True)
class ScanOptions:
    """The defaults are the module's; the limits equal sslyze's own (5 per server, 10 servers at a time)."""

    depth: str = "protocols"
    policy: str = "enforce"
    timeout: float = 5.0
    retries: int = 1
    concurrency: int = 50
    per_endpoint: int = 5
    ca_file: str | None = None


def endpoint_seconds(options: ScanOptions) -> float:
    """An endpoint's hard deadline at depth protocols, counted from its first probe: its probes run
    ``per_endpoint`` at a time, each at most ``retries + 1`` attempts of ``attempt_seconds`` each."""
    rounds = -(-len(PROBE_ORDER) // options.per_endpoint)
    return rounds * (options.retries + 1) * attempt_seconds(options.timeout)


def full_seconds(options: ScanOptions) -> float:
    """An endpoint's budget at depth full, after its probes: twice its probe bound, counted from the first
    connection of its full scan. sslyze makes a few hundred handshakes there (one per suite); an honest server
    a long way off needs well under half of this, a peer that stalls every handshake is cut at it."""
    return 2 * endpoint_seconds(options)


def resolve(target: Target) -> tuple[str | None, str | None]:
    """(address, None) or (None, why not); IPv4 first when a name has both, as sslyze does."""
    if target.ip:
        return target.ip, None
    try:
        answers = socket.getaddrinfo(target.host, target.port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as err:
        return None, f"name could not be resolved: {err}"
    addresses = [str(a[4][0]) for a in answers if a[0] == socket.AF_INET] or [str(a[4][0]) for a in answers]
    return (addresses[0], None) if addresses else (None, "name resolved to no address")


class _Scan:
    """The state of one scan; the runner calls back into it under its lock."""

    def __init__(self, targets: list[Target], options: ScanOptions, progress: Progress | None) -> None:
        self.targets = {t.index: t for t in targets}
        self.options = options
        self.progress = progress
        self.started = time.monotonic()
        self.first_start: dict[int, float] = {}
        self.ips: dict[int, str | None] = {}
        self.conns: dict[int, Connection] = {}
        self.probes: dict[int, dict[str, Probe]] = {t.index: {} for t in targets}
        self.given_up: dict[int, str] = {}
        self.awaiting_full: dict[int, dict] = {}
        self.endpoints: dict[int, dict] = {}

    def final(self, index: int, endpoint: dict) -> None:
        self.endpoints[index] = finish(endpoint, self.options.policy, self.options.depth == "full")
        if self.progress is not None:
            self.progress(self.endpoints[index], len(self.endpoints), len(self.targets))

    def run_probe(self, job: tuple[int, str]) -> Probe:
        index, version = job
        started = self.first_start.setdefault(index, time.monotonic())
        return probe(self.conns[index], version, self.options.retries, started + endpoint_seconds(self.options))

    def probe_finished(self, _position: int, job: tuple[int, str], result: Probe) -> bool:
        index, version = job
        self.probes[index][version] = result
        reason = give_up(self.probes[index])
        if reason is not None:
            self.given_up.setdefault(index, reason)
        return reason is not None

    def endpoint_probed(self, index: int) -> None:
        endpoint = endpoint_result(self.targets[index], self.ips[index], self.probes[index],
                                   time.monotonic() - self.first_start[index])
        if index in self.given_up:
            endpoint["probe"] = {k: v if v is not None else f"not tried: {self.given_up[index]}"
                                 for k, v in endpoint["probe"].items()}
        if self.options.depth == "full" and endpoint["status"] == "ok":
            self.awaiting_full[index] = endpoint
        else:
            self.final(index, endpoint)

    def full_done(self, index: int, data: dict) -> None:
        endpoint = self.awaiting_full.pop(index)
        add_full(endpoint, data)
        endpoint["duration"] = round(time.monotonic() - self.first_start[index], 3)
        self.final(index, endpoint)


def scan(targets: list[Target], options: ScanOptions, progress: Progress | None = None) -> dict:
    """``{endpoints: [...], summary: {...}}`` in the order of ``targets``."""
    state = _Scan(targets, options, progress)
    with ThreadPoolExecutor(max_workers=min(options.concurrency, len(targets))) as pool:
        resolved = list(pool.map(resolve, targets))
    jobs: list[tuple[int, str]] = []
    for target, (ip, why_not) in zip(targets, resolved, strict=True):
        state.ips[target.index] = ip
        if ip is None:
            state.final(target.index, endpoint_result(target, None, {}, 0.0, ("unreachable", why_not or "")))
            continue
        state.conns[target.index] = connection(target.host, target.port, ip, target.sni, target.starttls,
                                               options.timeout, options.retries)
        jobs.extend((target.index, version) for version in PROBE_ORDER)
    if jobs:
        with guarded_sockets():
            LimitedRunner(jobs, key=lambda job: job[0], work=state.run_probe, total=options.concurrency,
                          per_key=options.per_endpoint, finished=state.probe_finished,
                          key_done=state.endpoint_probed).run()
    if state.awaiting_full:
        requests = [FullRequest(index, state.conns[index],
                                tuple(key for key, st in e["protocols"].items() if st != "rejected"))
                    for index, e in state.awaiting_full.items()]
        scan_full(requests, options.ca_file, options.per_endpoint, options.concurrency, full_seconds(options),
                  state.full_done)
    endpoints = [state.endpoints[t.index] for t in targets]
    duration = time.monotonic() - state.started
    return {"endpoints": endpoints, "summary": summarize(endpoints, options.policy, options.depth, duration)}
