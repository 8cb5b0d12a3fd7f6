from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core import registry as r
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError

ref = r.ref


def test_paths_compare_case_insensitively_and_hives_have_aliases():
    a = ref(r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL", "EventLogging")
    b = ref(r"hklm\system\currentcontrolset\control\securityproviders\schannel\\", "eventlogging")
    assert a == b and hash(a) == hash(b)
    assert ref(r"HKLM:\SOFTWARE\X", "v").hive == "HKLM"


def test_unknown_hive_names_the_option():
    with pytest.raises(ValidationError, match="path: unknown registry hive 'HKXX'"):
        r.split_path(r"HKXX\SOFTWARE")


def test_slash_is_part_of_a_key_name():
    where = ref(r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\RC4 128/128", "Enabled")
    assert where.key.endswith(r"Ciphers\RC4 128/128")


def test_typed_comparison():
    assert r.RegValue("REG_SZ", "1") != r.dword(1)
    assert r.dword(1) == r.RegValue("REG_DWORD", 1)


@pytest.mark.parametrize("data", [-1, 0x1_0000_0000, "1", True, 1.0])
def test_dword_range_and_type_checks(data):
    with pytest.raises(ValidationError):
        r.RegValue("REG_DWORD", data)


def test_signed_dwords_from_dotnet_are_normalised():
    assert r.value_from_json({"type": "REG_DWORD", "data": -1}) == r.dword(0xFFFFFFFF)
    assert r.value_from_json({"type": "REG_QWORD", "data": -1}).data == 0xFFFFFFFFFFFFFFFF


def test_wire_round_trip_of_every_type():
    values = [r.dword(7), r.sz("a\\b"), r.RegValue("REG_EXPAND_SZ", "%SystemRoot%"),
              r.RegValue("REG_MULTI_SZ", ("a", "b")), r.RegValue("REG_BINARY", b"\x00\xff"),
              r.RegValue("REG_QWORD", 2**40), r.RegValue("REG_NONE", b"")]
    for value in values:
        assert r.value_from_json(value.to_json()) == value


def test_snapshot_from_json_reports_every_bad_item():
    with pytest.raises(ValidationError) as err:
        r.Snapshot.from_json([{"hive": "HKLM", "key": "A", "name": "x", "type": "REG_DWORD", "data": "one"},
                              {"hive": "HKQQ", "key": "A", "name": "y", "type": "REG_SZ", "data": "1"}])
    assert [p.option for p in err.value.problems] == ["values[0]", "values[1].hive"]


def test_snapshot_applied_and_under():
    base = r.Snapshot({ref(r"HKLM\A\B", "x"): r.dword(1), ref(r"HKLM\A\BC", "y"): r.dword(2)})
    after = base.applied([(ref(r"hklm\a\b", "X"), None), (ref(r"HKLM\A\B\C", "z"), r.dword(3))])
    assert ref(r"HKLM\A\B", "x") not in after
    assert set(after.under("HKLM", r"A\B")) == {ref(r"HKLM\A\B\C", "z")}
    assert len(base) == 2  # the original is untouched


def test_the_one_json_shape_of_a_value_has_the_short_hive_and_unsigned_data():
    where = ref(r"HKEY_LOCAL_MACHINE\SOFTWARE\X", "v")
    assert r.entry_json(where, r.value_from_json({"type": "REG_DWORD", "data": -1})) == {
        "hive": "HKLM", "key": r"SOFTWARE\X", "name": "v", "type": "REG_DWORD", "data": 0xFFFFFFFF}
    assert r.entry_json(where, None) == {"hive": "HKLM", "key": r"SOFTWARE\X", "name": "v", "type": None, "data": None}


def test_overlay_sets_and_removes_without_touching_the_base():
    base = r.Snapshot({ref(r"HKLM\A", "x"): r.dword(1), ref(r"HKLM\A", "y"): r.dword(2)})
    over = r.Overlay(base, {ref(r"hklm\a", "X"): None, ref(r"HKLM\A", "z"): r.dword(3)})
    assert set(over) == {ref(r"HKLM\A", "y"), ref(r"HKLM\A", "z")} and len(over) == 2
    assert over.get(ref(r"HKLM\A", "x")) is None and over[ref(r"HKLM\A", "z")] == r.dword(3)
    assert base[ref(r"HKLM\A", "x")] == r.dword(1)
