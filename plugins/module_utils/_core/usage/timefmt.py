# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times as the logs write them, normalised to one text form: ``2024-05-06T00:00:04Z`` (UTC, whole seconds).

One fixed-width form means text order is time order, so merging first/last seen is a string comparison.
W3C times are UTC (IIS "Logging" UI reference); a time without an offset is read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_time(text: object) -> datetime | None:
    """A UTC datetime for W3C ``date time``, SMTP ``date-time`` or event ``SystemTime`` text; None if it is not one."""
    match = _STAMP.fullmatch(str(text).strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        when = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        if offset > timedelta(hours=14):
            return None
        when -= sign * offset
    return when


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise(text: object) -> str | None:
    """``iso(parse_time(text))``, or None."""
    when = parse_time(text)
    return iso(when) if when is not None else None


def parse_day(text: object) -> date | None:
    value = str(text).strip()
    if not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
