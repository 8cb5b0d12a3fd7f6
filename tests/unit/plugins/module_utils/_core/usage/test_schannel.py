"""SCHANNEL events: both 36880 XML shapes, 4- and 8-field variants, Type in any case, failures, hostile XML."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import schannel
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.eventread import read_events
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.eventxml import (
    MAX_EVENT_CHARS,
    event_fields,
    iter_event_xml,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.model import FailureCount, Group
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    event_dicts,
    fixture,
)

ALL = ("schannel_36880_published.xml", "schannel_36880_tls10.xml", "schannel_36880_4field.xml",
       "schannel_36880_eventdata_client.xml", "schannel_36888_published.xml", "schannel_36874.xml",
       "schannel_36871.xml")


def test_published_36880_userdata_shape_to_a_flat_dict():
    [fields] = event_dicts("schannel_36880_published.xml")
    assert fields == {"@id": "36880", "@record": "68584070", "@time": "2026-09-21T10:00:00.0000000Z",
                      "@provider": "Schannel", "@computer": "acme-dc1v.example.com", "Type": "server",
                      "Protocol": "TLS 1.2", "CipherSuite": "0xc030", "ExchangeStrength": "384",
                      "ContextHandle": "0x0", "TargetName": "", "LocalCertSubjectName": "CN=acme-dc1v.example.com",
                      "RemoteCertSubjectName": ""}


def test_eventdata_shape_and_upper_case_client_type():
    [fields] = event_dicts("schannel_36880_eventdata_client.xml")
    record = schannel.interpret_event(fields)
    assert record == schannel.Handshake("client", "tls1_0", "", "legacy-crm.corp.example.com", "CLIENT")


def test_four_field_variant_has_no_certificate_and_capitalised_type():
    [fields] = event_dicts("schannel_36880_4field.xml")
    assert set(fields) - {"@id", "@record", "@time", "@provider", "@computer"} == {
        "Type", "Protocol", "CipherSuite", "ExchangeStrength"}
    assert schannel.interpret_event(fields) == schannel.Handshake("server", "tls1_1", "", "", "Server")


@pytest.mark.parametrize("name, expected", [
    ("schannel_36888_published.xml", schannel.Failure(36888, "", 40, "")),
    ("schannel_36874.xml", schannel.Failure(36874, "tls1_0", -1, "")),
    ("schannel_36871.xml", schannel.Failure(36871, "", -1, "client")),
])
def test_failure_events(name, expected):
    [fields] = event_dicts(name)
    assert schannel.interpret_event(fields) == expected


def test_type_in_any_case_and_unknown_type():
    for spelled, side in (("SERVER", "server"), ("sErVeR", "server"), ("Client", "client"), ("Serveur", "")):
        record = schannel.interpret_event({"@id": "36880", "Type": spelled, "Protocol": "TLS 1.0"})
        assert isinstance(record, schannel.Handshake) and record.side == side


def test_a_log_read_groups_events_and_interprets_them():
    log = event_dicts(*ALL)
    reply = read_events(log, schannel.SPEC, ids=schannel.EVENT_IDS, after_record_id=None, after_time="",
                        since="2020-01-01T00:00:00Z", max_events=1000, read_at="2026-09-22T00:00:00Z")
    notes = Notes()
    typed = [schannel.interpret(g, notes) for g in reply.groups]
    handshakes = sorted((g.key.day, g.key.source, g.key.site, g.key.protocol, g.count)
                        for g in typed if isinstance(g, Group))
    assert handshakes == [
        ("2024-05-06", "schannel_client", "legacy-crm.corp.example.com", "tls1_0", 1),
        ("2024-05-06", "schannel_server", "", "tls1_1", 1),
        ("2024-05-06", "schannel_server", "CN=portal.corp.example.com", "tls1_0", 1),
        ("2026-09-21", "schannel_server", "CN=acme-dc1v.example.com", "tls1_2", 1),
    ]
    failures = sorted((f.key.event_id, f.key.protocol, f.key.alert, f.key.side) for f in typed
                      if isinstance(f, FailureCount))
    assert failures == [(36871, "", -1, "client"), (36874, "tls1_0", -1, ""), (36888, "", 40, "")]
    assert (reply.read, reply.oldest_record_id, reply.newest_record_id) == (7, 2708, 68584070)
    assert notes.result() == ()


def test_a_bounded_read_stops_at_max_events_and_says_where_to_go_on():
    log = event_dicts(*ALL)
    log.sort(key=lambda f: int(f["@record"]))
    first = read_events(log, schannel.SPEC, ids=schannel.EVENT_IDS, after_record_id=None, after_time="", since="",
                        max_events=3, read_at="2026-09-22T00:00:00Z")
    assert (first.read, first.truncated, first.end) == (3, True, (1184420, "2024-05-06T09:20:11Z"))
    second = read_events(log, schannel.SPEC, ids=schannel.EVENT_IDS, after_record_id=first.end[0],
                         after_time=first.end[1], since="", max_events=100, read_at="2026-09-22T00:00:00Z")
    assert (second.read, second.truncated, second.end) == (4, False, (68584070, "2026-09-22T00:00:00Z"))
    assert sum(g.count for g in (*first.groups, *second.groups)) == 7


def test_exported_files_in_utf16_with_an_events_wrapper():
    body = "".join(fixture("events", n).read_text() for n in ALL)
    data = codecs.BOM_UTF16_LE + f"<Events>{body}</Events>".encode("utf-16-le")
    notes = Notes()
    docs = list(iter_event_xml((data[i:i + 333] for i in range(0, len(data), 333)), notes))
    assert len(docs) == 7 and notes.result() == ()
    assert [event_fields(d)["@id"] for d in docs] == ["36880", "36880", "36880", "36880", "36888", "36874", "36871"]


def test_hostile_xml_is_refused_with_notes():
    notes = Notes()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<Event><System/><EventData><Data Name='x'>&lol2;</Data></EventData></Event>")
    assert event_fields(bomb, notes) is None
    assert event_fields("<Event><System><EventID>1</Event>", notes) is None
    assert event_fields("<NotAnEvent/>", notes) is None
    assert event_fields("<Event>" + "x" * (MAX_EVENT_CHARS + 1) + "</Event>", notes) is None
    assert {n.kind for n in notes.result()} == {"event_dtd", "event_not_xml", "event_not_event", "event_too_large"}


def test_the_splitter_skips_an_unterminated_giant_and_finds_the_next_event():
    notes = Notes()
    good = fixture("events", "schannel_36874.xml").read_bytes()
    data = b"<Event>" + b"\x00garbage" * 20_000 + good
    docs = list(iter_event_xml((data[i:i + 4096] for i in range(0, len(data), 4096)), notes))
    assert [event_fields(d)["@id"] for d in docs] == ["36874"]
    assert notes.result()[0].kind == "event_too_large"


def test_unnamed_data_elements_keep_their_order():
    fields = event_fields("<Event><System><EventID>36880</EventID></System><EventData><Data>server</Data>"
                          "<Data>TLS 1.0</Data></EventData></Event>")
    assert fields == {"@id": "36880", "@data0": "server", "@data1": "TLS 1.0"}


PIECES = ("<Event>", "</Event>", "<Event ", "<System>", "<EventID>36880</EventID>", "</System>", "&lol;",
          "<!DOCTYPE x>", "<UserData><a><Type>x")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=200), st.sampled_from(PIECES)), max_size=40))
def test_any_text_is_split_and_parsed_without_an_exception(parts):
    notes = Notes()
    data = "".join(parts).encode("utf-8", "replace")
    for doc in iter_event_xml((data[i:i + 50] for i in range(0, len(data), 50)), notes):
        fields = event_fields(doc, notes)
        if fields is not None:
            schannel.interpret_event(fields)
