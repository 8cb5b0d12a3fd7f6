# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registered results of tls_info, tls_config and tls_restore (their RETURN docs) -> the host sections.

Compliance is judged again from the result's ``raw`` registry values against the report's profile, with the same
drift rule tls_info uses, so every host in a report is judged against one baseline whatever profile (if any) its
tls_info task named."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..builds import INSTALLED, MISSING, Hotfixes, WindowsBuild, parse_build
from ..compliance import Compliance, judge
from ..desired import Compiled, compile_policy
from ..errors import ValidationError
from ..planner import plan
from ..profiles import resolve_policy
from ..protocols import PROTOCOLS
from ..registry import Snapshot
from ..view import view_of
from .model import Change, ChangeRecord, Finding, HostState, Kind, Origin, OsInfo, SideStates, Waiver
from .shapes import InputError, entries, flag, integer, items, mapping, text

STAGE1_PROFILE = "enable"
_BACKUP_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?Z")


@dataclass
class Baseline:
    """The profile (plus overrides) hosts are judged against, compiled once per build."""

    profile: str
    overrides: Mapping | None = None
    _cache: dict = field(default_factory=dict)

    def compiled(self, profile: str, build: WindowsBuild) -> Compiled:
        key = (profile, build.build, build.server, build.x64)
        if key not in self._cache:
            overrides = self.overrides if profile == self.profile else None
            policy, _adapted = resolve_policy(profile, overrides, build)
            self._cache[key] = compile_policy(policy, build)
        return self._cache[key]

    def check(self) -> None:
        """Fail early, naming the option, when the profile or overrides are wrong (judged on Server 2022)."""
        self.compiled(self.profile, WindowsBuild(20348, server=True))


def backup_time(backup_id: str | None) -> str | None:
    """The UTC time a backup id (``20261126T180000.123456Z-web01``) was taken at, in ISO 8601."""
    match = _BACKUP_TIME.match(backup_id or "")
    if not match:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    stamp = f"{year}-{month}-{day}T{hour}:{minute}:{second}"
    return f"{stamp}.{fraction.ljust(6, '0')}Z" if fraction else f"{stamp}Z"


def _os(result: Mapping, where: str) -> tuple[OsInfo, WindowsBuild | None]:
    data = mapping(result, "os", where)
    build_number = integer(data, "build", f"{where}.os")
    info = OsInfo(text(data, "product", f"{where}.os"), build_number, text(data, "version", f"{where}.os"))
    if build_number is None:
        return info, None
    try:
        build = parse_build(build_number, f"{where}.os.build", server=flag(data, "server", f"{where}.os"))
    except ValidationError as err:
        raise InputError(str(err)) from None
    x64 = flag(mapping(result, "facts", where), "x64", f"{where}.facts")
    return info, WindowsBuild(build.build, integer(data, "ubr", f"{where}.os"), build.server,
                              x64=True if x64 is None else x64, hotfixes=_hotfixes(data, f"{where}.os"))


def _hotfixes(data: Mapping, where: str) -> Hotfixes:
    """The update states tls_info reported (installed/missing/unknown), so the report judges as tls_info did."""
    states = mapping(data, "hotfixes", where)
    known = {str(kb): str(state) for kb, state in states.items() if state in (INSTALLED, MISSING)}
    return Hotfixes(queried=tuple(known), installed=tuple(kb for kb, state in known.items() if state == INSTALLED))


def _effective(result: Mapping, where: str) -> tuple[SideStates, ...]:
    data = mapping(result, "effective", where, required=True)
    out = []
    for key in (p.key for p in PROTOCOLS):
        sides = data.get(key)
        if sides is None:
            continue
        if not isinstance(sides, Mapping):
            raise InputError(f"{where}.effective.{key}: expected {{client, server}}, got {type(sides).__name__}")
        out.append(SideStates(key, text(sides, "client", f"{where}.effective.{key}", "unknown") or "unknown",
                              text(sides, "server", f"{where}.effective.{key}", "unknown") or "unknown"))
    return tuple(out)


def info_state(result: Mapping, where: str, baseline: Baseline, origin: Origin) -> HostState:
    info, build = _os(result, where)
    compliant = drift = enable_met = None
    if build is not None and "raw" in result:
        try:
            values = Snapshot.from_json(items(result, "raw", where), f"{where}.raw")
        except ValidationError as err:
            raise InputError(str(err)) from None
        view = view_of(values, build)

        def judged(profile: str) -> Compliance:
            compiled = baseline.compiled(profile, build).against(values)
            return judge(view, plan(compiled, values), compiled.categories)

        # Compliance by effect, as tls_info judges it; drift counts only the values whose change alters behaviour.
        verdict = judged(baseline.profile)
        compliant = verdict.compliant
        drift = sum(d.effect for d in verdict.drift)
        enable_met = judged(STAGE1_PROFILE).compliant
    findings = tuple(Finding(text(f, "severity", loc, "info") or "info", text(f, "code", loc, "") or "",
                             text(f, "message", loc, "") or "")
                     for loc, f in entries(result, "findings", where) if f.get("code") != "drift")
    facts = mapping(result, "facts", where)
    return HostState(info, _effective(result, where), baseline.profile, compliant, drift, enable_met, findings,
                     text(facts, "last_boot", f"{where}.facts"), origin)


def change_record(result: Mapping, kind: Kind, where: str, origin: Origin) -> ChangeRecord:
    """An applied run (it returns ``backup``) is a change; a run that changed nothing or only planned (check mode)
    says how many values still differ from what it was asked for."""
    changes = items(result, "changes", where)
    backup = mapping(result, "backup", where)
    if backup:
        backup_id = text(backup, "id", f"{where}.backup")
        change = Change(kind.value, backup_time(backup_id), backup_id, len(changes),
                        bool(flag(result, "reboot_required", where)),
                        text(result, "restored_id", where) if kind is Kind.RESTORE else None)
        return ChangeRecord(change, 0, origin)
    return ChangeRecord(None, len(changes) if result.get("changed") else 0, origin)


def waivers(result: Mapping, where: str) -> tuple[Waiver, ...]:
    """``waivers: [{rule, reason}]`` as tls_config and tls_readiness echo them (issue 12)."""
    out = []
    for loc, entry in entries(result, "waivers", where):
        out.append(Waiver(text(entry, "rule", loc, required=True) or "", text(entry, "reason", loc, "") or ""))
    return tuple(out)
