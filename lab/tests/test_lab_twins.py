"""Twins: the drift guard on the collection's PowerShell, and the ansible.windows registry modules' contract."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tlslab import fleet
from tlslab.host import Host
from tlslab.modules import run_module
from tlslab.osprofiles import profile
from tlslab.payload import Payload
from tlslab.twins import tls_host, win_registry

TLS_HOST_PS1 = Path(__file__).resolve().parents[2] / "plugins" / "modules" / "__tls_host.ps1"


def host(tmp_path: Path) -> Host:
    return Host.create("h1", profile("2019"), tmp_path / "h1")


def payload(source: str, args: dict, name: str = "tlsguard.windows.__tls_host") -> Payload:
    namespace, collection, module = name.split(".")
    return Payload("module_wrapper.ps1", {}, f"ansible_collections.{namespace}.{collection}.plugins.modules."
                   f"{module}.ps1", source, args)


def test_the_twin_was_written_for_the_powershell_in_the_repository():
    actual = hashlib.sha256(TLS_HOST_PS1.read_bytes()).hexdigest()
    assert actual == tls_host.SOURCE_SHA256, (
        "plugins/modules/__tls_host.ps1 changed: mirror the change in lab/tlslab/twins/tls_host.py, run the "
        "contract cases (lab/tests/test_contract_cases.py) and set its "
        f"SOURCE_SHA256 to {actual}")


def test_the_lab_refuses_a_powershell_its_twin_does_not_mirror(tmp_path):
    source = TLS_HOST_PS1.read_text()
    assert run_module(host(tmp_path), payload(source, {"facts": True}))["facts"]["hostname"] == "H1"
    changed = run_module(host(tmp_path), payload(source + "\n# an edit\n", {"facts": True}))
    assert changed["failed"] and "tls_host changed" in changed["msg"] and "SOURCE_SHA256" in changed["msg"]


def test_modules_without_a_twin_are_refused(tmp_path):
    unknown = run_module(host(tmp_path), payload("#!powershell\n", {}, "tlsguard.windows.tls_other"))
    assert unknown == {"failed": True, "msg": "lab: module tlsguard.windows.tls_other is not emulated"}
    other = run_module(host(tmp_path), payload("# win_shell", {}, "ansible.windows.win_shell"))
    assert other == {"failed": True, "msg": "lab: module ansible.windows.win_shell is not emulated"}


def test_tls_host_returns_dwords_signed_as_dotnet_reads_them(tmp_path):
    target = host(tmp_path)
    target.registry.set_value(r"HKLM\SOFTWARE\T", "Big", "REG_DWORD", 0xFFFFFFFF)
    result = tls_host.run(target, {"read_values": [{"key": r"SOFTWARE\T", "name": "big"}]})
    expected = {"hive": "HKLM", "key": r"SOFTWARE\T", "name": "Big", "type": "REG_DWORD", "data": -1}
    assert result["registry_values"] == [expected]


def test_tls_host_rolls_back_on_the_kth_write_and_keeps_the_backup(tmp_path):
    target = host(tmp_path)
    target.registry.set_value(r"HKLM\SOFTWARE\T", "A", "REG_DWORD", 1)
    target.set_faults({"fail_write": 2})
    changes = [{"op": "set", "key": r"SOFTWARE\T", "name": "A", "type": "REG_DWORD", "data": 5},
               {"op": "set", "key": r"SOFTWARE\T\New", "name": "B", "type": "REG_SZ", "data": "x"}]
    args = {"changes": changes, "backup_id": "b1", "_ansible_module_name": tls_host.MODULE}
    result = run_module(target, payload(TLS_HOST_PS1.read_text(), args))
    assert result["failed"] and result["msg"].startswith(r"change 2 of 2 failed at HKLM\SOFTWARE\T\New\B: ")
    assert result["rolled_back"] == 1 and result["backup"]["status"] == "rolled_back"
    assert target.registry.get_value(r"HKLM\SOFTWARE\T", "A") == ("REG_DWORD", 1)
    assert not target.registry.key_exists(r"HKLM\SOFTWARE\T\New")
    assert b'"rolled_back"' in target.read_file(r"C:\ProgramData\tlsguard\backups\b1.json")


def test_tls_host_refuses_unknown_options_like_ansible_basic(tmp_path):
    args = {"reed_keys": [], "_ansible_module_name": tls_host.MODULE}
    result = run_module(host(tmp_path), payload(TLS_HOST_PS1.read_text(), args))
    assert result["failed"] and result["msg"].startswith(
        "Unsupported parameters for (tlsguard.windows.__tls_host) module: reed_keys.")


def test_win_reg_stat_and_win_regedit_documented_behaviour(tmp_path):
    target = host(tmp_path)
    assert win_registry.regedit(target, {"path": r"HKLM:\SOFTWARE\R", "name": "v", "data": "0x10", "type": "dword",
                                         "_ansible_check_mode": True})["changed"]
    assert not target.registry.key_exists(r"HKLM\SOFTWARE\R")
    first = win_registry.regedit(target, {"path": r"HKLM:\SOFTWARE\R", "name": "v", "data": "0x10", "type": "dword"})
    again = win_registry.regedit(target, {"path": r"HKLM:\SOFTWARE\R", "name": "v", "data": 16, "type": "dword"})
    assert (first["changed"], first["data_changed"], again["changed"]) == (True, True, False)
    retyped = win_registry.regedit(target, {"path": r"HKLM:\SOFTWARE\R", "name": "v", "data": "16"})
    assert retyped["data_type_changed"]
    stat = win_registry.reg_stat(target, {"path": r"HKLM:\SOFTWARE\R", "name": "v"})
    assert stat == {"changed": False, "exists": True, "type": "REG_SZ", "value": "16", "raw_value": "16"}
    target.registry.set_value(r"HKLM\SOFTWARE\R", "bin", "REG_BINARY", "01ff")
    key = win_registry.reg_stat(target, {"key": r"HKLM:\SOFTWARE\R"})
    assert key["properties"]["bin"] == {"raw_value": ["0x01", "0xff"], "type": "REG_BINARY", "value": [1, 255]}
    gone = win_registry.regedit(target, {"path": r"HKLM:\SOFTWARE\R", "state": "absent"})
    assert gone["changed"] and not target.registry.key_exists(r"HKLM\SOFTWARE\R")


def test_fleet_from_count_names_and_mixes(tmp_path):
    specs = fleet.from_count(4, ["2019", "win11"], ("https",))
    assert [(s.name, s.os) for s in specs] == [("srv2019-01", "2019"), ("win11-02", "win11_23h2"),
                                               ("srv2019-03", "2019"), ("win11-04", "win11_23h2")]


def test_read_subkey_values_stops_at_4096_subkeys_and_says_truncated(tmp_path):
    """The bound is too large for a contract case file: 4097 subkeys, the first 4096 (in registry order) come back."""
    lab = host(tmp_path)
    root = r"HKLM\SOFTWARE\tlsguard-test\Many"
    for index in range(tls_host.MAX_SUBKEYS + 1):
        lab.registry.create_key(f"{root}\\k{index:05d}")
    reply = tls_host.run(lab, {"read_subkey_values": [{"key": root[5:], "names": ["v"]}],
                               "_ansible_module_name": tls_host.MODULE})
    entry = reply["subkey_values"][0]
    assert entry["truncated"] is True and len(entry["subkeys"]) == 4096
    assert entry["subkeys"][-1]["name"] == "k04095"
    lab.registry.delete_key(f"{root}\\k04096")
    again = tls_host.run(lab, {"read_subkey_values": [{"key": root[5:], "names": ["v"]}]})
    assert again["subkey_values"][0]["truncated"] is False and len(again["subkey_values"][0]["subkeys"]) == 4096
