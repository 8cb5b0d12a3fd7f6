# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task's gate (``fail_on``) and the ``legacy_accepted`` list, both read from the documented endpoint results.

A gate never passes on missing evidence: an endpoint that could not be scanned is undetermined (its verdict
is null, never true), and ``unreachable`` also names the endpoints that were down or timed out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .outcomes import LEGACY_KEYS, EndpointStatus, ProtocolState

FAIL_ON_CHOICES = ("non_compliant", "undetermined", "unreachable")
_DOWN = (EndpointStatus.UNREACHABLE, EndpointStatus.TIMEOUT)


def _why(endpoint: Mapping, condition: str) -> str | None:
    verdict = endpoint["verdict"]
    if condition == "unreachable" and endpoint["status"] in _DOWN:
        return f"{endpoint['status']}: {endpoint['error']}"
    if condition == "non_compliant" and verdict["compliant"] is False:
        return "; ".join(v.get("message", str(v)) for v in verdict["violations"]) or "not compliant"
    if condition == "undetermined" and verdict["compliant"] is None:
        if endpoint["status"] != EndpointStatus.OK:
            return f"not scanned ({endpoint['status']}: {endpoint['error']})"
        return "; ".join(u.get("message", str(u)) for u in verdict["undetermined"]) or "undetermined"
    return None


def gate_failures(endpoints: Sequence[Mapping], fail_on: Sequence[str]) -> list[str]:
    """One readable line per endpoint that matches a ``fail_on`` condition, naming the endpoint and why."""
    lines = []
    for endpoint in endpoints:
        reasons = [f"{condition} ({why})" for condition in FAIL_ON_CHOICES if condition in fail_on
                   and (why := _why(endpoint, condition)) is not None]
        if reasons:
            lines.append(f"{endpoint['name']}: {', '.join(reasons)}")
    return lines


def legacy_accepted(endpoints: Sequence[Mapping]) -> list[str]:
    """Names of the endpoints that accept SSL 2.0/3.0, TLS 1.0 or TLS 1.1, from their protocol results."""
    return [e["name"] for e in endpoints
            if any(e["protocols"].get(key) == ProtocolState.ACCEPTED for key in LEGACY_KEYS)]
