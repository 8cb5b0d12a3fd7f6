# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Product versions compared numerically per dotted component ('15.01.1466.003' == '15.1.1466.3').

Missing trailing components count as 0, so '12.0.4439' == '12.0.4439.0' < '12.0.4439.1'.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_VERSION = re.compile(r"^\d{1,9}(?:\.\d{1,9}){0,5}$")


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    parts: tuple[int, ...]

    @classmethod
    def parse(cls, text: object) -> Version:
        """'12.0.4439.1' -> Version((12, 0, 4439, 1)); anything else is a ValueError naming the text."""
        cleaned = text.strip() if isinstance(text, str) else ""
        if not _VERSION.match(cleaned):
            raise ValueError(f"'{text}' is not a dotted version number (like 12.0.4439.1)")
        return cls(tuple(int(p) for p in cleaned.split(".")))

    def _key(self) -> tuple[int, ...]:
        parts = list(self.parts)
        while parts and parts[-1] == 0:
            parts.pop()
        return tuple(parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        width = max(len(self.parts), len(other.parts))
        return self.parts + (0,) * (width - len(self.parts)) < other.parts + (0,) * (width - len(other.parts))

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts)


def version_or_none(text: object) -> Version | None:
    """The version, or None when ``text`` is not one (the caller records why)."""
    try:
        return Version.parse(text)
    except ValueError:
        return None
