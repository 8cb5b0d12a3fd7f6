"""Component presets: the registry content and hotfix ids a host read will see, picked per host by name."""

from __future__ import annotations

import pytest
from tlslab import fleet
from tlslab.host import Host
from tlslab.osprofiles import PROFILES, profile
from tlslab.presets import PRESETS

SQL = r"HKLM\SOFTWARE\Microsoft\Microsoft SQL Server"
WSMAN = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WSMAN"
UNINSTALL = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"


def make(tmp_path, os_key: str, *presets: str) -> Host:
    return Host.create("h", profile(os_key), tmp_path / os_key, presets=presets)


@pytest.mark.parametrize("key", list(PROFILES))
def test_without_presets_a_host_is_its_profile(tmp_path, key):
    host = make(tmp_path, key)
    assert host.registry.to_json() == Host.create("g", PROFILES[key], tmp_path / "g").registry.to_json()
    assert host.components == PROFILES[key].components and "presets" not in host.components
    assert not host.registry.key_exists(SQL) and not host.registry.key_exists(WSMAN)


def test_2012_is_its_own_profile_and_2012r2_still_works():
    assert (profile("2012").build, profile("2012").version) == (9200, "6.2")
    assert (profile("2012r2").build, profile("Server 2012 R2").key) == (9600, "2012r2")
    assert "KB3140245" not in profile("2012").components["hotfixes"]


def test_sql_2014_rtm_preset(tmp_path):
    host = make(tmp_path, "2016", "sql2014_rtm")
    assert host.registry.get_value(rf"{SQL}\Instance Names\SQL", "MSSQLSERVER") == ("REG_SZ", "MSSQL12.MSSQLSERVER")
    assert host.registry.get_value(rf"{SQL}\MSSQL12.MSSQLSERVER\Setup", "PatchLevel") == ("REG_SZ", "12.0.2000.8")


def test_exchange_2016_cu8_preset(tmp_path):
    host = make(tmp_path, "2019", "exchange2016_cu8")
    setup = r"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup"
    assert [host.registry.get_value(setup, n)[1] for n in ("MsiProductMajor", "MsiProductMinor", "MsiBuildMajor",
                                                           "MsiBuildMinor")] == [15, 1, 1415, 2]


def test_winrm_certificate_https_preset(tmp_path):
    host = make(tmp_path, "2022", "winrm_cert_https")
    assert host.registry.subkeys(rf"{WSMAN}\Listener") == ["*+HTTP", "*+HTTPS"]
    assert host.registry.get_value(rf"{WSMAN}\Listener\*+HTTPS", "Port") == ("REG_DWORD", 5986)
    assert host.registry.get_value(rf"{WSMAN}\Service", "auth_certificate") == ("REG_DWORD", 1)
    assert host.registry.subkeys(rf"{WSMAN}\CertMapping") == ["lab-ansible"]
    binding = r"HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:5986"
    assert host.registry.get_value(binding, "DefaultFlags") == ("REG_DWORD", 0)


def test_entra_connect_preset(tmp_path):
    host = make(tmp_path, "2019", "entra_connect_1_1_614")
    entry = rf"{UNINSTALL}\{{lab-aadconnect}}"
    assert host.registry.get_value(entry, "DisplayName") == ("REG_SZ", "Microsoft Azure AD Connect")
    assert host.registry.get_value(entry, "DisplayVersion") == ("REG_SZ", "1.1.614.0")


def test_hotfix_presets_take_away_and_add(tmp_path):
    rdp = make(tmp_path, "2008r2", "rdp_without_kb3080079")
    assert "KB3080079" in profile("2008r2").components["hotfixes"]
    assert rdp.components["hotfixes"] == [] and rdp.components["presets"] == ["rdp_without_kb3080079"]
    assert rdp.registry.get_value(r"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server",
                                  "fDenyTSConnections") == ("REG_DWORD", 0)
    patched = make(tmp_path, "2012", "with_kb3140245")
    assert patched.components["hotfixes"] == ["KB3140245"]


def test_fleet_files_pick_presets_and_refuse_unknown_ones(tmp_path):
    good = tmp_path / "fleet.yml"
    good.write_text("hosts:\n  sql01: {lab_os: '2016', lab_presets: [sql2014_rtm]}\n  dc01: {lab_os: '2012'}\n")
    specs = fleet.from_file(good)
    assert [(s.name, s.os, s.presets) for s in specs] == [("sql01", "2016", ("sql2014_rtm",)), ("dc01", "2012", ())]
    bad = tmp_path / "bad.yml"
    bad.write_text("hosts:\n  sql01: {lab_os: '2016', lab_presets: [sql2041_rtm]}\n")
    with pytest.raises(ValueError, match=rf"{bad}: host sql01: unknown preset\(s\) sql2041_rtm \(known: "):
        fleet.from_file(bad)
    with pytest.raises(ValueError, match="unknown component preset 'nope'"):
        fleet.HostSpec("x", "2019", presets=("nope",))


def test_every_preset_adds_or_takes_something():
    assert all(p.registry or p.add_hotfixes or p.remove_hotfixes for p in PRESETS.values())
