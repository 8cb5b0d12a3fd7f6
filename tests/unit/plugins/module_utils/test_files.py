"""Atomic replacement of a destination file, on the real file system."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._files import DestError, read_existing, write_atomic


def test_new_file_then_replaced_keeping_its_mode(tmp_path):
    dest = tmp_path / "report.html"
    write_atomic(str(dest), b"one")
    assert dest.read_bytes() == b"one"
    os.chmod(dest, 0o640)
    inode = dest.stat().st_ino
    write_atomic(str(dest), b"two")
    assert dest.read_bytes() == b"two" and stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert dest.stat().st_ino != inode  # a new file renamed over the old one, not the old one rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left


def test_a_planted_symlink_is_never_followed(tmp_path):
    target = tmp_path / "precious"
    target.write_bytes(b"keep me")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    with pytest.raises(DestError, match="is a symbolic link"):
        write_atomic(str(link), b"overwrite")
    with pytest.raises(DestError, match="is a symbolic link"):
        read_existing(str(link))
    assert target.read_bytes() == b"keep me" and link.is_symlink()


def test_directory_fifo_and_device_are_errors(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, kind in ((tmp_path, "a directory"), (fifo, "a FIFO"), ("/dev/null", "a device")):
        with pytest.raises(DestError, match=f"dest: {path} is {kind}"):
            write_atomic(str(path), b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_reading_a_fifo_never_blocks(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome = []

    def read() -> None:
        try:
            read_existing(str(fifo))
        except DestError as err:
            outcome.append(str(err))

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(5)
    assert not reader.is_alive() and outcome == [f"dest: {fifo} is a FIFO; give the path of a regular file (it is "
                                                 "replaced, never followed or written into)"]


def test_missing_directory_and_missing_file(tmp_path):
    with pytest.raises(DestError, match=r"the directory .* does not exist"):
        write_atomic(str(tmp_path / "nope" / "r.json"), b"x")
    assert read_existing(str(tmp_path / "absent.json")) is None


def test_new_file_mode_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(str(tmp_path / "r.json"), b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o640
