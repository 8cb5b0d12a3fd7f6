# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render registry values as a ``.reg`` file (Windows Registry Editor Version 5.00, UTF-16LE with BOM)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..registry import RegRef, RegValue
from .text import HEADER_V5

HEX_TYPE_CODES = {"REG_NONE": "hex(0)", "REG_SZ": "hex(1)", "REG_BINARY": "hex", "REG_EXPAND_SZ": "hex(2)",
                  "REG_MULTI_SZ": "hex(7)", "REG_QWORD": "hex(b)"}
WRAP_AT = 76  # regedit breaks hex data lines near 80 columns


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def value_bytes(value: RegValue) -> bytes:
    """The raw bytes Windows stores for a value (what ``hex(...)`` notation spells out)."""
    if value.type in ("REG_SZ", "REG_EXPAND_SZ"):
        return (value.as_str() + "\0").encode("utf-16-le")
    if value.type == "REG_MULTI_SZ":
        return ("".join(s + "\0" for s in value.as_strings()) + "\0").encode("utf-16-le")
    if value.type == "REG_QWORD":
        return value.as_int().to_bytes(8, "little")
    if value.type == "REG_DWORD":
        return value.as_int().to_bytes(4, "little")
    return value.as_bytes()


def _hex_lines(prefix: str, data: bytes) -> str:
    parts = [f"{b:02x}" for b in data]
    lines: list[str] = []
    line = prefix
    for index, part in enumerate(parts):
        piece = part + ("," if index < len(parts) - 1 else "")
        if len(line) + len(piece) > WRAP_AT and line.strip():
            lines.append(line + "\\")
            line = "  "
        line += piece
    lines.append(line)
    return "\r\n".join(lines)


def value_line(name: str, value: RegValue | None) -> str:
    """One value assignment; ``None`` renders the deletion form ``"name"=-``."""
    if "\r" in name or "\n" in name:
        raise ValueError(f"value name {name!r} contains a line break; a .reg file cannot express it")
    left = "@" if name == "" else quote(name)
    if value is None:
        return f"{left}=-"
    # A string with a line break cannot be quoted; it falls through to the unambiguous hex(1) form.
    if value.type == "REG_SZ" and not ("\r" in value.as_str() or "\n" in value.as_str()):
        return f"{left}={quote(value.as_str())}"
    if value.type == "REG_DWORD":
        return f"{left}=dword:{value.as_int():08x}"
    return _hex_lines(f"{left}={HEX_TYPE_CODES[value.type]}:", value_bytes(value))


def _grouped(values: Iterable[tuple[RegRef, RegValue | None]]) -> dict[tuple[str, str], tuple[str, list]]:
    groups: dict[tuple[str, str], tuple[str, list]] = {}
    for where, value in values:
        groups.setdefault(where.key_norm, (where.long_key, []))[1].append((where.name, value))
    return dict(sorted(groups.items()))


def render_values(values: Mapping[RegRef, RegValue | None]) -> str:
    """Diff text: every touched key, with only the values that are present (absent ones are omitted)."""
    blocks = []
    for long_key, items in _grouped(values.items()).values():
        lines = [f"[{long_key}]"] + [value_line(name, value) for name, value in items if value is not None]
        blocks.append("\n".join(line.replace("\r\n", "\n") for line in lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def render_reg(changes: Iterable[tuple[RegRef, RegValue | None]], comment: str = "") -> bytes:
    """A complete ``.reg`` file that applies the changes (deletions as ``"name"=-``)."""
    lines = [HEADER_V5, ""]
    for text in comment.splitlines():
        lines.append(f"; {text}".rstrip())
    if comment:
        lines.append("")
    for long_key, items in _grouped(changes).values():
        lines.append(f"[{long_key}]")
        lines.extend(value_line(name, value) for name, value in items)
        lines.append("")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")
