# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and writing the files controller modules are given, safely.

- ``write_atomic`` writes a unique temporary file, created exclusively (O_EXCL) in the destination's folder, and
  renames it over the destination: a reader sees the old file or the new one, a name planted next to the
  destination (a symbolic link to some victim file) is never opened, and a destination that is a symbolic link is
  replaced by the file, never written through.
- ``read_existing``/``read_source`` read regular files only, never more than a limit, and never block on a FIFO.
- A directory, FIFO, device or socket as destination is refused with a message (FileProblem) before anything is
  written; ``check_writable`` makes the same checks for check mode, so it predicts what a real run would hit.

Not part of the core: this is the I/O the core must not do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

__all__ = ["FileProblem", "check_writable", "expand_path", "read_existing", "read_source", "write_atomic"]


class FileProblem(Exception):
    """A message for the user about a file (without the option name; the caller adds it)."""


def expand_path(path: object) -> str:
    """``~`` and environment variables expanded, as Ansible does for options of type path (for paths given in a
    list or dict, which Ansible leaves alone)."""
    return os.path.expanduser(os.path.expandvars(str(path)))


def _kind(mode: int) -> str | None:
    """'a directory', 'a FIFO'... for what cannot be written as a file; None for a regular file or a link."""
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def _folder(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def check_writable(path: str) -> None:
    """Raise FileProblem when ``write_atomic(path, ...)`` would fail for a reason known in advance."""
    folder = _folder(path)
    if not os.path.isdir(folder):
        raise FileProblem(f"the folder {folder} does not exist")
    try:
        kind = _kind(os.lstat(path).st_mode)
    except FileNotFoundError:
        kind = None
    except OSError as err:
        raise FileProblem(f"cannot look at {path}: {err.strerror}") from None
    if kind:
        raise FileProblem(f"{path} is {kind}; only a regular file can be written there")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileProblem(f"cannot create files in {folder}: permission denied")


def _read(path: str, limit: int, follow_links: bool) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    info = os.fstat(descriptor)
    kind = _kind(info.st_mode)
    if kind or info.st_size > limit:
        os.close(descriptor)
        raise FileProblem(f"{path} is {kind}, not a regular file" if kind
                          else f"{path} is {info.st_size} bytes; at most {limit} are read")
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(f"{path} is larger than {limit} bytes; at most {limit} are read")
    return data


def read_existing(path: str, limit: int) -> bytes | None:
    """The content of the regular file at ``path``; None when there is none (nothing, or a symbolic link, which
    ``write_atomic`` replaces rather than follows)."""
    try:
        return _read(path, limit, follow_links=False)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            return None
        raise FileProblem(f"cannot read {path}: {err.strerror}") from None


def read_source(path: str, limit: int) -> bytes:
    """The content of the regular file at ``path`` (links followed: a source is only read)."""
    try:
        return _read(path, limit, follow_links=True)
    except FileNotFoundError:
        raise FileProblem(f"{path} does not exist") from None
    except OSError as err:
        raise FileProblem(f"cannot read {path}: {err.strerror}") from None


def _mode_for(path: str) -> int:
    """The permissions the new file gets: those of the file it replaces, else what the umask allows."""
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one rename; raise FileProblem (and leave ``path`` as it was) on failure.
    ``mode`` is the new file's permissions; by default those of the file it replaces, else what the umask allows."""
    check_writable(path)
    folder = _folder(path)
    mode = _mode_for(path) if mode is None else mode
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise FileProblem(f"cannot create a temporary file in {folder}: {err.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FileProblem(f"cannot write {path}: {err.strerror}") from None
