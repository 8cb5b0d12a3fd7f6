# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse ``.reg`` files (``reg export``/regedit) tolerantly: every problem names its line, and one bad line
never stops the rest of the file from being read.

Handles UTF-16LE (with or without BOM, what regedit writes) and UTF-8/ANSI, ``Windows Registry Editor Version
5.00`` and ``REGEDIT4``, ``dword:``, ``hex:``, ``hex(N):`` (REGEDIT4 spells strings in single bytes), ``\\``
line continuations, ``[-key]`` and ``"name"=-`` deletions, ``@`` for the default value and ``;`` comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ValidationError, suggest
from ..registry import DWORD_MAX, RegRef, RegValue, Snapshot, split_path

HEADERS = {"windows registry editor version 5.00": "5.00", "regedit4": "REGEDIT4"}
HEX_TYPES = {0: "REG_NONE", 1: "REG_SZ", 2: "REG_EXPAND_SZ", 3: "REG_BINARY", 4: "REG_DWORD", 7: "REG_MULTI_SZ",
             11: "REG_QWORD"}
DATA_PREFIXES = ("dword", "hex", "hex(0)", "hex(1)", "hex(2)", "hex(3)", "hex(4)", "hex(7)", "hex(b)")
_HEX_PREFIX = re.compile(r"^hex(?:\(([0-9a-fA-F]{1,8})\))?:", re.ASCII)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BARE_KEY = re.compile(r"^-?(HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)(\\|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Issue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    def to_json(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Operation:
    """What one line asks for: ``set``/``delete_value`` a value, or ``create_key``/``delete_key``."""

    line: int
    kind: str
    hive: str
    key: str
    name: str = ""
    value: RegValue | None = None


@dataclass
class RegFile:
    format: str | None
    encoding: str
    operations: list[Operation] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def snapshot(self, base: Snapshot | None = None) -> Snapshot:
        """The values present after importing this file on top of ``base`` (default: nothing)."""
        result = base or Snapshot()
        for op in self.operations:
            if op.kind == "set":
                result = result.applied([(RegRef(op.hive, op.key, op.name), op.value)])
            elif op.kind == "delete_value":
                result = result.applied([(RegRef(op.hive, op.key, op.name), None)])
            elif op.kind == "delete_key":
                result = result.applied((where, None) for where in result.under(op.hive, op.key))
        return result


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then a UTF-16LE sniff, then UTF-8, then Windows-1252."""
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if len(raw) >= 4 and raw[1:8:2].count(0) >= 3 and raw[0:8:2].count(0) == 0:
        return raw.decode("utf-16-le", errors="replace"), "utf-16-le"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join ``\\`` continuations of value lines; keep the number of the first physical line."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    # Only CR/LF end a line: str.splitlines() would also split on form feeds and other controls in names.
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if pending is not None:
            start, head = pending
            line = head + line.lstrip()
            number = start
            pending = None
        stripped = line.rstrip()
        if stripped.endswith("\\") and stripped.lstrip()[:1] in ('"', "@"):
            pending = (number, stripped[:-1])
            continue
        out.append((number, line))
    if pending is not None:
        out.append(pending)
    return out


def _read_name(line: str) -> tuple[str | None, str]:
    """Parse the value name at the start of ``line``; return (name, rest after the name)."""
    if line.startswith("@"):
        return "", line[1:]
    name = []
    index = 1
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            name.append(line[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(name), line[index + 1:]
        name.append(char)
        index += 1
    return None, ""


def _read_string(data: str) -> str | None:
    name, rest = _read_name(data)
    return name if name is not None and not rest.strip() else None


def _hex_bytes(text: str) -> bytes:
    cleaned = [part.strip() for part in text.replace("\\", "").split(",")]
    cleaned = [p for p in cleaned if p]
    if any(len(p) > 2 for p in cleaned):
        raise ValueError("hex bytes must be two hex digits separated by commas")
    return bytes(int(p, 16) for p in cleaned)


def _strings(raw: bytes, wide: bool) -> list[str]:
    text = raw.decode("utf-16-le" if wide else "cp1252", errors="replace")
    return text.split("\0")


def _typed(reg_type: str, raw: bytes, wide: bool) -> RegValue:
    if reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        return RegValue(reg_type, _strings(raw, wide)[0])
    if reg_type == "REG_MULTI_SZ":
        parts = _strings(raw, wide)
        while parts and parts[-1] == "":
            parts.pop()
        return RegValue(reg_type, tuple(parts))
    if reg_type == "REG_DWORD":
        if len(raw) != 4:
            raise ValueError(f"hex(4) DWORD data must be 4 bytes, got {len(raw)}")
        return RegValue(reg_type, int.from_bytes(raw, "little"))
    if reg_type == "REG_QWORD":
        if len(raw) != 8:
            raise ValueError(f"hex(b) QWORD data must be 8 bytes, got {len(raw)}")
        return RegValue(reg_type, int.from_bytes(raw, "little"))
    return RegValue(reg_type, raw)


def parse_data(data: str, wide: bool) -> RegValue | None:
    """Parse the right-hand side of ``"name"=...``; None means the deletion form ``-``. Raises ValueError."""
    text = data.strip()
    if text == "-":
        return None
    if text.startswith('"'):
        string = _read_string(text)
        if string is None:
            raise ValueError("string data is not closed by '\"' (or has text after the closing quote)")
        return RegValue("REG_SZ", string)
    lowered = text.lower()
    if lowered.startswith("dword:"):
        digits = text[6:].strip()
        if not re.fullmatch(r"[0-9a-fA-F]{1,8}", digits):
            raise ValueError(f"dword data '{digits}' must be 1 to 8 hex digits")
        number = int(digits, 16)
        if number > DWORD_MAX:
            raise ValueError(f"dword data {digits} is larger than 0xffffffff")
        return RegValue("REG_DWORD", number)
    match = _HEX_PREFIX.match(lowered)
    if match:
        code = int(match.group(1), 16) if match.group(1) else 3
        if code not in HEX_TYPES:
            raise ValueError(f"hex({match.group(1)}) is a registry type the tool does not model")
        return _typed(HEX_TYPES[code], _hex_bytes(text[match.end():]), wide)
    prefix = lowered.split(":", 1)[0] if ":" in lowered else lowered
    raise ValueError(f"unknown value type '{prefix}'{suggest(prefix, DATA_PREFIXES)} "
                     "(expected \"string\", dword:, hex: or hex(N):)")


def parse_regfile(raw: bytes) -> RegFile:
    text, encoding = decode(raw)
    result = RegFile(format=None, encoding=encoding)
    current: tuple[str, str] | None = None
    orphaned_by: int | None = None  # line of a key line we could not use; its values are skipped
    seen_content = False
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in ";#":
            continue
        header = HEADERS.get(stripped.lower())
        if header:
            if seen_content:
                result.warnings.append(Issue(number, "a second header line: several .reg files were pasted together?"))
            else:
                result.format = header
                if number != 1:
                    result.warnings.append(Issue(number, "the header is not on line 1; regedit refuses such a file"))
            seen_content = True
            continue
        if not seen_content:
            result.errors.append(Issue(number, "missing header 'Windows Registry Editor Version 5.00' (or REGEDIT4); "
                                               "reading the file as version 5.00"))
            result.format = "5.00"
            seen_content = True
        if stripped.startswith("["):
            current, orphaned_by = _key_line(result, number, line), None
            if current is None:
                orphaned_by = number
            continue
        if stripped[0] in ('"', "@"):
            _value_line(result, number, stripped, current, orphaned_by)
            continue
        if _BARE_KEY.match(stripped):
            result.errors.append(Issue(number, f"key path without brackets: '{stripped}' (write it as "
                                               f"[{stripped}]); the values that follow are not applied"))
            current, orphaned_by = None, number
            continue
        result.errors.append(Issue(number, f"cannot read this line: '{stripped[:80]}'"))
    return result


def _key_line(result: RegFile, number: int, line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped.endswith("]"):
        result.errors.append(Issue(number, f"key line does not end with ']': '{stripped[:120]}'"))
        return None
    inner = stripped[1:-1]
    delete = inner.startswith("-")
    if delete:
        inner = inner[1:]
    if inner != inner.rstrip() or inner != inner.lstrip():
        result.warnings.append(Issue(number, f"key path has spaces at its start or end ('{inner}'); Windows treats "
                                             "that as a different key name"))
    try:
        hive, key = split_path(inner)
    except ValidationError as err:
        result.errors.append(Issue(number, err.problems[0].message))
        return None
    result.operations.append(Operation(number, "delete_key" if delete else "create_key", hive, key))
    return None if delete else (hive, key)


def _value_line(result: RegFile, number: int, line: str, current: tuple[str, str] | None,
                orphaned_by: int | None) -> None:
    name, rest = _read_name(line)
    if name is None or not rest.lstrip().startswith("="):
        result.errors.append(Issue(number, f"cannot read the value name in '{line[:80]}'"))
        return
    if current is None:
        why = f"the key line {orphaned_by} above it was not understood" if orphaned_by else "no [key] line before it"
        result.errors.append(Issue(number, f"value \"{name}\" is not applied: {why}"))
        return
    try:
        value = parse_data(rest.lstrip()[1:], wide=result.format != "REGEDIT4")
    except ValidationError as err:
        result.errors.append(Issue(number, f"value \"{name}\": {err.problems[0].message}"))
        return
    except ValueError as err:
        result.errors.append(Issue(number, f"value \"{name}\": {err}"))
        return
    hive, key = current
    kind = "delete_value" if value is None else "set"
    result.operations.append(Operation(number, kind, hive, key, name, value))
