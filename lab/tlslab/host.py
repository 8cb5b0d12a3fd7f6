# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One emulated Windows host: OS profile, registry, files, System event log, boot cycle and fault switches.

Everything a restart of the lab must keep (registry, boot time, faults, files, events) lives under
``<state>/hosts/<name>/`` and is written through on change.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from .osprofiles import WINLOGON, OsProfile
from .presets import apply as apply_presets
from .registry import Registry
from .shells import Shells

FILETIME_EPOCH_OFFSET = 11_644_473_600  # seconds between 1601-01-01 and 1970-01-01
PENDING_REBOOT_KEYS = (
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending",
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired",
)
FAULTS = ("fail_write", "no_return", "latency_ms", "refuse", "drop_mid_command", "non_admin", "deny_keys",
          "drop_write_reply", "delay_write_reply_ms", "die_after_writes", "fail_cim", "needs_legacy_tls",
          "iis_config_unreadable")
# Exchange setup sets this system variable, with its trailing backslash; the lab's Exchange hosts have it.
EXCHANGE_INSTALL_PATH = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
SYSTEM, ADMINISTRATORS, USERS, CREATOR_OWNER = "S-1-5-18", "S-1-5-32-544", "S-1-5-32-545", "S-1-3-0"
# A folder made without an explicit ACL under C:\ProgramData inherits its ACL, which lets Users create files.
INHERITED_SECURITY = {"owner": ADMINISTRATORS, "allow": [SYSTEM, ADMINISTRATORS, CREATOR_OWNER, USERS],
                      "reparse": False}


def filetime(unix_seconds: float) -> int:
    return int((unix_seconds + FILETIME_EPOCH_OFFSET) * 10_000_000)


@dataclass
class Timing:
    """How long an emulated reboot takes: shutdown delay and time offline (both seconds)."""

    pre_down: float = 0.5
    downtime: float = 2.0


@dataclass
class Host:
    name: str
    profile: OsProfile
    home: Path
    listeners: tuple[str, ...] = ()
    components: dict = field(default_factory=dict)
    faults: dict = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)
    boot_filetime: int = 0
    shells: Shells = field(default_factory=Shells)
    lock: threading.RLock = field(default_factory=threading.RLock)
    down_at: float | None = None
    down_until: float | None = None
    pending_downtime: float = 0.0
    event_count: int | None = None
    read_at_boot: dict = field(default_factory=dict)  # what services read from the registry when they started
    fs_security: dict = field(default_factory=dict)  # upper-cased Windows path -> {owner, allow, reparse}
    reply_fault: tuple[str, float] | None = None  # ("drop" | "delay", seconds) for the reply of the call that ran
    on_boot: list[Callable[[Host], None]] = field(default_factory=list)
    on_shutdown: list[Callable[[Host], None]] = field(default_factory=list)

    @property
    def dns_name(self) -> str:
        return f"{self.name}.lab.test"

    @property
    def environment(self) -> dict[str, str]:
        """The host's own environment variables (upper-case names), on top of those every lab host has."""
        return {"EXCHANGEINSTALLPATH": EXCHANGE_INSTALL_PATH} if self.components.get("exchange") else {}

    # ---------------------------------------------------------------- persistence
    @classmethod
    def create(cls, name: str, profile: OsProfile, home: Path, listeners: tuple[str, ...] = (),
               components: dict | None = None, faults: dict | None = None, presets: tuple[str, ...] = ()) -> Host:
        chosen = {**profile.components, **(components or {})}
        registry, hotfixes = apply_presets(profile.registry(), list(chosen.get("hotfixes") or ()), presets)
        if presets:
            chosen.update(hotfixes=hotfixes, presets=list(presets))
        booted = time.time()
        # The installed registry was written before the host's first boot.
        host = cls(name, profile, home, tuple(listeners), chosen, dict(faults or {}),
                   Registry(registry, default_written=booted - 1), filetime(booted))
        host.save()
        return host

    @classmethod
    def load(cls, home: Path, profiles: Callable[[str], OsProfile]) -> Host:
        data = json.loads((home / "host.json").read_text())
        # A state from before last-write times were kept: its keys count as written before the last boot.
        booted = data["boot_filetime"] / 10_000_000 - FILETIME_EPOCH_OFFSET
        host = cls(data["name"], profiles(data["profile"]), home, tuple(data["listeners"]), data["components"],
                   data["faults"], Registry(data["registry"], data.get("registry_written"), booted - 1),
                   data["boot_filetime"])
        host.read_at_boot = data.get("read_at_boot", {})
        host.fs_security = data.get("fs_security", {})
        return host

    def save(self) -> None:
        with self.lock:
            data = {"name": self.name, "profile": self.profile.key, "listeners": list(self.listeners),
                    "components": self.components, "faults": self.faults, "boot_filetime": self.boot_filetime,
                    "read_at_boot": self.read_at_boot, "fs_security": self.fs_security,
                    "registry": self.registry.to_json(), "registry_written": self.registry.written_json()}
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.home / "host.json.tmp"
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, self.home / "host.json")

    # ---------------------------------------------------------------- files (C:\... under <home>/fs/C/...)
    def local_path(self, windows_path: str) -> Path:
        path = PureWindowsPath(windows_path)
        if not path.drive:
            raise ValueError(f"not an absolute Windows path: {windows_path!r}")
        parts = [p for p in path.parts[1:] if p not in ("..", ".")]
        return self.home / "fs" / path.drive.rstrip(":").upper() / Path(*[p.lower() for p in parts])

    def write_file(self, windows_path: str, data: bytes) -> None:
        target = self.local_path(windows_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def append_file(self, windows_path: str, data: bytes) -> None:
        target = self.local_path(windows_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("ab") as handle:
            handle.write(data)

    def read_file(self, windows_path: str) -> bytes | None:
        target = self.local_path(windows_path)
        return target.read_bytes() if target.is_file() else None

    def security(self, windows_path: str) -> dict:
        """Owner, allowed SIDs and reparse flag of an existing file or folder (the inherited ACL unless set)."""
        return self.fs_security.get(windows_path.upper(), INHERITED_SECURITY)

    def set_security(self, windows_path: str, owner: str, allow: list[str], reparse: bool = False) -> None:
        self.fs_security[windows_path.upper()] = {"owner": owner, "allow": list(allow), "reparse": reparse}
        self.save()

    # ---------------------------------------------------------------- System event log
    def log_event(self, make: Callable[[int], dict]) -> dict:
        """Append the record ``make(record_id)`` builds; record ids grow by one, as EventRecordID does."""
        with self.lock:
            if self.event_count is None:
                self.event_count = len(self.events())
            self.event_count += 1
            record = make(self.event_count)
            self.home.mkdir(parents=True, exist_ok=True)
            with (self.home / "eventlog-system.jsonl").open("a") as handle:
                handle.write(json.dumps(record, sort_keys=True) + "\n")
            return record

    def events(self) -> list[dict]:
        path = self.home / "eventlog-system.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    # ---------------------------------------------------------------- boot cycle
    @property
    def boot_unix(self) -> float:
        return self.boot_filetime / 10_000_000 - FILETIME_EPOCH_OFFSET

    def reachable(self, now: float) -> bool:
        self.advance(now)
        return self.down_until is None

    def schedule_reboot(self, timing: Timing, now: float) -> None:
        with self.lock:
            self.registry.delete_key(f"{WINLOGON}\\AutoLogonChecked")
            self.down_at = now + timing.pre_down
            self.pending_downtime = float("inf") if self.faults.get("no_return") else timing.downtime

    def advance(self, now: float) -> None:
        """Move through shutdown -> offline -> boot when their time has come."""
        with self.lock:
            if self.down_at is not None and now >= self.down_at:
                self.down_at = None
                self.down_until = now + self.pending_downtime
                self.shells.clear()
                for callback in self.on_shutdown:
                    try:
                        callback(self)
                    except Exception as err:
                        print(f"{self.name}: shutdown hook failed: {err!r}", file=sys.stderr, flush=True)
            if self.down_until is not None and now >= self.down_until:
                self.boot(now)
                self.down_until = None  # reachable only once the services started at boot are up

    def boot(self, now: float) -> None:
        with self.lock:
            self.boot_filetime = max(filetime(now), self.boot_filetime + 1)
            self.registry.create_key(f"{WINLOGON}\\AutoLogonChecked")
            for key in PENDING_REBOOT_KEYS:
                self.registry.delete_key(key)
            self.registry.delete_value(r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager",
                                       "PendingFileRenameOperations")
            self.read_at_boot = {}
            self.save()
        for callback in self.on_boot:
            try:
                callback(self)
            except Exception as err:
                print(f"{self.name}: boot hook failed: {err!r}", file=sys.stderr, flush=True)

    @property
    def reboot_pending(self) -> bool:
        return any(self.registry.key_exists(k) for k in PENDING_REBOOT_KEYS) or self.registry.get_value(
            r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager", "PendingFileRenameOperations") is not None

    # ---------------------------------------------------------------- faults
    def set_faults(self, changes: dict) -> None:
        unknown = set(changes) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s) {', '.join(sorted(unknown))} (known: {', '.join(FAULTS)})")
        with self.lock:
            for name, value in changes.items():
                if not value or value in ("0", "false", "off"):
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            self.save()

    def crash(self) -> None:
        """Gone at once, as a host that loses power: down until rebooted (``tlslab reboot``)."""
        with self.lock:
            self.down_until = float("inf")
            self.shells.clear()
            self.save()

    def take_reply_fault(self) -> tuple[str, float] | None:
        with self.lock:
            fault, self.reply_fault = self.reply_fault, None
            return fault

    def take_fault(self, name: str) -> bool:
        """Consume one occurrence of a counted fault (drop_mid_command=N)."""
        with self.lock:
            left = int(self.faults.get(name) or 0)
            if left <= 0:
                return False
            if left == 1:
                self.faults.pop(name)
            else:
                self.faults[name] = left - 1
            self.save()
            return True
