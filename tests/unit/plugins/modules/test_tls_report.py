"""tls_report run the way Ansible runs a module: a separate Python process given its arguments as a JSON file,
answering with one JSON object (AnsiballZ does the same after unpacking)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import (
    lab,
    per_host,
)

MODULE = "ansible_collections.tlsguard.windows.plugins.modules.tls_report"
BUILD = Path(__file__).resolve().parents[4] / ".build"


def run(tmp_path: Path, check: bool = False, diff: bool = False, **args) -> dict:
    params = {"ANSIBLE_MODULE_ARGS": {**args, "_ansible_check_mode": check, "_ansible_diff": diff}}
    path = tmp_path / "args.json"
    path.write_text(json.dumps(params))
    done = subprocess.run([sys.executable, "-m", MODULE, str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(BUILD)}, check=False)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    for host, results in per_host().items():
        (folder / f"{host}.json").write_text(json.dumps({host: results}))
    (folder / "scan.json").write_text(json.dumps(lab()["scan_after"]))
    return folder


def test_check_mode_writes_nothing_then_writes_then_is_idempotent(tmp_path, inputs):
    out = tmp_path / "out"
    out.mkdir()
    args = {"src": [str(inputs)], "dest": str(out / "fleet"), "format": ["json", "csv", "markdown", "html"]}
    planned = run(tmp_path, check=True, diff=True, **args)
    assert planned["changed"] is True and not list(out.iterdir())
    assert [f["path"] for f in planned["files"]] == [str(out / n) for n in (
        "fleet.json", "fleet-hosts.csv", "fleet-endpoints.csv", "fleet.md", "fleet.html")]
    assert planned["diff"]["before"] == "" and '"hosts": 4' in planned["diff"]["after"]
    written = run(tmp_path, **args)
    assert written["changed"] is True and sorted(p.name for p in out.iterdir()) == [
        "fleet-endpoints.csv", "fleet-hosts.csv", "fleet.html", "fleet.json", "fleet.md"]
    assert written["summary"] == planned["summary"] == json.loads((out / "fleet.json").read_text())["summary"]
    again = run(tmp_path, check=True, diff=True, **args)
    assert again["changed"] is False and not any(f["changed"] for f in again["files"]) and "diff" not in again
    assert run(tmp_path, **args)["changed"] is False


def test_diff_is_the_summary_before_and_after(tmp_path, inputs):
    dest = tmp_path / "fleet.html"
    run(tmp_path, results=[{"srv2019-01": per_host("info_before")["srv2019-01"]}], dest=str(dest))
    result = run(tmp_path, check=True, diff=True, results=[{"srv2019-01": per_host("info_after")["srv2019-01"]}],
                 dest=str(dest))
    assert result["changed"] is True
    before, after = json.loads(result["diff"]["before"]), json.loads(result["diff"]["after"])
    assert before["status"]["non_compliant"] == 1 and after["status"]["compliant"] == 1
    assert len(result["diff"]["after"]) < 4000  # the summary, not the page


def test_registered_results_and_expected_hosts(tmp_path):
    result = run(tmp_path, results=[lab()["scan_after"], per_host()], hosts=["srv2019-01", "ghost"])
    assert result["changed"] is False and result["files"] == []
    assert result["summary"]["hosts"] == 5 and result["summary"]["stage"]["not_collected"] == 2
    assert result["msg"].startswith("5 host(s): 1 compliant, 1 non_compliant, 0 held, 3 unknown; 5 endpoint(s)")


@pytest.mark.parametrize("args, message", [
    ({"results": [lab()["scan_after"], {"web01": {"stdout": "hello"}}]},
     "results[1].web01: not a result of tls_scan"),
    ({"src": ["/nonexistent/results.json"]}, "src[0]: /nonexistent/results.json does not exist"),
    ({"results": [{}], "profile": "enforce", "overrides": {"protocols": {"tls1_9": "disabled"}}},
     "overrides.protocols.tls1_9: unknown protocol 'tls1_9'"),
])
def test_bad_input_fails_with_a_message_that_names_it(tmp_path, args, message):
    result = run(tmp_path, **args)
    assert result["failed"] is True and message in result["msg"], result["msg"]


def test_invalid_json_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"web01":\n  [1,\n  ')
    result = run(tmp_path, src=[str(bad)])
    assert result["failed"] and result["msg"].startswith(f"src[0] {bad}: not JSON (line 3, column 3")


def test_dest_that_is_a_directory_fails_in_check_mode_too_and_a_link_is_replaced_not_followed(tmp_path):
    for check in (True, False):
        result = run(tmp_path, check=check, results=[per_host("info_after")], dest=str(tmp_path), format=["json"])
        assert result["failed"] and "dest:" in result["msg"] and "a directory" in result["msg"], result["msg"]
    (tmp_path / "target").write_text("keep")
    (tmp_path / "link.json").symlink_to(tmp_path / "target")
    result = run(tmp_path, results=[per_host("info_after")], dest=str(tmp_path / "link.json"), format=["json"])
    assert not result.get("failed") and not (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "target").read_text() == "keep"


def test_format_from_extension_or_a_clear_message(tmp_path):
    ok = run(tmp_path, results=[per_host("info_after")], dest=str(tmp_path / "r.md"))
    assert [f["format"] for f in ok["files"]] == ["markdown"] and (tmp_path / "r.md").read_text().startswith("# ")
    bad = run(tmp_path, results=[per_host("info_after")], dest=str(tmp_path / "r.txt"))
    assert bad["failed"] and bad["msg"].startswith("format: give the format(s)")
