"""The .reg reader against regedit's import rules, one small file per rule, each as UTF-16LE and as UTF-8.

The expected outcome of every case is regedit's, as Wine's regedit conformance tests pin it on Windows
(reactos/reactos modules/rostests/winetests/regedit/regedit.c); where those tests are silent the case says which
decision tlsguard took (see values.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import (
    MAX_ISSUES,
    parse_regfile,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.reg_writer import render_reg
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, RegValue, dword, ref, sz
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.strategies import reg_values

EXPORTS = Path(__file__).resolve().parents[6] / "examples" / "exports"
V5 = "Windows Registry Editor Version 5.00"
KEY = r"HKEY_CURRENT_USER\Software\Tlsguard"
HERE = ref(r"HKCU\Software\Tlsguard", "")
ENCODINGS = ("utf-16-le", "utf-8")


def encode(text: str, encoding: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le") if encoding == "utf-16-le" else text.encode("utf-8")


def read(body: str, encoding: str, header: str = V5):
    """A file with ``header``, a blank line and ``body``, with CR LF line ends."""
    return parse_regfile(encode("\r\n".join([header, "", *body.split("\n")]) + "\r\n", encoding))


def under_key(lines: str, encoding: str):
    return read(f"[{KEY}]\n{lines}", encoding)


def value(result, name: str, key: str = r"HKCU\Software\Tlsguard"):
    return result.snapshot().get(ref(key, name))


def lines_of(issues):
    return [issue.line for issue in issues]


@pytest.fixture(params=ENCODINGS)
def encoding(request):
    return request.param


# -- data, comments and numbers (issue 9 item 5, issue 16 D4) --------------------------------------------------
@pytest.mark.parametrize("data, expected", [
    ("dword:00000A00 ; TLS 1.2", dword(0xA00)),  # an inline ;comment after data is imported
    ("dword:00000001;note", dword(1)),
    ('"TLS_AES_256_GCM_SHA384" ;suite order', sz("TLS_AES_256_GCM_SHA384")),
    ('"a;b#c"', sz("a;b#c")),
    ("hex:01,02 ;bytes", RegValue("REG_BINARY", b"\x01\x02")),
    ("dword: 1", dword(1)),  # blanks after dword: are allowed
    ("dword:\t00000008\t", dword(8)),
    ("hex(0004):01,00,00,00", dword(1)),  # decided: leading zeros do not change the type number
    ("hex:1,2", RegValue("REG_BINARY", b"\x01\x02")),  # one-digit bytes, as Wine's parser reads them
    ("hex:11, 22", RegValue("REG_BINARY", b"\x11\x22")),
    ("hex:", RegValue("REG_BINARY", b"")),
    ("hex(2):25,00,41,00,00,00", RegValue("REG_EXPAND_SZ", "%A")),
    ("hex(7):61,00,00,00,62,00,00,00,00,00", RegValue("REG_MULTI_SZ", ("a", "b"))),
    ("hex(b):01,00,00,00,00,00,00,00", RegValue("REG_QWORD", 1)),
    ('"a \\"q\\" \\\\ b"', sz('a "q" \\ b')),
])
def test_data_regedit_imports(encoding, data, expected):
    result = under_key(f'"v"={data}', encoding)
    assert result.errors == []
    assert value(result, "v") == expected


@pytest.mark.parametrize("data, reason", [
    ("dword:00000001 #note", "only ';' comments"),  # '#' is not a comment after data
    ('"x"#note', "only ';' comments"),
    ("hex:01,02 #note", "only ';' comments"),
    ("dword:123456789", "more than 8 hex digits"),
    ("dword:0x1", "without '0x'"),
    ("dword:", "no digits"),
    ("dword:1234 5678", "text after the dword data"),
    ("DWORD:00000001", "only in lowercase"),
    ("dword:\u0661", "ASCII"),  # Arabic-Indic digit: never reaches int()
    ("dword:\uff11", "ASCII"),  # fullwidth digit
    ("hex:+1,-0", "no sign"),  # decided: no sign in hex bytes
    ("hex:\u0661\u0662", "is not a hex byte"),
    ("hex:100", "is not a byte"),
    ("hex:11 ,22", "text after the data"),
    ("hex(0x4):01,00,00,00", "is not a type"),
    ("hex(100000000):00", "is not a type"),
    ('"unclosed', "not closed"),
    ('"foo""bar"', "text after the data"),
    ("deword:00000001", "did you mean 'dword'?"),
    ("1", "has no type"),
    ("", "no data after '='"),
])
def test_data_regedit_drops(encoding, data, reason):
    result = under_key(f'"v"={data}\n"after"=dword:2', encoding)
    assert value(result, "v") is None and value(result, "after") == dword(2)
    assert lines_of(result.errors) == [4] and reason in result.errors[0].message
    assert 'value "v" is not imported' in result.errors[0].message


def test_types_regedit_imports_but_tlsguard_does_not_model_are_warnings(encoding):
    result = under_key('"a"=hex(5):00,00,00,01\n"b"=hex(4):01,00\n"c"=hex(ffffffff):00', encoding)
    assert result.errors == [] and lines_of(result.warnings) == [4, 5, 6]
    assert "REG_DWORD_BIG_ENDIAN" in result.warnings[0].message and "2 bytes" in result.warnings[1].message
    assert result.snapshot() == {}


def test_value_deletion_takes_only_a_comment_after_the_dash(encoding):
    result = under_key('"a"=dword:1\n"b"=dword:1\n"c"=dword:1\n"a"=-  ;gone\n"b"=- #kept\n"c"=-"x"', encoding)
    assert value(result, "a") is None and value(result, "b") == dword(1) and value(result, "c") == dword(1)
    assert lines_of(result.errors) == [8, 9]


def test_blanks_around_names_and_equals(encoding):
    result = under_key('\t"a"\t=\t"x"\n  @  =  dword:00000003  \n"  b  "=dword:1', encoding)
    assert result.errors == []
    assert value(result, "a") == sz("x") and value(result, "") == dword(3) and value(result, "  b  ") == dword(1)


# -- hex data over several lines ------------------------------------------------------------------------------
def test_hex_continuation_skips_blank_and_comment_lines(encoding):
    result = under_key('"v"=hex:01,02,\\ ;first part\n\n;a comment\n  03,\\\n\t04\n"after"=dword:1', encoding)
    assert result.errors == []
    assert value(result, "v") == RegValue("REG_BINARY", b"\x01\x02\x03\x04") and value(result, "after") == dword(1)


def test_backslash_without_comma_drops_the_value_and_reads_the_next_line(encoding):
    result = under_key('"v"=hex:01,02\\\n"next"=dword:1', encoding)
    assert value(result, "v") is None and value(result, "next") == dword(1)
    assert lines_of(result.errors) == [4] and "must follow a comma" in result.errors[0].message


def test_a_value_line_after_a_continued_line_is_lost_with_it(encoding):
    result = under_key('"v"=hex:01,\\\n"next"=dword:1\n"third"=dword:3', encoding)
    assert value(result, "v") is None and value(result, "next") is None and value(result, "third") == dword(3)
    assert lines_of(result.errors) == [4, 5]


def test_a_hash_line_ends_the_continuation_and_is_lost(encoding):
    result = under_key('"v"=hex:01,\\\n#note\n"next"=dword:1', encoding)
    assert value(result, "v") is None and value(result, "next") == dword(1)


def test_continued_data_at_the_end_of_the_file_keeps_the_bytes_read(encoding):
    result = parse_regfile(encode(f'{V5}\r\n\r\n[{KEY}]\r\n"v"=hex:01,02,\\', encoding))
    assert result.errors == [] and value(result, "v") == RegValue("REG_BINARY", b"\x01\x02")


def test_a_continuation_line_must_start_with_a_hex_digit(encoding):
    result = under_key('"v"=hex:01,\\\n  ,02\n"next"=dword:1', encoding)
    assert value(result, "v") is None and value(result, "next") == dword(1)


def test_strings_are_never_continued(encoding):
    result = under_key('"v"="abc\\\ndef"\n"next"=dword:1', encoding)
    assert value(result, "v") is None and value(result, "next") == dword(1)
    assert lines_of(result.errors) == [4, 5]


TLS = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols"


def test_d3_a_key_line_after_a_continued_hex_line_is_lost_and_nothing_below_is_misattributed(encoding):
    result = read(f'[{TLS}\\TLS 1.2\\Server]\n"Blob"=hex:01,02,\\\n[{TLS}\\TLS 1.0\\Server]\n'
                  '"Enabled"=dword:00000000\n', encoding)
    # regedit swallows the key line into the hex data (Wine24a): the key is not created and the value below it
    # is counted for neither key; each of the three lines says what happened.
    assert result.snapshot() == {}
    assert lines_of(result.errors) == [4, 5, 6]
    assert "line 5 does not continue it" in result.errors[0].message
    assert "the key is not created" in result.errors[1].message
    assert "may write it into the key still open" in result.errors[2].message
    assert "TLS 1.2\\Server" in result.errors[2].message
    assert [op.kind for op in result.operations] == ["create_key"]


# -- headers ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("header, reason", [
    ("windows registry editor version 5.00", "in case"),
    ("Windows Registry Editor version 5.00", "in case"),
    ("regedit4", "in case"),
    ("REGEDIT 4", "is not 'Windows Registry Editor Version 5.00'"),
    ("REGEDIT", "Windows 3.1"),
    (f"[{KEY}]", "not the header"),
    ("", "header is on line 3"),
])
def test_a_file_without_the_exact_header_imports_nothing(encoding, header, reason):
    result = read(f'[{KEY}]\n"v"=dword:1', encoding, header=header) if header != "" else parse_regfile(
        encode(f'\r\n\r\n{V5}\r\n[{KEY}]\r\n"v"=dword:1\r\n', encoding))
    assert result.refusal and reason in result.refusal
    assert result.snapshot() == {} and result.operations == []
    assert [(e.line, e.message.endswith("nothing in it would be imported")) for e in result.errors] == [(1, True)]


def test_no_header_at_all_is_refused(encoding):
    result = parse_regfile(encode(f'[{KEY}]\r\n"v"=dword:1\r\n', encoding))
    assert result.refusal and result.snapshot() == {}


def test_leading_blanks_before_the_header_are_fine(encoding):
    result = read(f'[{KEY}]\n"v"=dword:1', encoding, header=" \tREGEDIT4")
    assert result.format == "REGEDIT4" and result.errors == [] and value(result, "v") == dword(1)


def test_trailing_blanks_after_the_header_are_read_with_a_warning(encoding):
    result = read(f'[{KEY}]\n"v"=dword:1', encoding, header=V5 + " ")
    assert result.refusal is None and value(result, "v") == dword(1) and lines_of(result.warnings) == [1]


@pytest.mark.parametrize("raw, reason", [
    (f"{V5}\r\n".encode("utf-16-le"), "without the byte-order mark"),
    (b"\xfe\xff" + f"{V5}\r\n".encode("utf-16-be"), "big-endian"),
    (f"{V5}\r\n".encode("utf-16-be"), "big-endian"),
    (b"", "the file is empty"),
])
def test_files_regedit_cannot_read_are_refused(raw, reason):
    result = parse_regfile(raw)
    assert result.refusal and reason in result.refusal and result.snapshot() == {}


def test_regedit4_strings_are_single_byte():
    result = read(f'[{KEY}]\n"v"=hex(7):61,00,62,00,00', "utf-8", header="REGEDIT4")
    assert result.format == "REGEDIT4" and value(result, "v") == RegValue("REG_MULTI_SZ", ("a", "b"))


def test_a_second_header_is_ignored_with_a_warning(encoding):
    result = under_key(f'"a"=dword:1\n{V5}\n"b"=dword:2', encoding)
    assert value(result, "b") == dword(2) and lines_of(result.warnings) == [5] and result.errors == []


# -- key lines --------------------------------------------------------------------------------------------------
def test_short_hive_names_are_not_keys_regedit_accepts(encoding):
    result = read('[HKLM\\SOFTWARE\\Tlsguard]\n"v"=dword:1\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Tlsguard]\n"w"=dword:1',
                  encoding)
    assert value(result, "v", r"HKLM\SOFTWARE\Tlsguard") is None
    assert value(result, "w", r"HKLM\SOFTWARE\Tlsguard") == dword(1)
    assert lines_of(result.errors) == [3, 4]
    assert "write HKEY_LOCAL_MACHINE instead of 'HKLM'" in result.errors[0].message
    assert "not imported: regedit does not accept the key line above (line 3)" in result.errors[1].message


def test_hive_names_are_not_case_sensitive(encoding):
    result = read('[hkey_Current_user\\Software\\Tlsguard]\n"v"=dword:1', encoding)
    assert result.errors == [] and value(result, "v") == dword(1)


def test_unknown_hive_is_named_with_a_suggestion(encoding):
    result = read('[HKEY_LOCAL_MASHINE\\A]\n"v"=dword:1', encoding)
    assert "did you mean 'HKEY_LOCAL_MACHINE'?" in result.errors[0].message and result.snapshot() == {}


def test_a_blank_after_the_bracket_creates_nothing_and_keeps_the_key_above(encoding):
    result = read(f'[{KEY}]\n"a"=dword:1\n[ {KEY}\\Sub]\n"b"=dword:2', encoding)
    assert value(result, "a") == dword(1) and len(result.snapshot()) == 1
    assert [op.key for op in result.operations if op.kind == "create_key"] == [r"Software\Tlsguard"]
    assert lines_of(result.errors) == [5, 6] and "may write it into the key still open" in result.errors[1].message


def test_text_after_the_last_bracket_is_ignored_and_the_values_below_apply(encoding):
    result = read(f'[{KEY}] "lost"=dword:0\n"kept"=dword:1\n[{KEY}\\Sub] junk\n"sub"=dword:2', encoding)
    assert value(result, "lost") is None and value(result, "kept") == dword(1)
    assert value(result, "sub", r"HKCU\Software\Tlsguard\Sub") == dword(2)
    assert lines_of(result.errors) == [3] and "the values on the lines below apply to it" in result.errors[0].message
    assert lines_of(result.warnings) == [5]


def test_a_key_line_without_closing_bracket_creates_nothing(encoding):
    result = read(f'[{KEY}\n"v"=dword:1', encoding)
    assert result.snapshot() == {} and lines_of(result.errors) == [3, 4]


def test_a_deleted_key_takes_no_values_below_it(encoding):
    result = read(f'[{KEY}\\Sub]\n"v"=dword:1\n[-{KEY}\\Sub]\n"w"=dword:2\n[- {KEY}]', encoding)
    assert result.snapshot() == {}
    assert [op.kind for op in result.operations] == ["create_key", "set", "delete_key"]
    assert lines_of(result.errors) == [6, 7] and "below a deletion" in result.errors[0].message


def test_trailing_backslash_and_trailing_space_in_key_paths(encoding):
    result = read(f'[{KEY}\\Sub\\]\n"a"=dword:1\n[{KEY}\\Sub ]\n"b"=dword:1', encoding)
    assert value(result, "a", r"HKCU\Software\Tlsguard\Sub") == dword(1)
    assert value(result, "b", r"HKCU\Software\Tlsguard\Sub") is None
    assert lines_of(result.warnings) == [5] and "space at its start or end" in result.warnings[0].message


def test_windows_name_limits(encoding):
    result = read(f'[{KEY}\\{"k" * 256}]\n"v"=dword:1\n[{KEY}]\n"{"n" * 16384}"=dword:1', encoding)
    assert result.snapshot() == {} and lines_of(result.errors) == [3, 4, 6]
    assert all(len(e.message) < 400 for e in result.errors)


# -- lines regedit ignores, with words people can act on (issue 9 item 7) ---------------------------------------
def test_typographic_quotes_are_named(encoding):
    result = under_key("\u201cEnabled\u201d=dword:00000000", encoding)
    assert result.snapshot() == {} and "typographic quotes" in result.errors[0].message


def test_unquoted_value_names_are_named_with_the_fix(encoding):
    result = under_key("Enabled=DWORD:0xAA0", encoding)
    assert 'not in double quotes' in result.errors[0].message
    assert '(write "Enabled"=dword:00000aa0)' in result.errors[0].message


def test_a_bare_key_path_keeps_the_values_below_from_counting(encoding):
    result = read(f'[{KEY}]\n"a"=dword:1\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Other\n"b"=dword:2', encoding)
    assert len(result.snapshot()) == 1 and lines_of(result.errors) == [5, 6]
    assert "without brackets" in result.errors[0].message and "[HKEY_CURRENT_USER" in result.errors[1].message


def test_value_before_any_key(encoding):
    result = read('"v"=dword:1', encoding)
    assert [(e.line, e.message) for e in result.errors] == [(3, 'value "v" is not imported: no [key] line before it')]


# -- nothing grows without bound (issue 16 D2) ------------------------------------------------------------------
def test_a_huge_bad_line_gives_a_short_message():
    result = under_key('"v"=' + "x" * 1_000_000 + "\n" + '"' + "n" * 100_000 + '"=dword:zz', "utf-8")
    assert lines_of(result.errors) == [4, 5] and all(len(e.message) < 300 for e in result.errors)


def test_the_error_list_is_capped_with_a_count_of_the_rest():
    result = under_key("\n".join(["garbage"] * (MAX_ISSUES + 900)), "utf-8")
    assert len(result.errors) == MAX_ISSUES and result.errors_omitted == 900 and result.error_count == MAX_ISSUES + 900
    assert lines_of(result.errors) == list(range(4, 4 + MAX_ISSUES))


# -- the shipped examples and round trips -----------------------------------------------------------------------
def test_seed_article_typos_are_reported_with_their_lines_and_the_rest_is_read():
    result = parse_regfile((EXPORTS / "seed-article-snippets.reg").read_bytes())
    assert lines_of(result.errors) == [23, 24, 45]
    assert "without brackets" in result.errors[0].message
    assert "unknown value type 'deword'; did you mean 'dword'?" in result.errors[2].message
    snapshot = result.snapshot()
    tls12 = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2"
    assert snapshot[ref(tls12 + r"\Server", "Enabled")] == dword(1)  # "dword:00000001 " with a trailing space
    assert snapshot[ref(tls12 + r"\Client", "DisabledByDefault")] == dword(0)
    assert ref(r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319", "SchUseStrongCrypto") not in snapshot
    # "Internet Settings " with a trailing space is a different key on Windows, and is reported.
    assert ref(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings", "SecureProtocols") not in snapshot
    assert [w.line for w in result.warnings if "space" in w.message] == [36, 39]


def test_utf16_export_with_continuations_and_multi_sz():
    result = parse_regfile((EXPORTS / "app02-2012r2-handmade.reg").read_bytes())
    assert result.errors == [] and result.encoding == "utf-16-le" and result.format == "5.00"
    functions = result.snapshot()[ref(r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
                                      "Functions")]
    assert functions == RegValue("REG_MULTI_SZ", ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
                                                  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                                                  "TLS_RSA_WITH_AES_256_CBC_SHA256"))


def test_utf8_with_bom_and_ansi_are_read():
    assert parse_regfile(b"\xef\xbb\xbf" + f"{V5}\r\n".encode()).encoding == "utf-8-sig"
    ansi = parse_regfile(f"{V5}\r\n".encode() + b'[HKEY_LOCAL_MACHINE\\A]\r\n"\xe4"=dword:1\r\n')
    assert ansi.encoding == "cp1252" and ansi.snapshot() == {ref(r"HKLM\A", "\xe4"): dword(1)}


names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\r\n"), max_size=10)
keys = st.lists(st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" ./-_"),
                        min_size=1, max_size=8).map(str.strip).filter(bool), min_size=1, max_size=3).map(tuple)


@settings(max_examples=300)
@given(st.dictionaries(st.tuples(keys, names), st.one_of(reg_values(), st.none()), max_size=6))
def test_render_then_parse_round_trips(items):
    unique = {RegRef("HKLM", "\\".join(k), name): value for (k, name), value in items.items()}
    parsed = parse_regfile(render_reg(unique.items(), comment="round trip"))
    assert parsed.errors == [] and parsed.warnings == []
    ops = {(RegRef(o.hive, o.key, o.name)): o.value for o in parsed.operations if o.kind != "create_key"}
    assert ops == unique
