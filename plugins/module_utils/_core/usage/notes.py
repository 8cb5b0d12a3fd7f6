# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a reader skipped, cut or capped, said once per kind with a count and the first place it happened.

Hostile input (a million broken lines) gives one note with a count, never a million notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import jsonread as jr

MAX_KINDS = 64


@dataclass(frozen=True)
class Note:
    kind: str        # e.g. "line_too_long", "wrong_field_count", "clients_capped"
    message: str     # a sentence about the first occurrence, naming file and line where there is one
    count: int = 1
    blocks_gate: bool = False  # True when the skipped input might have hidden legacy use

    def to_json(self) -> dict:
        return {"kind": self.kind, "message": self.message, "count": self.count, "blocks_gate": self.blocks_gate}

    @classmethod
    def from_json(cls, data: object, where: str) -> Note:
        data = jr.obj(data, where)
        return cls(jr.string(data, "kind", where)[:64], jr.string(data, "message", where)[:1000],
                   jr.integer(data, "count", where, 1, low=1), jr.boolean(data, "blocks_gate", where, False))

    def describe(self) -> str:
        more = self.count - 1
        return self.message + (f" ({more:,} more like it)" if more > 0 else "")


class Notes:
    """Collects notes by kind (bounded): the first message is kept, later ones only counted."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Note] = {}
        self.dropped_kinds = 0

    def add(self, kind: str, message: str, count: int = 1, blocks_gate: bool = False) -> None:
        seen = self._by_kind.get(kind)
        if seen is not None:
            self._by_kind[kind] = Note(kind, seen.message, seen.count + count, seen.blocks_gate or blocks_gate)
        elif len(self._by_kind) < MAX_KINDS:
            self._by_kind[kind] = Note(kind, message, count, blocks_gate)
        else:
            self.dropped_kinds += 1

    def extend(self, notes: Iterable[Note]) -> None:
        for note in notes:
            self.add(note.kind, note.message, note.count, note.blocks_gate)

    def result(self) -> tuple[Note, ...]:
        return tuple(self._by_kind.values())
