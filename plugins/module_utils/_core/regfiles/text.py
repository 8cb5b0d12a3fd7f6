# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text layer of a ``.reg`` file: encoding, lines and the header line, as regedit reads them.

regedit reads a file as UTF-16LE when it starts with the byte-order mark FF FE and as ANSI otherwise; a UTF-16 file
without that mark, or big-endian, is "not a registry script". Its first line must be the header, exactly
``Windows Registry Editor Version 5.00`` or ``REGEDIT4`` (case-sensitive, leading spaces allowed); anything else
and nothing in the file is imported. Source: Wine's regedit conformance tests, which pass on Windows
(reactos/reactos ``modules/rostests/winetests/regedit/regedit.c``: ``test_invalid_import`` header cases,
``test_import_with_whitespace``), and docs/facts-gpp-suites-regfile.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass

from .hints import show

HEADER_V5 = "Windows Registry Editor Version 5.00"
HEADER_V4 = "REGEDIT4"
HEADERS = {HEADER_V5: "5.00", HEADER_V4: "REGEDIT4"}
WIN31_HEADER = "REGEDIT"
BLANKS = " \t"  # regedit skips only spaces and tabs, never other white space


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    refusal: str | None = None  # why regedit would not read the file at all


def _looks_utf16(raw: bytes, zero_at: int) -> bool:
    """Mostly NUL bytes at every other position: UTF-16 text without a byte-order mark."""
    sample = raw[:512]
    if len(sample) < 4:
        return False
    zeros = sample[zero_at::2].count(0)
    return zeros * 4 >= len(sample[zero_at::2]) * 3 and sample[1 - zero_at::2].count(0) == 0


def decode(raw: bytes) -> Decoded:
    if raw.startswith(b"\xff\xfe"):
        return Decoded(raw[2:].decode("utf-16-le", errors="replace"), "utf-16-le")
    if raw.startswith(b"\xfe\xff") or _looks_utf16(raw, 0):
        return Decoded(raw.decode("utf-16-be", errors="replace").lstrip("\ufeff"), "utf-16-be",
                       "it is big-endian UTF-16 (regedit reads only little-endian UTF-16 with a byte-order mark, "
                       "as it exports, or ANSI)")
    if _looks_utf16(raw, 1):
        return Decoded(raw.decode("utf-16-le", errors="replace"), "utf-16-le",
                       "it is UTF-16 without the byte-order mark FF FE that regedit needs to read it as Unicode "
                       "(save it as 'UTF-16 LE with BOM', as regedit exports)")
    if raw.startswith(b"\xef\xbb\xbf"):
        return Decoded(raw[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return Decoded(raw.decode("cp1252", errors="replace"), "cp1252")


def split_lines(text: str) -> list[str]:
    """CR LF, CR and LF each end a line (str.splitlines() would also split on form feeds and other controls)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass(frozen=True)
class Header:
    format: str | None
    refusal: str | None = None
    warning: str | None = None


def read_header(lines: list[str]) -> Header:
    first = lines[0].lstrip(BLANKS) if lines else ""
    if first in HEADERS:
        return Header(HEADERS[first])
    trimmed = first.rstrip(BLANKS)
    if trimmed in HEADERS:
        # Wine's regedit compares the whole line and refuses this; Windows' behaviour is not documented.
        warning = (f"the header line ends in spaces or tabs; Wine's regedit refuses such a file and Windows may too: "
                   f"remove them after '{trimmed}'")
        return Header(HEADERS[trimmed], warning=warning)
    return Header(None, refusal=_header_problem(first, lines))


def _header_problem(first: str, lines: list[str]) -> str:
    if len(lines) <= 1 and not first.strip():
        return "the file is empty"
    for header in HEADERS:
        if first.casefold() == header.casefold():
            return f"its header '{show(first)}' differs from '{header}' in case, and regedit compares it exactly"
    if first == WIN31_HEADER:
        return ("it is a Windows 3.1 registration file (header 'REGEDIT'), which sets only HKEY_CLASSES_ROOT "
                "default values")
    if first.startswith(WIN31_HEADER):
        return f"its header '{show(first)}' is not '{HEADER_V5}' or '{HEADER_V4}'"
    later = next((n for n, line in enumerate(lines[1:50], start=2) if line.strip(BLANKS) in HEADERS), None)
    if later is not None:
        return f"its header is on line {later}, and regedit reads the header only on line 1"
    if not first.strip():
        return f"its first line is empty; line 1 must be '{HEADER_V5}' (or '{HEADER_V4}')"
    return f"line 1 is '{show(first)}', not the header '{HEADER_V5}' (or '{HEADER_V4}')"
