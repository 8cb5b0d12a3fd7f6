"""tls_regfile's main() run as AnsiballZ runs it: the result a task gets, failures with their messages."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.modules import tls_regfile
from ansible_collections.tlsguard.windows.tests.harness.module_main import run_main

V5 = "Windows Registry Editor Version 5.00"
PROTOCOLS = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols"


def export(path: Path, *lines: str, header: str = V5) -> Path:
    path.write_bytes(b"\xff\xfe" + "\r\n".join([header, "", *lines, ""]).encode("utf-16-le"))
    return path


def disables_tls10(path: Path) -> Path:
    return export(path, f"[{PROTOCOLS}\\TLS 1.0\\Server]", '"Enabled"=dword:00000000',
                  '"DisabledByDefault"=dword:00000001')


def task(check_mode: bool = False, diff: bool = False, **args):
    run = run_main(tls_regfile.main, {"os_build": "17763", **args}, check_mode=check_mode, diff=diff)
    assert run.traceback is None, run.traceback
    return run


@pytest.fixture
def no_hang():
    """Fail instead of hanging (a FIFO as dest used to block the module forever)."""
    signal.alarm(20)
    yield
    signal.alarm(0)


# -- one export -------------------------------------------------------------------------------------------------
def test_one_export_gets_the_host_view_tls_info_returns(tmp_path):
    run = task(src=str(disables_tls10(tmp_path / "a.reg")), profile="enforce")
    result = run.result
    assert not run.failed and result["changed"] is False
    assert result["effective"]["tls1_0"]["server"] == "disabled"
    assert {"settings", "effective_details", "cipher_suites", "findings", "compliant", "policy_warnings"} <= set(result)
    assert {"dtls1_0", "dtls1_2"} <= set(result["effective_details"])
    assert set(result["settings"]) >= {"ciphers", "hashes", "key_exchange", "dotnet", "winhttp", "wininet"}
    assert result["file_refused"] is None and result["errors"] == [] and result["errors_omitted"] == 0
    assert result["values_read"] == 2 and run.warnings == []


def test_the_warning_names_the_first_dropped_lines_and_why(tmp_path):
    src = export(tmp_path / "a.reg", f"[{PROTOCOLS}\\TLS 1.0\\Server]", "Enabled=dword:00000000",
                 "\u201cDisabledByDefault\u201d=dword:00000001", '"x"=dword:1 #c', '"y"=DWORD:1')
    warning, = task(src=str(src)).warnings
    assert warning.startswith("src: 4 line(s) are not imported: line 4: the value name Enabled is not in double "
                              "quotes")
    assert "line 5: the value name is in typographic quotes" in warning and "line 6:" in warning
    assert "and 1 more" in warning and "line 7" not in warning


def test_a_refused_file_counts_for_nothing_and_says_so(tmp_path):
    src = disables_tls10(tmp_path / "a.reg")
    src.write_bytes(src.read_bytes().replace("Version".encode("utf-16-le"), "version".encode("utf-16-le"), 1))
    run = task(src=str(src), profile="enforce")
    result = run.result
    assert "differs from 'Windows Registry Editor Version 5.00' in case" in result["file_refused"]
    assert result["values_read"] == 0 and result["effective"]["tls1_0"]["server"] == "os_default_enabled"
    assert "regedit refuses it" in run.warnings[0]


def test_strict_fails_naming_the_lines_and_changes_nothing(tmp_path):
    src = export(tmp_path / "a.reg", "[HKEY_LOCAL_MACHINE\\A]", "junk", '"v"=dword:zz')
    run = task(src=str(src), strict=True)
    assert run.failed and run.result["msg"] == "src: 2 line(s) could not be read (lines 4, 5); see errors"
    assert run.result["changed"] is False and len(run.result["errors"]) == 2


def test_d3_a_swallowed_key_line_does_not_invert_the_audit(tmp_path):
    src = export(tmp_path / "a.reg", f"[{PROTOCOLS}\\TLS 1.2\\Server]", '"Blob"=hex:01,02,\\',
                 f"[{PROTOCOLS}\\TLS 1.0\\Server]", '"Enabled"=dword:00000000')
    result = task(src=str(src)).result
    assert result["effective"]["tls1_2"] == {"client": "os_default_enabled", "server": "os_default_enabled"}
    assert result["effective"]["tls1_0"] == {"client": "os_default_enabled", "server": "os_default_enabled"}
    assert [e["line"] for e in result["errors"]] == [4, 5, 6]
    assert not [f for f in result["findings"] if f.get("protocol") == "tls1_2"]


def test_controlset001_counts_as_the_current_control_set(tmp_path):
    src = export(tmp_path / "a.reg", f"[{PROTOCOLS.replace('CurrentControlSet', 'ControlSet001')}\\TLS 1.0\\Server]",
                 '"Enabled"=dword:00000000')
    result = task(src=str(src)).result
    assert result["effective"]["tls1_0"]["server"] == "disabled"
    assert "evaluated as SYSTEM\\CurrentControlSet" in result["warnings_in_file"][0]["message"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "does not exist"),
    (lambda p: p.mkdir() or p, None),  # an existing folder is a fleet: it has no .reg files
    (lambda p: os.mkfifo(p) or p, "is a FIFO"),
])
def test_a_source_that_is_not_a_regular_file(tmp_path, no_hang, make, message):
    path = make(tmp_path / "x.reg")
    run = task(src=str(path))
    assert run.failed and run.result["changed"] is False
    assert (message or "has no .reg files") in run.result["msg"] and run.result["msg"].startswith("src")


# -- a fleet of exports -----------------------------------------------------------------------------------------
def fleet(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    disables_tls10(folder / "web01.reg")
    export(folder / "web02.reg", "[HKLM\\SOFTWARE\\A]", '"v"=dword:1')
    disables_tls10(folder / "web03.REG").write_bytes(b"[HKEY_LOCAL_MACHINE\\A]\r\n")
    (folder / "notes.txt").write_text("not an export")
    return folder


def test_a_folder_is_audited_in_one_task_with_a_result_per_file(tmp_path):
    run = task(src=str(fleet(tmp_path)), profile="enforce")
    result = run.result
    assert not run.failed and "os" not in result and "effective" not in result
    assert [Path(f["src"]).name for f in result["files"]] == ["web01.reg", "web02.reg", "web03.REG"]
    web01, web02, web03 = result["files"]
    assert web01["effective"]["tls1_0"]["server"] == "disabled" and web01["errors"] == []
    assert web02["errors"][0]["line"] == 3 and web03["file_refused"]
    assert result["summary"] == {"files": 3, "refused": 1, "with_errors": 1, "unreadable": 0,
                                 "findings": sum(len(f["findings"]) for f in result["files"]),
                                 "compliant": 0, "not_compliant": 3}
    warning, = run.warnings
    assert warning.startswith("src: 2 of 3 exports have lines regedit would drop") and "web02.reg" in warning


def test_a_list_with_its_own_builds_and_a_missing_file(tmp_path):
    folder = fleet(tmp_path)
    run = task(src=[str(folder / "web01.reg"), {"path": str(folder / "web01.reg"), "os_build": "9600"},
                    str(folder / "gone.reg")])
    assert run.failed and run.result["changed"] is False
    gone = folder / "gone.reg"
    assert run.result["msg"] == f"src: 1 of 3 exports could not be read: {gone} ({gone} does not exist)"
    first, second, third = run.result["files"]
    assert first["os"]["build"] == 17763 and second["os"]["build"] == 9600
    assert third == {"src": str(folder / "gone.reg"), "failed": True,
                     "msg": f"src[2]: {folder / 'gone.reg'} does not exist"}


@pytest.mark.parametrize("src, message", [
    ([], "src: the list of exports is empty"),
    ([{"path": "a.reg", "os_bild": "1"}], "src[0]: unknown key 'os_bild'; did you mean 'os_build'?"),
    ([{"os_build": "17763"}], "src[0]: an export given as a dict needs its path"),
    ([5], "src[0]: expected the path of a .reg file or folder"),
    ([{"path": "a.reg", "os_build": "Server2019"}], "src[0].os_build: 'Server2019' is not a Windows build"),
])
def test_bad_lists_are_named(tmp_path, monkeypatch, src, message):
    disables_tls10(tmp_path / "a.reg")
    monkeypatch.chdir(tmp_path)
    run = task(src=src)
    assert run.failed and run.result["msg"].startswith(message)


def test_a_fleet_cannot_be_rendered_into_one_dest(tmp_path):
    run = task(src=str(fleet(tmp_path)), profile="enforce", dest=str(tmp_path / "out.reg"))
    assert run.failed and run.result["msg"].startswith("dest: a render takes one export, and src names 3")
    assert not (tmp_path / "out.reg").exists()


def test_strict_fails_a_fleet_naming_the_files(tmp_path):
    run = task(src=str(fleet(tmp_path)), strict=True)
    assert run.failed and run.result["msg"].startswith("src: 2 of 3 exports have lines regedit would drop: ")
    assert "web02.reg (2 line(s) could not be read (lines 3, 4)); " in run.result["msg"]


# -- dest ---------------------------------------------------------------------------------------------------------
def render(dest: Path, check_mode: bool = False, **args):
    return task(check_mode=check_mode, profile="enforce", dest=str(dest), **args)


def test_render_check_mode_then_real_then_idempotent_with_a_backup(tmp_path):
    dest = tmp_path / "enforce.reg"
    check = render(dest, check_mode=True)
    assert check.result["changed"] is True and not dest.exists()
    first = render(dest)
    assert first.result["changed"] is True and dest.read_bytes()[:2] == b"\xff\xfe"
    assert render(dest).result["changed"] is False
    dest.write_bytes(b"old content")
    again = render(dest, backup=True)
    assert again.result["changed"] is True and Path(again.result["backup_file"]).read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_missing_folder_fails_in_check_mode_too_and_nothing_changed(tmp_path, check_mode):
    run = render(tmp_path / "no" / "such" / "enforce.reg", check_mode=check_mode)
    assert run.failed and run.result["changed"] is False
    assert run.result["msg"] == f"dest: the folder {tmp_path / 'no' / 'such'} does not exist"


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("make, kind", [
    (os.mkfifo, "a FIFO (named pipe)"),
    (lambda p: p.mkdir(), "a directory"),
])
def test_a_fifo_or_directory_as_dest_is_refused_without_blocking(tmp_path, no_hang, make, kind, check_mode):
    dest = tmp_path / "enforce.reg"
    make(dest)
    run = render(dest, check_mode=check_mode)
    assert run.failed and run.result["changed"] is False and kind in run.result["msg"]


def test_a_device_as_dest_is_refused_and_never_read(no_hang):
    run = render(Path("/dev/zero"))
    assert run.failed and run.result["msg"] == "dest: /dev/zero is a device, not a regular file"


def test_the_old_temporary_name_planted_as_a_link_is_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    dest = tmp_path / "out.reg"
    (tmp_path / "out.reg.tlsguard-tmp").symlink_to(victim)
    assert render(dest).result["changed"] is True
    assert victim.read_text() == "keep me" and dest.is_file() and not dest.is_symlink()


def test_a_link_as_dest_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.reg"
    victim.write_text("keep me")
    dest = tmp_path / "out.reg"
    dest.symlink_to(victim)
    run = render(dest, diff=True)
    assert run.result["changed"] is True and run.result["diff"]["before"] == ""
    assert victim.read_text() == "keep me" and dest.is_file() and not dest.is_symlink()


def test_the_delta_of_one_export_is_rendered(tmp_path):
    src = disables_tls10(tmp_path / "a.reg")
    run = task(src=str(src), profile="enforce", dest=str(tmp_path / "Registry.xml"))
    assert run.result["format"] == "gpo" and run.result["changed"] is True and run.result["compliant"] is False
    assert not [c for c in run.result["changes"] if c["key"].endswith("TLS 1.0\\Server") and c["name"] == "Enabled"]


# -- argument fuzzing (issue 16 item 7): no argument set makes a traceback ---------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 99999), st.text(max_size=12),
                    st.sampled_from(["17763", "10.0.20348", "\u00b2", "a.reg", "exports", "~/x.reg"]))
exports = st.one_of(scalars, st.dictionaries(st.sampled_from(["path", "os_build", "server", "pth"]), scalars,
                                             max_size=3))


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=st.one_of(exports, st.lists(exports, max_size=4)), os_build=scalars,
       profile=st.sampled_from([None, "enforce", "enforcee"]), strict=st.booleans())
def test_no_argument_set_ends_in_a_traceback(tmp_path_factory, src, os_build, profile, strict):
    folder = tmp_path_factory.mktemp("fuzz")
    disables_tls10(folder / "a.reg")
    (folder / "exports").mkdir()
    disables_tls10(folder / "exports" / "b.reg")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        args = {k: v for k, v in {"src": src, "os_build": os_build, "profile": profile, "strict": strict}.items()
                if v is not None}
        run = run_main(tls_regfile.main, args)
    finally:
        os.chdir(cwd)
    assert run.traceback is None, run.traceback
    if run.failed:
        assert run.result.get("changed", False) is False
        assert "Traceback" not in run.result["msg"] and "Error:" not in run.result["msg"]
