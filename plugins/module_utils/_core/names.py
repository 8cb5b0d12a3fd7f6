# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names under SCHANNEL that Windows does not read: misspellings (``DisableBy Default``, ``SHA 256``), retired keys
(``PCT 1.0``, ``Triple DES 168/168``) and keys that never existed (``DTLS 1.1``). Each gets a message with a
did-you-mean, so a setting that does nothing is never silent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .errors import suggest
from .locations import (
    CIPHERS,
    HASHES,
    KEY_EXCHANGE_VALUES,
    KEY_EXCHANGES,
    MESSAGING_VALUES,
    PROTOCOL_VALUES,
    RETIRED_NAMES,
    SCHANNEL,
    SCHANNEL_SUBKEYS,
    SCHANNEL_VALUES,
)
from .protocols import PROTOCOLS, SIDES
from .registry import RegRef, RegValue

_GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "ciphers": tuple(n for names in CIPHERS.values() for n in names),
    "hashes": tuple(n for names in HASHES.values() for n in names),
    "keyexchangealgorithms": tuple(n for names in KEY_EXCHANGES.values() for n in names),
}
_GROUP_VALUES: dict[str, tuple[str, ...]] = {"ciphers": ("Enabled",), "hashes": ("Enabled",),
                                             "keyexchangealgorithms": KEY_EXCHANGE_VALUES}
_PROTOCOL_KEYS = tuple(p.schannel_key for p in PROTOCOLS)
_SIDE_KEYS = tuple(side.capitalize() for side in SIDES)


@dataclass(frozen=True)
class Unrecognised:
    ref: RegRef  # the value, or for a bad key name that key (name "")
    message: str
    about_key: bool  # the key name is the problem (reported once per key), not the value name


MAX_REPORTED = 100  # names reported one by one; the rest are counted (a hostile file must not make 100k findings)


@lru_cache(maxsize=64)
def _folded(choices: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c.casefold() for c in choices)


def _known(name: str, choices: tuple[str, ...]) -> bool:
    return name.casefold() in _folded(choices)


@lru_cache(maxsize=4096)
def _name_problem(name: str, choices: tuple[str, ...], kind: str, hint: bool = True) -> str | None:
    """``hint``: look for a did-you-mean (the costly part; skipped for names beyond MAX_REPORTED)."""
    if _known(name, choices):
        return None
    retired = RETIRED_NAMES.get(name.casefold())
    if retired:
        return f"{kind} '{name}': {retired}"
    return f"{kind} '{name}' is not one Windows reads{suggest(name, choices) if hint else ''}"


def _check(parts: list[str], name: str, hint: bool = True) -> tuple[str, int] | None:
    """(message, how many key parts below SCHANNEL name the bad key, 0 when the value name is the problem) for a
    value at SCHANNEL\\<parts>\\<name>, or None when Windows reads it."""
    if not parts:
        problem = _name_problem(name, SCHANNEL_VALUES, "value", hint)
        return (f"{problem} directly under SCHANNEL", 0) if problem else None
    group = parts[0].casefold()
    if not _known(parts[0], SCHANNEL_SUBKEYS):
        return f"{_name_problem(parts[0], SCHANNEL_SUBKEYS, 'SCHANNEL subkey', hint)}; values below it are ignored", 1
    if group == "messaging":
        if len(parts) > 1:
            return "Messaging has no subkeys; values below it are ignored", 2
        problem = _name_problem(name, MESSAGING_VALUES, "value", hint)
        return (problem, 0) if problem else None
    if len(parts) == 1:
        return f"value '{name}' directly under {parts[0]} is ignored; it belongs under a named subkey", 0
    if group == "protocols":
        problem = _name_problem(parts[1], _PROTOCOL_KEYS, "protocol key", hint)
        if problem:
            return problem, 2
        if len(parts) == 2:
            return f"value '{name}' under {parts[1]} is ignored; it belongs under {parts[1]}\\Client or \\Server", 0
        side = _name_problem(parts[2], _SIDE_KEYS, "subkey", hint)
        if side or len(parts) > 3:
            return (side or f"{parts[1]}\\{parts[2]} has no subkeys; values below it are ignored"), 3 if side else 4
        problem = _name_problem(name, PROTOCOL_VALUES, "value", hint)
        return (problem, 0) if problem else None
    problem = _name_problem(parts[1], _GROUP_NAMES[group], f"{parts[0]} key", hint)
    if problem or len(parts) > 2:
        return (problem or f"{parts[0]}\\{parts[1]} has no subkeys; values below it are ignored"), 2 if problem else 3
    problem = _name_problem(name, _GROUP_VALUES[group], "value", hint)
    return (problem, 0) if problem else None


def unrecognised(values: Mapping[RegRef, RegValue]) -> tuple[list[Unrecognised], int]:
    """The values below SCHANNEL whose key or name Windows does not read (one entry per bad key), at most
    MAX_REPORTED of them, and how many more there are."""
    prefix = SCHANNEL.casefold()
    out: list[Unrecognised] = []
    more = 0
    seen_keys: set[tuple[str, str]] = set()
    for where in values:
        folded = where.key_norm[1]
        if where.hive != "HKLM" or not (folded == prefix or folded.startswith(prefix + "\\")):
            continue
        parts = where.key[len(SCHANNEL):].strip("\\").split("\\")
        found = _check(parts if parts != [""] else [], where.name, hint=len(out) < MAX_REPORTED)
        if found is None:
            continue
        message, depth = found
        item = Unrecognised(where, message, False)
        if depth:
            item = Unrecognised(RegRef(where.hive, "\\".join([SCHANNEL, *parts[:depth]]), ""), message, True)
            if item.ref.key_norm in seen_keys:
                continue
            seen_keys.add(item.ref.key_norm)
        if len(out) < MAX_REPORTED:
            out.append(item)
        else:
            more += 1
    return out, more
