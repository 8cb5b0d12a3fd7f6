"""The lab's SYNTHETIC SMTP receive logs: the fleet variable, and that the core's SMTP reader finds the client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tlslab import fleet, smtplog
from tlslab.host import Host
from tlslab.osprofiles import PROFILES

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import smtp
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import (
    RawCounter,
    decode_bytes,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.csvlog import (
    Sessions,
    read_csv_log,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes


def test_lab_smtp_clients_makes_an_exchange_host_and_bad_entries_are_named(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text("all:\n  hosts:\n    mail01:\n      lab_os: '2019'\n      lab_smtp_clients: []\n")
    [spec] = fleet.from_file(good)
    assert spec.components["exchange"] and spec.smtp_clients == ()
    bad = tmp_path / "bad.yml"
    bad.write_text("all:\n  hosts:\n    mail01:\n      lab_os: '2019'\n      lab_smtp_clients: [{protocol: tls9}]\n")
    with pytest.raises(ValueError, match=r"host mail01: lab_smtp_clients\[0\]: should be a dict with protocol "
                                         r"ssl3_0, tls1_0, tls1_1, tls1_2, client_ip and ehlo$"):
        fleet.from_file(bad)


def test_a_written_session_is_counted_by_the_core_with_its_ehlo_name(tmp_path):
    host = Host.create("mail01", PROFILES["2019"], tmp_path / "mail01", components={"exchange": "2019"})
    when = datetime(2024, 5, 6, 10, 0, 0, tzinfo=UTC)
    client = smtplog.SmtpClient("tls1_0", "10.7.7.7", "scanner.corp.example")
    smtplog.append_session(host, when, 1, client)
    smtplog.append_session(host, when, 2, client)
    data = host.read_file(smtplog.log_path(when))
    assert data is not None and host.environment["EXCHANGEINSTALLPATH"].endswith("\\")
    counter = RawCounter(smtp.SPEC.names, smtp.SPEC.fold_to, 100, 512)
    notes = Notes()
    read_csv_log([data], smtp.SPEC, counter, notes, label="RECV", directory="SmtpReceive", sessions=Sessions(10),
                 final=True)
    [group] = counter.groups(decode_bytes)
    assert notes.result() == ()
    assert (group.count, group.fields["client_ip"], group.fields["client_name"], group.fields["protocol"],
            group.fields["site"]) == (2, "10.7.7.7", "scanner.corp.example", "SP_PROT_TLS1_0_SERVER",
                                      "MAIL01\\Default Frontend MAIL01")
