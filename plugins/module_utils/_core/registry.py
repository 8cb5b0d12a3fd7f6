# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry value model with Windows semantics.

Key paths and value names compare case-insensitively, hives have long and short spellings, values are
typed (a REG_SZ "1" is not a REG_DWORD 1), and paths below ``WOW6432Node`` live in the 32-bit view.
Every result that shows a registry value (raw, changes, backup entries, findings) uses one JSON shape, built here:
``{"hive": "HKLM", "key": "SYSTEM\\...", "name": "Enabled", "type": "REG_DWORD", "data": 1}`` with the short hive,
DWORD and QWORD data as unsigned integers, REG_BINARY as lowercase hex and REG_MULTI_SZ as a list of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem, ValidationError, unknown

HIVES: dict[str, str] = {
    "HKLM": "HKLM", "HKEY_LOCAL_MACHINE": "HKLM",
    "HKCU": "HKCU", "HKEY_CURRENT_USER": "HKCU",
    "HKCR": "HKCR", "HKEY_CLASSES_ROOT": "HKCR",
    "HKU": "HKU", "HKEY_USERS": "HKU",
    "HKCC": "HKCC", "HKEY_CURRENT_CONFIG": "HKCC",
}
LONG_HIVE: dict[str, str] = {
    "HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER", "HKCR": "HKEY_CLASSES_ROOT",
    "HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG",
}

REG_TYPES = ("REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_MULTI_SZ", "REG_QWORD")
DWORD_MAX = 0xFFFFFFFF
QWORD_MAX = 0xFFFFFFFFFFFFFFFF


def split_path(path: str, option: str = "path") -> tuple[str, str]:
    """Split 'HKEY_LOCAL_MACHINE\\A\\B' (or 'HKLM:\\A\\B') into ('HKLM', 'A\\B')."""
    head, _sep, rest = str(path).lstrip().partition("\\")
    hive = HIVES.get(head.strip().rstrip(":").upper())
    if hive is None:
        raise ValidationError([Problem(option, unknown("registry hive", head, HIVES))])
    return hive, normalize_key(rest)


def normalize_key(key: str) -> str:
    """Collapse repeated backslashes and strip the leading/trailing ones; keep case and inner spaces."""
    return "\\".join(part for part in key.split("\\") if part != "")


@dataclass(frozen=True)
class RegRef:
    """Where a value lives. Equality and hashing ignore case, as Windows does."""

    hive: str = field(compare=False)
    key: str = field(compare=False)
    name: str = field(compare=False)
    _norm: tuple[str, str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", normalize_key(self.key))
        object.__setattr__(self, "_norm", (self.hive, self.key.casefold(), self.name.casefold()))

    @property
    def key_norm(self) -> tuple[str, str]:
        return self._norm[0], self._norm[1]

    @property
    def long_key(self) -> str:
        return f"{LONG_HIVE[self.hive]}\\{self.key}"

    def __str__(self) -> str:
        return f"{self.hive}\\{self.key}\\{self.name or '(Default)'}"

    def to_json(self) -> dict:
        return {"hive": self.hive, "key": self.key, "name": self.name}


def ref(path: str, name: str) -> RegRef:
    hive, key = split_path(path)
    return RegRef(hive, key, name)


def entry_json(where: RegRef, value: RegValue | None) -> dict:
    """The one JSON shape of a registry value; ``type``/``data`` are None when the value is absent."""
    shape = value.to_json() if value is not None else {"type": None, "data": None}
    return dict(where.to_json(), **shape)


@dataclass(frozen=True)
class RegValue:
    """A typed registry value; construction checks the data against the type."""

    type: str
    data: int | str | bytes | tuple[str, ...]

    def __post_init__(self) -> None:
        problem = _check_data(self.type, self.data)
        if problem:
            raise ValidationError([Problem("value", problem)])
        if isinstance(self.data, list):  # REG_MULTI_SZ given as a list: keep it hashable
            object.__setattr__(self, "data", tuple(self.data))

    # Typed views of ``data``; construction already checked it against ``type``, so a wrong call is a bug.
    def as_int(self) -> int:
        if isinstance(self.data, int):
            return self.data
        raise TypeError(f"{self.type} data is not an integer")

    def as_str(self) -> str:
        if isinstance(self.data, str):
            return self.data
        raise TypeError(f"{self.type} data is not a string")

    def as_strings(self) -> tuple[str, ...]:
        if isinstance(self.data, tuple):
            return self.data
        raise TypeError(f"{self.type} data is not a list of strings")

    def as_bytes(self) -> bytes:
        if isinstance(self.data, bytes):
            return self.data
        raise TypeError(f"{self.type} data is not binary")

    def to_json(self) -> dict:
        data: object = self.data
        if isinstance(data, bytes):
            data = data.hex()
        elif isinstance(data, tuple):
            data = list(data)
        return {"type": self.type, "data": data}

    def display(self) -> str:
        """Short human form: 'dword:0x00000001', 'sz:"1"'."""
        if self.type in ("REG_DWORD", "REG_QWORD"):
            width = 8 if self.type == "REG_DWORD" else 16
            return f"{self.type[4:].lower()}:0x{self.as_int():0{width}x}"
        if isinstance(self.data, bytes):
            return f"{self.type[4:].lower()}:{self.data.hex()}"
        return f"{self.type[4:].lower()}:{self.data!r}"


def dword(value: int) -> RegValue:
    return RegValue("REG_DWORD", value)


def sz(value: str) -> RegValue:
    return RegValue("REG_SZ", value)


def _check_data(reg_type: str, data: object) -> str | None:
    if reg_type not in REG_TYPES:
        return unknown("registry type", reg_type, REG_TYPES)
    if reg_type in ("REG_DWORD", "REG_QWORD"):
        limit = DWORD_MAX if reg_type == "REG_DWORD" else QWORD_MAX
        if isinstance(data, bool) or not isinstance(data, int):
            return f"{reg_type} data must be an integer, got {type(data).__name__} {data!r}"
        if not 0 <= data <= limit:
            return f"{reg_type} data {data} is outside 0..{limit:#x}"
    elif reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        if not isinstance(data, str):
            return f"{reg_type} data must be a string, got {type(data).__name__}"
    elif reg_type == "REG_MULTI_SZ":
        if not isinstance(data, (list, tuple)) or not all(isinstance(s, str) for s in data):
            return "REG_MULTI_SZ data must be a list of strings"
    elif not isinstance(data, bytes):
        return f"{reg_type} data must be bytes"
    return None


def value_from_json(raw: Mapping, option: str = "value") -> RegValue:
    """Build a RegValue from the wire shape, tolerating signed DWORDs as .NET returns them."""
    reg_type = str(raw.get("type", "")).upper()
    data: Any = raw.get("data")
    try:
        if reg_type == "REG_DWORD" and isinstance(data, int) and -(2**31) <= data < 0:
            data &= DWORD_MAX
        elif reg_type == "REG_QWORD" and isinstance(data, int) and -(2**63) <= data < 0:
            data &= QWORD_MAX
        elif reg_type in ("REG_BINARY", "REG_NONE") and isinstance(data, str):
            data = bytes.fromhex(data)
        elif reg_type in ("REG_BINARY", "REG_NONE") and isinstance(data, list):
            data = bytes(data)
        elif reg_type == "REG_MULTI_SZ" and data is None:
            data = ()
        return RegValue(reg_type, data)
    except ValidationError as err:
        raise ValidationError([Problem(option, err.problems[0].message)]) from None
    except (ValueError, TypeError) as err:
        raise ValidationError([Problem(option, f"{reg_type} data {data!r} is not valid: {err}")]) from None


def dword_at(values: Mapping[RegRef, RegValue], where: RegRef) -> int | None:
    """The data of a REG_DWORD value, or None when absent or of another type (as Schannel reads it)."""
    value = values.get(where)
    return value.as_int() if value is not None and value.type == "REG_DWORD" else None


class Snapshot(Mapping):
    """Present registry values keyed by RegRef (absent values are simply missing)."""

    def __init__(self, values: Mapping[RegRef, RegValue] | Iterable[tuple[RegRef, RegValue]] = ()) -> None:
        self._values: dict[RegRef, RegValue] = dict(values)

    def __getitem__(self, key: RegRef) -> RegValue:
        return self._values[key]

    def __iter__(self) -> Iterator[RegRef]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def applied(self, changes: Iterable[tuple[RegRef, RegValue | None]]) -> Snapshot:
        """A new snapshot with sets (value) and deletes (None) applied."""
        values = dict(self._values)
        for where, value in changes:
            if value is None:
                values.pop(where, None)
            else:
                values[where] = value
        return Snapshot(values)

    def under(self, hive: str, key: str) -> dict[RegRef, RegValue]:
        """Values whose key is ``key`` or below it."""
        prefix = normalize_key(key).casefold()
        return {r: v for r, v in self._values.items()
                if r.hive == hive and (r.key_norm[1] == prefix or r.key_norm[1].startswith(prefix + "\\"))}

    def to_json(self) -> list[dict]:
        return [entry_json(r, v) for r, v in sorted(self._values.items(), key=lambda i: i[0]._norm)]

    @classmethod
    def from_json(cls, items: Iterable[Mapping], option: str = "values") -> Snapshot:
        values = {}
        problems = []
        for index, item in enumerate(items):
            try:
                hive, key = split_path(f"{item.get('hive', '')}\\{item.get('key', '')}", f"{option}[{index}].hive")
                values[RegRef(hive, key, str(item.get("name", "")))] = value_from_json(item, f"{option}[{index}]")
            except ValidationError as err:
                problems.extend(err.problems)
        if problems:
            raise ValidationError(problems)
        return cls(values)


class Overlay(Mapping):
    """``base`` with some values set (a value) or removed (None), without copying ``base``: what a plan's after
    state or a single change looks like, at the cost of the changes only."""

    def __init__(self, base: Mapping[RegRef, RegValue], changes: Mapping[RegRef, RegValue | None]) -> None:
        self._base = base
        self._changes = dict(changes)

    def __getitem__(self, key: RegRef) -> RegValue:
        if key in self._changes:
            value = self._changes[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._base[key]

    def __iter__(self) -> Iterator[RegRef]:
        for key in self._base:
            if key not in self._changes:
                yield key
        yield from (k for k, v in self._changes.items() if v is not None)

    def __len__(self) -> int:
        return sum(1 for _key in self)
