# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented result: one dict per endpoint, and a summary over all of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .outcomes import ACCEPTED, LEGACY_KEYS, PROTOCOL_KEYS, STATUSES, UNKNOWN, Probe, endpoint_status, protocol_state
from .targets import Target
from .verdict import evaluate

FULL_KEYS = ("cipher_suites", "curves", "fallback_scsv", "secure_renegotiation", "certificate", "scan_errors")


def endpoint_result(target: Target, ip: str | None, probes: Mapping[str, Probe], duration: float,
                    failure: tuple[str, str] | None = None) -> dict:
    """The probe-depth result; ``failure`` (status, reason) stands in when no probe could run at all."""
    status, error = failure or endpoint_status(probes)
    # Only an endpoint that speaks TLS can say which versions it refuses.
    protocols = {key: protocol_state(probes.get(key)) if status == "ok" else UNKNOWN for key in PROTOCOL_KEYS}
    return {
        "target": target.target,
        "name": target.name,
        "host": target.host,
        "ip": ip,
        "port": target.port,
        "sni": target.sni,
        "starttls": target.starttls,
        "status": status,
        "error": error,
        "protocols": protocols,
        "probe": {key: probes[key].detail if key in probes else None for key in PROTOCOL_KEYS},
        "duration": round(duration, 3),
    }


def add_full(endpoint: dict, data: Mapping) -> None:
    """Merge full-depth data; a completed suite enumeration also settles a version the probe left unknown."""
    endpoint.update({key: data.get(key) for key in FULL_KEYS})
    for key, listed in (data.get("cipher_suites") or {}).items():
        if listed is not None and endpoint["protocols"][key] == UNKNOWN:
            endpoint["protocols"][key] = ACCEPTED if listed else "rejected"


def finish(endpoint: dict, policy: str, full: bool) -> dict:
    """Add the full-depth keys (null when the endpoint was not scanned that deep) and the verdict."""
    if full:
        for key in FULL_KEYS:
            endpoint.setdefault(key, None)
    endpoint["verdict"] = evaluate(endpoint, policy)
    return endpoint


def summarize(endpoints: Sequence[Mapping], policy: str, depth: str, duration: float) -> dict:
    verdicts = [e["verdict"]["compliant"] for e in endpoints]
    return {
        "total": len(endpoints),
        "policy": policy,
        "depth": depth,
        "status": {status: sum(e["status"] == status for e in endpoints) for status in STATUSES},
        "compliant": verdicts.count(True),
        "non_compliant": verdicts.count(False),
        "undetermined": verdicts.count(None),
        # Down or timed out: counted in undetermined too, never in compliant.
        "unreachable": sum(e["status"] in ("unreachable", "timeout") for e in endpoints),
        "non_compliant_endpoints": [e["name"] for e in endpoints if e["verdict"]["compliant"] is False],
        "accepts_legacy": [
            {"name": e["name"], "target": e["target"],
             "protocols": [k for k in LEGACY_KEYS if e["protocols"][k] == ACCEPTED]}
            for e in endpoints if any(e["protocols"][k] == ACCEPTED for k in LEGACY_KEYS)
        ],
        "duration": round(duration, 3),
    }
