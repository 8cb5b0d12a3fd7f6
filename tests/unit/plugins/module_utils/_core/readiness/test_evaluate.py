"""Verdicts per stage, waivers and the tls_config gate, on lab hosts with component presets read through the
lab's twin of the host module (the reply the PowerShell's contract describes), and on hand-built components."""

from __future__ import annotations

import pytest
from tlslab.host import Host
from tlslab.osprofiles import profile
from tlslab.twins import tls_host

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.evaluate import assess, gate
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.hostread import (
    parse_readiness,
    readiness_request,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.waivers import parse_waivers

from .builders import host, product

STAGES = ("enable", "enforce", "bsi", "mozilla_intermediate")


def _lab(tmp_path, os_key: str, presets: tuple[str, ...] = ()):
    lab_host = Host.create("h", profile(os_key), tmp_path / "h", presets=presets)
    reply = tls_host.run(lab_host, dict(readiness_request(), _ansible_module_name=tls_host.MODULE))
    components = parse_readiness(reply)
    return components, WindowsBuild(components.os.build or 0, server=True)


# (OS profile, presets) -> (verdict per stage in STAGES order, the rule ids that block enforce)
LAB_CASES = {
    ("2008r2", ("rdp_without_kb3080079",)): (("ready", "blocked", "blocked", "blocked"),
                                             ["rdp_kb3080079", "winhttp_kb3140245_win7"]),
    ("2008r2", ("rdp", "with_kb3140245")): (("ready",) * 4, []),
    ("2012", ()): (("ready", "blocked", "blocked", "blocked"), ["winhttp_kb3140245_2012"]),
    ("2012", ("with_kb3140245",)): (("ready",) * 4, []),
    ("2016", ("sql2014_rtm",)): (("ready", "blocked", "blocked", "blocked"), ["sql_2014_rtm"]),
    ("2016", ("sql2014_sp3",)): (("ready",) * 4, []),
    ("2019", ("exchange2016_cu8",)): (("ready", "blocked", "blocked", "blocked"), ["exchange_2016_cu9"]),
    ("2022", ("winrm_cert_https",)): (("blocked",) * 4, ["winrm_cert_auth_tls13"]),
    ("2022", ("iis_https_legacy_off",)): (("ready",) * 4, []),
    ("2019", ("entra_connect_1_1_614",)): (("ready", "blocked", "blocked", "blocked"), ["entra_connect_1_4_38"]),
    ("2019", ("entra_connect_2_4",)): (("ready",) * 4, []),
    ("2019", ()): (("ready",) * 4, []),
}


@pytest.mark.parametrize("os_key, presets", list(LAB_CASES))
def test_lab_hosts_with_presets(tmp_path, os_key, presets):
    components, build = _lab(tmp_path, os_key, presets)
    result = assess(components, build)
    verdicts, blocking = LAB_CASES[(os_key, presets)]
    assert tuple(v.verdict.value for v in result.verdicts) == verdicts
    assert [v.target for v in result.verdicts] == list(STAGES)
    assert result.to_json()["verdicts"]["enforce"]["blocking"] == blocking
    assert components.notes == ()


def test_the_dotnet_values_missing_today_do_not_block_stages_that_write_them(tmp_path):
    components, build = _lab(tmp_path, "2019")
    finding = next(f for f in assess(components, build).findings if f.rule.id == "dotnet_strong_crypto")
    assert finding.status.value == "blocker"  # the lab's 2019 has no .NET values set
    unmanaged, _w = resolve_policy("enforce", {"dotnet": "unmanaged"}, build)
    assert gate(components, build, "enforce", policy=unmanaged).blocked
    assert not gate(components, build, "enforce").blocked


def test_waivers_are_applied_by_name_and_echoed(tmp_path):
    components, build = _lab(tmp_path, "2016", ("sql2014_rtm",))
    waivers = parse_waivers([{"rule": "sql_2014_rtm", "reason": "decommissioned on 2026-06-30, CHG-1142"},
                             {"rule": "rdp_kb3080079", "reason": "not this host"}])
    result = assess(components, build, waivers).to_json()
    assert result["verdicts"]["enforce"] == {"verdict": "ready", "blocking": [], "unknown": [],
                                             "waived": ["sql_2014_rtm"]}
    assert result["waivers"] == [{"rule": "sql_2014_rtm", "reason": "decommissioned on 2026-06-30, CHG-1142",
                                  "matched": 1}, {"rule": "rdp_kb3080079", "reason": "not this host", "matched": 0}]
    finding = next(f for f in result["findings"] if f["rule"] == "sql_2014_rtm")
    assert finding["waived"] == "decommissioned on 2026-06-30, CHG-1142" and finding["status"] == "needs_update"


def test_gate_holds_back_enforce_and_names_the_fix(tmp_path):
    components, build = _lab(tmp_path, "2016", ("sql2014_rtm",))
    held = gate(components, build, "enforce")
    assert held.blocked and [f.rule.id for f in held.blocking] == ["sql_2014_rtm"]
    assert held.message().startswith("readiness holds back enforce: sql_2014_rtm (MSSQLSERVER): needs_update, fix: "
                                     "Install the SQL Server 2014 RTM GDR TLS 1.2 update (12.0.2271.0)")
    assert not gate(components, build, "enable").blocked
    waived = gate(components, build, "enforce", parse_waivers([{"rule": "sql_2014_rtm", "reason": "r"}]))
    assert not waived.blocked and [f.rule.id for f in waived.waived] == ["sql_2014_rtm"]


def test_disabling_tls13_in_the_policy_clears_the_winrm_and_exchange_conflicts(tmp_path):
    components, build = _lab(tmp_path, "2022", ("winrm_cert_https", "exchange2016_cu8"))
    assert {f.rule.id for f in gate(components, build, "enforce").blocking} == {"winrm_cert_auth_tls13",
                                                                                "exchange_tls13",
                                                                                "exchange_2016_cu9"}
    no_tls13, _w = resolve_policy("enforce", {"protocols": {"tls1_3": "disabled"}}, build)
    assert {f.rule.id for f in gate(components, build, "enforce", policy=no_tls13).blocking} == {"exchange_2016_cu9"}
    os_default_tls13, _w = resolve_policy("enforce", {"protocols": {"tls1_3": "os_default"}}, build)
    assert "winrm_cert_auth_tls13" in {f.rule.id for f in gate(components, build, "x", policy=os_default_tls13)
                                       .blocking}  # 2022 turns TLS 1.3 on by default


def test_only_unknowns_give_an_unknown_verdict():
    components = host(14393, products=(product("sql_server", "12.0.2000.8"),))
    unknown_sql = host(14393, unread_products=frozenset({"sql_server"}))
    assert assess(components, WindowsBuild(14393)).verdicts[1].verdict.value == "blocked"
    result = assess(unknown_sql, WindowsBuild(14393))
    assert result.verdicts[1].to_json() == {"verdict": "unknown", "blocking": ["sql_2005_or_older"],
                                            "unknown": ["sql_2005_or_older"], "waived": []}
    assert result.verdicts[0].verdict.value == "ready"


def test_bsi_suites_hold_back_server_2008_only_at_the_bsi_stage():
    components = host(6002, ("KB4019276",))
    verdicts = {v.target: v.verdict.value for v in assess(components, WindowsBuild(6002)).verdicts}
    assert verdicts == {"enable": "ready", "enforce": "ready", "bsi": "blocked", "mozilla_intermediate": "blocked"}


def test_result_json_shape(tmp_path):
    components, build = _lab(tmp_path, "2016", ("sql2014_rtm",))
    data = assess(components, build).to_json()
    assert set(data) == {"verdicts", "findings", "not_applicable", "waivers", "components"}
    finding = next(f for f in data["findings"] if f["rule"] == "sql_2014_rtm")
    assert set(finding) == {"rule", "component", "instance", "status", "severity", "message", "fix", "fixed_by",
                            "breaks", "stage", "source", "waived"}
    assert data["components"]["products"][0] == {"kind": "sql_server", "name": "MSSQLSERVER", "version": "12.0.2000.8",
                                                 "raw_version": "12.0.2000.8",
                                                 "where": r"HKLM\SOFTWARE\Microsoft\Microsoft SQL Server"
                                                          r"\MSSQL12.MSSQLSERVER\Setup"}
    assert "rdp_kb3080079" in data["not_applicable"]
