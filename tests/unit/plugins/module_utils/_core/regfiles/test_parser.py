from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import parse_regfile
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.reg_writer import render_reg
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, RegValue, dword, ref, sz
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.strategies import reg_values

EXPORTS = Path(__file__).resolve().parents[6] / "examples" / "exports"
V5 = "Windows Registry Editor Version 5.00\r\n\r\n"


def parse(text: str, encoding: str = "utf-16-le", bom: bool = True):
    raw = text.encode(encoding)
    if bom and encoding == "utf-16-le":
        raw = b"\xff\xfe" + raw
    return parse_regfile(raw)


def messages(issues):
    return [(i.line, i.message) for i in issues]


def test_seed_article_typos_are_reported_with_their_lines_and_the_rest_is_read():
    result = parse_regfile((EXPORTS / "seed-article-snippets.reg").read_bytes())
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (23, "key path without brackets"), (24, 'value "SchUseStrongCrypto" is not applied'),
        (45, 'value "DisabledByDefault"')]
    assert "unknown value type 'deword'; did you mean 'dword'?" in result.errors[2].message
    snapshot = result.snapshot()
    tls12 = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2"
    assert snapshot[ref(tls12 + r"\Server", "Enabled")] == dword(1)  # "dword:00000001 " with a trailing space
    assert snapshot[ref(tls12 + r"\Client", "DisabledByDefault")] == dword(0)
    assert ref(r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319", "SchUseStrongCrypto") not in snapshot
    # "Internet Settings " with a trailing space is a different key on Windows, and is reported.
    assert ref(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings", "SecureProtocols") not in snapshot
    assert [w.line for w in result.warnings if "spaces" in w.message] == [36, 39]


def test_utf16_export_with_continuations_and_multi_sz():
    result = parse_regfile((EXPORTS / "app02-2012r2-handmade.reg").read_bytes())
    assert result.errors == [] and result.encoding == "utf-16-le" and result.format == "5.00"
    functions = result.snapshot()[ref(r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
                                      "Functions")]
    assert functions == RegValue("REG_MULTI_SZ", ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
                                                  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                                                  "TLS_RSA_WITH_AES_256_CBC_SHA256"))


@pytest.mark.parametrize("data, value", [
    ('"a \\"q\\" \\\\ b"', sz('a "q" \\ b')),
    ("dword:1", dword(1)),
    ("dword:FFFFFFFF", dword(0xFFFFFFFF)),
    ("hex:00,ff", RegValue("REG_BINARY", b"\x00\xff")),
    ("hex(0):", RegValue("REG_NONE", b"")),
    ("hex(2):25,00,41,00,00,00", RegValue("REG_EXPAND_SZ", "%A")),
    ("hex(7):61,00,00,00,62,00,00,00,00,00", RegValue("REG_MULTI_SZ", ("a", "b"))),
    ("hex(b):01,00,00,00,00,00,00,00", RegValue("REG_QWORD", 1)),
    ("hex(4):02,00,00,00", dword(2)),
])
def test_value_types(data, value):
    result = parse(f'{V5}[HKEY_LOCAL_MACHINE\\A]\r\n"v"={data}\r\n')
    assert result.errors == []
    assert result.snapshot()[ref(r"HKLM\A", "v")] == value


def test_regedit4_strings_are_single_byte():
    result = parse('REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\A]\r\n"v"=hex(7):61,00,62,00,00\r\n', "cp1252", bom=False)
    assert result.format == "REGEDIT4"
    assert result.snapshot()[ref(r"HKLM\A", "v")] == RegValue("REG_MULTI_SZ", ("a", "b"))


def test_deletions_and_default_value():
    text = (f'{V5}[HKEY_LOCAL_MACHINE\\A\\B]\r\n"x"=dword:1\r\n@="d"\r\n"y"=dword:2\r\n\r\n'
            '[HKEY_LOCAL_MACHINE\\A\\B]\r\n"y"=-\r\n[-HKEY_LOCAL_MACHINE\\A\\B\\C]\r\n')
    snapshot = parse(text).snapshot()
    assert snapshot == {ref(r"HKLM\A\B", "x"): dword(1), ref(r"HKLM\A\B", ""): sz("d")}
    gone = parse(text + '[HKEY_LOCAL_MACHINE\\A\\B\\C]\r\n"z"=dword:3\r\n[-HKEY_LOCAL_MACHINE\\A]\r\n').snapshot()
    assert gone == {}


@pytest.mark.parametrize("line, message", [
    ('"v"=dword:123456789', "dword data '123456789' must be 1 to 8 hex digits"),
    ('"v"=hex(a):00', "hex(a) is a registry type the tool does not model"),
    ('"v"="unclosed', "string data is not closed"),
    ('"v"=hex:0g', "invalid literal"),
    ('"v"=hex:123', "hex bytes must be two hex digits"),
    ('"v"=hex(4):01', "hex(4) DWORD data must be 4 bytes"),
    ('"v', "cannot read the value name"),
    ("garbage here", "cannot read this line: 'garbage here'"),
    ("[HKEY_LOCAL_MACHINE\\A", "key line does not end with ']'"),
    ("[HKEY_LOCAL_MASHINE\\A]", "unknown registry hive 'HKEY_LOCAL_MASHINE'; did you mean 'HKEY_LOCAL_MACHINE'?"),
])
def test_every_error_names_its_line_and_the_next_line_is_still_read(line, message):
    result = parse(f'{V5}[HKEY_LOCAL_MACHINE\\A]\r\n{line}\r\n[HKEY_LOCAL_MACHINE\\B]\r\n"ok"=dword:1\r\n')
    assert result.errors[0].line == 4 and message in result.errors[0].message
    assert result.snapshot()[ref(r"HKLM\B", "ok")] == dword(1)


def test_missing_header_is_an_error_but_the_file_is_read():
    result = parse('[HKEY_LOCAL_MACHINE\\A]\r\n"v"=dword:1\r\n', "utf-8", bom=False)
    assert messages(result.errors) == [(1, "missing header 'Windows Registry Editor Version 5.00' (or REGEDIT4); "
                                           "reading the file as version 5.00")]
    assert len(result.snapshot()) == 1


def test_value_before_any_key():
    result = parse(f'{V5}"v"=dword:1\r\n')
    assert messages(result.errors) == [(3, 'value "v" is not applied: no [key] line before it')]


def test_utf16_without_bom_and_utf8_bom_are_detected():
    assert parse(f'{V5}[HKEY_LOCAL_MACHINE\\A]\r\n"v"=dword:1\r\n', bom=False).encoding == "utf-16-le"
    assert parse_regfile(b"\xef\xbb\xbf" + V5.encode()).encoding == "utf-8-sig"
    assert parse_regfile(V5.encode() + b'[HKEY_LOCAL_MACHINE\\A]\r\n"\xe4"=dword:1\r\n').encoding == "cp1252"


names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\r\n"), max_size=10)
keys = st.lists(st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" ./-_"),
                        min_size=1, max_size=8).map(str.strip).filter(bool), min_size=1, max_size=3).map(tuple)


@settings(max_examples=300)
@given(st.dictionaries(st.tuples(keys, names), st.one_of(reg_values(), st.none()), max_size=6))
def test_render_then_parse_round_trips(items):
    changes = [(RegRef("HKLM", "\\".join(k), name), value) for (k, name), value in items.items()]
    unique = {}
    for where, value in changes:
        unique[where] = value
    rendered = render_reg(unique.items(), comment="round trip")
    parsed = parse_regfile(rendered)
    assert parsed.errors == [] and parsed.warnings == []
    ops = {(RegRef(o.hive, o.key, o.name)): o.value for o in parsed.operations if o.kind != "create_key"}
    assert ops == unique
