# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed reads of JSON objects from the host or the controller store; every error names the field."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import HostReplyError
from .timefmt import normalise

_MISSING = object()


def obj(data: object, where: str) -> Mapping:
    if not isinstance(data, Mapping):
        raise HostReplyError(f"{where}: should be an object, got {type(data).__name__}")
    return data


def _value(data: Mapping, key: str, where: str, default: object) -> object:
    if key in data and data[key] is not None:
        return data[key]
    if default is _MISSING:
        raise HostReplyError(f"{where}.{key}: missing")
    return default


def string(data: Mapping, key: str, where: str, default: object = _MISSING) -> str:
    value = _value(data, key, where, default)
    if not isinstance(value, str):
        raise HostReplyError(f"{where}.{key}: should be a string, got {type(value).__name__}")
    return value


def integer(data: Mapping, key: str, where: str, default: object = _MISSING, low: int = 0) -> int:
    value = _value(data, key, where, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise HostReplyError(f"{where}.{key}: should be an integer of at least {low}, got {value!r:.40}")
    return value


def optional_integer(data: Mapping, key: str, where: str) -> int | None:
    return integer(data, key, where) if data.get(key) is not None else None


def boolean(data: Mapping, key: str, where: str, default: object = _MISSING) -> bool:
    value = _value(data, key, where, default)
    if not isinstance(value, bool):
        raise HostReplyError(f"{where}.{key}: should be true or false, got {value!r:.40}")
    return value


def array(data: Mapping, key: str, where: str, default: object = _MISSING) -> list:
    value = _value(data, key, where, default)
    if not isinstance(value, list):
        raise HostReplyError(f"{where}.{key}: should be a list, got {type(value).__name__}")
    return value


def time(data: Mapping, key: str, where: str, optional: bool = False) -> str:
    """An ISO 8601 time, returned in the normal form; "" when optional and absent or empty."""
    value = string(data, key, where, "" if optional else _MISSING)
    if value == "" and optional:
        return ""
    normal = normalise(value)
    if normal is None:
        raise HostReplyError(f"{where}.{key}: '{value:.40}' is not an ISO 8601 time")
    return normal
