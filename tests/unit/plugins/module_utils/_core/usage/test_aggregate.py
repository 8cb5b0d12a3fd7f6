"""Merging runs: halves merged equal the whole, caps keep totals, the checkpoint chain prevents double counts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import (
    Aggregate,
    merge_groups,
    merge_run,
    prune,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import Checkpoint
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter, decode_bytes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.model import Group, GroupKey
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spans import Span
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.w3c import read_w3c

HEADER = b"#Fields: date time s-port c-ip cs(User-Agent) crypt-protocol X-Forwarded-For\r\n"

lines = st.lists(st.tuples(st.integers(1, 3), st.integers(0, 86399), st.integers(0, 6),
                           st.sampled_from([b"Java/1.7.0_80", b"curl/7.29.0", b"-"]),
                           st.sampled_from([b"40", b"0x40", b"100", b"400", b"-", b"zz"])),
                 min_size=1, max_size=60)


def render(rows) -> bytes:
    return b"".join(b"2024-05-0%d %02d:%02d:%02d 443 10.0.0.%d %s %s -\r\n" % (
        day, t // 3600, t // 60 % 60, t % 60, ip, ua, proto) for day, t, ip, ua, proto in rows)


def typed(data: bytes, start=None):
    counter = RawCounter(iis.SPEC.names, iis.SPEC.fold_to, 10_000, 512)
    result = read_w3c(iter([data]), iis.SPEC, counter, Notes(), label="x", directory="W3SVC1", start=start)
    notes = Notes()
    return result, merge_groups(g for g in (iis.interpret(r, notes) for r in counter.groups(decode_bytes)) if g)


@settings(max_examples=60, deadline=None)
@given(lines, st.data())
def test_two_halves_merged_equal_the_whole(rows, data):
    whole = HEADER + render(rows)
    cut = data.draw(st.integers(0, len(rows)))
    first_part = HEADER + render(rows[:cut])
    first, groups_a = typed(first_part)
    second, groups_b = typed(whole[first.cursor.offset:], start=first.cursor)
    _all, groups = typed(whole)
    assert merge_groups((*groups_a, *groups_b)) == groups
    assert second.cursor.offset == len(whole)


def group(day, client, protocol, count, first="T00:00:00Z", last="T01:00:00Z"):
    return Group(GroupKey(day, "iis", "W3SVC1", 443, client, "", "", protocol), count, day + first, day + last)


groups = st.lists(st.builds(group, st.sampled_from(["2024-05-06", "2024-05-07"]),
                            st.sampled_from([f"10.0.0.{i}" for i in range(30)]),
                            st.sampled_from(["tls1_0", "tls1_2", "plaintext"]), st.integers(1, 50)), max_size=80)


def totals(gs):
    out: dict = {}
    for g in gs:
        key = (g.key.day, g.key.protocol)
        out[key] = out.get(key, 0) + g.count
    return out


@settings(max_examples=80, deadline=None)
@given(groups, groups, st.integers(1, 40))
def test_merging_is_associative_and_the_cap_keeps_totals(a, b, cap):
    assert merge_groups((*merge_groups(a), *merge_groups(b))) == merge_groups((*a, *b))
    capped = merge_groups((*a, *b), cap)
    assert len([g for g in capped if not g.key.folded]) <= cap
    assert totals(capped) == totals((*a, *b))
    if any(g.key.folded and g.key.legacy for g in capped):   # legacy clients are the last to be folded
        assert all(g.key.legacy for g in capped if not g.key.folded)


def run(ident, previous, previous_at, taken, *gs):
    cp = Checkpoint(ident, previous, previous_at, taken, None, ())
    return Aggregate(merge_groups(gs), spans=(Span("schannel", previous_at or "2024-05-01T00:00:00Z", taken),),
                     checkpoint=cp, runs=1)


def test_a_run_that_goes_on_from_the_stored_checkpoint_is_added():
    store = run("a", "", "", "2024-05-06T00:00:00Z", group("2024-05-05", "10.0.0.1", "tls1_0", 2))
    nxt = run("b", "a", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z", group("2024-05-05", "10.0.0.1", "tls1_0", 3))
    merged = merge_run(store, nxt)
    assert [g.count for g in merged.groups] == [5] and merged.runs == 2
    assert merged.checkpoint.id == "b"
    assert merged.spans == (Span("schannel", "2024-05-01T00:00:00Z", "2024-05-07T00:00:00Z"),)


def test_a_run_from_scratch_replaces_the_store_instead_of_counting_twice():
    store = run("a", "", "", "2024-05-06T00:00:00Z", group("2024-05-05", "10.0.0.1", "tls1_0", 2))
    again = run("c", "", "", "2024-05-07T00:00:00Z", group("2024-05-05", "10.0.0.1", "tls1_0", 2))
    merged = merge_run(store, again)
    assert [g.count for g in merged.groups] == [2]
    assert [n.note.kind for n in merged.notes] == ["store_replaced"]


def test_a_run_from_a_checkpoint_the_store_never_got_is_added_with_a_blocking_gap_note():
    store = run("a", "", "", "2024-05-06T00:00:00Z", group("2024-05-05", "10.0.0.1", "tls1_0", 2))
    later = run("c", "b", "2024-05-06T12:00:00Z", "2024-05-07T00:00:00Z",
                group("2024-05-06", "10.0.0.1", "tls1_0", 1))
    merged = merge_run(store, later)
    assert sum(g.count for g in merged.groups) == 3
    assert [n.note.blocks_gate for n in merged.notes] == [True]
    assert merged.spans == (Span("schannel", "2024-05-01T00:00:00Z", "2024-05-06T00:00:00Z"),
                            Span("schannel", "2024-05-06T12:00:00Z", "2024-05-07T00:00:00Z"))


def test_prune_bounds_the_history_and_json_round_trips():
    store = run("a", "", "", "2024-06-30T00:00:00Z", group("2024-05-01", "10.0.0.1", "tls1_0", 2),
                group("2024-06-29", "10.0.0.2", "tls1_2", 7))
    pruned = prune(store, 30, "2024-06-30T00:00:00Z")
    assert [g.key.day for g in pruned.groups] == ["2024-06-29"]
    assert pruned.spans == (Span("schannel", "2024-05-31T00:00:00Z", "2024-06-30T00:00:00Z"),)
    assert Aggregate.from_json(store.to_json()) == store
    bad = store.to_json()
    bad["groups"][0]["protocol"] = "tls9"
    with pytest.raises(HostReplyError, match=r"^usage store.groups\[0\].protocol: unknown protocol 'tls9'$"):
        Aggregate.from_json(bad)
    assert replace(store, runs=3).to_json()["runs"] == 3
