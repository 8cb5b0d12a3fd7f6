# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the staged-rollout roles decide from results, kept out of YAML: is a reboot window open, what does a scan
say against the stage's expectations, which file name a host's record gets on the controller."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .errors import Problem, ValidationError
from .protocols import BY_KEY

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def _minutes(text: str, option: str) -> int:
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValidationError([Problem(option, f"'{text}' is not a time of day as HH:MM")])
    return int(match.group(1)) * 60 + int(match.group(2))


def window_open(window: str | None, now: str, option: str = "tls_rollout_reboot_window") -> bool:
    """Whether ``now`` (HH:MM) lies in ``window`` ("HH:MM-HH:MM", start inclusive, end exclusive; it may wrap past
    midnight). An empty window means any time."""
    if not window or not str(window).strip():
        return True
    parts = str(window).split("-")
    if len(parts) != 2:
        raise ValidationError([Problem(option, f"'{window}' should be a window as HH:MM-HH:MM (e.g. 22:00-05:00)")])
    start, end = (_minutes(p, option) for p in parts)
    current = _minutes(now, "now")
    if start == end:
        return True
    if start < end:
        return start <= current < end
    return current >= start or current < end


def _label(key: str) -> str:
    return BY_KEY[key].label if key in BY_KEY else key


def scan_problems(scan: Mapping, require: Iterable[str] = ("tls1_2",),
                  reject: Iterable[str] = ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1")) -> list[str]:
    """Readable sentences for every way the endpoints of one tls_scan result miss the stage's expectations. An
    endpoint that could not be scanned, or a protocol whose state is unknown, is a problem: missing evidence never
    passes. No endpoint at all is a problem too (the caller skips the check when there is nothing to scan)."""
    if not isinstance(scan, Mapping):
        raise ValidationError([Problem("scan", "should be the registered result of tlsguard.windows.tls_scan")])
    if scan.get("failed"):
        return [f"the scan itself failed: {scan.get('msg') or 'no reason given'}"]
    endpoints = scan.get("endpoints")
    if not isinstance(endpoints, list) or not endpoints:
        return ["no endpoint was scanned, so nothing shows what the host accepts"]
    require, reject = tuple(require), tuple(reject)
    problems: list[str] = []
    for endpoint in endpoints:
        if not isinstance(endpoint, Mapping):
            problems.append("the scan result holds an endpoint that is not a dictionary")
            continue
        name = str(endpoint.get("name") or "an endpoint")
        if endpoint.get("status") != "ok":
            reason = endpoint.get("error") or endpoint.get("status") or "no reason given"
            problems.append(f"{name} could not be scanned ({reason})")
            continue
        found = endpoint.get("protocols")
        states: Mapping = found if isinstance(found, Mapping) else {}
        for key in reject:
            state = states.get(key, "unknown")
            if state == "accepted":
                problems.append(f"{name} still accepts {_label(key)}")
            elif state != "rejected":
                problems.append(f"{name}: could not tell whether {_label(key)} is refused")
        for key in require:
            state = states.get(key, "unknown")
            if state == "rejected":
                problems.append(f"{name} does not accept {_label(key)}")
            elif state != "accepted":
                problems.append(f"{name}: could not tell whether {_label(key)} is accepted")
    return problems


def safe_name(name: object) -> str:
    """A host name as one file name: no separators, no '..', never empty (records are kept per host)."""
    text = _UNSAFE.sub("_", str(name)).strip(".")
    return text or "_"


def value_name(change: Mapping) -> str:
    """One registry value of a tls_config change as people write it: HKLM\\<key>\\<name>."""
    if not isinstance(change, Mapping):
        raise ValidationError([Problem("change", "should be one item of tls_config's changes")])
    return f"{change.get('hive', 'HKLM')}\\{change.get('key', '')}\\{change.get('name') or '(Default)'}"
