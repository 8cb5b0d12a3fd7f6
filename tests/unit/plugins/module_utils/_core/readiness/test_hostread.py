"""The readiness request's shape, and parsing of odd replies: nothing raises, nothing unreadable is ready."""

from __future__ import annotations

import re

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import read_request
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness import hostread as h
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.evaluate import assess
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.rules import RULES

OS = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"


def _value(key, name, reg_type, data):
    return {"hive": "HKLM", "key": key, "name": name, "type": reg_type, "data": data}


def _reply(values=(), subkeys=(), missing=None, hotfixes=None, build="17763"):
    """A well-formed reply in which every single key read is missing unless ``missing`` says otherwise."""
    everything = [k["key"] for k in h.readiness_request()["read_keys"]]
    return {"registry_values": [_value(OS, "CurrentBuildNumber", "REG_SZ", build), *values],
            "missing_keys": [{"hive": "HKLM", "key": k} for k in (everything if missing is None else missing)],
            "subkey_values": [{"hive": "HKLM", "key": k, "path": p, "subkeys": [], "missing": True, "truncated": False}
                              for k, p, _n in h.SUBKEY_READS if (k, p) not in {(s["key"], s["path"]) for s in subkeys}]
            + list(subkeys),
            "hotfixes": hotfixes or {"queried": [], "installed": [], "error": None}, "facts": {"x64": True}}


def test_request_is_the_tls_read_plus_the_readiness_reads():
    request = h.readiness_request()
    tls = read_request()
    assert request["read_values"] == tls["read_values"] and request["facts"] is True
    assert request["read_keys"][:len(tls["read_keys"])] == tls["read_keys"]
    assert {k["key"] for k in request["read_keys"][len(tls["read_keys"]):]} == set(h.SINGLE_KEYS)
    assert sorted(request["hotfixes"]) == sorted({r.hotfix for r in RULES if r.hotfix})
    assert all(re.fullmatch(r"KB\d{6,8}", kb) for kb in request["hotfixes"])
    assert len(request["hotfixes"]) <= h.MAX_HOTFIXES
    for item in request["read_subkey_values"]:
        assert set(item) == {"hive", "key", "path", "names"} and 1 <= len(item["names"]) <= h.MAX_SUBKEY_NAMES


@pytest.mark.parametrize("reply", ["garbage", None, [], {}, {"registry_values": "x", "missing_keys": 5},
                                   {"registry_values": [{"hive": "HKXX", "key": "a", "name": "b"}]}])
def test_odd_replies_never_raise_and_read_as_unknown(reply):
    components = h.parse_readiness(reply)
    assert components.os.build is None and components.notes
    result = assess(components, None)
    assert {v.verdict.value for v in result.verdicts} == {"unknown"}
    assert all(f.status.value != "ready" for f in result.findings)


def test_a_clean_host_with_nothing_installed_is_ready_everywhere():
    values = [_value(r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319", n, "REG_DWORD", 1)
              for n in ("SchUseStrongCrypto", "SystemDefaultTlsVersions")]
    values += [_value(r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319", n, "REG_DWORD", 1)
               for n in ("SchUseStrongCrypto", "SystemDefaultTlsVersions")]
    values.append(_value(r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release", "REG_DWORD", 528049))
    missing = [k for k in (x["key"] for x in h.readiness_request()["read_keys"])
               if k != r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"]
    components = h.parse_readiness(_reply(values, missing=missing))
    result = assess(components, WindowsBuild(17763, server=True))
    assert components.notes == ()
    assert {v.target: v.verdict.value for v in result.verdicts} == {
        "enable": "ready", "enforce": "ready", "bsi": "ready", "mozilla_intermediate": "ready"}


def test_sql_instance_with_a_garbage_patch_level_is_unknown_with_a_note():
    reply = _reply([_value(h.SQL_NAMES_KEY, "MSSQLSERVER", "REG_SZ", "MSSQL12.MSSQLSERVER")],
                   [{"hive": "HKLM", "key": h.SQL_ROOT, "path": "Setup", "subkeys": [
                       {"name": "MSSQL12.MSSQLSERVER", "values": [{"name": "PatchLevel", "type": "REG_SZ",
                                                                   "data": "12.0.x"}]}]}],
                   missing=[k["key"] for k in h.readiness_request()["read_keys"] if k["key"] != h.SQL_NAMES_KEY])
    components = h.parse_readiness(reply)
    assert [(p.name, p.version, p.raw_version) for p in components.products] == [("MSSQLSERVER", None, "12.0.x")]
    assert any("MSSQLSERVER" in n and "'12.0.x'" in n for n in components.notes)
    findings = [f for f in assess(components, WindowsBuild(14393)).findings if f.rule.component == "sql_server"]
    assert [(f.instance, f.status.value) for f in findings] == [("MSSQLSERVER", "unknown")]


def test_wrong_types_are_ignored_with_a_note():
    reply = _reply([_value(h.TERMINAL_KEY, "fDenyTSConnections", "REG_SZ", "0"),
                    _value(r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release", "REG_SZ", "528049")],
                   missing=[])
    components = h.parse_readiness(reply)
    assert components.rdp.enabled is None and components.dotnet.v4_release is None
    assert sum("not a DWORD" in n for n in components.notes) == 2


def test_a_missing_subkey_answer_makes_those_products_unknown():
    reply = _reply(build="20348")
    del reply["subkey_values"]
    components = h.parse_readiness(reply)
    assert components.unread_products == {"entra_connect", "sfb", "sql_native_client"}  # SQL's key is missing
    assert components.bindings is None and components.winrm.present is None
    statuses = {f.rule.id: f.status.value for f in assess(components, WindowsBuild(20348)).findings}
    assert statuses["entra_connect_1_4_38"] == "unknown" and statuses["winrm_cert_auth_tls13"] == "unknown"


def test_a_failed_hotfix_query_is_unknown_not_missing():
    reply = _reply(build="7601", hotfixes={"queried": ["KB3140245"], "installed": [], "error": "Access denied"})
    components = h.parse_readiness(reply)
    finding = next(f for f in assess(components, WindowsBuild(7601)).findings if f.rule.id == "winhttp_kb3140245_win7")
    assert finding.status.value == "unknown" and "Access denied" in finding.message
    garbled = h.parse_readiness(dict(reply, hotfixes={"queried": "KB3140245"}))
    assert garbled.hotfixes.has("KB3140245") is None


def test_uninstall_entries_become_products_and_odd_entries_are_skipped():
    reply = _reply(subkeys=[{"hive": "HKLM", "key": h.UNINSTALL_KEYS[0], "path": "", "subkeys": [
        {"name": "{a}", "values": [{"name": "DisplayName", "type": "REG_SZ", "data": "Microsoft Azure AD Connect"},
                                   {"name": "DisplayVersion", "type": "REG_SZ", "data": "1.1.614.0"}]},
        {"name": "{b}", "values": [{"name": "DisplayName", "type": "REG_SZ", "data": "Notepad++"}]},
        {"values": []}, "junk",
        {"name": "{c}", "values": [{"name": "DisplayName", "type": "REG_SZ",
                                    "data": "Skype for Business Server 2015, Core Components"},
                                   {"name": "DisplayVersion", "type": "REG_DWORD", "data": 7}]}]}])
    components = h.parse_readiness(reply)
    assert [(p.kind, str(p.version)) for p in components.products] == [("entra_connect", "1.1.614.0"), ("sfb", "7")]
    assert sum("no name" in n for n in components.notes) == 2


def test_os_identity_lands_in_its_own_fields():
    values = [_value(OS, "UBR", "REG_DWORD", 6893), _value(OS, "ProductName", "REG_SZ", "Windows Server 2019 Standard"),
              _value(OS, "EditionID", "REG_SZ", "ServerStandard"), _value(OS, "InstallationType", "REG_SZ", "Server")]
    os_info = h.parse_readiness(_reply(values)).os
    assert (os_info.build, os_info.ubr, os_info.x64) == (17763, 6893, True)
    assert (os_info.product_name, os_info.edition, os_info.installation_type) == (
        "Windows Server 2019 Standard", "ServerStandard", "Server")


@pytest.mark.parametrize("build", ["²", "1７763", " "])
def test_a_build_number_that_is_not_ascii_digits_is_unknown(build):
    components = h.parse_readiness(_reply(build=build))
    assert components.os.build is None and components.notes
