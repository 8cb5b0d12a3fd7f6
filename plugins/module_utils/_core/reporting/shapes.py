# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading untrusted result documents: typed getters whose errors name the input and the key, and the
recognition of which tls_* module a registered result came from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ..errors import TlsGuardError
from .model import Kind


class InputError(TlsGuardError):
    """An input the report cannot use; the message names the input (``results[2].web01``, a file) and the key."""


# Keys that only one module's result has (tls_readiness and tls_usage: the shape docs/report.md expects of them).
_SIGNATURES: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.SCAN, ("endpoints", "summary")),
    (Kind.RESTORE, ("restored_id",)),
    (Kind.INFO, ("effective", "raw")),
    (Kind.CONFIG, ("changes", "reboot_required")),
    (Kind.READINESS, ("verdicts",)),
    (Kind.USAGE, ("gate",)),
)
KINDS_TEXT = ", ".join(kind.value for kind, _keys in _SIGNATURES)


def detect(result: Mapping) -> Kind | None:
    for kind, keys in _SIGNATURES:
        if all(key in result for key in keys):
            return kind
    return None


def is_outcome_only(result: Mapping) -> bool:
    """A failed, unreachable or skipped task result, which carries no module keys to recognise."""
    return bool(result.get("failed") or result.get("unreachable") or result.get("skipped"))


def text(data: Mapping, key: str, where: str, default: str | None = None, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InputError(f"{where}: '{key}' is missing")
        return default
    if isinstance(value, (dict, list)):
        raise InputError(f"{where}.{key}: expected a string, got {type(value).__name__}")
    return str(value)


def integer(data: Mapping, key: str, where: str, default: int | None = None) -> int | None:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(f"{where}.{key}: expected a number, got {type(value).__name__}")
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{where}.{key}: expected a number, got '{value}'") from None


def flag(data: Mapping, key: str, where: str) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise InputError(f"{where}.{key}: expected true, false or null, got {value!r}")


def mapping(data: Mapping, key: str, where: str, required: bool = False) -> Mapping:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"{where}.{key}: expected a mapping, got {type(value).__name__}")
    return value


def items(data: Mapping, key: str, where: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}.{key}: expected a list, got {type(value).__name__}")
    return value


def entries(data: Mapping, key: str, where: str) -> list[tuple[str, Mapping]]:
    """The list ``key`` as (location, mapping) pairs; an element that is not a mapping is an error."""
    out = []
    for index, entry in enumerate(items(data, key, where)):
        location = f"{where}.{key}[{index}]"
        if not isinstance(entry, Mapping):
            raise InputError(f"{location}: expected a mapping, got {type(entry).__name__}")
        out.append((location, entry))
    return out


def timestamp(value: str | None) -> float | None:
    """Seconds since the epoch for an ISO 8601 time (``Z`` or an offset; naive times are UTC); None if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def iso(seconds: float) -> str:
    """The report's time format: UTC, to the second unless there is a fraction."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")
