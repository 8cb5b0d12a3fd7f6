"""What a parsed file leaves in the registry: last write wins, key deletions in file order, control sets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import parse_regfile
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.snapshot import (
    ControlSet,
    Operation,
    build_snapshot,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, Snapshot, dword, ref, sz

V5 = "Windows Registry Editor Version 5.00\r\n\r\n"
CCS = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server"


def parse(text: str):
    return parse_regfile(b"\xff\xfe" + (V5 + text).encode("utf-16-le"))


def test_deletions_and_default_value():
    text = ('[HKEY_LOCAL_MACHINE\\A\\B]\r\n"x"=dword:1\r\n@="d"\r\n"y"=dword:2\r\n\r\n'
            '[HKEY_LOCAL_MACHINE\\A\\B]\r\n"y"=-\r\n[-HKEY_LOCAL_MACHINE\\A\\B\\C]\r\n')
    snapshot = parse(text).snapshot()
    assert snapshot == {ref(r"HKLM\A\B", "x"): dword(1), ref(r"HKLM\A\B", ""): sz("d")}
    gone = parse(text + '[HKEY_LOCAL_MACHINE\\A\\B\\C]\r\n"z"=dword:3\r\n[-HKEY_LOCAL_MACHINE\\A]\r\n').snapshot()
    assert gone == {}


def test_a_value_set_after_its_key_was_deleted_survives_and_case_does_not_matter():
    text = ('[HKEY_LOCAL_MACHINE\\A\\B]\r\n"x"=dword:1\r\n"y"=dword:1\r\n[-hkey_local_machine\\a]\r\n'
            '[HKEY_LOCAL_MACHINE\\a\\b]\r\n"X"=dword:2\r\n[HKEY_LOCAL_MACHINE\\AB]\r\n"z"=dword:3\r\n')
    assert parse(text).snapshot() == {ref(r"HKLM\A\B", "x"): dword(2), ref(r"HKLM\AB", "z"): dword(3)}


def test_a_base_snapshot_is_overlaid_and_its_deleted_keys_go():
    base = Snapshot({ref(r"HKLM\A", "keep"): dword(1), ref(r"HKLM\B\C", "old"): dword(1)})
    ops = [Operation(1, "set", "HKLM", "A", "new", dword(2)), Operation(2, "delete_key", "HKLM", "B")]
    assert build_snapshot(ops, base) == {ref(r"HKLM\A", "keep"): dword(1), ref(r"HKLM\A", "new"): dword(2)}


def test_controlset001_is_evaluated_as_the_current_control_set_with_a_warning():
    text = (f'[{CCS.replace("HKLM", "HKEY_LOCAL_MACHINE")}]\r\n"Enabled"=dword:1\r\n'
            f'[{CCS.replace("HKLM", "HKEY_LOCAL_MACHINE").replace("CurrentControlSet", "ControlSet001")}]\r\n'
            '"Enabled"=dword:0\r\n')
    result = parse(text)
    assert result.snapshot() == {ref(CCS, "Enabled"): dword(0)}  # the later line wins: it is the same key
    assert [(w.line, "evaluated as SYSTEM\\CurrentControlSet" in w.message) for w in result.warnings] == [(5, True)]
    assert "on almost every host" in result.warnings[0].message


def test_other_control_sets_are_not_evaluated_unless_the_file_selects_them():
    key = CCS.replace("HKLM", "HKEY_LOCAL_MACHINE").replace("CurrentControlSet", "ControlSet002")
    result = parse(f'[{key}]\r\n"Enabled"=dword:0\r\n')
    assert ref(CCS, "Enabled") not in result.snapshot() and "not the current control set" in result.warnings[0].message
    selected = parse(f'[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n"Current"=dword:2\r\n[{key}]\r\n"Enabled"=dword:0\r\n')
    assert selected.snapshot()[ref(CCS, "Enabled")] == dword(0) and "in this file" in selected.warnings[0].message


paths = st.lists(st.sampled_from(("a", "B", "c")), min_size=1, max_size=3).map("\\".join)
ops = st.lists(st.one_of(
    st.tuples(st.just("set"), paths, st.sampled_from(("n", "N", "m")), st.integers(0, 3)),
    st.tuples(st.just("delete_value"), paths, st.sampled_from(("n", "m")), st.none()),
    st.tuples(st.just("delete_key"), paths, st.just(""), st.none())), max_size=25)


@settings(max_examples=300)
@given(ops)
def test_the_one_pass_build_equals_applying_each_operation_in_turn(items):
    operations = [Operation(i, kind, "HKLM", key, name, None if data is None else dword(data))
                  for i, (kind, key, name, data) in enumerate(items)]
    expected = Snapshot()
    for op in operations:
        where = RegRef(op.hive, op.key, op.name)
        if op.kind == "set":
            expected = expected.applied([(where, op.value)])
        elif op.kind == "delete_value":
            expected = expected.applied([(where, None)])
        else:
            expected = expected.applied((r, None) for r in expected.under(op.hive, op.key))
    assert build_snapshot(operations, current=ControlSet(1, True)) == expected
