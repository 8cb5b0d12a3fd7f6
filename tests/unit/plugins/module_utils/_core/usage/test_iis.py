"""What IIS raw values mean: crypt-protocol in every spelling, '-' fields, '+' in user agents, sites."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import merge_groups
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import W3C
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.model import (
    NOT_LOGGED,
    PLAINTEXT,
    UNKNOWN,
    RawGroup,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    FIXTURES,
    read_folder_tree,
)


def raw(**fields):
    base = {"day": "2024-05-06", "dir": "W3SVC1", "site": None, "port": "443", "client_ip": "10.1.1.1",
            "forwarded_for": "-", "user_agent": "-", "protocol": "40"}
    base.update(fields)
    return RawGroup(base, 3, "2024-05-06 00:00:04", "2024-05-06 10:00:00")


@pytest.mark.parametrize("value, key", [
    ("40", "tls1_0"), ("0x40", "tls1_0"), ("0X40", "tls1_0"), ("0x0040", "tls1_0"), ("100", "tls1_1"),
    ("10", "ssl3_0"), ("4", "ssl2_0"), ("400", "tls1_2"), ("1000", "tls1_3"), ("80", "tls1_0"),
    (" 400 ", "tls1_2"), ("-", PLAINTEXT), ("", PLAINTEXT), (None, NOT_LOGGED), ("401", UNKNOWN), ("zz", UNKNOWN),
    ("0x", UNKNOWN), ("-1", UNKNOWN), ("1" * 400, UNKNOWN), ("660.000000", UNKNOWN),
])
def test_crypt_protocol_in_every_spelling(value, key):
    notes = Notes()
    group = iis.interpret(raw(protocol=value), notes)
    assert group is not None and group.key.protocol == key
    assert bool(notes.result()) == (key == UNKNOWN)


def test_typed_group_from_raw_values():
    group = iis.interpret(raw(user_agent="Java/1.7.0_80+(x;+y)", forwarded_for="203.0.113.50"), Notes())
    assert group is not None
    k = group.key
    assert (k.day, k.source, k.site, k.port, k.client_ip, k.forwarded_for, k.user_agent, k.protocol) == (
        "2024-05-06", "iis", "W3SVC1", 443, "10.1.1.1", "203.0.113.50", "Java/1.7.0_80 (x; y)", "tls1_0")
    assert (group.count, group.first_seen, group.last_seen) == (3, "2024-05-06T00:00:04Z", "2024-05-06T10:00:00Z")


def test_site_name_column_wins_over_the_folder():
    group = iis.interpret(raw(site="W3SVC7"), Notes())
    assert group is not None and group.key.site == "W3SVC7"


def test_a_group_whose_date_is_not_a_date_is_dropped_with_a_blocking_note():
    notes = Notes()
    assert iis.interpret(raw(day="2024-13-45"), notes) is None
    [note] = notes.result()
    assert note.blocks_gate and note.count == 3
    assert note.message == "IIS W3SVC1: 3 line(s) with date '2024-13-45', which is not a date; skipped"


def test_times_that_do_not_parse_become_the_bounds_of_the_day():
    group = iis.interpret(RawGroup({"day": "2024-05-06", "protocol": "40"}, 1, "garbage", ""), Notes())
    assert group is not None
    assert (group.first_seen, group.last_seen) == ("2024-05-06T00:00:00Z", "2024-05-06T23:59:59Z")


def test_unplaced_groups_are_noted_as_blocking():
    notes = Notes()
    assert iis.interpret(RawGroup({}, 17, "", "", folded=True), notes) is None
    assert notes.result()[0].blocks_gate and notes.result()[0].count == 17


def test_folded_groups_keep_day_site_and_protocol_but_no_client():
    group = iis.interpret(RawGroup({"day": "2024-05-06", "dir": "W3SVC1", "site": None, "port": "443",
                                    "protocol": "100"}, 9, "2024-05-06 01:00:00", "2024-05-06 02:00:00", True),
                          Notes())
    assert group is not None
    assert (group.key.folded, group.key.client_ip, group.key.protocol, group.count) == (True, "", "tls1_1", 9)


def test_all_fixture_folders_end_to_end():
    reply = read_folder_tree(FIXTURES / "iis", "u_ex*.log", iis.SPEC, W3C)
    notes = Notes()
    groups = merge_groups(g for g in (iis.interpret(r, notes) for r in reply.groups) if g)
    legacy = [(g.key.day, g.key.client_ip, g.key.forwarded_for, g.key.protocol, g.count)
              for g in groups if g.key.legacy]
    assert legacy == [
        ("2024-05-06", "10.0.0.10", "203.0.113.50", "tls1_1", 1),   # OriginalIP
        ("2024-05-06", "10.20.3.9", "", "tls1_0", 1),
        ("2024-05-06", "10.20.7.44", "", "tls1_0", 1),
        ("2024-05-07", "10.0.0.10", "203.0.113.50", "tls1_1", 1),   # X-Forwarded-For, 0x0100
        ("2024-05-07", "10.20.7.44", "", "tls1_0", 3),              # 0x40, 0X40 and 40 are one protocol
    ]
    assert notes.result() == ()
    unjudged = {(g.key.site, g.key.protocol): g.count for g in groups if g.key.protocol == NOT_LOGGED}
    assert unjudged == {("W3SVC1", NOT_LOGGED): 1, ("W3SVC2", NOT_LOGGED): 2}
    assert {f.folder: (f.files, f.lines) for f in reply.folders} == {
        "W3SVC1": (3, 14), "W3SVC2": (1, 2), "W3SVC3": (1, 1)}
