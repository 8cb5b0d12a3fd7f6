# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One bounded read of SCHANNEL events from a checkpoint, exactly as the host module does it, over events the
caller supplies (flat field dicts, oldest first: an exported log, or the lab's). Result: ``EventReadReply``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .counting import RawCounter
from .eventxml import count_event
from .logread import counter_notes
from .notes import Notes
from .reply import EventReadReply
from .spec import CountSpec
from .timefmt import normalise

MAX_EVENTS = 200_000
MAX_EVENTS_LIMIT = 5_000_000


def _record(fields: Mapping[str, str]) -> int | None:
    text = fields.get("@record", "")
    return int(text) if text.isdigit() and len(text) <= 19 else None


def read_events(log: Iterable[dict[str, str]], spec: CountSpec, *, ids: Iterable[int], after_record_id: int | None,
                after_time: str, since: str, max_events: int, read_at: str) -> EventReadReply:
    """Events with one of ``ids`` and a record id above ``after_record_id`` (or, on a first read, a time at or
    after ``since``), at most ``max_events`` of them; plus where the log begins and ends now."""
    wanted = {str(i) for i in ids}
    records = list(log)
    numbered = [r for r in (_record(f) for f in records) if r is not None]
    newest = max(numbered) if numbered else None
    notes = Notes()
    counter = RawCounter(spec.names, spec.fold_to, spec.max_groups, spec.max_field_bytes)
    read = 0
    truncated = False
    last_id: int | None = None
    last_time = oldest_time = ""
    oldest_id: int | None = None
    for fields in records:
        record = _record(fields)
        if record is None:
            continue
        time = normalise(fields.get("@time", "")) or ""
        if oldest_id is None or record < oldest_id:
            oldest_id, oldest_time = record, time
        if fields.get("@id") not in wanted:
            continue
        if after_record_id is not None and record <= after_record_id:
            continue
        if after_record_id is None and since and time < since:
            continue
        if read >= max_events:
            truncated = True
            continue
        count_event(fields, spec, counter)
        read += 1
        last_id, last_time = record, time
    counter_notes(counter, notes, "SCHANNEL events")
    if truncated:
        notes.add("events_truncated", f"SCHANNEL: more than {max_events:,} events waiting; this read stopped at "
                  f"record {last_id} ({last_time}) and the next one goes on from there")
    return EventReadReply(tuple(counter.groups(_text)), read, truncated, after_record_id, after_time, last_id,
                          last_time, oldest_id, oldest_time, newest, read_at, notes.result())


def _text(value: object) -> str | None:
    return value if isinstance(value, str) or value is None else str(value)
