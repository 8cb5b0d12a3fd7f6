"""Checkpoints: JSON shape and validation, and two runs over real files with rotation in between."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import merge_groups
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import (
    Checkpoint,
    EventPosition,
    FilePosition,
    FileStat,
    plan_reads,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.cursor import Cursor
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import W3C, read_log_files
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.helpers import (
    chunks,
    fixture,
    head_sha256,
    read_folder_tree,
    windows,
    windows_tree,
)

DIGEST = "0" * 64


def checkpoint(files=(), previous=("", "")) -> Checkpoint:
    return Checkpoint("cp-2", previous[0], previous[1], "2024-05-07T09:00:00Z",
                      EventPosition("System", 1184441, "2024-05-07T09:00:00Z"), tuple(files))


def test_json_round_trip():
    position = FilePosition(r"C:\inetpub\logs\LogFiles\W3SVC1\u_ex240507_x.log",
                            Cursor(1234, 9, "date time c-ip", "2024-05-07 08:00:00", False), 1024, DIGEST,
                            "2024-05-07T08:59:59Z")
    cp = checkpoint([position], ("cp-1", "2024-05-06T09:00:00Z"))
    assert Checkpoint.from_json(cp.to_json()) == cp
    assert cp.to_json()["files"][0] == {
        "path": r"C:\inetpub\logs\LogFiles\W3SVC1\u_ex240507_x.log", "offset": 1234, "line": 9,
        "header": "date time c-ip", "date": "2024-05-07 08:00:00", "in_long_line": False, "head_len": 1024,
        "head_sha256": DIGEST, "written": "2024-05-07T08:59:59Z"}


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("id"), "checkpoint.id: missing"),
    (lambda d: d.update(taken_at="yesterday"), "checkpoint.taken_at: 'yesterday' is not an ISO 8601 time"),
    (lambda d: d.update(previous_id="cp-0"), "checkpoint: previous_id and previous_taken_at go together"),
    (lambda d: d["files"][0].update(offset=-1), "checkpoint.files[0].offset: should be an integer of at least 0"),
    (lambda d: d["files"][0].update(head_sha256="XYZ"), "checkpoint.files[0].head_sha256: should be 64 lowercase hex"),
    (lambda d: d["files"][0].update(head_len=5000), "checkpoint.files[0].head_len: should be at most min(1024"),
    (lambda d: d["events"].update(record_id="12"), "checkpoint.events.record_id: should be an integer"),
    (lambda d: d.update(files={}), "checkpoint.files: should be a list"),
])
def test_malformed_checkpoints_name_the_field(change, message):
    data = checkpoint([FilePosition("C:\\x\\W3SVC1\\a.log", Cursor(2000), 1024, DIGEST,
                                    "2024-05-07T08:59:59Z")]).to_json()
    change(data)
    with pytest.raises(HostReplyError) as err:
        Checkpoint.from_json(data)
    assert str(err.value).startswith(message)


def test_plan_rules():
    def position(path, offset, digest=DIGEST):
        return FilePosition(path, Cursor(offset), min(1024, offset), digest, "2024-05-06T23:59:59Z")

    files = [FileStat(r"C:\L\W3SVC1\u_ex240501.log", 100, "2024-05-01T23:59:59Z"),   # before the window
             FileStat(r"C:\L\W3SVC1\u_ex240506.log", 500, "2024-05-06T23:59:59Z"),   # unchanged
             FileStat(r"C:\L\W3SVC1\u_ex240507.log", 900, "2024-05-07T08:00:00Z"),   # grew
             FileStat(r"C:\L\W3SVC1\u_ex240507_x.log", 50, "2024-05-07T09:00:00Z"),  # new, newest
             FileStat(r"C:\L\W3SVC2\u_ex240507.log", 10, "2024-05-07T09:00:00Z")]    # replaced (shorter)
    previous = checkpoint([position(r"c:\l\w3svc1\U_EX240506.LOG", 500), position(r"C:\L\W3SVC1\u_ex240507.log", 300),
                           position(r"C:\L\W3SVC2\u_ex240507.log", 300), position(r"C:\L\W3SVC9\gone.log", 10)])
    notes = Notes()
    reads, unchanged = plan_reads(files, previous, "2024-05-05T00:00:00Z", lambda path, n: DIGEST, notes)
    assert [(r.path.rsplit("\\", 2)[-2:], r.start.offset, r.final, r.reason) for r in reads] == [
        (["W3SVC1", "u_ex240507.log"], 300, True, "continued"),
        (["W3SVC1", "u_ex240507_x.log"], 0, False, "new"),
        (["W3SVC2", "u_ex240507.log"], 0, False, "replaced"),
    ]
    assert [u.path for u in unchanged] == [r"c:\l\w3svc1\U_EX240506.LOG"]
    assert [n.kind for n in notes.result()] == ["file_replaced"]
    other = checkpoint([position(files[2].path, 300, "f" * 64)])
    reads, _unchanged = plan_reads(files[2:3], other, "", lambda p, n: DIGEST, Notes())
    assert reads[0].reason == "replaced"   # same name, same size or more, different first bytes


def test_two_runs_with_rotation_count_every_line_once(tmp_path):
    site = tmp_path / "iis" / "W3SVC1"
    site.mkdir(parents=True)
    whole = windows(fixture("iis", "W3SVC1", "u_ex240506_x.log"))
    lines = whole.split(b"\r\n")
    cut = len(b"\r\n".join(lines[:6])) + 2 + 20     # in the middle of the 3rd request: still being written
    (site / "u_ex240506_x.log").write_bytes(whole[:cut])
    first = read_folder_tree(tmp_path / "iis", "u_ex*.log", iis.SPEC, W3C)
    cp1 = Checkpoint("cp-1", "", "", "2024-05-06T00:00:10Z", None, first.positions)
    assert [p.cursor.offset for p in first.positions] == [cut - 20]

    (site / "u_ex240506_x.log").write_bytes(whole)                      # the rest of the day is written
    (site / "u_ex240507_x.log").write_bytes(windows(fixture("iis", "W3SVC1", "u_ex240507_x.log")))
    os.utime(site / "u_ex240506_x.log", (1714953600, 1714953600))     # rotated: older than the new file
    second = read_folder_tree(tmp_path / "iis", "u_ex*.log", iis.SPEC, W3C, previous=cp1)
    assert [f.continued for f in second.folders] == [True]

    fresh = tmp_path / "fresh" / "W3SVC1"
    fresh.mkdir(parents=True)
    shutil.copy(site / "u_ex240506_x.log", fresh)
    shutil.copy(site / "u_ex240507_x.log", fresh)
    os.utime(fresh / "u_ex240506_x.log", (1714953600, 1714953600))
    at_once = read_folder_tree(tmp_path / "fresh", "u_ex*.log", iis.SPEC, W3C)

    def typed(*replies):
        notes = Notes()
        return merge_groups(g for r in replies for g in (iis.interpret(x, notes) for x in r.groups) if g)

    assert typed(first, second) == typed(at_once)
    assert sum(g.count for g in typed(first, second)) == 5 + 8
    cp2 = Checkpoint("cp-2", "cp-1", "2024-05-06T00:00:10Z", "2024-05-07T09:00:00Z", None, second.positions)
    third = read_folder_tree(tmp_path / "iis", "u_ex*.log", iis.SPEC, W3C, previous=cp2)
    assert third.groups == () and [f.lines for f in third.folders] == [0]   # only the pending tail is looked at


def test_the_head_hash_is_of_the_leading_bytes(tmp_path):
    path = tmp_path / "f.log"
    path.write_bytes(b"abc")
    assert head_sha256(str(path), 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_a_read_budget_spreads_a_backlog_over_runs_without_losing_or_doubling_lines(tmp_path):
    root = windows_tree("iis", tmp_path)
    whole = read_folder_tree(root, "u_ex*.log", iis.SPEC, W3C)
    replies, previous, taken = [], None, ""
    for run in range(1, 12):
        at = f"2030-01-01T00:{run:02d}:00Z"
        read = read_folder_tree(root, "u_ex*.log", iis.SPEC, W3C, previous=previous, read_at=at, max_bytes=700)
        replies.append(read)
        previous = Checkpoint(f"cp-{run}", previous.id if previous else "", taken, at, None, read.positions)
        taken = at
        if all(f.complete for f in read.folders):
            break
    assert len(replies) > 3
    assert [n.kind for n in replies[0].notes] == ["read_budget"]

    def typed(*rs):
        notes = Notes()
        return merge_groups(g for r in rs for g in (iis.interpret(x, notes) for x in r.groups) if g)

    assert typed(*replies) == typed(whole)


def test_a_file_that_fails_mid_read_keeps_a_correct_cursor_and_a_blocking_note(tmp_path):
    site = tmp_path / "iis" / "W3SVC1"
    site.mkdir(parents=True)
    path = site / "u_ex240506_x.log"
    path.write_bytes(windows(fixture("iis", "W3SVC1", "u_ex240506_x.log")))

    def flaky(name, offset):
        yield Path(name).read_bytes()[offset:offset + 700]
        raise PermissionError(13, "Access is denied")

    stat = [FileStat(str(path), path.stat().st_size, "2024-05-06T23:59:59Z")]
    first = read_log_files(stat, None, "", iis.SPEC, W3C, flaky, head_sha256, "2024-05-07T00:00:00Z")
    [note] = first.notes
    assert (note.kind, note.blocks_gate) == ("access_denied", True)
    assert note.message.endswith("Access is denied; read up to line 6 only")   # 4 headers, 2 requests
    assert [f.complete for f in first.folders] == [False]
    cp = Checkpoint("cp-1", "", "", "2024-05-07T00:00:00Z", None, first.positions)
    second = read_log_files(stat, cp, "", iis.SPEC, W3C, lambda n, o: chunks(Path(n), o), head_sha256,
                            "2024-05-07T01:00:00Z")
    notes = Notes()
    total = sum(g.count for r in (first, second) for g in (iis.interpret(x, notes) for x in r.groups) if g)
    assert total == 5

    def locked(name, length):
        raise PermissionError(13, "Access is denied")

    third = read_log_files(stat, cp, "", iis.SPEC, W3C, lambda n, o: chunks(Path(n), o), locked, "2024-05-07T02:00:00Z")
    assert third.groups == () and third.positions == cp.files
    assert [n.kind for n in third.notes] == ["access_denied"]


def test_too_many_files_keeps_the_newest_and_blocks():
    files = [FileStat(rf"C:\L\W3SVC1\u_ex2405{d:02d}.log", 0, f"2024-05-{d:02d}T23:59:59Z") for d in range(1, 11)]
    reply = read_log_files(files, None, "", iis.SPEC, W3C, lambda n, o: iter(()), lambda n, k: DIGEST,
                           "2024-05-11T00:00:00Z", max_files=3)
    assert [p.path[-14:] for p in reply.positions] == ["u_ex240508.log", "u_ex240509.log", "u_ex240510.log"]
    assert [(n.kind, n.blocks_gate) for n in reply.notes] == [("too_many_files", True)]
