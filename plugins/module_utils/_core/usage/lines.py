# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte chunks to complete lines, with bounded memory: a line longer than the limit is dropped as it streams by
(never held whole), and an unterminated last line is left for the next read unless the file is complete."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .cursor import Cursor


class LineSplitter:
    def __init__(self, start: Cursor, max_line: int, too_long: Callable[[int], None]) -> None:
        self.offset = start.offset
        self.line_no = start.line
        self.skipping = start.in_long_line
        self.max_line = max_line
        self.too_long = too_long
        self.carry = b""

    def chunks(self, chunks: Iterable[bytes]) -> Iterator[tuple[int, list[bytes], bool]]:
        """Yield (number of the first line, complete lines, whether any line may start with '#')."""
        for chunk in chunks:
            if not chunk:
                continue
            data = self.carry + chunk if self.carry else chunk
            lines = data.split(b"\n")
            self.carry = lines.pop()
            self.offset += len(data) - len(self.carry)
            if self.skipping and lines:
                self.skipping = False
                self.line_no += 1
                self.too_long(self.line_no)
                del lines[0]
            first = self.line_no + 1
            self.line_no += len(lines)
            if len(self.carry) > self.max_line:
                self.skipping = True
                self.offset += len(self.carry)
                self.carry = b""
            yield first, lines, data[:1] == b"#" or b"\n#" in data

    def finish(self, final: bool) -> tuple[int, bytes] | None:
        """At the end of the input: the unterminated last line (number, text) when ``final``, else None."""
        if final and self.skipping:
            self.offset += len(self.carry)
            self.skipping = False
            self.line_no += 1
            self.too_long(self.line_no)
        elif final and self.carry:
            tail = self.carry
            self.offset += len(tail)
            self.line_no += 1
            self.carry = b""
            return self.line_no, tail
        return None

    @property
    def tail_left(self) -> bool:
        return self.skipping or bool(self.carry.strip())
