"""The real-world corpus (34 .reg files from public sources, kept outside the repository): every file audited on
three builds with profile enforce, as a task would, against corpus_expected.json (our reading of each file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.modules import tls_regfile
from ansible_collections.tlsguard.windows.tests.harness.module_main import run_main
from ansible_collections.tlsguard.windows.tests.perf.regfile_corpus import BUILDS, corpus_dir, corpus_files

EXPECTED = json.loads((Path(__file__).parent / "corpus_expected.json").read_text())["files"]
FOLDER = corpus_dir()
pytestmark = pytest.mark.skipif(FOLDER is None, reason="the real-world .reg corpus is not on this machine (set "
                                                       "TLSGUARD_REGFILE_CORPUS to its folder to run these tests)")


@pytest.fixture(scope="module")
def audits() -> dict[tuple[str, str], dict]:
    assert FOLDER is not None
    results = {}
    for path in corpus_files(FOLDER):
        for build in BUILDS:
            run = run_main(tls_regfile.main, {"src": str(path), "os_build": build, "profile": "enforce"})
            assert run.traceback is None, f"{path.name} on {build}: {run.traceback}"
            assert not run.failed, f"{path.name} on {build}: {run.result.get('msg')}"
            results[(path.name, build)] = run.result
    return results


def test_the_corpus_is_the_one_the_expectations_describe():
    assert FOLDER is not None
    assert sorted(p.name for p in corpus_files(FOLDER)) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_lines_regedit_drops_are_errors_and_the_states_are_right(audits, name):
    expected = EXPECTED[name]
    for build in BUILDS:
        result = audits[(name, build)]
        if expected["refused"]:
            assert result["file_refused"] and [e["line"] for e in result["errors"]] == [1]
        else:
            assert result["file_refused"] is None
            assert [e["line"] for e in result["errors"]] == expected["dropped_lines"], build
        # The expectations read the SSL/TLS keys; DTLS is reported too, and no .reg file of the corpus sets it.
        assert {"dtls1_0", "dtls1_2"} <= set(result["effective"])
        states = {p: f"{v['client']}/{v['server']}" for p, v in result["effective"].items() if not p.startswith("dtls")}
        assert states == expected["states"][build], build


def test_realworld_defects_are_fixed(audits):
    # D1: an inline ';' comment after data is imported (r19 line 8: WinHTTP DefaultSecureProtocols 0xa00).
    r19 = audits[("r19_novaq_enable_tls12.reg", "17763")]
    assert r19["errors"] == []
    winhttp = r19["settings"]["winhttp"][r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"]
    assert winhttp["value"] == 0xA00
    # D2/D3: no header and HKLM key lines: nothing is imported.
    r34 = audits[("r34_unresolved_ru_readme_hklm_noheader.reg", "17763")]
    assert r34["values_read"] == 0 and "not the header" in r34["file_refused"]
    # D5: ControlSet001 is evaluated as the current control set, with a note.
    r26 = audits[("r26_unresolved_ps_heredoc_controlset001.reg", "20348")]
    assert r26["effective"]["tls1_2"]["server"] == "enabled"
    assert any("ControlSet001" in w["message"] for w in r26["warnings_in_file"])
    # Readable messages (realworld §4): typographic quotes, unquoted names, values on the key line.
    assert "typographic quotes" in audits[("r24_unresolved_alertlogic_curlyquotes.reg", "9600")]["errors"][0]["message"]
    assert "not in double quotes" in audits[("r33_pinto_enable_all_protocols_win7.reg", "9600")]["errors"][0]["message"]
    assert "ignores text after the last ']'" in audits[("r09_natthasath_disable_tls1.reg", "9600")]["errors"][0][
        "message"]
