# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's example blocks, by name: each fenced block follows a line ``<!-- example: NAME -->``.

A fenced block without that line, a name used twice or a marker without a block is an error, so an example can
neither slip in untested nor disappear without the test noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MARKER = re.compile(r"^<!-- example: ([a-z0-9-]+) -->$")
FENCE = re.compile(r"^```([a-z]*)$")


@dataclass(frozen=True)
class Example:
    name: str
    language: str
    text: str
    line: int  # of the opening fence, 1-based


class ReadmeError(Exception):
    """The README's blocks and markers do not match up."""


def examples(readme: Path) -> dict[str, Example]:
    lines = readme.read_text(encoding="utf-8").splitlines()
    found: dict[str, Example] = {}
    problems: list[str] = []
    index = 0
    while index < len(lines):
        marker = MARKER.match(lines[index])
        fence = FENCE.match(lines[index])
        if marker:
            opening = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
            if not opening:
                problems.append(f"line {index + 1}: marker '{marker.group(1)}' is not followed by a fenced block")
                index += 1
                continue
            end = _closing(lines, index + 2)
            if end is None:
                raise ReadmeError(f"{readme}: line {index + 2}: the block is never closed")
            name = marker.group(1)
            if name in found:
                problems.append(f"line {index + 1}: example '{name}' is named twice")
            found[name] = Example(name, opening.group(1), "\n".join(lines[index + 2:end]) + "\n", index + 2)
            index = end + 1
        elif fence:
            problems.append(f"line {index + 1}: a fenced block without an '<!-- example: NAME -->' line above it")
            end = _closing(lines, index + 1)
            index = (end if end is not None else len(lines)) + 1
        else:
            index += 1
    if problems:
        raise ReadmeError(f"{readme}: " + "; ".join(problems))
    return found


def _closing(lines: list[str], start: int) -> int | None:
    return next((i for i in range(start, len(lines)) if lines[i] == "```"), None)
