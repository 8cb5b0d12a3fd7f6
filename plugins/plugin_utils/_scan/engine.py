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
from .model import Endpoint, FullScan
from .outcomes import PROBE_ORDER, PROTOCOL_KEYS, EndpointStatus, Probe, ProtocolState, give_up
from .probe import Connection, connection, probe
from .results import endpoint_result, judged, scan_result, with_full
from .scheduler import LimitedRunner
from .sslyze_commands import FullRequest, scan_full
from .targets import Target

Progress = Callable[[Endpoint, int, int], None]


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
    # The versions to try; the others stay unknown. A scanner's own legacy handshakes are logged by the host (SCHANNEL
    # 36880) like a client's, so a scan that need not judge them can leave them out of the host's evidence.
    protocols: tuple[str, ...] = PROTOCOL_KEYS

    @property
    def probe_order(self) -> tuple[str, ...]:
        return tuple(version for version in PROBE_ORDER if version in self.protocols)


def _rounds_seconds(versions: int, options: ScanOptions) -> float:
    """``versions`` probes run ``per_endpoint`` at a time, each at most ``retries + 1`` attempts of
    ``attempt_seconds`` each."""
    return -(-versions // options.per_endpoint) * (options.retries + 1) * attempt_seconds(options.timeout)


def endpoint_seconds(options: ScanOptions) -> float:
    """An endpoint's hard deadline at depth protocols, counted from its first probe (the versions tried)."""
    return _rounds_seconds(len(options.probe_order), options)


def full_seconds(options: ScanOptions) -> float:
    """An endpoint's budget at depth full, after its probes: twice the probe bound of all six versions, counted
    from the first connection of its full scan (the certificate, group and renegotiation checks run whatever
    ``protocols`` says). sslyze makes a few hundred handshakes there (one per suite); an honest server a long way
    off needs well under half of this, a peer that stalls every handshake is cut at it."""
    return 2 * _rounds_seconds(len(PROBE_ORDER), options)


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
        self.awaiting_full: dict[int, Endpoint] = {}
        self.endpoints: dict[int, Endpoint] = {}

    def final(self, index: int, endpoint: Endpoint) -> None:
        self.endpoints[index] = judged(endpoint, self.options.policy)
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
                                   time.monotonic() - self.first_start[index], not_tried=self.given_up.get(index),
                                   asked=self.options.protocols)
        if self.options.depth == "full" and endpoint.status is EndpointStatus.OK:
            self.awaiting_full[index] = endpoint
        else:
            self.final(index, endpoint)

    def full_done(self, index: int, full: FullScan) -> None:
        endpoint = self.awaiting_full.pop(index)
        self.final(index, with_full(endpoint, full, time.monotonic() - self.first_start[index]))


def scan(targets: list[Target], options: ScanOptions, progress: Progress | None = None) -> dict:
    """The documented JSON result, ``{endpoints: [...], summary: {...}}`` in the order of ``targets``."""
    state = _Scan(targets, options, progress)
    with ThreadPoolExecutor(max_workers=min(options.concurrency, len(targets))) as pool:
        resolved = list(pool.map(resolve, targets))
    jobs: list[tuple[int, str]] = []
    for target, (ip, why_not) in zip(targets, resolved, strict=True):
        state.ips[target.index] = ip
        if ip is None:
            state.final(target.index, endpoint_result(target, None, {}, 0.0,
                                                      (EndpointStatus.UNREACHABLE, why_not or ""),
                                                      asked=options.protocols))
            continue
        state.conns[target.index] = connection(target.host, target.port, ip, target.sni, target.starttls,
                                               options.timeout, options.retries)
        jobs.extend((target.index, version) for version in options.probe_order)
    if jobs:
        with guarded_sockets():
            LimitedRunner(jobs, key=lambda job: job[0], work=state.run_probe, total=options.concurrency,
                          per_key=options.per_endpoint, finished=state.probe_finished,
                          key_done=state.endpoint_probed).run()
    if state.awaiting_full:
        requests = [FullRequest(index, state.conns[index],
                                tuple(key for key, st in e.protocols.items()
                                      if st is not ProtocolState.REJECTED and key in options.protocols),
                                tuple(key for key, st in e.protocols.items() if st is ProtocolState.REJECTED))
                    for index, e in state.awaiting_full.items()]
        scan_full(requests, options.ca_file, options.per_endpoint, options.concurrency, full_seconds(options),
                  state.full_done)
    endpoints = [state.endpoints[t.index] for t in targets]
    duration = time.monotonic() - state.started
    return scan_result(endpoints, options.policy, options.depth, duration)
