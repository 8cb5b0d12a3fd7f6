# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registered tls_scan results (its RETURN doc) -> endpoint rows, and which inventory host each belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..protocols import TLS_KEYS
from .model import Endpoint, Issue, Origin, Verdict
from .shapes import InputError, entries, flag, mapping, text

PROTOCOL_STATES = ("accepted", "rejected", "unknown")


def _issues(verdict: Mapping, key: str, where: str) -> tuple[Issue, ...]:
    return tuple(Issue(text(i, "code", loc, "") or "", text(i, "message", loc, "") or "")
                 for loc, i in entries(verdict, key, where))


def endpoint(data: Mapping, where: str, origin: Origin, host: str | None = None, address_key: str = "host") -> Endpoint:
    """One endpoint of a tls_scan result (its ``host`` is the address scanned), or of a report (``address``)."""
    target = text(data, "target", where, required=True) or ""
    protocols = mapping(data, "protocols", where)
    states = []
    for key in TLS_KEYS:
        state = text(protocols, key, f"{where}.protocols", "unknown") or "unknown"
        if state not in PROTOCOL_STATES:
            raise InputError(f"{where}.protocols.{key}: '{state}' is not one of {', '.join(PROTOCOL_STATES)}")
        states.append((key, state))
    verdict = mapping(data, "verdict", where)
    return Endpoint(
        name=text(data, "name", where, target) or target, target=target,
        address=text(data, address_key, where, "") or "", status=text(data, "status", where, "unknown") or "unknown",
        error=text(data, "error", where), protocols=tuple(states),
        verdict=Verdict(text(verdict, "policy", f"{where}.verdict"), flag(verdict, "compliant", f"{where}.verdict"),
                        _issues(verdict, "violations", f"{where}.verdict"),
                        _issues(verdict, "undetermined", f"{where}.verdict")),
        host=host, origin=origin)


def scan_endpoints(result: Mapping, where: str, origin: Origin, host: str | None = None) -> list[Endpoint]:
    return [endpoint(data, loc, origin, host) for loc, data in entries(result, "endpoints", where)]


def _label(name: str) -> str:
    return name.split(".", 1)[0].casefold()


def attribution(hosts: Iterable[str]) -> dict[str, str]:
    """Names an endpoint's ``host`` may carry -> the inventory host: the full name, and the first DNS label where
    only one host has it (``web01.corp.example`` and ``web01`` are the same host; two ``web01`` are not)."""
    names = sorted(set(hosts))
    by_label: dict[str, list[str]] = {}
    for name in names:
        by_label.setdefault(_label(name), []).append(name)
    out = {label: found[0] for label, found in by_label.items() if len(found) == 1}
    out.update({name.casefold(): name for name in names})
    return out


def owner(address: str, names: Mapping[str, str]) -> str | None:
    return names.get(address.casefold()) or names.get(_label(address))
