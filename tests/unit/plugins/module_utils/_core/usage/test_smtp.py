"""Exchange SMTP protocol logs: TLS lines joined to the EHLO name of their session, both spellings, send logs."""

from __future__ import annotations

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import smtp
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import merge_groups
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.csvlog import Sessions, read_csv_log
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import CSV
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    FIXTURES,
    read_folder_tree,
)

HEADER = (b"#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,"
          b"context\r\n")
TLS10 = (b',*,,"TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 '
         b'with strength 256 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits"\r\n')


def typed(reply):
    notes = Notes()
    groups = merge_groups(g for g in (smtp.interpret(r, notes) for r in reply.groups) if g)
    return groups, notes


def read(data: bytes, limit: int = 10_000):
    counter = RawCounter(smtp.SPEC.names, smtp.SPEC.fold_to, 100, 512)
    notes = Notes()
    result = read_csv_log(iter([data]), smtp.SPEC, counter, notes, label="RECV.LOG", directory="SmtpReceive",
                          sessions=Sessions(limit))
    return result, counter.groups(lambda v: v), notes


def test_receive_logs_name_the_client_its_ehlo_and_the_protocol():
    reply = read_folder_tree(FIXTURES / "smtp", "RECV*.LOG", smtp.SPEC, CSV)
    groups, notes = typed(reply)
    rows = [(g.key.day, g.key.source, g.key.site, g.key.port, g.key.client_ip, g.key.user_agent, g.key.protocol,
             g.count) for g in groups]
    assert rows == [
        ("2023-01-11", "smtp_receive", r"SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME", 25, "95.10.20.33", "",
         "tls1_2", 1),                                              # published excerpt: no EHLO line in it
        ("2024-05-06", "smtp_receive", r"EX01\Default Frontend EX01", 25, "10.30.4.15", "scanner01.corp.example.com",
         "tls1_0", 2),                                              # two sessions, each joined to its EHLO
        ("2024-05-06", "smtp_receive", r"EX01\Default Frontend EX01", 25, "10.30.4.16", "mail.partner.example",
         "tls1_2", 1),                                              # HELO works too
        ("2024-05-06", "smtp_receive", r"EX01\Default Frontend EX01", 25, "10.30.9.9", "", "tls1_1", 1),  # hyphen
    ]
    assert groups[1].first_seen == "2024-05-06T08:12:40Z" and groups[1].last_seen == "2024-05-06T09:00:00Z"
    assert notes.result() == () and reply.notes == ()
    assert {f.folder: f.lines for f in reply.folders} == {"SmtpReceive": 5}


def test_send_logs_are_the_client_side():
    reply = read_folder_tree(FIXTURES / "smtp", "SEND*.LOG", smtp.SPEC, CSV)
    [group], _notes = typed(reply)
    assert (group.key.source, group.key.protocol, group.key.site, group.key.client_ip) == (
        "smtp_send", "tls1_0", "组织内 SMTP 发送连接器", "10.**.**.168")


def test_ipv6_endpoints_and_unknown_protocol_names():
    data = HEADER + (b"2024-05-06T08:00:00.000Z,EX01\\Default Frontend EX01,S1,6,[2001:db8::25]:25,[2001:db8::7]:50211"
                     + TLS10.replace(b"TLS1_0", b"TLS9_9"))
    _result, raw, _notes = read(data)
    notes = Notes()
    [group] = [smtp.interpret(r, notes) for r in raw]
    assert group is not None
    assert (group.key.client_ip, group.key.port, group.key.protocol) == ("2001:db8::7", 25, "unknown")
    assert notes.result()[0].blocks_gate


def test_the_join_state_is_bounded_and_forgets_the_oldest_session():
    lines = [HEADER]
    for i in range(5):
        lines.append(b"2024-05-06T08:00:0%d.000Z,C,S%d,3,10.0.0.20:25,10.1.1.%d:1000,<,EHLO host%d,\r\n" % (i, i, i, i))
    for i in range(5):
        lines.append(b"2024-05-06T08:01:0%d.000Z,C,S%d,6,10.0.0.20:25,10.1.1.%d:1000" % (i, i, i) + TLS10)
    _result, raw, _notes = read(b"".join(lines), limit=3)
    names = {r.fields["client_ip"]: r.fields["client_name"] for r in raw}
    assert names == {"10.1.1.0": None, "10.1.1.1": None, "10.1.1.2": "host2", "10.1.1.3": "host3",
                     "10.1.1.4": "host4"}


def test_broken_csv_lines_are_noted_and_the_rest_still_counts():
    data = (HEADER + b'2024-05-06T08:00:00.000Z,C,S1,"unclosed\r\n' + b"x" * 200_000 + b"\r\n"
            + b"\x00\xff\xfe garbage\r\n" + b"2024-05-06T08:01:00.000Z,C,S1,6,10.0.0.20:25,10.1.1.1:1000" + TLS10)
    result, raw, notes = read(data)
    assert (result.lines, result.unreadable) == (1, 3)
    assert len(raw) == 1 and all(n.blocks_gate for n in notes.result())
