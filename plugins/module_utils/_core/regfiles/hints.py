# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short, actionable words for the lines regedit ignores: what the line looks like and how to write it instead.

Every message quotes at most a short prefix of the file's text (``show``), so a 50 MB line cannot become a
50 MB message.
"""

from __future__ import annotations

import re

from ..errors import suggest

QUOTE_LIMIT = 60
TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_UNQUOTED_NAME = re.compile(r"([A-Za-z0-9_.\-]+(?: [A-Za-z0-9_.\-]+)*)[ \t]*=[ \t]*(.*)", re.S)
_LOOSE_DWORD = re.compile(r"\(?[ \t]*(?:reg_)?dword[ \t]*\)?[ \t]*:[ \t]*(?:0x)?([0-9a-f]{1,8})[ \t]*(?:;.*)?",
                          re.I | re.S | re.A)
_DATA_TYPES = ("dword", "hex", "hex(2)", "hex(7)", "hex(b)")
_BARE_KEY = re.compile(r"-?(HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)(\\|$)", re.I)


def show(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as a message may quote it: control characters escaped, cut after ``limit`` characters."""
    cut = text[:limit]
    if not cut.isprintable():
        cut = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return cut + ("..." if len(text) > limit else "")


def loose_dword(data: str) -> str | None:
    """``dword:0000000a`` for data people write as ``DWORD:0xA`` or ``(DWORD): 0xa``; None when it is not one."""
    match = _LOOSE_DWORD.fullmatch(data.strip())
    return f"dword:{int(match.group(1), 16):08x}" if match else None


def data_hint(data: str) -> str:
    """Why regedit does not read ``data`` (the text after '=') as a value, and the spelling it reads."""
    stripped = data.strip(" \t")
    lowered = stripped.lower()
    if not stripped:
        return "there is no data after '='"
    if stripped[:1] in TYPOGRAPHIC_QUOTES:
        return "the data is in typographic quotes (\u201c \u201d); regedit reads only straight double quotes (\")"
    fixed = loose_dword(stripped)
    if lowered.startswith(("dword:", "hex:", "hex(")):
        return (f"regedit reads the type only in lowercase ('dword:', 'hex:', 'hex(N):'), not "
                f"'{show(stripped.partition(':')[0], 12)}:'" + (f" (write {fixed})" if fixed else ""))
    if fixed:
        return f"'{show(stripped, 30)}' is not .reg syntax (write {fixed})"
    if stripped[:1].isdigit():
        return (f"'{show(stripped, 20)}' has no type: a number is written dword: and up to 8 hexadecimal digits "
                "(for example dword:00000001)")
    prefix = stripped.partition(":")[0] if ":" in stripped else stripped
    return (f"unknown value type '{show(prefix, 20)}'{suggest(prefix[:20], _DATA_TYPES)} (regedit reads \"text\", "
            "dword:, hex: and hex(N):)")


def line_hint(line: str) -> str:
    """Why regedit ignores a line that starts with none of '[', '"', '@', ';' or '#'."""
    if line[:1] in TYPOGRAPHIC_QUOTES:
        return ("the value name is in typographic quotes (\u201c \u201d); regedit reads only straight double quotes "
                "(\"), so it ignores the line: replace \u201c and \u201d with \"")
    bare = _BARE_KEY.match(line)
    if bare:
        return f"a key path without brackets, which regedit ignores (write [{show(line.strip(), 80)}])"
    unquoted = _UNQUOTED_NAME.fullmatch(line.rstrip(" \t"))
    if unquoted:
        name, data = unquoted.groups()
        fixed = loose_dword(data)
        example = f'"{show(name, 40)}"={fixed or show(data, 20)}'
        return f"the value name {show(name, 40)} is not in double quotes, so regedit ignores the line (write {example})"
    return f"regedit ignores this line: '{show(line)}'"
