"""From one host reply to one run's evidence: EventLogging rules, wrapped and cleared logs, folder spans, and
the reply parser's messages."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis, schannel
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import Checkpoint
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.eventread import read_events
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.evidence import run_evidence
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import W3C
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.reply import IisSite, UsageReply
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spans import Span
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    FIXTURES,
    event_dicts,
    read_folder_tree,
)

READ_AT = "2024-05-07T12:00:00Z"
NOT_BEFORE = "2024-04-07T12:00:00Z"
EVENTS = ("schannel_36880_tls10.xml", "schannel_36880_4field.xml", "schannel_36880_eventdata_client.xml",
          "schannel_36874.xml", "schannel_36871.xml")
SITES = (IisSite(1, "Default Web Site", r"C:\inetpub\logs\LogFiles\W3SVC1", "W3C", True,
                 (("http", "*:80:"), ("https", "*:443:")),
                 (("crypt-protocol", "CRYPT_PROTOCOL", "ServerVariable"),
                  ("OriginalIP", "X-FORWARDED-FOR", "RequestHeader"))),)


def reply(*, event_logging=7, boot="2024-04-01T00:00:00Z", written="2024-03-31T00:00:00Z", after=None,
          log=None, previous=("", "")) -> UsageReply:
    events = read_events(log if log is not None else event_dicts(*EVENTS), schannel.SPEC, ids=schannel.EVENT_IDS,
                         after_record_id=after[0] if after else None, after_time=after[1] if after else "",
                         since=NOT_BEFORE, max_events=1000, read_at=READ_AT)
    files = read_folder_tree(FIXTURES / "iis", "u_ex24*.log", iis.SPEC, W3C, read_at=READ_AT, not_before=NOT_BEFORE)
    cp = Checkpoint("cp-2", previous[0], previous[1], READ_AT, None, files.positions)
    return UsageReply(cp, "controller" if previous[0] else "none", events, files, None, event_logging, written, boot,
                      SITES)


def test_a_first_run_covers_from_the_oldest_event_and_first_line():
    run = run_evidence(reply(), None, NOT_BEFORE)
    assert run.spans == (Span("iis:W3SVC1", "2024-05-06T00:00:01Z", READ_AT),
                         Span("iis:W3SVC2", "2024-05-06T00:00:02Z", READ_AT),
                         Span("schannel", "2024-05-06T09:14:03Z", READ_AT))
    assert [(s.name, s.on) for s in run.sources] == [("schannel", True), ("iis", True), ("smtp", False)]
    assert run.sources[0].since == "2024-04-01T00:00:00Z"
    assert [n.note.message for n in run.notes] == ["the System log reaches back only to 2024-05-06T09:14:03Z"]
    assert run.sites[0].crypt_field and run.sites[0].forwarded_for and run.sites[0].https
    legacy = sorted((g.key.source, g.key.protocol) for g in run.groups if g.key.legacy)
    assert legacy == [("iis", "tls1_0"), ("iis", "tls1_0"), ("iis", "tls1_0"), ("iis", "tls1_1"), ("iis", "tls1_1"),
                      ("schannel_client", "tls1_0"), ("schannel_server", "tls1_0"), ("schannel_server", "tls1_1")]
    assert [(f.key.event_id, f.count) for f in run.failures] == [(36871, 1), (36874, 1)]


@pytest.mark.parametrize("level, written, message", [
    (None, "", "SCHANNEL EventLogging is 1: successful handshakes (event 36880) are not logged"),
    (3, "", "SCHANNEL EventLogging is 3: successful handshakes (event 36880) are not logged"),
    (7, "2024-05-01T00:00:00Z", "SCHANNEL EventLogging was set at 2024-05-01T00:00:00Z, after the last restart at "
     "2024-04-01T00:00:00Z; it applies from the next restart (KB 260729)"),
])
def test_eventlogging_that_is_off_or_not_yet_in_effect_gives_no_span(level, written, message):
    run = run_evidence(reply(event_logging=level, written=written), None, NOT_BEFORE)
    assert run.sources[0].on is False and run.sources[0].detail.startswith(message)
    assert not [s for s in run.spans if s.stream == "schannel"]


def test_eventlogging_stays_in_effect_across_a_reboot_when_the_key_did_not_change():
    first = run_evidence(reply(boot="2024-04-01T00:00:00Z"), None, NOT_BEFORE)
    first = replace(first, checkpoint=replace(first.checkpoint, taken_at="2024-05-07T00:00:00Z"))
    rebooted = run_evidence(reply(boot="2024-05-07T06:00:00Z", after=(1184441, "2024-05-07T00:00:00Z"),
                                  previous=("cp-1", "2024-05-07T00:00:00Z"), log=[]), first, NOT_BEFORE)
    assert rebooted.sources[0].since == "2024-04-01T00:00:00Z"
    assert [s for s in rebooted.spans if s.stream == "schannel"] == [
        Span("schannel", "2024-05-07T00:00:00Z", READ_AT)]
    changed = run_evidence(reply(boot="2024-05-07T06:00:00Z", written="2024-05-07T05:00:00Z",
                                 after=(1184441, "2024-05-07T00:00:00Z"), log=[]), first, NOT_BEFORE)
    assert [s.start for s in changed.spans if s.stream == "schannel"] == ["2024-05-07T06:00:00Z"]


UNKNOWN_WRITE = ("the host did not say when the SCHANNEL key was last written, so it is unknown whether "
                 "EventLogging 7 was set before the last restart at 2024-04-01T00:00:00Z; it applies only from the "
                 "restart after it is set (KB 260729), so SCHANNEL coverage is not counted until the write time "
                 "can be read")


def _credited_run(value: int | None = 7):
    """A stored run that credited SCHANNEL since 2024-04-01 with ``value`` (None: a store from before values)."""
    first = run_evidence(reply(), None, NOT_BEFORE)
    sources = (replace(first.sources[0], value=value), *first.sources[1:])
    return replace(first, sources=sources, checkpoint=replace(first.checkpoint, taken_at="2024-05-07T00:00:00Z"))


def test_an_unknown_key_write_time_credits_no_schannel_coverage_on_a_first_run():
    run = run_evidence(reply(written=""), None, NOT_BEFORE)
    assert (run.sources[0].on, run.sources[0].since, run.sources[0].detail) == (False, "", UNKNOWN_WRITE)
    assert not [s for s in run.spans if s.stream == "schannel"]


def test_a_key_written_in_the_second_of_the_boot_is_not_known_to_be_before_it():
    run = run_evidence(reply(written="2024-04-01T00:00:00Z"), None, NOT_BEFORE)
    assert run.sources[0].on is False and "after the last restart" in run.sources[0].detail


def test_an_unknown_write_time_keeps_the_credit_of_a_run_that_read_the_same_value():
    later = reply(written="", boot="2024-05-07T06:00:00Z", after=(1184441, "2024-05-07T00:00:00Z"),
                  previous=("cp-1", "2024-05-07T00:00:00Z"), log=[])
    run = run_evidence(later, _credited_run(7), NOT_BEFORE)
    assert (run.sources[0].on, run.sources[0].since, run.sources[0].value) == (True, "2024-04-01T00:00:00Z", 7)
    assert [s.start for s in run.spans if s.stream == "schannel"] == ["2024-05-07T00:00:00Z"]


@pytest.mark.parametrize("stored", [5, None], ids=["value-changed", "store-without-value"])
def test_an_unknown_write_time_after_a_value_change_or_without_a_stored_value_credits_nothing(stored):
    later = reply(written="", after=(1184441, "2024-05-07T00:00:00Z"), previous=("cp-1", "2024-05-07T00:00:00Z"),
                  log=[])
    run = run_evidence(later, _credited_run(stored), NOT_BEFORE)
    assert (run.sources[0].on, run.sources[0].detail) == (False, UNKNOWN_WRITE)
    assert not [s for s in run.spans if s.stream == "schannel"]


def test_a_wrapped_log_starts_again_at_its_oldest_record_with_a_blocking_note():
    log = event_dicts(*EVENTS)
    run = run_evidence(reply(after=(1000, "2024-05-01T00:00:00Z"), log=log), None, NOT_BEFORE)
    [note] = [n.note for n in run.notes if n.note.kind == "event_log_wrapped"]
    assert note.blocks_gate
    assert note.message.startswith("the System log wrapped: records after 1000 (2024-05-01T00:00:00Z) up to 1184411 "
                                   "were overwritten before they were read; coverage starts again at "
                                   "2024-05-06T09:14:03Z")
    assert [s.start for s in run.spans if s.stream == "schannel"] == ["2024-05-06T09:14:03Z"]


def test_a_cleared_log_is_noted():
    run = run_evidence(reply(after=(99_999_999, "2024-05-07T00:00:00Z")), None, NOT_BEFORE)
    assert [n.note.kind for n in run.notes if n.note.blocks_gate] == ["event_log_cleared"]


def test_the_reply_round_trips_and_bad_replies_name_the_field():
    original = reply()
    assert UsageReply.from_json(original.to_json()) == original
    data = original.to_json()
    data["iis"]["groups"][0]["count"] = 0
    with pytest.raises(HostReplyError, match=r"^host reply\.iis\.groups\[0\]\.count: should be an integer of at "
                                             r"least 1, got 0$"):
        UsageReply.from_json(data)
    data = original.to_json()
    data["events"]["groups"][1]["fields"]["Type"] = 7
    with pytest.raises(HostReplyError, match=r"^host reply\.events\.groups\[1\]\.fields\.Type: should be a string or "
                                             r"null, got int$"):
        UsageReply.from_json(data)
    data = original.to_json()
    data["checkpoint_source"] = "elsewhere"
    with pytest.raises(HostReplyError, match="checkpoint_source: 'elsewhere' is not one of controller, host, none"):
        UsageReply.from_json(data)
    with pytest.raises(HostReplyError, match=r"^host reply: should be an object, got list$"):
        UsageReply.from_json([])


def test_a_folder_cut_by_the_read_budget_covers_only_up_to_its_last_line_and_the_next_run_goes_on():
    first = read_folder_tree(FIXTURES / "iis", "u_ex24*.log", iis.SPEC, W3C, read_at=READ_AT, not_before=NOT_BEFORE,
                             max_bytes=900)
    cp1 = Checkpoint("cp-1", "", "", READ_AT, None, first.positions)
    run1 = run_evidence(UsageReply(cp1, "none", None, first, None, 7, "", "", None), None, NOT_BEFORE)
    assert {f.folder: f.complete for f in first.folders} == {"W3SVC1": False, "W3SVC2": False}
    assert run1.spans == (Span("iis:W3SVC1", "2024-05-06T00:00:01Z", "2024-05-06T00:00:09Z"),)
    later = "2024-05-07T13:00:00Z"
    second = read_folder_tree(FIXTURES / "iis", "u_ex24*.log", iis.SPEC, W3C, previous=cp1, read_at=later,
                              not_before=NOT_BEFORE, max_bytes=900)
    cp2 = Checkpoint("cp-2", "cp-1", READ_AT, later, None, second.positions)
    run2 = run_evidence(UsageReply(cp2, "controller", None, second, None, 7, "", "", None), run1, NOT_BEFORE)
    assert (run2.spans[0].stream, run2.spans[0].start) == ("iis:W3SVC1", "2024-05-06T00:00:12Z")   # goes on
