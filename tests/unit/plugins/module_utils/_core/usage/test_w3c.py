"""The TLS-blind W3C reader on the published samples and on broken, rotated and hostile logs."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter, decode_bytes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.cursor import Cursor
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import counter_notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spec import Column, CountSpec
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.w3c import read_w3c
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    chunks,
    fixture,
    windows,
)

SPEC = iis.SPEC


def read(data: bytes | list[bytes], spec: CountSpec = SPEC, start: Cursor | None = None, final: bool = False,
         size: int = 64):
    counter = RawCounter(spec.names, spec.fold_to, spec.max_groups, spec.max_field_bytes)
    notes = Notes()
    blocks = data if isinstance(data, list) else [data[i:i + size] for i in range(0, len(data), size)]
    result = read_w3c(iter(blocks), spec, counter, notes, label="u_ex.log", directory="W3SVC1", start=start,
                      final=final)
    groups = sorted(counter.groups(decode_bytes), key=lambda g: (g.first, sorted(g.fields.items(), key=str)))
    return result, groups, notes


def by_client(groups):
    return {(g.fields["client_ip"], g.fields["protocol"]): g for g in groups}


def test_constructed_legacy_mix_counts_every_request_with_its_raw_values():
    result, groups, notes = read(windows(fixture("iis", "W3SVC1", "u_ex240506_x.log")))
    assert (result.lines, result.unreadable, result.tail_left, notes.result()) == (5, 0, False, ())
    clients = by_client(groups)
    java = clients[("10.20.7.44", "40")]
    assert java.fields == {"day": "2024-05-06", "dir": "W3SVC1", "site": None, "port": "443",
                           "client_ip": "10.20.7.44", "forwarded_for": "-", "user_agent": "Java/1.7.0_80",
                           "protocol": "40"}
    assert (java.count, java.first, java.last) == (1, "2024-05-06 00:00:04", "2024-05-06 00:00:04")
    assert clients[("10.0.0.10", "100")].fields["forwarded_for"] == "203.0.113.50"   # OriginalIP column
    assert clients[("10.0.0.2", "-")].fields["user_agent"] == "-"
    assert set(clients) == {("10.20.1.17", "400"), ("10.20.7.44", "40"), ("10.20.3.9", "40"), ("10.0.0.2", "-"),
                            ("10.0.0.10", "100")}


@pytest.mark.parametrize("name, client, site", [
    (("iis", "W3SVC1", "u_ex201210_x.log"), "127.0.0.1", "W3SVC1"),
    (("iis", "W3SVC3", "u_ex260830_x.log"), "159.144.156.69", None),
])
def test_published_fixtures(name, client, site):
    result, groups, _notes = read(windows(fixture(*name)))
    assert result.lines == 1
    [group] = groups
    assert (group.fields["client_ip"], group.fields["site"], group.fields["protocol"]) == (client, site, "400")


def test_fields_change_mid_file_and_the_column_map_follows():
    data = windows(fixture("iis", "W3SVC1", "u_ex240507_x.log"))
    result, groups, notes = read(data, size=37)
    assert (result.lines, result.tail_left) == (8, True)   # the unterminated last line waits for the next run
    before = [g for g in groups if g.first < "2024-05-07 08:00:00"]
    assert [g.fields["protocol"] for g in before] == [None]      # no crypt-protocol column: absent, not "-"
    assert before[0].fields["forwarded_for"] is None
    after = by_client([g for g in groups if g.first >= "2024-05-07 08:00:00"])
    assert after[("10.20.7.44", "0x40")].count == 1              # raw values stay raw: 0x40 and 0X40 differ here
    assert after[("10.20.7.44", "0X40")].count == 1
    assert after[("10.20.7.44", "40")].count == 1
    assert after[("10.0.0.10", "0x0100")].fields["forwarded_for"] == "203.0.113.50"
    assert after[("10.0.0.10", "400")].fields["site"] == "W3SVC1"
    assert notes.result() == ()
    assert result.cursor.header.startswith("date time s-sitename s-ip")
    assert result.cursor.date == "2024-05-07 08:00:00"
    assert data[result.cursor.offset:] == b"2024-05-07 08:00:08 W3SVC1 10.0.0.5 GET /portal/ 443 10.20.7."


def test_resuming_from_a_cursor_counts_only_the_new_lines_with_the_old_header():
    data = windows(fixture("iis", "W3SVC1", "u_ex240507_x.log"))
    first, _groups, _notes = read(data)
    grown = data + b"44 0x40 Java/1.7.0_80 200 21 6610 8004 ae06 -\r\n"
    second, groups, notes = read(grown[first.cursor.offset:], start=first.cursor)
    assert (second.lines, second.tail_left, notes.result()) == (1, False, ())
    [group] = groups
    assert (group.fields["client_ip"], group.fields["protocol"], group.first) == (
        "10.20.7.44", "0x40", "2024-05-07 08:00:08")
    assert second.cursor.offset == len(grown)
    assert second.cursor.line == first.cursor.line + 1


def test_final_reads_the_unterminated_last_line_of_a_rotated_file():
    data = windows(fixture("iis", "W3SVC1", "u_ex240506_x.log")).rstrip(b"\r\n")
    result, _groups, _notes = read(data, final=True)
    assert (result.lines, result.tail_left, result.cursor.offset) == (5, False, len(data))
    pending, _groups, _notes = read(data, final=False)
    assert (pending.lines, pending.tail_left) == (4, True)


def test_dash_fields_and_crlf_do_not_leak_into_values():
    line = (b"#Fields: date time c-ip cs(User-Agent) s-port crypt-protocol\r\n"
            b"2024-05-06 00:00:01 10.1.1.1 - 443 -\r\n")
    _result, [group], _notes = read(line)
    assert (group.fields["user_agent"], group.fields["protocol"]) == ("-", "-")


def test_lines_with_a_wrong_field_count_and_data_before_fields_are_noted_not_counted():
    data = (b"2024-05-06 00:00:00 orphan line\r\n"
            b"#Fields: date time c-ip s-port crypt-protocol\r\n"
            b"2024-05-06 00:00:01 10.1.1.1 443 40\r\n"
            b"2024-05-06 00:00:02 10.1.1.1 443\r\n")
    result, groups, notes = read(data)
    assert (result.lines, result.unreadable) == (1, 2)
    kinds = {n.kind: n for n in notes.result()}
    assert kinds["w3c_no_fields"].message == "u_ex.log line 1: data before any #Fields header; skipped"
    assert kinds["w3c_field_count"].message == "u_ex.log line 4: 4 fields where #Fields names 5; skipped"
    assert all(n.blocks_gate for n in notes.result())
    assert [g.count for g in groups] == [1]


def test_blocks_without_time_columns_take_day_and_time_from_the_date_directive():
    data = (b"#Date: 2024-05-06 07:00:00\r\n#Fields: c-ip s-port crypt-protocol\r\n"
            b"10.1.1.1 443 40\r\n10.1.1.1 443 40\r\n")
    result, [group], _notes = read(data)
    assert result.lines == 2
    assert (group.fields["day"], group.count, group.first) == ("2024-05-06", 2, "2024-05-06 07:00:00")


def test_a_10_mb_line_is_skipped_while_streaming_and_the_next_lines_still_count():
    header = b"#Fields: date time c-ip s-port crypt-protocol\r\n"
    good = b"2024-05-06 00:00:01 10.1.1.1 443 40\r\n"
    huge = b"2024-05-06 00:00:02 " + b"A" * (10 << 20) + b"\r\n"
    blocks = [header, good, *[huge[i:i + (1 << 20)] for i in range(0, len(huge), 1 << 20)], good]
    result, groups, notes = read(blocks)
    assert (result.lines, result.unreadable) == (2, 1)
    assert [n.message for n in notes.result()] == ["u_ex.log line 3: longer than 1,048,576 bytes; skipped"]
    assert groups[0].count == 2
    assert result.cursor.offset == sum(map(len, blocks))


def test_a_long_line_still_being_written_is_remembered_in_the_cursor():
    header = b"#Fields: date time c-ip s-port crypt-protocol\r\n"
    spec = CountSpec(SPEC.columns, SPEC.time, SPEC.fold_to, max_line_bytes=1024)
    first, _groups, _notes = read([header, b"x" * 5000], spec=spec)
    assert first.cursor.in_long_line and first.tail_left
    second, groups, notes = read([b"y" * 10 + b"\r\n2024-05-06 00:00:01 10.1.1.1 443 40\r\n"], spec=spec,
                                 start=first.cursor)
    assert (second.lines, second.unreadable, len(groups)) == (1, 1, 1)
    assert "longer than 1,024 bytes" in notes.result()[0].message


def test_binary_garbage_and_nul_padding_give_notes_and_a_bounded_result():
    rng = os.urandom(3 << 20)
    header = b"#Fields: date time c-ip s-port crypt-protocol\r\n"
    nul_run = b"\x00" * 200_000 + b"\r\n"
    result, groups, notes = read([header, rng, nul_run, b"\r\n2024-05-06 00:00:01 10.1.1.1 443 40\r\n"])
    assert result.unreadable > 0
    counted = sum(g.count for g in groups)
    assert counted == result.lines
    assert any(g.fields == {**g.fields, "client_ip": "10.1.1.1", "protocol": "40"} for g in groups)
    assert all(n.blocks_gate for n in notes.result())
    assert len(notes.result()) <= 4


def test_a_million_distinct_clients_fold_at_the_cap_with_exact_counts_per_protocol():
    header = b"#Fields: date time c-ip s-port crypt-protocol\r\n"
    lines = [b"2024-05-06 00:00:%02d 10.%d.%d.%d 443 %s\r\n" % (
        i % 60, i >> 16, (i >> 8) & 255, i & 255, b"40" if i % 3 == 0 else b"400") for i in range(1_000_000)]
    spec = CountSpec(SPEC.columns, SPEC.time, SPEC.fold_to, max_groups=1000)
    result, groups, _notes = read([header + b"".join(lines)], spec=spec)
    assert result.lines == 1_000_000
    named = [g for g in groups if not g.folded]
    folded = [g for g in groups if g.folded]
    assert len(named) == 1000 and len(folded) == 2
    totals: dict[str, int] = {}
    for group in groups:
        totals[group.fields["protocol"]] = totals.get(group.fields["protocol"], 0) + group.count
    assert totals == {"40": 333_334, "400": 666_666}
    assert all(set(g.fields) == set(spec.fold_to) for g in folded)
    counter = RawCounter(spec.names, spec.fold_to, spec.max_groups, spec.max_field_bytes)
    read_w3c(iter([header + b"".join(lines)]), spec, counter, Notes(), label="x", directory="W3SVC1")
    notes = Notes()
    counter_notes(counter, notes, "IIS logs")
    assert [n.message for n in notes.result()] == [
        "IIS logs: more than 1,000 distinct clients; 999,000 line(s) were counted per day, site and protocol without "
        "naming their clients"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=300), st.sampled_from([
    b"#Fields: date time c-ip crypt-protocol\r\n", b"#Fields:\n", b"#Date: \xff\n", b"\n", b"\r\n",
    b"2024-05-06 00:00:01 1.1.1.1 40\n", b"#" * 9000 + b"\n"])), max_size=30), st.booleans())
def test_any_bytes_are_read_without_an_exception(blocks, final):
    spec = CountSpec(SPEC.columns, SPEC.time, SPEC.fold_to, max_groups=5, max_line_bytes=1024)
    result, groups, _notes = read(blocks, spec=spec, final=final)
    assert sum(g.count for g in groups) == result.lines
    assert len(groups) <= 2 * 5 + 1
    assert result.cursor.offset <= sum(map(len, blocks))


def test_overlong_values_are_cut_once_per_group():
    header = b"#Fields: date time c-ip cs(User-Agent) crypt-protocol\r\n"
    ua = b"Agent/" + b"z" * 2000
    _result, groups, _notes = read(header + b"2024-05-06 00:00:01 10.1.1.1 " + ua + b" 40\r\n"
                                   + b"2024-05-06 00:00:02 10.1.1.1 " + ua + b" 40\r\n")
    [group] = groups
    assert (group.count, len(group.fields["user_agent"])) == (2, SPEC.max_field_bytes)


def test_column_names_match_case_insensitively_and_alternatives_in_order():
    spec = CountSpec((Column("xff", ("X-Forwarded-For", "OriginalIP")), Column("day", ("@day",))), ("date", "time"),
                     ("day",))
    data = b"#Fields: date time originalip x-forwarded-for\r\n2024-05-06 00:00:01 1.1.1.1 2.2.2.2\r\n"
    _result, [group], _notes = read(data, spec=spec)
    assert group.fields == {"xff": "2.2.2.2", "day": "2024-05-06"}


def test_reading_in_any_chunk_size_gives_the_same_groups():
    data = windows(fixture("iis", "W3SVC1", "u_ex240507_x.log"))
    expected = read([data])[1]
    for size in (1, 7, 100, 4096):
        assert read([data[i:i + size] for i in range(0, len(data), size)])[1] == expected
    assert read(list(chunks(fixture("iis", "W3SVC1", "u_ex240507_x.log"))))[1] == expected   # LF ends too
