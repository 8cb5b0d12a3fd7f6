# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one handshake per protocol version says, and what an endpoint's set of handshakes says.

A probe ends in one of these kinds:

- ``accepted``: the handshake completed (or the server asked for a client certificate, which it does only
  after choosing a version and suite).
- ``alert``: the server answered with a TLS alert: it speaks TLS and refused this version.
- ``refused``: the connection was closed or reset, or the reply was not this version's TLS (a server answering
  with another version looks the same as a non-TLS service here).
- ``timeout``, ``unreachable`` (refused TCP connection, no route, name not resolved), ``starttls_failed``
  (the plaintext protocol did not offer STARTTLS), ``error`` (anything else).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

PROTOCOL_KEYS = ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3")
LEGACY_KEYS = ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1")
# The order probes are tried in: the versions that decide reachability and compliance first.
PROBE_ORDER = ("tls1_2", "tls1_3", "tls1_1", "tls1_0", "ssl3_0", "ssl2_0")


class ProtocolState(StrEnum):
    """What the scan says about one protocol version of an endpoint."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class EndpointStatus(StrEnum):
    """Whether an endpoint could be scanned; only ``ok`` endpoints get protocol states and a definite verdict."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    NOT_TLS = "not_tls"
    ERROR = "error"


@dataclass(frozen=True)
class Probe:
    """The result of one version's probe: its kind and a short detail (the suite chosen, or why it failed)."""

    kind: str
    detail: str


def protocol_state(probe: Probe | None) -> ProtocolState:
    """accepted, rejected or unknown; a probe that never ran (the endpoint was given up on) is unknown."""
    if probe is None:
        return ProtocolState.UNKNOWN
    if probe.kind == "accepted":
        return ProtocolState.ACCEPTED
    return ProtocolState.REJECTED if probe.kind in ("alert", "refused") else ProtocolState.UNKNOWN


def endpoint_status(probes: Mapping[str, Probe]) -> tuple[EndpointStatus, str | None]:
    """The endpoint's status and, unless it is ok, the reason.

    A TLS server accepts some version or alerts on the ones it refuses; an endpoint that did neither is
    unreachable, not TLS (closed every hello, or answered with something else), timed out, or failed.
    """
    kinds = {p.kind for p in probes.values()}
    if kinds & {"accepted", "alert"}:
        return EndpointStatus.OK, None

    def first(kind: str) -> str:
        return next(p.detail for key in PROBE_ORDER if (p := probes.get(key)) is not None and p.kind == kind)

    if "unreachable" in kinds:
        return EndpointStatus.UNREACHABLE, first("unreachable")
    if "starttls_failed" in kinds:
        return EndpointStatus.NOT_TLS, first("starttls_failed")
    # A TLS 1.2/1.3 hello left hanging says nothing about the service, so it outweighs the refusals of other
    # versions (a peer that trickles a TLS 1.2 record header refuses the older hellos and starves the newer).
    if any((p := probes.get(key)) is not None and p.kind == "timeout" for key in ("tls1_2", "tls1_3")):
        return EndpointStatus.TIMEOUT, first("timeout")
    if "refused" in kinds:
        return EndpointStatus.NOT_TLS, f"no TLS version was accepted and no TLS alert was received ({first('refused')})"
    if "error" in kinds:
        return EndpointStatus.ERROR, first("error")
    return EndpointStatus.ERROR, "no probe ran"


def give_up(probes: Mapping[str, Probe]) -> str | None:
    """Why the remaining probes of an endpoint are pointless, or None to go on.

    Refused TCP connections and missing STARTTLS repeat for every version, and a server that has answered
    none of the hellos so far when one of them times out is silent: waiting six times tells nothing more.
    """
    for probe in probes.values():
        if probe.kind in ("unreachable", "starttls_failed"):
            return probe.detail
    kinds = {probe.kind for probe in probes.values()}
    if kinds == {"timeout"}:
        return "no answer to the first hellos"
    return None
