# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data of a value line (the text after ``"name"=``), read as regedit reads it.

The rules come from Wine's regedit conformance tests, which pass on Windows (reactos/reactos
``modules/rostests/winetests/regedit/regedit.c``):

- type prefixes are case-sensitive: ``"``, ``dword:``, ``hex:``, ``hex(N):`` (N hexadecimal up to ffffffff,
  no ``0x``: ``Wine13*``); anything else is not imported;
- ``dword:`` takes 1 to 8 hex digits, spaces or tabs around them, then the end of the line or a ``;`` comment
  (``Test12*``-``Test14*``, ``Wine9a``, ``Wine25*``); ``#`` is not a comment there (``Wine5``, ``Wine25c``);
- a string ends at its closing quote, followed only by blanks or a ``;`` comment (``Wine4``, ``Wine26*``,
  ``Test15*``); strings are never continued on the next line (``Test18b``);
- hex data is comma-separated bytes; a ``\\`` right after a comma (or after the colon) continues it on the next
  line, which may be preceded by blank and ``;`` lines (``Wine10*``-``Wine12*``, ``Wine29*``); a continuation
  line that does not start with a hex digit drops the value and is itself lost (``Wine24a``-``Wine27*``); a
  ``\\`` without the comma before it drops the value but the next line is read normally (``Wine9c``, ``Wine24b``);
  at the end of the file the bytes read so far are imported (``Wine17*``).

Where the tests are silent, tlsguard decides and says so: digits are ASCII only (``hex:\u0661\u0662`` and fullwidth
digits are not imported), hex bytes take no sign or ``0x`` (``hex:+1,-0`` is not imported), and ``hex(0004)`` is
type 4 (leading zeros do not change the number Wine's parser reads).
"""

from __future__ import annotations

import re

from ..registry import RegValue
from .hints import data_hint, show

HEX_TYPES = {0: "REG_NONE", 1: "REG_SZ", 2: "REG_EXPAND_SZ", 3: "REG_BINARY", 4: "REG_DWORD", 7: "REG_MULTI_SZ",
             11: "REG_QWORD"}
# Types regedit imports that tlsguard does not model (names only for messages; [MS-RPRN] 2.2.3.9).
OTHER_TYPES = {5: "REG_DWORD_BIG_ENDIAN", 6: "REG_LINK", 8: "REG_RESOURCE_LIST", 9: "REG_FULL_RESOURCE_DESCRIPTOR",
               10: "REG_RESOURCE_REQUIREMENTS_LIST"}
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_BLANKS = " \t"
_DWORD = re.compile(r"[ \t]*([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?", re.S)
_HEX_TYPE = re.compile(r"hex\(([0-9a-fA-F]+)\):")
_HEX_BYTE = re.compile(r"[ \t]*([0-9a-fA-F]*)")
# The two value lines regedit exports most, without blanks or comments; everything else takes the general path.
_QUICK = re.compile(r'"([^"\\]*)"=(?:dword:([0-9a-fA-F]{1,8})|"((?:[^"\\]|\\.)*)")', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)  # split() on it keeps the escaped characters: "".join() unescapes
_DWORDS: dict[str, RegValue] = {}  # RegValues are immutable: the common DWORDs are built once
_DWORD_CACHE = 4096


class DroppedValue(Exception):
    """regedit does not import this value; the message says why."""


class UnmodelledValue(Exception):
    """regedit imports this value, but tlsguard does not evaluate it; the message says why."""


def read_quoted(text: str, start: int) -> tuple[str | None, int]:
    """The string that starts after the quote at ``start - 1`` (``\\"`` and ``\\\\`` unescaped) and the index after
    its closing quote; (None, len) when it is not closed."""
    end = text.find('"', start)
    escape = text.find("\\", start, end if end >= 0 else len(text))
    if escape < 0:
        return (text[start:end], end + 1) if end >= 0 else (None, len(text))
    parts = []
    pos = start
    while True:
        escape = text.find("\\", pos)
        end = text.find('"', pos)
        if end < 0:
            return None, len(text)
        if escape < 0 or end < escape:
            parts.append(text[pos:end])
            return "".join(parts), end + 1
        if escape + 1 >= len(text):
            return None, len(text)
        parts.append(text[pos:escape])
        parts.append(text[escape + 1])  # \" and \\ stand for the character; other escapes keep the character too
        pos = escape + 2


def _only_comment_after(text: str) -> bool:
    rest = text.lstrip(_BLANKS)
    return not rest or rest[0] == ";"


def _after_data_problem(rest: str) -> str:
    rest = rest.lstrip(_BLANKS)
    if rest.startswith("#"):
        return "regedit reads only ';' comments after data, not '#' ones, so the value is not imported"
    return f"text after the data ('{show(rest, 20)}') makes regedit drop the value (a ';' comment is allowed)"


def dword_value(digits: str) -> RegValue:
    """The REG_DWORD of 1 to 8 ASCII hex digits (already checked)."""
    value = _DWORDS.get(digits)
    if value is None:
        value = RegValue("REG_DWORD", int(digits, 16))
        if len(_DWORDS) < _DWORD_CACHE:
            _DWORDS[digits] = value
    return value


def quick_value(text: str) -> tuple[str, RegValue] | None:
    """(name, value) for a plain ``"name"=dword:...`` or ``"name"="text"`` line; None for anything else."""
    match = _QUICK.fullmatch(text)
    if match is None:
        return None
    name, digits, string = match.groups()
    if digits is not None:
        return name, dword_value(digits)
    return name, RegValue("REG_SZ", "".join(_ESCAPE.split(string)) if "\\" in string else string)


def read_hex(text: str) -> tuple[bytes, bool]:
    """Bytes of one line of hex data and whether a ``\\`` continues it on the next line. Raises DroppedValue."""
    more = text.endswith("\\")
    body = text[:-1] if more else text
    size = len(body)
    # Well-formed data, as regedit writes it: two hex digits per byte, a comma after each but (maybe) the last.
    expected = size // 3 + (size % 3 == 2)
    if (size % 3 == 0 or (size % 3 == 2 and not more)) and body[2::3] == "," * (size // 3):
        try:
            data = bytes.fromhex(body.replace(",", ""))
        except ValueError:  # a non-hex character: the general reader says which
            data = b""
        if len(data) == expected:  # fromhex skips white space; then it was not two digits per byte
            return data, more
    return _read_hex_slowly(text)


def _read_hex_slowly(text: str) -> tuple[bytes, bool]:
    """The general case of ``read_hex``: blanks, comments, one-digit bytes and every way of getting it wrong."""
    out = bytearray()
    pos = 0
    while pos < len(text):
        match = _HEX_BYTE.match(text, pos)
        digits, after = (match.group(1), match.end()) if match else ("", pos)  # it matches even the empty string
        if not digits:
            if text.startswith("\\", after):
                if not _only_comment_after(text[after + 1:]):
                    raise DroppedValue("only a ';' comment may follow the '\\' that continues hex data")
                return bytes(out), True
            if text.startswith(";", after):
                return bytes(out), False
            raise DroppedValue(_hex_problem(text, after))
        significant = digits.lstrip("0")
        if len(significant) > 2:
            raise DroppedValue(f"'{show(digits, 10)}' is not a byte (hex data is bytes 00 to ff, comma-separated)")
        out.append(int(significant or "0", 16))
        pos = after
        if pos < len(text) and text[pos] != ",":
            if text[pos:].lstrip(_BLANKS).startswith("\\"):
                raise DroppedValue("a '\\' that continues hex data must follow a comma (write '..,\\')")
            if not _only_comment_after(text[pos:]):
                raise DroppedValue(_after_data_problem(text[pos:]))
            return bytes(out), False
        pos += 1
    return bytes(out), False


def _hex_problem(text: str, at: int) -> str:
    rest = text[at:]
    if not rest:
        return "hex data ends with a comma followed by blanks"
    if rest[0] in "+-" or rest[:2].lower() == "0x" or rest[0].isdigit():
        return f"'{show(rest, 10)}' is not a hex byte (two digits 0-9, a-f; no sign, no '0x', ASCII only)"
    if rest[0] == "#":
        return "regedit reads only ';' comments after data, not '#' ones, so the value is not imported"
    if rest[0] == ",":
        return "two commas in a row in hex data"
    return f"'{show(rest, 10)}' is not a hex byte"


def _strings(raw: bytes, wide: bool) -> list[str]:
    return raw.decode("utf-16-le" if wide else "cp1252", errors="replace").split("\0")


def typed(code: int, raw: bytes, wide: bool) -> RegValue:
    """The value ``hex(code):`` bytes stand for. REGEDIT4 files spell strings in single bytes (``wide`` False).
    Raises UnmodelledValue for what regedit imports but tlsguard does not evaluate."""
    reg_type = HEX_TYPES.get(code)
    if reg_type is None:
        name = OTHER_TYPES.get(code, f"type {code:#x}")
        raise UnmodelledValue(f"hex({code:x}) is {name}; regedit imports it, tlsguard does not evaluate it")
    if reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        return RegValue(reg_type, _strings(raw, wide)[0])
    if reg_type == "REG_MULTI_SZ":
        parts = _strings(raw, wide)
        while parts and parts[-1] == "":
            parts.pop()
        return RegValue(reg_type, tuple(parts))
    if reg_type in ("REG_DWORD", "REG_QWORD"):
        size = 4 if reg_type == "REG_DWORD" else 8
        if len(raw) != size:
            raise UnmodelledValue(f"{reg_type} data of {len(raw)} bytes (regedit imports it, but Windows reads "
                                  f"{size}); tlsguard does not evaluate it")
        return RegValue(reg_type, int.from_bytes(raw, "little"))
    return RegValue(reg_type, raw)


class PendingHex:
    """Hex data continued over several lines; the bytes are joined once, at the end."""

    def __init__(self, line: int, name: str, code: int, first: bytes) -> None:
        self.line, self.name, self.code = line, name, code
        self.chunks = [first]

    def feed(self, text: str) -> bool:
        """Read one continuation line (blanks already skipped); True when yet another line follows."""
        data, more = read_hex(text)
        self.chunks.append(data)
        return more

    def value(self, wide: bool) -> RegValue:
        return typed(self.code, b"".join(self.chunks), wide)


def parse_data(data: str, wide: bool, line: int = 0, name: str = "") -> RegValue | PendingHex | None:
    """The value ``data`` (blanks around it already stripped) stands for; None for the deletion ``-``, a PendingHex
    when hex data continues on the next line. Raises DroppedValue or UnmodelledValue."""
    first = data[:1]
    if first == '"':
        text, after = read_quoted(data, 1)
        if text is None:
            raise DroppedValue("the string is not closed by '\"' (regedit does not continue strings on the next line)")
        if after < len(data) and not _only_comment_after(data[after:]):
            raise DroppedValue(_after_data_problem(data[after:]))
        return RegValue("REG_SZ", text)
    if data.startswith("dword:"):
        match = _DWORD.fullmatch(data, 6)
        if match is None:
            raise DroppedValue(_dword_problem(data[6:]))
        return dword_value(match.group(1))
    if data.startswith("hex:"):
        code, body = 3, data[4:]
    elif data.startswith("hex("):
        match = _HEX_TYPE.match(data)
        if match is None or len(match.group(1).lstrip("0")) > 8:
            raise DroppedValue(f"'{show(data.partition(':')[0], 20)}' is not a type: write hex(N): with N in hex "
                               "from 0 to ffffffff, no '0x'")
        code, body = int(match.group(1), 16), data[match.end():]
    elif first == "-":
        if not _only_comment_after(data[1:]):
            raise DroppedValue("'=-' deletes a value only when nothing but a ';' comment follows it")
        return None
    else:
        raise DroppedValue(data_hint(data))
    chunk, more = read_hex(body)
    if more:
        return PendingHex(line, name, code, chunk)
    return typed(code, chunk, wide)


def _dword_problem(digits: str) -> str:
    text = digits.strip(_BLANKS)
    if not text:
        return "dword: has no digits"
    if text.lower().startswith("0x"):
        return f"dword data is hex digits without '0x' (write dword:{text[2:10].zfill(8).lower()})"
    run = len(text) - len(text.lstrip("0123456789abcdefABCDEF"))
    if run > 8:
        return f"dword data '{show(text, 20)}' has more than 8 hex digits"
    if run and text[run:].lstrip(_BLANKS).startswith("#"):
        return "regedit reads only ';' comments after data, not '#' ones, so the value is not imported"
    if not run or not text[0].isascii():
        return f"dword data '{show(text, 20)}' is not 1 to 8 hex digits (0-9, a-f, ASCII)"
    return f"text after the dword data ('{show(text[run:], 20)}') makes regedit drop the value"
