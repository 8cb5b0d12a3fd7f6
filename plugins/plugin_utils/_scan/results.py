# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An endpoint's result in the order a scan learns it (probes, full data, verdict), and the documented result."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from .model import Endpoint, FullScan
from .outcomes import LEGACY_KEYS, PROTOCOL_KEYS, EndpointStatus, Probe, ProtocolState, endpoint_status, protocol_state
from .targets import Target
from .verdict import evaluate

NOT_ASKED = "not asked for (protocols)"


def endpoint_result(target: Target, ip: str | None, probes: Mapping[str, Probe], duration: float,
                    failure: tuple[EndpointStatus, str] | None = None, not_tried: str | None = None,
                    asked: Collection[str] = PROTOCOL_KEYS) -> Endpoint:
    """The probe-depth result; ``failure`` (status, reason) stands in when no probe could run at all,
    ``not_tried`` says why the versions left unprobed were given up on, ``asked`` are the versions to try."""
    status, error = failure or endpoint_status(probes)
    # Only an endpoint that speaks TLS can say which versions it refuses.
    protocols = {key: protocol_state(probes.get(key)) if status is EndpointStatus.OK else ProtocolState.UNKNOWN
                 for key in PROTOCOL_KEYS}
    details = {key: probes[key].detail if key in probes else None for key in PROTOCOL_KEYS}
    if not_tried is not None:
        details = {key: f"not tried: {not_tried}" if detail is None else detail for key, detail in details.items()}
    details = {key: detail if key in asked else NOT_ASKED for key, detail in details.items()}
    return Endpoint(target=target.target, name=target.name, host=target.host, ip=ip, port=target.port,
                    sni=target.sni, starttls=target.starttls, status=status, error=error, protocols=protocols,
                    probe=details, duration=duration)


def with_full(endpoint: Endpoint, full: FullScan, duration: float) -> Endpoint:
    """The endpoint with its full-depth data; a completed suite enumeration also settles a version the probe
    left unknown."""

    def settled(key: str, state: ProtocolState) -> ProtocolState:
        listed = full.cipher_suites.get(key)
        if listed is None or state is not ProtocolState.UNKNOWN:
            return state
        return ProtocolState.ACCEPTED if listed else ProtocolState.REJECTED

    protocols = {key: settled(key, state) for key, state in endpoint.protocols.items()}
    return replace(endpoint, protocols=protocols, full=full, duration=duration)


def judged(endpoint: Endpoint, policy: str) -> Endpoint:
    return replace(endpoint, verdict=evaluate(endpoint, policy))


def summarize(endpoints: Sequence[Endpoint], policy: str, depth: str, duration: float) -> dict:
    verdicts = [e.compliant for e in endpoints]
    return {
        "total": len(endpoints),
        "policy": policy,
        "depth": depth,
        "status": {status.value: sum(e.status is status for e in endpoints) for status in EndpointStatus},
        "compliant": verdicts.count(True),
        "non_compliant": verdicts.count(False),
        "undetermined": verdicts.count(None),
        # Down or timed out: counted in undetermined too, never in compliant.
        "unreachable": sum(e.status in (EndpointStatus.UNREACHABLE, EndpointStatus.TIMEOUT) for e in endpoints),
        "non_compliant_endpoints": [e.name for e in endpoints if e.compliant is False],
        "accepts_legacy": [
            {"name": e.name, "target": e.target,
             "protocols": [k for k in LEGACY_KEYS if e.protocols[k] is ProtocolState.ACCEPTED]}
            for e in endpoints if any(e.protocols[k] is ProtocolState.ACCEPTED for k in LEGACY_KEYS)
        ],
        "duration": round(duration, 3),
    }


def scan_result(endpoints: Sequence[Endpoint], policy: str, depth: str, duration: float) -> dict:
    """``{endpoints: [...], summary: {...}}``, the documented result: where the typed endpoints become JSON."""
    return {"endpoints": [e.to_json(full_depth=depth == "full") for e in endpoints],
            "summary": summarize(endpoints, policy, depth, duration)}
