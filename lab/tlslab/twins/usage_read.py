# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of the ``usage`` read of __tls_host.ps1 (docs/usage.md "Host reads needed"): SCHANNEL events from the lab
host's System log, IIS W3C logs and Exchange SMTP (CSV) protocol logs from its files, counted by the controller's
CountSpec, going on from a checkpoint kept in ``checkpoint_dir``. It runs the core's reference readers
(``logread.read_log_files``, ``eventread.read_events``), which the contract names as what the host must do, over
the lab host's records and files; it adds only the I/O and the argument checks, which are at least as strict as
the PowerShell's."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import secrets
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import PureWindowsPath

# The core's reference readers (docs/usage.md names them as what the host does); the lab is type-checked on its
# own, without the collection's sources, hence the ignores.
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (  # type: ignore[import-untyped]
    TlsGuardError,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import (  # type: ignore[import-untyped]
    eventread,
    eventxml,
    logread,
    timefmt,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.checkpoint import (  # type: ignore[import-untyped]
    Checkpoint,
    FileStat,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spec import (  # type: ignore[import-untyped]
    CountSpec,
)

from .. import iis as lab_iis
from ..executor import expand
from ..host import FILETIME_EPOCH_OFFSET, Host
from .args import ModuleFailure
from .iis_fields import field_dicts

KEYS = ("not_before", "checkpoint", "checkpoint_dir", "events", "iis", "smtp", "iis_sites", "schannel_key")
DEFAULT_DIR = r"%ProgramData%\tlsguard\usage"
SCHANNEL_KEY = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
CHUNK = 1 << 16


def _fail(message: str) -> ModuleFailure:
    return ModuleFailure(message)


def _int(data: Mapping, key: str, where: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(f"{where}.{key}: should be an integer from {low} to {high}")
    return value


def _strings(data: Mapping, key: str, where: str, low: int, high: int) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not low <= len(value) <= high or \
            not all(isinstance(v, str) and v for v in value):
        raise _fail(f"{where}.{key}: should be a list of {low} to {high} non-empty strings")
    return value


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class UsageRead:
    """One ``usage`` read: validate everything first (no host access before), then read, then keep the checkpoint."""

    def __init__(self, host: Host, usage: object, check_mode: bool) -> None:
        self.host = host
        self.check_mode = check_mode
        self.warnings: list[str] = []
        if not isinstance(usage, Mapping):
            raise _fail("usage: should be a dict")
        unknown = sorted(set(usage) - set(KEYS))
        if unknown:
            raise _fail(f"usage.{unknown[0]}: unknown key; known: {', '.join(KEYS)}")
        self.not_before = timefmt.normalise(usage.get("not_before"))
        if not self.not_before:
            raise _fail("usage.not_before: should be an ISO 8601 UTC time")
        self.checkpoint: Checkpoint | None = None
        if usage.get("checkpoint") is not None:
            self.checkpoint = self._checkpoint(usage["checkpoint"], "usage.checkpoint")
        directory = usage.get("checkpoint_dir") or DEFAULT_DIR
        if not isinstance(directory, str):
            raise _fail("usage.checkpoint_dir: should be a string")
        self.directory = expand(directory).rstrip("\\")
        key = usage.get("schannel_key") or SCHANNEL_KEY
        if not isinstance(key, str):
            raise _fail("usage.schannel_key: should be a string")
        self.schannel_key = key.strip("\\")
        self.iis_sites = usage.get("iis_sites")
        if self.iis_sites is not None and not isinstance(self.iis_sites, bool):
            raise _fail("usage.iis_sites: should be true or false")
        self.events = self._events(usage.get("events"))
        self.iis = self._files(usage.get("iis"), "usage.iis", logread.W3C)
        self.smtp = self._files(usage.get("smtp"), "usage.smtp", logread.CSV)

    def _checkpoint(self, data: object, where: str) -> Checkpoint:
        if len(json.dumps(data)) > 1 << 20:
            raise _fail(f"{where}: larger than 1 MiB")
        try:
            return Checkpoint.from_json(data, where)
        except TlsGuardError as err:
            raise _fail(str(err)) from None

    def _spec(self, data: object, where: str) -> CountSpec:
        try:
            return CountSpec.from_json(data, where)
        except TlsGuardError as err:
            raise _fail(str(err)) from None

    def _events(self, data: object) -> dict | None:
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise _fail("usage.events: should be a dict")
        ids = data.get("ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 32 or \
                not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 65536 for i in ids):
            raise _fail("usage.events.ids: should be a list of 1 to 32 event ids (1-65535)")
        return {"log": str(data.get("log") or "System"), "provider": str(data.get("provider") or "Schannel"),
                "ids": ids, "max_events": _int(data, "max_events", "usage.events", 200_000, 1, 5_000_000),
                "spec": self._spec(data.get("spec"), "usage.events.spec")}

    def _files(self, data: object, where: str, kind: str) -> dict | None:
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise _fail(f"{where}: should be a dict")
        if data.get("format", kind) != kind:
            raise _fail(f"{where}.format: only '{kind}' is read by this host module version")
        folders = _strings(data, "folders", where, 1, 256)
        patterns = _strings(data, "patterns", where, 1, 8)
        spec = self._spec(data.get("spec"), f"{where}.spec")
        if kind == logread.W3C:   # the PowerShell's W3C reader has no patterns, match or join
            for index, column in enumerate(spec.columns):
                if column.pattern:
                    raise _fail(f"{where}.spec.columns[{index}].pattern: W3C logs take no patterns")
            for name, part in (("match", spec.match), ("join", spec.join)):
                if part is not None:
                    raise _fail(f"{where}.spec.{name}: W3C logs take no {name}")
        return {"kind": kind, "folders": folders, "patterns": patterns, "spec": spec,
                "max_files": _int(data, "max_files", where, 2000, 1, 10_000),
                "max_bytes": _int(data, "max_bytes", where, 2 << 30, 1 << 20, 64 << 30)}

    # ------------------------------------------------------------ reads
    def _stored(self) -> tuple[Checkpoint | None, str]:
        if self.checkpoint is not None:
            return self.checkpoint, "controller"
        raw = self.host.read_file(self.directory + r"\checkpoint.json")
        if raw is None:
            return None, "none"
        try:
            return Checkpoint.from_json(json.loads(raw), "host checkpoint"), "host"
        except (ValueError, TlsGuardError):
            return None, "none"   # a damaged copy: a run from scratch (the controller then replaces its store)

    def _event_read(self, events: dict, previous: Checkpoint | None) -> dict:
        position = previous.events if previous is not None and previous.events is not None else None
        read_at = _now()

        def flat() -> Iterator[dict[str, str]]:
            for record in self.host.events():
                if record.get("log") != events["log"] or record.get("provider") != events["provider"]:
                    continue
                fields = eventxml.event_fields(record["xml"])
                if fields is not None:
                    yield fields
        reply = eventread.read_events(
            flat(), events["spec"], ids=events["ids"],
            after_record_id=position.record_id if position else None, after_time=position.time if position else "",
            since=self.not_before, max_events=events["max_events"], read_at=read_at)
        return reply.to_json()

    def _listing(self, folders: list[str], patterns: list[str]) -> list[FileStat]:
        """Every matching file of every folder, each once (a site's log_dir may be inside the default glob)."""
        found: list[FileStat] = []
        seen: set[str] = set()
        environment = self.host.environment
        for folder in folders:
            base = expand(folder, environment).rstrip("\\")
            if PureWindowsPath(base).anchor == "":
                continue   # e.g. %ExchangeInstallPath%... on a host without Exchange: no such folder
            parent, _sep, last = base.rpartition("\\")
            local_parent = self.host.local_path(parent + "\\")
            if "*" in last:
                listed = sorted(local_parent.iterdir()) if local_parent.is_dir() else []
                matches = [d for d in listed if d.is_dir() and fnmatch.fnmatch(d.name, last.lower())]
            else:
                matches = [self.host.local_path(base)]
            for local in matches:
                windows = base if "*" not in last else f"{parent}\\{local.name.upper()}"
                if not local.is_dir():
                    continue
                for entry in sorted(local.iterdir()):
                    path = f"{windows}\\{entry.name}"
                    if entry.is_file() and path.casefold() not in seen and \
                            any(fnmatch.fnmatch(entry.name, p.lower()) for p in patterns):
                        seen.add(path.casefold())
                        stat = entry.stat()
                        found.append(FileStat(path, stat.st_size, _iso(stat.st_mtime)))
        return found

    def _open_from(self, path: str, offset: int) -> Iterator[bytes]:
        with self.host.local_path(path).open("rb") as handle:
            handle.seek(offset)
            while chunk := handle.read(CHUNK):
                yield chunk

    def _head(self, path: str, length: int) -> str:
        with self.host.local_path(path).open("rb") as handle:
            return hashlib.sha256(handle.read(length)).hexdigest()

    def _file_read(self, read: dict, previous: Checkpoint | None) -> dict:
        files = self._listing(read["folders"], read["patterns"])
        reply = logread.read_log_files(files, previous, self.not_before, read["spec"], read["kind"], self._open_from,
                                       self._head, _now(), read["max_bytes"], read["max_files"])
        return reply.to_json()

    def _positions(self, replies: tuple[tuple[dict | None, dict | None], ...], previous: Checkpoint | None) -> list:
        """A read replaces the positions of the files its patterns name; those of a read not done are kept."""
        files: list = []
        done: list[str] = []
        for read, reply in replies:
            if read is not None and reply is not None:
                done += [p.lower() for p in read["patterns"]]
                files += reply["positions"]
        for position in previous.files if previous else ():
            name = position.path.rsplit("\\", 1)[-1].lower()
            if not any(fnmatch.fnmatch(name, pattern) for pattern in done):
                files.append(position.to_json())
        return files

    def _sites(self) -> tuple[list[dict] | None, str]:
        """Read-IisSites: (the inventory, None without IIS; why the configuration could not be read)."""
        config = lab_iis.load(self.host)
        if config is None:
            return None, ""
        broken = self.host.faults.get("iis_config_unreadable")
        if broken:
            return None, f"IIS configuration: {broken}"
        custom = lab_iis.has_custom_fields(self.host)   # no customFields in the schema before IIS 8.5
        return [{"id": site.id, "name": site.name, "log_dir": config.log_dir(site), "log_format": site.log_format,
                 "logging_enabled": site.logging_enabled,
                 "bindings": [{"protocol": p, "information": i} for p, i in site.bindings],
                 "custom_fields": field_dicts(config.effective(site)) if custom else []}
                for site in config.sites], ""

    def run(self) -> dict:
        previous, source = self._stored()
        events = self._event_read(self.events, previous) if self.events is not None else None
        sites, sites_error = self._sites() if self.iis_sites else (None, "")
        if sites_error:
            self.warnings.append(f"usage.iis_sites: {sites_error}")
        iis_read = self.iis
        if iis_read is not None and sites is not None:
            # docs/usage.md "Host reads needed": every site's log_dir is read too, wherever the site logs.
            iis_read = dict(iis_read, folders=[*iis_read["folders"], *(s["log_dir"] for s in sites)])
        iis = self._file_read(iis_read, previous) if iis_read is not None else None
        if iis is not None and sites_error:
            iis["notes"].append({"kind": "iis_sites_unreadable", "count": 1, "blocks_gate": True, "message":
                                 f"the IIS site inventory could not be read ({sites_error}): only the folders asked "
                                 "for were read, and which sites serve https is unknown"})
        smtp = self._file_read(self.smtp, previous) if self.smtp is not None else None
        taken = _now()
        end_event = None
        if events is not None and self.events is not None:
            record, time = (events["last_record_id"], events["last_time"]) if events["truncated"] else \
                (events["newest_record_id"], events["read_at"])
            end_event = {"log": self.events["log"], "record_id": record or 0, "time": time or ""}
        elif previous is not None and previous.events is not None:
            end_event = previous.events.to_json()
        files = self._positions(((self.iis, iis), (self.smtp, smtp)), previous)
        checkpoint = {"id": f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(2)}",
                      "previous_id": previous.id if previous else "",
                      "previous_taken_at": previous.taken_at if previous else "",
                      "taken_at": taken, "events": end_event, "files": files}
        if not self.check_mode:
            self._keep(checkpoint)
        return {"checkpoint": checkpoint, "checkpoint_source": source, "events": events, "iis": iis, "smtp": smtp,
                "event_logging": self._event_logging(), "schannel_key_written": self._key_written(),
                "last_boot": self._boot(), "iis_sites": sites}

    def _event_logging(self) -> int | None:
        """The REG_DWORD as read (None when absent)."""
        found = self.host.registry.get_value("HKLM\\" + self.schannel_key, "EventLogging")
        return int(found[1]) if found is not None and found[0] == "REG_DWORD" else None  # type: ignore[call-overload]

    def _key_written(self) -> str:
        """The SCHANNEL key's last-write time as the lab keeps it (RegQueryInfoKey on Windows); "" without the key."""
        when = self.host.registry.last_written("HKLM\\" + self.schannel_key)
        return _iso(when) if when is not None else ""

    def _boot(self) -> str:
        return _iso(self.host.boot_filetime / 10_000_000 - FILETIME_EPOCH_OFFSET)

    def _keep(self, checkpoint: dict) -> None:
        """checkpoint.json, the one before kept as checkpoint.previous.json (the PowerShell replaces atomically)."""
        current = self.directory + r"\checkpoint.json"
        old = self.host.read_file(current)
        if old is not None:
            self.host.write_file(self.directory + r"\checkpoint.previous.json", old)
        self.host.write_file(current, json.dumps(checkpoint).encode())
