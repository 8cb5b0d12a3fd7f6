"""Safe file writing for controller modules: exclusive temporary files, no links followed, bounded reads."""

from __future__ import annotations

import os
import stat
import tempfile

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._files import (
    FileProblem,
    check_writable,
    read_existing,
    read_source,
    write_atomic,
)


def test_a_link_planted_at_the_temporary_name_is_skipped_not_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    planted = tmp_path / ".out.reg.planted.tmp"
    planted.symlink_to(victim)
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: iter(["planted", "fresh"]))
    write_atomic(str(tmp_path / "out.reg"), b"new")
    assert victim.read_text() == "keep me" and planted.is_symlink()
    assert (tmp_path / "out.reg").read_bytes() == b"new" and not (tmp_path / ".out.reg.fresh.tmp").exists()


def test_the_replaced_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    old = tmp_path / "old.reg"
    old.write_bytes(b"x")
    old.chmod(0o640)
    write_atomic(str(old), b"y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640 and old.read_bytes() == b"y"
    umask = os.umask(0o027)
    try:
        write_atomic(str(tmp_path / "new.reg"), b"z")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.reg").stat().st_mode) == 0o640


def test_reads_are_bounded_and_regular_files_only(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"a" * 11)
    with pytest.raises(FileProblem, match="at most 10 are read"):
        read_existing(str(big), 10)
    assert read_existing(str(tmp_path / "missing"), 10) is None
    (tmp_path / "link").symlink_to(big)
    assert read_existing(str(tmp_path / "link"), 100) is None  # write_atomic replaces a link, so nothing is "old"
    assert read_source(str(tmp_path / "link"), 100) == b"a" * 11  # a source is only read: links are fine
    os.mkfifo(tmp_path / "fifo")
    for read in (read_existing, read_source):
        with pytest.raises(FileProblem, match="is a FIFO"):
            read(str(tmp_path / "fifo"), 10)
    with pytest.raises(FileProblem, match="is a directory"):
        read_existing(str(tmp_path), 10)


def test_what_cannot_be_written_is_known_before_writing(tmp_path):
    with pytest.raises(FileProblem, match="does not exist"):
        check_writable(str(tmp_path / "no" / "x"))
    with pytest.raises(FileProblem, match="is a directory"):
        write_atomic(str(tmp_path), b"x")
    with pytest.raises(FileProblem, match="is a device"):
        check_writable("/dev/null")
    assert list(tmp_path.iterdir()) == []
