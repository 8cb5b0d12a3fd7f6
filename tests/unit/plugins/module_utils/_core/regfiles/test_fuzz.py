"""Fuzzing the .reg reader (seeded, CI-sized): whatever the bytes, no exception escapes, every issue names a line
of the file, messages stay short, the issue lists stay capped and memory stays proportional to the input."""

from __future__ import annotations

import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import MAX_ISSUES, parse_regfile
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.text import decode, split_lines
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.values import (
    DroppedValue,
    _read_hex_slowly,
    read_hex,
)

FUZZ = settings(max_examples=400, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEADERS = ["Windows Registry Editor Version 5.00", "REGEDIT4", "  REGEDIT4", "regedit4", "REGEDIT", "", "junk"]
HIVES = ["HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKLM", "hkey_users", "HKEY_LOCAL_MASHINE", ""]
PARTS = ["SYSTEM", "CurrentControlSet", "ControlSet001", "ControlSet002", "SCHANNEL", "Protocols", "TLS 1.0",
         "Server ", " x", "..", "", "\u202e", "\U0001f600", "a]b", "[", '"', "\\"]
DATA = ["dword:00000001", "dword: 1", "dword:ffffffff", "dword:100000000", "DWORD:1", "dword:0x1", "dword:\u0661",
        "hex:01,02", "hex:01,\\", "hex:+1,-0", "hex:gg", "hex(7):61,00,00,00,\\", "hex(4):01,00,00,00",
        "hex(0004):01,00,00,00", "hex(ffffffff):00", "hex(x2):00", "hex(2):,\\", '"text"', '"unclosed', '"a\\"b"',
        "-", "- ;c", '"x" ;c', '"x" #c', "dword:1 #c", "", "\u201cq\u201d"]
FRAGMENTS = [";c", "#c", "\\", "  ", "\t", ",", "00", "ff,", "]", "=", "@", "\0", "\u2028", "\x0c"]


@st.composite
def lines(draw):
    kind = draw(st.sampled_from(["key", "delete", "value", "default", "continue", "junk", "blank", "comment"]))
    if kind in ("key", "delete"):
        path = "\\".join(draw(st.lists(st.sampled_from(PARTS), max_size=5)))
        lead = draw(st.sampled_from(["[", "[ ", "  [", "["]))
        tail = draw(st.sampled_from(["]", "", "] junk", '] "v"=dword:1', "]]", " ]"]))
        return f"{lead}{'-' if kind == 'delete' else ''}{draw(st.sampled_from(HIVES))}\\{path}{tail}"
    if kind in ("value", "default"):
        name = "@" if kind == "default" else '"' + draw(st.text(max_size=6)).replace("\r", "").replace("\n", "") + '"'
        return name + draw(st.sampled_from(["=", " = ", "", "=="])) + draw(st.sampled_from(DATA))
    if kind == "continue":
        return draw(st.sampled_from(["  01,02,\\", "  03", "  ,04", "  0g", "05;c", "\t06,\\ ;c", "\\"]))
    if kind == "junk":
        return draw(st.text(max_size=30)) + draw(st.sampled_from(FRAGMENTS))
    return "" if kind == "blank" else draw(st.sampled_from([";", "#", "  ;x"]))


@st.composite
def reg_files(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=600))
    body = draw(st.lists(lines(), max_size=40))
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join([draw(st.sampled_from(HEADERS)), *body])
    encoding = draw(st.sampled_from(["utf-16-le-bom", "utf-16-le", "utf-16-be", "utf-8", "utf-8-sig", "cp1252"]))
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace") if encoding == "cp1252" else text.encode(encoding, "surrogatepass")


@FUZZ
@given(reg_files())
def test_any_file_is_read_without_an_exception_and_every_issue_names_one_of_its_lines(raw):
    tracemalloc.start()
    try:
        result = parse_regfile(raw)
        snapshot = result.snapshot()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    count = len(split_lines(decode(raw).text))
    issues = result.errors + result.warnings
    assert all(1 <= issue.line <= count for issue in issues), [(i.line, count) for i in issues]
    assert all(len(issue.message) < 600 for issue in issues)
    assert len(result.errors) <= MAX_ISSUES and len(result.warnings) <= MAX_ISSUES
    assert len(result.operations) <= count and len(snapshot) <= len(result.operations)
    assert peak < 2_000_000 + 200 * len(raw)
    if result.refusal:
        assert result.operations == [] and len(result.errors) == 1


@FUZZ
@given(st.text(alphabet="0123456789abcdefABxX,; \t\\#+-\u0661", max_size=30))
def test_the_quick_hex_path_agrees_with_the_general_reader(text):
    def outcome(read):
        try:
            return read(text)
        except DroppedValue:
            return "dropped"
    assert outcome(read_hex) == outcome(_read_hex_slowly)
