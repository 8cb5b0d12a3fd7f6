"""The write path of tls_config and tls_restore with recorded host replies: what is refused before anything is
sent, what survives a lost reply, where controller copies go, and what a restore checks."""

from __future__ import annotations

import json
import os
from http.client import RemoteDisconnected

import pytest
import requests
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsguard.windows.plugins.action import tls_config, tls_info, tls_restore
from ansible_collections.tlsguard.windows.plugins.plugin_utils._host_writes import ControllerCopy
from ansible_collections.tlsguard.windows.tests.unit.plugins.action.host_replies import FakeHost, reply, run

SCHANNEL = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
TLS10_SERVER = SCHANNEL + r"\Protocols\TLS 1.0\Server"
DROPPED = requests.exceptions.ConnectionError(
    ("Connection aborted.", RemoteDisconnected("Remote end closed connection without response")))


@pytest.fixture(autouse=True)
def controller_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def backup(entries: list[dict], hostname: str | None = "WEB01", created: list | None = None) -> dict:
    document = {"id": "b1", "status": "applied", "entries": entries, "created_keys": created or []}
    if hostname:
        document["hostname"] = hostname
    return document


def entry(key: str = TLS10_SERVER, name: str = "Enabled", **value) -> dict:
    return {"hive": "HKLM", "key": key, "name": name, "existed": bool(value), **value}


# ---------------------------------------------------------------- D20/D21/D22: nothing written is hidden
def test_a_lost_write_reply_says_a_change_may_have_happened_and_how_to_undo_it(controller_home):
    host = FakeHost(reply("stock_2008r2"), write_error=DROPPED)
    result = run(tls_config, {"profile": "enforce"}, host)
    backup_id = host.calls[1]["backup_id"]
    assert result["failed"] and result["changed"] and not result.get("unreachable")
    assert "Remote end closed connection without response" in result["msg"]
    assert "the changes may have been applied" in result["msg"]
    assert f"tls_restore backup_id: {backup_id}" in result["msg"]
    copy = controller_home / ".ansible" / "tlsguard" / "backups" / "web01" / f"{backup_id}.json"
    kept = json.loads(copy.read_text())
    assert kept["status"] == "pending" and kept["hostname"] == "WEB01" and len(kept["entries"]) == len(
        host.calls[1]["changes"])
    assert result["backup"]["id"] == backup_id and result["backup"]["controller_path"] == str(copy)


def test_a_late_write_reply_is_the_same(controller_home):
    late = AnsibleConnectionFailure("winrm connection error: Read timed out. (read timeout=30)")
    result = run(tls_config, {"profile": "enforce"}, FakeHost(reply("stock_2008r2"), write_error=late))
    assert result["failed"] and result["changed"] and "Read timed out" in result["msg"]
    assert "tls_restore backup_id: " in result["msg"]


def test_a_dropped_read_is_unreachable_with_the_reason():
    result = run(tls_info, {}, FakeHost(None, read_error=DROPPED))
    assert result["unreachable"] and not result.get("failed")
    assert result["msg"] == ("web01: the connection failed or was dropped before the host answered (Remote end "
                             "closed connection without response)")


def test_the_controller_copy_is_written_before_the_write_is_sent(controller_home):
    seen = {}

    class Watching(FakeHost):
        def __call__(self, module_name=None, module_args=None, task_vars=None, **kwargs):
            if module_args.get("changes"):
                folder = controller_home / ".ansible" / "tlsguard" / "backups" / "web01"
                seen["copies"] = [json.loads(p.read_text())["status"] for p in folder.iterdir()]
            return super().__call__(module_name, module_args, task_vars, **kwargs)

    result = run(tls_config, {"profile": "enable"}, Watching(reply("stock_2008r2")))
    assert seen["copies"] == ["pending"] and result["changed"]
    with open(result["backup"]["controller_path"]) as handle:
        assert json.load(handle)["status"] == "applied"


def test_a_refused_write_keeps_no_copy_and_changes_nothing(controller_home):
    refused = {"failed": True, "msg": "backup_dir: C:\\x is a junction or symbolic link; ...; nothing was changed"}
    result = run(tls_config, {"profile": "enable"}, FakeHost(reply("stock_2008r2"), refused))
    folder = controller_home / ".ansible" / "tlsguard" / "backups" / "web01"
    assert result["failed"] and not result.get("changed") and list(folder.iterdir()) == []


def test_a_non_administrator_is_refused_before_any_write_in_check_mode_too():
    state = reply("stock_2008r2")
    state["facts"]["is_admin"] = False
    for check_mode in (False, True):
        host = FakeHost(state)
        result = run(tls_config, {"profile": "enforce"}, host, check_mode=check_mode)
        assert result["failed"] and not result["changed"] and len(host.calls) == 1
        assert "not an administrator" in result["msg"] and result["msg"].endswith("nothing was changed")
        assert result["msg"].startswith("check mode: a real run would fail: ") == check_mode


def test_an_untrusted_backup_folder_is_refused_before_the_write():
    state = dict(reply("stock_2008r2"), backup_dir_problem="backup_dir: C:\\b gives S-1-5-32-545 access; ...")
    host = FakeHost(state)
    result = run(tls_config, {"profile": "enforce"}, host, check_mode=True)
    assert result["failed"] and "S-1-5-32-545" in result["msg"] and len(host.calls) == 1
    assert host.calls[0]["check_backup_dir"] is True and host.calls[0]["backup_dir"]


# ---------------------------------------------------------------- D26: nothing lands where it should not
@pytest.mark.parametrize("inventory_name", ["../../escaped", "..", "a/../../b", "web01:5986"])
def test_controller_copies_stay_in_their_folder(tmp_path, inventory_name):
    copy = ControllerCopy(str(tmp_path / "copies"), inventory_name, "20261126T180000.000001Z-web01")
    assert copy.keep({"id": "x"}) is None
    assert os.path.dirname(os.path.dirname(copy.path)) == str(tmp_path / "copies")
    with open(copy.path) as handle:
        assert json.load(handle)["controller_path"] == copy.path


def test_a_host_reply_cannot_rename_the_backup(controller_home):
    planted = {"changed": True, "applied": 1, "backup": {"id": "../../planted", "status": "applied",
                                                         "hostname": "WEB01", "entries": [], "created_keys": []}}
    result = run(tls_config, {"profile": "enable"}, FakeHost(reply("stock_2008r2"), planted))
    assert result["failed"] and "'../../planted'" in result["msg"]
    assert not (controller_home / ".ansible" / "planted.json").exists()


def test_backup_entries_come_back_in_the_one_value_shape(controller_home):
    written = {"changed": True, "applied": 1, "backup": {
        "id": None, "status": "applied", "hostname": "WEB01", "created_keys": [{"hive": "hklm", "key": "A"}],
        "entries": [entry(type="REG_DWORD", data=-1), entry(name="DisabledByDefault")]}}

    class Answering(FakeHost):
        def __call__(self, module_name=None, module_args=None, task_vars=None, **kwargs):
            if module_args.get("changes"):
                written["backup"]["id"] = module_args["backup_id"]
            return super().__call__(module_name, module_args, task_vars, **kwargs)

    result = run(tls_config, {"profile": "enforce"}, Answering(reply("stock_2008r2"), written))
    assert result["backup"]["entries"] == [
        {"hive": "HKLM", "key": TLS10_SERVER, "name": "Enabled", "existed": True, "type": "REG_DWORD",
         "data": 0xFFFFFFFF},
        {"hive": "HKLM", "key": TLS10_SERVER, "name": "DisabledByDefault", "existed": False}]
    assert result["backup"]["created_keys"] == [{"hive": "HKLM", "key": "A"}]


# ---------------------------------------------------------------- D13/D14/D15/D19: arguments first
@pytest.mark.parametrize("args, message", [
    ({"backup_id": ""}, "backup_id: '' is not a backup id (letters, digits, '_', '.' and '-', not starting with "
                        "'.' or '-')"),
    ({"backup_id": "..\\..\\Windows\\System32\\x"},
     "backup_id: '..\\\\..\\\\Windows\\\\System32\\\\x' is not a backup id"),
    ({"backup": backup([], created=5)}, "backup.created_keys: should be a list of {hive, key}, not a number"),
    ({"backup": backup(["x"])}, "backup.entries[0]: should be a mapping with hive, key and name, not text"),
    ({"backup": backup([entry(key=5)])}, "backup.entries[0].key: should be text, not a number"),
    ({"backup": backup([]), "force": ["no_server"]}, "force[0]: unknown guard 'no_server'"),
    ({"backup": backup([]), "outside_locations": ["HKXX\\A"]}, "outside_locations[0]: unknown registry hive 'HKXX'"),
])
def test_restore_argument_errors_need_no_host(args, message):
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_restore, args, host)
    assert result["failed"] and result["msg"].startswith(message) and not result["changed"]
    assert host.calls == [] and result["round_trips"] == 0


def test_a_missing_backup_id_names_the_option_not_the_host_module():
    result = run(tls_restore, {"backup_id": "nope"}, FakeHost(reply("stock_2008r2")))
    assert result["msg"] == "backup_id: there is no backup 'nope' on web01 (in %ProgramData%\\tlsguard\\backups)"


def test_tls_config_guard_names_are_checked_before_the_host():
    host = FakeHost(reply("stock_2008r2"))
    assert run(tls_config, {"profile": "enforce", "force": ["no_server"]}, host)["failed"] and host.calls == []


# ---------------------------------------------------------------- D16/D17: restore checks what tls_config checks
def test_a_backup_from_another_host_is_refused_unless_named():
    document = backup([entry(type="REG_DWORD", data=0)], hostname="SRV2022-04")
    refused = run(tls_restore, {"backup": document}, FakeHost(reply("stock_2008r2")))
    assert refused["failed"] and refused["msg"] == (
        "backup was taken on SRV2022-04, not on WEB01: another host's values can lock this one out or break its "
        "services; set from_other_host: SRV2022-04 if that is really wanted")
    wrong = run(tls_restore, {"backup": document, "from_other_host": "other"}, FakeHost(reply("stock_2008r2")))
    assert wrong["failed"]
    named = run(tls_restore, {"backup": document, "from_other_host": "srv2022-04"}, FakeHost(reply("stock_2008r2")))
    assert named["changed"] and not named.get("failed")


def test_a_backup_that_records_no_host_needs_one_named():
    document = backup([entry(type="REG_DWORD", data=0)], hostname=None)
    assert "does not record the host" in run(tls_restore, {"backup": document}, FakeHost(reply("stock_2008r2")))["msg"]
    named = run(tls_restore, {"backup": document, "from_other_host": "web01"}, FakeHost(reply("stock_2008r2")))
    assert named["changed"]


def test_restore_writes_only_the_collections_locations_unless_named():
    run_key = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Run"
    document = backup([entry(key=run_key, name="evil", type="REG_SZ", data="C:\\evil.exe")])
    host = FakeHost(reply("stock_2008r2"))
    refused = run(tls_restore, {"backup": document}, host)
    assert refused["failed"] and len(host.calls) == 1
    assert refused["msg"].startswith("backup names registry places outside the ones tlsguard manages: "
                                     f"HKLM\\{run_key}\\evil; a restore writes those only when their keys are "
                                     "listed in outside_locations")
    created = backup([], created=[{"hive": "HKLM", "key": "SOFTWARE\\Elsewhere"}])
    assert run(tls_restore, {"backup": created}, FakeHost(reply("stock_2008r2")))["failed"]
    host = FakeHost(reply("stock_2008r2"))
    allowed = run(tls_restore, {"backup": document, "outside_locations": [f"HKLM\\{run_key}"]}, host)
    assert allowed["changed"] and host.calls[1]["changes"][0]["key"] == run_key


def test_created_parents_of_managed_keys_are_the_collections_own():
    parents = [{"hive": "HKLM", "key": r"SOFTWARE\Policies\Microsoft\Cryptography"},
               {"hive": "HKLM", "key": r"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"}]
    result = run(tls_restore, {"backup": backup([entry(type="REG_DWORD", data=0)], created=parents)},
                 FakeHost(reply("stock_2008r2")))
    assert result["changed"] and not result.get("failed")


def test_restore_runs_the_lockout_guards():
    off = [entry(key=SCHANNEL + rf"\Protocols\{p}\Server", type="REG_DWORD", data=0)
           for p in ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2")]
    refused = run(tls_restore, {"backup": backup(off)}, FakeHost(reply("stock_2008r2")))
    assert refused["failed"] and "force: [no_server_protocol]" in refused["msg"]
    args = {"backup": backup(off), "force": ["no_server_protocol"]}
    forced = run(tls_restore, args, FakeHost(reply("stock_2008r2")))
    assert forced["changed"] and any("forced past guard no_server_protocol" in w for w in forced["warnings"])


def test_restore_of_values_outside_the_read_is_one_read_and_one_write():
    key = SCHANNEL + r"\Messaging"  # inside the collection's locations, and read with the recursive SCHANNEL read
    outside = r"SOFTWARE\Elsewhere"
    document = backup([entry(key=key, name="x", type="REG_DWORD", data=1),
                       entry(key=outside, name="y", type="REG_SZ", data="v")])
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_restore, {"backup": document, "outside_locations": [f"HKLM\\{outside}"]}, host)
    assert result["round_trips"] == 2 and len(host.calls) == 2
    assert {"hive": "HKLM", "key": outside, "name": "y"} in host.calls[0]["read_values"]


# ---------------------------------------------------------------- first mistakes (issue 11)
def test_a_non_windows_host_is_told_what_to_set():
    host = FakeHost(reply("stock_2008r2"))
    result = run(tls_config, {"profile": "enforce"}, host, shell="sh")
    assert result["failed"] and host.calls == []
    assert result["msg"].startswith("test runs on Windows hosts only, with PowerShell 5.1 or later; web01 is reached "
                                    "with connection 'local' and a 'sh' shell.")
    for setting in ("ansible_connection: winrm", "ansible_port: 5986", "ansible_winrm_transport: ntlm"):
        assert setting in result["msg"]


def test_check_mode_says_in_one_line_what_would_change():
    result = run(tls_config, {"profile": "enforce"}, FakeHost(reply("stock_2008r2")), check_mode=True)
    count = len(result["changes"])
    assert result["msg"].startswith(f"check mode: {count} registry value(s) would change on web01 (protocols ")
    assert result["msg"].endswith("; a reboot would be needed")
    done = run(tls_config, {"profile": "enforce"}, FakeHost(reply("stock_2008r2")))
    assert done["msg"].startswith(f"{count} registry value(s) changed on web01") and "reboot is needed" in done["msg"]
    restored = run(tls_restore, {"backup": backup([entry(type="REG_DWORD", data=0)])},
                   FakeHost(reply("stock_2008r2")), check_mode=True)
    assert restored["msg"] == ("check mode: 1 registry value(s) would change on web01 (protocols 1); a reboot "
                               "would be needed")
