# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planner: (wanted values, current values) -> ordered changes, a readable diff and the reboot verdict.

Applying a plan to the snapshot it was made from and planning again yields no changes (tested as a
property). Values are compared typed, so a REG_SZ "1" where a DWORD belongs is a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .desired import Compiled, Desired
from .regfiles.reg_writer import render_values
from .registry import Overlay, RegRef, RegValue

# Why a reboot follows a change in each category (docs/facts.md, "When changes take effect").
REBOOT_REASONS: dict[str, str] = {
    "protocols": "SCHANNEL protocol changes apply to new credential handles; services cache them until restarted",
    "cipher_suites": "the policy cipher suite and ECC curve order is read at boot",
    "event_logging": "SCHANNEL EventLogging is read at boot",
    "winhttp": "WinHTTP DefaultSecureProtocols is read when the consuming services start",
    "dotnet": ".NET reads SchUseStrongCrypto/SystemDefaultTlsVersions once per process",
    "key_exchange": "key exchange settings apply to new credential handles",
}
CATEGORY_ORDER = ("protocols", "ciphers", "hashes", "key_exchange", "cipher_suites", "event_logging", "dotnet",
                  "winhttp", "wininet", "fips", "other")


@dataclass(frozen=True)
class Change:
    ref: RegRef
    before: RegValue | None
    after: RegValue | None
    category: str
    reg_type: str = "REG_DWORD"

    @property
    def op(self) -> str:
        return "delete" if self.after is None else "set"

    def to_json(self) -> dict:
        """The value's location as every result spells it (short hive), with its data before and after."""
        return dict(self.ref.to_json(), op=self.op, category=self.category,
                    before=self.before.to_json() if self.before else None,
                    after=self.after.to_json() if self.after else None)

    def to_host_op(self) -> dict:
        """The wire shape the host module applies."""
        op = dict(self.ref.to_json(), op=self.op)
        if self.after is not None:
            op.update(self.after.to_json())
        return op


def _priority(change: Change) -> tuple:
    # Turn things on before anything is turned off or removed, so no moment has fewer protocols than the end.
    turns_on = change.after is not None and (
        (change.ref.name.casefold() == "enabled" and change.after.data != 0)
        or (change.ref.name.casefold() == "disabledbydefault" and change.after.data == 0))
    rank = 0 if turns_on else 1 if change.after is not None else 2
    return rank, CATEGORY_ORDER.index(change.category), change.ref.key_norm, change.ref.name.casefold()


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def reboot_reasons(self) -> tuple[str, ...]:
        seen = dict.fromkeys(c.category for c in self.changes if c.category in REBOOT_REASONS)
        return tuple(REBOOT_REASONS[c] for c in seen)

    @property
    def reboot_required(self) -> bool:
        return bool(self.reboot_reasons)

    def after(self, values: Mapping[RegRef, RegValue]) -> Overlay:
        """The values once the plan is applied (an overlay: the cost is the plan's, not the snapshot's)."""
        return Overlay(values, {c.ref: c.after for c in self.changes})

    def diff(self, header: str = "registry") -> dict:
        """An Ansible diff: .reg-like text of the touched values before and after."""
        before = {c.ref: c.before for c in self.changes}
        after = {c.ref: c.after for c in self.changes}
        return {"before": render_values(before), "after": render_values(after),
                "before_header": f"{header} (before)", "after_header": f"{header} (after)"}

    def host_ops(self) -> list[dict]:
        return [c.to_host_op() for c in self.changes]

    def to_json(self) -> list[dict]:
        return [c.to_json() for c in self.changes]


def plan(compiled: Compiled | Iterable[Desired], current: Mapping[RegRef, RegValue]) -> Plan:
    desired = compiled.desired if isinstance(compiled, Compiled) else tuple(compiled)
    changes = []
    for want in desired:
        have = current.get(want.ref)
        if have != want.value:
            changes.append(Change(want.ref, have, want.value, want.category, want.reg_type))
    return Plan(tuple(sorted(changes, key=_priority)))
