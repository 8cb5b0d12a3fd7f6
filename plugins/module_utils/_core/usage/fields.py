# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared steps of turning raw field values into typed ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from .timefmt import day_start, iso, normalise, parse_day

MAX_TEXT = 512


def text(fields: Mapping[str, str | None], name: str, dash_is_empty: bool = True) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    value = value.strip()[:MAX_TEXT]
    return "" if dash_is_empty and value == "-" else value


def port(fields: Mapping[str, str | None], name: str) -> int:
    value = text(fields, name)
    if value.isdigit() and len(value) <= 5 and int(value) <= 65535:
        return int(value)
    return 0


def seen(day: str, first: str, last: str) -> tuple[str, str]:
    """Normalised first/last seen; a group whose times do not parse gets its day's bounds (coarse, not wrong)."""
    start, end = normalise(first), normalise(last)
    if start is not None and end is not None:
        return start, end
    when = parse_day(day)
    if when is None:
        return start or end or "", end or start or ""
    begin = day_start(when)
    return start or iso(begin), end or iso(begin + timedelta(days=1) - timedelta(seconds=1))
