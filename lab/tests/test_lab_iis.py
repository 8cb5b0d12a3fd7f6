# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's IIS logs what its sites are configured to log: no crypt-* columns on a fresh install, the custom
fields after the standard ones in configuration order once set (siteDefaults unless the site has its own), a new
#Fields block when they change, nothing without IIS and no custom fields before IIS 8.5."""

from __future__ import annotations

from datetime import UTC, datetime

from tlslab import iis, records
from tlslab.host import Host
from tlslab.osprofiles import profile

WHEN = datetime(2024, 5, 6, 9, 0, 0, tzinfo=UTC)
SHAKE = records.Handshake("tls1_0", 0xC014, "ECDHE-RSA-AES256-SHA", "CN=web")
REQUEST = records.Request(443, "GET", "/", "10.1.2.3", "curl/7.1", "web", 200, {"x-forwarded-for": "203.0.113.5"})
LOGS = r"C:\inetpub\logs\LogFiles\W3SVC1"


def host(tmp_path, os: str = "2019") -> Host:
    return Host.create("web", profile(os), tmp_path / os)


def lines(h: Host, name: str) -> list[str]:
    data = h.read_file(rf"{LOGS}\{name}")
    assert data is not None, name
    return data.decode().splitlines()


def test_a_fresh_iis_logs_no_crypt_columns(tmp_path):
    h = host(tmp_path)
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    log = lines(h, "u_ex240506.log")
    assert log[3] == f"#Fields: {records.IIS_FIELDS}" and "crypt" not in log[3]
    assert h.read_file(rf"{LOGS}\u_ex240506_x.log") is None


def test_configured_fields_follow_the_standard_ones_and_a_change_starts_a_new_block(tmp_path):
    h = host(tmp_path)
    config = iis.load(h)
    config.site_defaults = [("crypt-protocol", "CRYPT_PROTOCOL", "ServerVariable")]
    iis.save(h, config)
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    iis.turn_on_evidence(h)   # adds the rest, keeps crypt-protocol once (same source)
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    log = lines(h, "u_ex240506_x.log")
    fields = [line for line in log if line.startswith("#Fields: ")]
    assert fields == [f"#Fields: {records.IIS_FIELDS} crypt-protocol",
                      f"#Fields: {records.IIS_FIELDS} crypt-protocol crypt-cipher crypt-hash crypt-keyexchange "
                      "X-Forwarded-For"]
    assert log[4].split(" ")[-1] == "40"
    assert log[-1].split(" ")[-5:] == ["40", "6610", "8004", "ae06", "203.0.113.5"]


def test_a_site_with_fields_of_its_own_ignores_site_defaults(tmp_path):
    h = host(tmp_path)
    iis.turn_on_evidence(h)
    config = iis.load(h)
    config.sites[0].fields = [("OriginalIP", "X-FORWARDED-FOR", "RequestHeader")]
    iis.save(h, config)
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    assert lines(h, "u_ex240506_x.log")[3] == f"#Fields: {records.IIS_FIELDS} OriginalIP"


def test_no_iis_no_log_and_old_iis_no_custom_fields(tmp_path):
    desk = host(tmp_path, "win10")
    iis.log_request(desk, WHEN, REQUEST, SHAKE)
    assert iis.load(desk) is None and iis.log_path(desk, WHEN) is None
    old = host(tmp_path, "2012")
    iis.turn_on_evidence(old)
    iis.log_request(old, WHEN, REQUEST, SHAKE)
    assert iis.load(old).site_defaults == [] and "crypt" not in lines(old, "u_ex240506.log")[3]


def test_a_site_logs_to_its_own_directory_and_not_at_all_with_logging_off(tmp_path):
    h = host(tmp_path)
    config = iis.load(h)
    config.sites[0] = iis.Site(4, "Shop", log_dir="D:\\WebLogs\\")
    iis.save(h, config)
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    log = h.read_file(r"D:\WebLogs\W3SVC4\u_ex240506.log")
    assert log is not None and log.decode().splitlines()[4].split(" ")[2] == "W3SVC4"
    assert iis.log_path(h, WHEN) == r"D:\WebLogs\W3SVC4\u_ex240506.log"
    config.sites[0].logging_enabled = False
    iis.save(h, config)
    assert iis.log_path(h, WHEN) is None
    iis.log_request(h, WHEN, REQUEST, SHAKE)
    assert h.read_file(r"D:\WebLogs\W3SVC4\u_ex240506.log") == log


def test_the_site_directory_comes_from_site_defaults_unless_the_site_has_its_own(tmp_path):
    config = iis.IisConfig.from_json({"site_defaults": [], "log_root": r"%SystemDrive%\logs",
                                      "sites": [{"id": 1, "name": "a", "fields": []},
                                                {"id": 2, "name": "b", "log_dir": r"E:\l"}]})
    assert [config.log_dir(s) for s in config.sites] == [r"C:\logs\W3SVC1", r"E:\l\W3SVC2"]
    assert config.sites[0].bindings == list(iis.LAB_BINDINGS)
    assert iis.IisConfig.from_json(config.to_json()) == config
