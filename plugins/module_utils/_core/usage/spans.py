# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Time spans a source's evidence covers, per stream ("schannel", "iis:W3SVC1", "smtp:SmtpReceive")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import jsonread as jr

MAX_SPANS_PER_STREAM = 1000


@dataclass(frozen=True, order=True)
class Span:
    stream: str
    start: str    # ISO time, inclusive
    end: str      # ISO time

    def to_json(self) -> dict:
        return {"stream": self.stream, "start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, data: object, where: str) -> Span:
        data = jr.obj(data, where)
        return cls(jr.string(data, "stream", where), jr.time(data, "start", where), jr.time(data, "end", where))


def union(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Overlapping or touching spans of a stream become one; at most MAX_SPANS_PER_STREAM per stream (the
    oldest are dropped: they are the first to fall out of any window)."""
    by_stream: dict[str, list[Span]] = {}
    for span in sorted(s for s in spans if s.start <= s.end):
        merged = by_stream.setdefault(span.stream, [])
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(span.stream, merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(s for stream in sorted(by_stream) for s in by_stream[stream][-MAX_SPANS_PER_STREAM:])
