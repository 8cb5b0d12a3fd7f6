"""tls_info, tls_config and tls_restore with recorded host replies: the hard cases, without a lab."""

from __future__ import annotations

import json

import pytest

from ansible_collections.tlsguard.windows.plugins.action import tls_config, tls_info, tls_restore
from ansible_collections.tlsguard.windows.tests.unit.plugins.action.host_replies import FakeHost, reply, run

TLS12_SERVER = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server"


@pytest.fixture(autouse=True)
def controller_home(tmp_path, monkeypatch):
    """tls_config keeps backup copies under ~/.ansible on the controller: keep them in the test's directory."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def codes(result: dict) -> set[str]:
    return {f["code"] for f in result["findings"]}


def test_reg_sz_where_a_dword_belongs_is_drift_and_is_rewritten_typed():
    info = run(tls_info, {}, FakeHost(reply("reg_sz_where_dword")))
    assert info["effective"]["tls1_2"]["server"] == "os_default_enabled" and "wrong_type" in codes(info)
    host = FakeHost(reply("reg_sz_where_dword"))
    result = run(tls_config, {"profile": "enable"}, host)
    write = next(c for c in host.calls[1]["changes"] if c["key"] == TLS12_SERVER and c["name"] == "Enabled")
    assert write == {"hive": "HKLM", "key": TLS12_SERVER, "name": "Enabled", "op": "set", "type": "REG_DWORD",
                     "data": 1}
    change = next(c for c in result["changes"] if c["key"].endswith("TLS 1.2\\Server") and c["name"] == "Enabled")
    assert change["before"] == {"type": "REG_SZ", "data": "1"}


def test_signed_minus_one_is_0xffffffff_enabled_and_noncanonical():
    info = run(tls_info, {}, FakeHost(reply("dword_ffffffff")))
    details = info["effective_details"]["tls1_0"]["server"]
    assert details == {"state": "enabled", "source": "registry", "notes": ["noncanonical_value"],
                       "enabled_value": 0xFFFFFFFF, "disabled_by_default_value": 0}
    assert {"hive": "HKLM", "key": details and r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
            r"\Protocols\TLS 1.0\Server", "name": "Enabled", "type": "REG_DWORD", "data": 0xFFFFFFFF} in info["raw"]


def test_missing_keys_read_as_os_defaults_of_2008r2():
    info = run(tls_info, {"profile": "enable"}, FakeHost(reply("stock_2008r2")))
    assert info["os"]["build"] == 7601 and info["os"]["server"] is True
    assert info["effective"]["tls1_2"] == {"client": "os_default_disabled", "server": "os_default_disabled"}
    assert info["effective"]["ssl2_0"] == {"client": "disabled_by_default", "server": "os_default_enabled"}
    assert {"tls12_not_enabled", "winhttp_default_legacy"} <= codes(info) and info["drift"]
    assert info["compliant"] is False
    assert info["round_trips"] == 1


def test_only_one_dotnet_view_set():
    info = run(tls_info, {}, FakeHost(reply("dotnet_one_view")))
    dotnet = info["settings"]["dotnet"]
    assert dotnet[r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319"]["SchUseStrongCrypto"] == 1
    assert dotnet[r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319"]["SchUseStrongCrypto"] is None
    paths = {f["key"] for f in info["findings"] if f["code"] == "dotnet_strong_crypto"}
    assert r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319" in paths
    assert r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319" not in paths
    host = FakeHost(reply("dotnet_one_view"))
    run(tls_config, {"overrides": {"dotnet": "enabled"}}, host)
    assert sorted((c["key"], c["name"]) for c in host.calls[1]["changes"]) == [
        (r"SOFTWARE\Microsoft\.NETFramework\v2.0.50727", "SchUseStrongCrypto"),
        (r"SOFTWARE\Microsoft\.NETFramework\v2.0.50727", "SystemDefaultTlsVersions"),
        (r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727", "SchUseStrongCrypto"),
        (r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727", "SystemDefaultTlsVersions"),
        (r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319", "SchUseStrongCrypto"),
        (r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319", "SystemDefaultTlsVersions")]


def test_tls13_keys_on_2019_are_unsafe_enforce_removes_them_enable_warns():
    info = run(tls_info, {}, FakeHost(reply("tls13_on_2019")))
    assert info["effective"]["tls1_3"]["server"] == "not_supported" and "tls13_unsupported" in codes(info)
    host = FakeHost(reply("tls13_on_2019"))
    result = run(tls_config, {"profile": "enforce"}, host)
    deletes = [(c["key"].rsplit("\\", 2)[-2:], c["name"]) for c in host.calls[1]["changes"] if c["op"] == "delete"]
    assert deletes == [(["TLS 1.3", "Server"], "DisabledByDefault"), (["TLS 1.3", "Server"], "Enabled")]
    assert result["changed"] and not result.get("failed")
    enabling = run(tls_config, {"profile": "enable"}, FakeHost(reply("tls13_on_2019")))
    assert any(w.startswith("tls13_unsupported: already the case") for w in enabling["warnings"])
    refused = run(tls_config, {"profile": "enable", "overrides": {"protocols": {"tls1_3": {"client": "enabled"}}}},
                  FakeHost(reply("stock_2008r2")))
    assert refused["failed"] and "tls13_unsupported" in refused["msg"]
    assert "force: [tls13_unsupported]" in refused["msg"]


def test_a_half_applied_earlier_run_is_finished_by_the_next_and_can_be_restored():
    host = FakeHost(reply("half_applied"))
    result = run(tls_config, {"profile": "enforce"}, host)
    written = {(*c["key"].rsplit("\\", 2)[-2:], c["name"]) for c in host.calls[1]["changes"]}
    assert ("TLS 1.2", "Client", "Enabled") not in written  # already done by the earlier run
    assert ("TLS 1.2", "Server", "DisabledByDefault") in written and result["round_trips"] == 2
    host = FakeHost(reply("half_applied"))
    restored = run(tls_restore, {"backup_id": "20261120T010000.000000Z-web01"}, host)
    assert host.calls[0]["read_backup"] == "20261120T010000.000000Z-web01" and restored["round_trips"] == 2
    assert sorted(c["name"] for c in host.calls[1]["changes"] if c["op"] == "delete") == [
        "DisabledByDefault", "Enabled", "Enabled", "Enabled"]
    assert "status is 'pending'" in restored["warnings"][0]


def test_check_mode_reads_plans_and_never_writes():
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_config, {"profile": "enforce"}, host, check_mode=True, diff=True)
    assert len(host.calls) == 1 and result["changed"] and result["round_trips"] == 1
    assert result["diff"]["after"].count('"Enabled"=dword:00000000') >= 8
    assert "backup" not in result


def test_a_copy_of_the_backup_stays_on_the_controller(controller_home):
    result = run(tls_config, {"profile": "enable"}, FakeHost(reply("stock_2008r2")))
    copy = controller_home / ".ansible" / "tlsguard" / "backups" / "web01" / f"{result['backup']['id']}.json"
    assert result["backup"]["controller_path"] == str(copy) and json.loads(copy.read_text())["status"] == "applied"


def test_nothing_to_do_is_one_round_trip():
    host = FakeHost(reply("dotnet_one_view"))
    result = run(tls_config, {"overrides": {"event_logging": 1}}, host)
    assert not result["changed"] and result["round_trips"] == 1 and len(host.calls) == 1


@pytest.mark.parametrize("garbage, message", [
    ({"failed": True, "msg": "MODULE FAILURE\nSee stdout/stderr", "module_stdout": "<html>proxy error</html>"},
     "tlsguard.windows.__tls_host: the host's reply is not JSON: '<html>proxy error</html>'"),
    ({"registry_values": "nope", "facts": {}}, "host reply: 'registry_values' should be a list, got str"),
    ({"registry_values": [], "facts": {}},
     "host reply: HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentBuildNumber was not returned; is this "
     "Windows?"),
    ({"registry_values": [{"hive": "HKLM", "key": "A", "name": "x", "type": "REG_DWORD", "data": "one"}],
      "facts": {}}, "host reply registry_values[0]: REG_DWORD data must be an integer, got str 'one'"),
])
def test_garbage_from_the_host_is_one_clear_message(garbage, message):
    result = run(tls_info, {}, FakeHost(garbage))
    assert result["failed"] and result["msg"] == message


def test_a_failed_write_reports_the_rollback():
    failure = {"failed": True, "msg": r"change 3 of 40 failed at HKLM\SYSTEM\...\TLS 1.0\Server\Enabled: Access "
                                      "denied; the 2 change(s) before it were rolled back", "rolled_back": 2,
               "rollback_errors": [], "backup": {"id": "b", "status": "rolled_back", "entries": []}}
    result = run(tls_config, {"profile": "enforce"}, FakeHost(reply("stock_2008r2"), failure))
    assert result["failed"] and result["rolled_back"] == 2 and result["msg"] == failure["msg"]


def test_bad_arguments_name_the_option():
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_config, {"profile": "enforce", "overrides": {"protocols": {"tls1_9": "disabled"}}}, host)
    assert result["msg"].startswith("overrides.protocols.tls1_9: unknown protocol 'tls1_9'; did you mean 'tls1_")
    assert host.calls == [] and result["round_trips"] == 0  # answered before the host is contacted
    result = run(tls_config, {"profile": "enforce", "force": ["no_server"]}, FakeHost(reply("stock_2008r2")))
    assert result["msg"].startswith("force[0]: unknown guard 'no_server'")


@pytest.mark.parametrize("args", [{"overrides": {}}, {"overrides": None}])
def test_tls_config_without_a_policy_is_refused_not_a_silent_no_op(args):
    # Campaign D12: overrides {} or null without a profile said "nothing to change" (null passes required_one_of).
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_config, args, host)
    assert result["failed"] and result["msg"].startswith("overrides: manages nothing: without a profile")
    assert host.calls == []


def test_restore_from_a_controller_file(tmp_path):
    backup = {"id": "b1", "status": "applied", "hostname": "WEB01",
              "created_keys": [{"hive": "HKLM", "key": TLS12_SERVER}],
              "entries": [{"hive": "HKLM", "key": TLS12_SERVER, "name": "Enabled", "existed": True,
                           "type": "REG_DWORD", "data": -1}]}
    path = tmp_path / "b1.json"
    path.write_text(json.dumps(backup))
    host = FakeHost(reply("reg_sz_where_dword"))
    result = run(tls_restore, {"backup_file": str(path), "controller_backup_dir": ""}, host)
    assert result["restored_from"] == f"backup_file {path}" and result["changed"] and result["round_trips"] == 2
    assert host.calls[1]["changes"] == [
        {"hive": "HKLM", "key": TLS12_SERVER, "name": "Enabled", "op": "set", "type": "REG_DWORD", "data": 0xFFFFFFFF},
        {"op": "delete_empty_key", "hive": "HKLM", "key": TLS12_SERVER, "name": ""}]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run(tls_restore, {"backup_file": str(broken)}, FakeHost(reply("stock_2008r2")))
    assert result["failed"] and result["msg"].startswith(f"backup_file: {broken} is not JSON")
