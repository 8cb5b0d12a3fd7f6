# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a reader stopped in one log file, with what it needs to go on mid-file."""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEADER_CHARS = 8192  # a #Fields line longer than this is not a header IIS or Exchange writes


@dataclass(frozen=True)
class Cursor:
    offset: int = 0       # bytes consumed: the end of the last complete line
    line: int = 0         # lines consumed (for messages that name the line)
    header: str = ""      # the #Fields line in force at offset (without "#Fields:"); "" before the first one
    date: str = ""        # the last #Date value (W3C) before offset
    in_long_line: bool = False  # offset is inside a line longer than the limit: skip to the next newline


@dataclass(frozen=True)
class ReadResult:
    cursor: Cursor
    lines: int           # data lines counted (CSV logs: lines that matched)
    unreadable: int      # data lines skipped: wrong field count, no #Fields yet, too long
    tail_left: bool      # an incomplete last line was left for the next read
