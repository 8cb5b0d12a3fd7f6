# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and replacing a destination file safely, for the controller modules that write files.

Never through a symbolic link (a link planted at the destination could point anywhere), never into a directory,
FIFO or device, and atomically: the new content goes to a unique file created exclusively in the same folder, is
flushed to disk, and replaces the destination with one rename, so a reader sees the old file or the new one."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError


class DestError(TlsGuardError):
    """The destination cannot be read or written; the message names the option and the path."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def read_existing(path: str, option: str = "dest") -> bytes | None:
    """The current content of ``path``, None when it does not exist; anything but a regular file is an error."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise DestError(f"{option}: cannot read {path}: {err.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DestError(f"{option}: {path} is {_kind(info.st_mode)}; give the path of a regular file (it is "
                        "replaced, never followed or written into)")
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise DestError(f"{option}: {path} is a symbolic link; it is never followed") from None
        raise DestError(f"{option}: cannot read {path}: {err.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):  # swapped after the lstat
            raise DestError(f"{option}: {path} is not a regular file any more")
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def write_atomic(path: str, content: bytes, option: str = "dest") -> None:
    """Replace ``path`` with ``content``; an existing file keeps its permissions, a new one gets 0666 - umask."""
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise DestError(f"{option}: the directory {parent} does not exist")
    read_existing(path, option)  # refuses links, directories, FIFOs and devices before anything is written
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=parent)
    except OSError as err:
        raise DestError(f"{option}: cannot create a file in {parent}: {err.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise DestError(f"{option}: cannot write {path}: {err.strerror}") from None
    try:
        directory = os.open(parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot sync a directory; the rename stands
            os.fsync(directory)
    finally:
        os.close(directory)
