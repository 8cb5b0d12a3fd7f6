from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.backup import new_backup_id, parse_backup
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import dword, ref


def test_ids_within_one_second_differ_and_are_file_safe():
    first = new_backup_id("web01:5986/x", datetime(2026, 11, 26, 18, 0, 0, 1, tzinfo=UTC))
    second = new_backup_id("web01:5986/x", datetime(2026, 11, 26, 18, 0, 0, 2, tzinfo=UTC))
    assert first == "20261126T180000.000001Z-web01_5986_x" and first != second


def test_restoring_sets_what_existed_deletes_what_did_not_and_cleans_created_keys_deepest_first():
    backup = parse_backup({"id": "b", "status": "applied", "entries": [
        {"hive": "HKLM", "key": r"A\B", "name": "x", "existed": True, "type": "REG_DWORD", "data": -1},
        {"hive": "HKLM", "key": r"A\B", "name": "y", "existed": False}],
        "created_keys": [{"hive": "HKLM", "key": "A"}, {"hive": "HKLM", "key": r"A\B"}]})
    expected = [(ref(r"HKLM\A\B", "x"), dword(0xFFFFFFFF)), (ref(r"HKLM\A\B", "y"), None)]
    assert [(d.ref, d.value) for d in backup.desired()] == expected
    assert [op["key"] for op in backup.cleanup_ops()] == [r"A\B", "A"]


@pytest.mark.parametrize("document, message", [
    ("{no", "b: not JSON"), ({"entries": "x"}, "b: not a tlsguard backup"),
    ({"entries": [{"hive": "HKLM", "name": "x"}]}, "b.entries[0].key: should be text, not null"),
    ({"entries": ["x"]}, "b.entries[0]: should be a mapping with hive, key and name, not text"),
    ({"entries": [], "created_keys": 5}, "b.created_keys: should be a list of {hive, key}, not a number"),
    ([], "b: not a tlsguard backup"),
])
def test_broken_backups_are_named(document, message):
    with pytest.raises(HostReplyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_backup(document, "b")
