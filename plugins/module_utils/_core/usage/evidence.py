# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One host reply to one run's ``Aggregate``: typed groups, the spans each stream covers, and which sources
were on. This is where the evidence rules live (docs/usage.md, "Coverage"):

* SCHANNEL covers a span only while ``EventLogging`` has bit 0x4 and is in effect. The value applies after a
  restart (KB 260729), so it counts from the last boot when the SCHANNEL key was last written before it, and
  not at all when it was written after or when the write time is unknown (""): a gate must not pass on evidence
  that may be missing. It stays in effect across later boots as long as the key is unchanged since a run that
  credited it (when the write time is unknown: as long as the value is the one that run read).
* The span of an event read starts where the previous one ended; if the oldest record left in the System log is
  newer than that, the log wrapped and the span starts at the oldest record (the rest is lost).
* A log folder's span starts at the previous checkpoint when the read went on from it, else at its first line
  (but not before the window); it ends when the read ended.
"""

from __future__ import annotations

from ..turnon.eventlogging import DEFAULT_EVENT_LOGGING, INFO_BIT
from ..turnon.logfields import CRYPT_PROTOCOL, FORWARDED_FOR
from . import iis, schannel, smtp
from .aggregate import Aggregate, RunNote, SiteState, SourceState, merge_failures, merge_groups
from .model import FailureCount, Group, RawGroup
from .notes import Notes
from .reply import EventReadReply, FileReadReply, IisSite, UsageReply
from .spans import Span, union
from .timefmt import normalise

CRYPT_SOURCE = CRYPT_PROTOCOL.source.casefold()
FORWARDED_SOURCE = FORWARDED_FOR.source.casefold()


def _level(reply: UsageReply) -> int:
    return reply.event_logging if reply.event_logging is not None else DEFAULT_EVENT_LOGGING


def _schannel_since(reply: UsageReply, store: Aggregate | None) -> tuple[str, str]:
    """(since when EventLogging is in effect, why not when "")."""
    level = _level(reply)
    if not level & INFO_BIT:
        return "", (f"SCHANNEL EventLogging is {level}: successful handshakes (event 36880) are not logged; a value "
                    "with 0x4 (4 to 7) logs them after the next restart (KB 260729)")
    boot, written = reply.last_boot, reply.schannel_key_written
    if not boot:
        return "", "the host did not say when it last started, so it is unknown since when EventLogging applies"
    if written and written >= boot:
        return "", (f"SCHANNEL EventLogging was set at {written}, after the last restart at {boot}; it applies "
                    "from the next restart (KB 260729)")
    previous = next((s for s in (store.sources if store else ()) if s.name == "schannel" and s.on), None)
    last_run = store.checkpoint.taken_at if store and store.checkpoint else ""
    credited = previous is not None and bool(previous.since) and bool(last_run)
    if written:
        if previous is not None and credited and written <= last_run:
            return min(previous.since, boot), ""
        return boot, ""
    # Unknown write time: only a run that credited the same value vouches that it was in effect.
    if previous is not None and credited and previous.value == level:
        return min(previous.since, boot), ""
    return "", (f"the host did not say when the SCHANNEL key was last written, so it is unknown whether EventLogging "
                f"{level} was set before the last restart at {boot}; it applies only from the restart after it is "
                "set (KB 260729), so SCHANNEL coverage is not counted until the write time can be read")


def _event_span(events: EventReadReply, since: str, not_before: str, notes: Notes) -> Span | None:
    if events.after_record_id is not None and events.oldest_record_id is not None \
            and events.oldest_record_id > events.after_record_id + 1:
        notes.add("event_log_wrapped", f"the System log wrapped: records after {events.after_record_id} "
                  f"({events.after_time}) up to {events.oldest_record_id - 1} were overwritten before they were "
                  f"read; coverage starts again at {events.oldest_time} (raise the log size with wevtutil sl System "
                  "/ms:<bytes>)", blocks_gate=True)
        start = events.oldest_time
    elif events.after_record_id is not None and events.newest_record_id is not None \
            and events.newest_record_id < events.after_record_id:
        notes.add("event_log_cleared", f"the System log was cleared or replaced: its newest record "
                  f"{events.newest_record_id} is older than record {events.after_record_id} read last time",
                  blocks_gate=True)
        start = events.oldest_time
    elif events.after_record_id is not None:
        start = events.after_time
    else:
        start = max(not_before, events.oldest_time) if events.oldest_time else events.read_at
        if events.oldest_time > not_before:
            notes.add("event_log_short", f"the System log reaches back only to {events.oldest_time}")
    start = max(start or events.read_at, since)
    end = events.end[1] or events.read_at
    return Span("schannel", start, end) if start <= end else None


def _folder_spans(prefix: str, read: FileReadReply, previous_at: str, not_before: str) -> list[Span]:
    firsts: dict[str, str] = {}
    lasts: dict[str, str] = {}
    for raw in read.groups:
        folder = (raw.fields.get("dir") or "").casefold()
        first, last = normalise(raw.first), normalise(raw.last)
        if first and folder:
            firsts[folder] = min(firsts.get(folder, first), first)
        if last and folder:
            lasts[folder] = max(lasts.get(folder, last), last)
    spans = []
    for entry in read.folders:
        key = entry.folder.casefold()
        first = firsts.get(key)
        if entry.continued and previous_at:
            # The last run may have stopped early (read budget): what it left starts at this run's first line.
            start = min(previous_at, first) if first else previous_at
        else:
            start = max(not_before, first) if first else read.read_at
        end = read.read_at if entry.complete else lasts.get(key, "")
        if end and start <= end:
            spans.append(Span(f"{prefix}:{entry.folder}", start, end))
    return spans


def site_state(site: IisSite) -> SiteState:
    sources = {source.casefold() for _name, source, _kind in site.custom_fields}
    return SiteState(site.folder, site.name, any(p.casefold() == "https" for p, _info in site.bindings),
                     CRYPT_SOURCE in sources, FORWARDED_SOURCE in sources,
                     site.logging_enabled and site.log_format.casefold() == "w3c")


def run_evidence(reply: UsageReply, store: Aggregate | None, not_before: str) -> Aggregate:
    """The Aggregate of one run; ``store`` is what the controller kept so far (for the EventLogging history)."""
    notes = Notes()
    groups: list[Group] = []
    failures: list[FailureCount] = []
    spans: list[Span] = []
    sources: list[SourceState] = []

    def take(raw_groups: tuple[RawGroup, ...], interpret) -> None:
        for raw in raw_groups:
            typed = interpret(raw, notes)
            if isinstance(typed, Group):
                groups.append(typed)
            elif isinstance(typed, FailureCount):
                failures.append(typed)

    if reply.events is not None:
        notes.extend(reply.events.notes)
        take(reply.events.groups, schannel.interpret)
        since, why_not = _schannel_since(reply, store)
        span = _event_span(reply.events, since, not_before, notes) if since else None
        if span:
            spans.append(span)
        sources.append(SourceState("schannel", bool(since), why_not or f"EventLogging {reply.event_logging} in "
                                   f"effect since {since}", since, _level(reply)))
    else:
        sources.append(SourceState("schannel", False, "SCHANNEL events were not read"))
    previous_at = reply.checkpoint.previous_taken_at
    for name, read, interpret in (("iis", reply.iis, iis.interpret), ("smtp", reply.smtp, smtp.interpret)):
        if read is None:
            sources.append(SourceState(name, False, f"{name.upper()} logs were not read"))
            continue
        notes.extend(read.notes)
        take(read.groups, interpret)
        spans.extend(_folder_spans(name, read, previous_at, not_before))
        files = sum(f.files for f in read.folders)
        sources.append(SourceState(name, bool(read.folders), f"{len(read.folders)} log folder(s), {files} file(s) "
                                   "in the window" if read.folders else f"no {name.upper()} log files found"))
    at = reply.checkpoint.taken_at
    return Aggregate(merge_groups(groups), merge_failures(failures), union(spans),
                     tuple(RunNote(at, n) for n in notes.result()), tuple(sources),
                     tuple(site_state(s) for s in reply.iis_sites) if reply.iis_sites is not None else None,
                     reply.checkpoint, 1)
