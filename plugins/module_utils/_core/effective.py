# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Effective state of each protocol side, exactly as DESIGN.md "Effective state" defines it.

1. The build does not support the protocol -> ``not_supported``.
2. ``Enabled`` present: 0 -> ``disabled``; non-zero -> ``enabled`` (non-1 noted ``noncanonical_value``).
3. ``Enabled`` absent and ``DisabledByDefault`` = 1 -> ``disabled_by_default``.
4. Both absent -> the published OS default: ``os_default_enabled`` / ``os_default_disabled``.

A value of the wrong type (e.g. REG_SZ "1") is treated as absent, because Schannel reads these as DWORDs;
it is noted ``wrong_type`` so audits report it. A default Microsoft's pages disagree on is noted
``default_unconfirmed``; TLS 1.1/1.2 on Server 2008 SP2 are noted ``needs_update:KB4019276`` unless the host
reported that update installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .builds import ENABLED, INSTALLED, NOT_SUPPORTED, WindowsBuild
from .locations import protocol_ref
from .protocols import PROTOCOLS, SIDES
from .registry import RegRef, RegValue

ON_STATES = ("enabled", "os_default_enabled")


@dataclass(frozen=True)
class SideState:
    """The effective state of one protocol side and why."""

    state: str
    source: str  # 'registry', 'os_default' or 'os_build'
    notes: tuple[str, ...] = ()
    enabled_value: int | None = None
    disabled_by_default_value: int | None = None

    @property
    def on(self) -> bool:
        return self.state in ON_STATES

    def to_json(self) -> dict:
        return {"state": self.state, "source": self.source, "notes": list(self.notes),
                "enabled_value": self.enabled_value, "disabled_by_default_value": self.disabled_by_default_value}


def _dword(values: Mapping[RegRef, RegValue], where: RegRef, notes: list[str]) -> int | None:
    value = values.get(where)
    if value is None:
        return None
    if value.type != "REG_DWORD":
        notes.append(f"wrong_type:{where.name}={value.display()}")
        return None
    return value.as_int()


def side_state(values: Mapping[RegRef, RegValue], build: WindowsBuild, protocol_key: str, side: str) -> SideState:
    notes: list[str] = []
    enabled = _dword(values, protocol_ref(protocol_key, side, "Enabled"), notes)
    disabled_by_default = _dword(values, protocol_ref(protocol_key, side, "DisabledByDefault"), notes)
    default = build.default_state(protocol_key, side)
    update = build.tls11_12_update if protocol_key in ("tls1_1", "tls1_2") else None
    if default == NOT_SUPPORTED:
        if update and build.hotfixes.state(update) != INSTALLED:
            notes.append(f"needs_update:{update}")
        if enabled:
            notes.append("enabled_on_unsupported_build")
        return SideState(NOT_SUPPORTED, "os_build", tuple(notes), enabled, disabled_by_default)
    if enabled is not None:
        if enabled == 0:
            return SideState("disabled", "registry", tuple(notes), enabled, disabled_by_default)
        if enabled != 1:
            notes.append("noncanonical_value")
        if disabled_by_default == 1:
            notes.append("disabled_by_default_also_set")
        return SideState("enabled", "registry", tuple(notes), enabled, disabled_by_default)
    if disabled_by_default == 1:
        return SideState("disabled_by_default", "registry", tuple(notes), enabled, disabled_by_default)
    if protocol_key in build.defaults.unconfirmed:
        notes.append("default_unconfirmed")
    state = "os_default_enabled" if default == ENABLED else "os_default_disabled"
    return SideState(state, "os_default", tuple(notes), enabled, disabled_by_default)


def evaluate(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> dict[str, dict[str, SideState]]:
    """Every protocol (TLS and DTLS), both sides."""
    return {p.key: {side: side_state(values, build, p.key, side) for side in SIDES} for p in PROTOCOLS}


def summary(states: Mapping[str, Mapping[str, SideState]]) -> dict:
    """The documented return shape, DTLS included: ``{tls1_2: {client: 'enabled', server: 'enabled'}, ...}``."""
    return {key: {side: states[key][side].state for side in SIDES} for key in states}
