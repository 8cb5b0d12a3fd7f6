"""Real files for the usage readers: directory listings, chunked reads from an offset, head hashes.

These are the host module's three file operations, done on this machine's files so the core's reference
reader runs on real bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import Checkpoint, FileStat
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.eventxml import event_fields, iter_event_xml
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.logread import read_log_files
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.reply import FileReadReply

FIXTURES = Path(__file__).parent / "fixtures"
CHUNK = 1 << 20


def fixture(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def windows(path: Path) -> bytes:
    """A fixture as Windows writes it: the files are kept with LF (ansible-test sanity wants that), IIS and
    Exchange end lines with CRLF."""
    return path.read_bytes().replace(b"\n", b"\r\n")


def windows_tree(name: str, dest: Path) -> Path:
    """A copy of a fixture folder with CRLF line ends."""
    for source in (FIXTURES / name).rglob("*"):
        if source.is_file():
            target = dest / name / source.relative_to(FIXTURES / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(windows(source))
    return dest / name


def chunks(path: Path, offset: int = 0, size: int = CHUNK) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        while block := handle.read(size):
            yield block


def head_sha256(path: str, length: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read(length)).hexdigest()


def stats(root: Path, pattern: str) -> list[FileStat]:
    out = []
    for path in sorted(root.glob(f"*/{pattern}")):
        info = path.stat()
        written = datetime.fromtimestamp(info.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(FileStat(str(path), info.st_size, written))
    return out


def read_folder_tree(root: Path, pattern: str, spec, kind: str, previous: Checkpoint | None = None,
                     not_before: str = "2000-01-01T00:00:00Z", read_at: str = "2030-01-01T00:00:00Z",
                     size: int = CHUNK, max_bytes: int = 1 << 40) -> FileReadReply:
    return read_log_files(stats(root, pattern), previous, not_before, spec, kind,
                          lambda path, offset: chunks(Path(path), offset, size), head_sha256, read_at, max_bytes)


def event_dicts(*names: str) -> list[dict[str, str]]:
    notes = Notes()
    out = []
    for name in names:
        for xml in iter_event_xml(chunks(FIXTURES / "events" / name), notes):
            fields = event_fields(xml, notes)
            assert fields is not None, notes.result()
            out.append(fields)
    return out
