# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IIS custom log fields: the host's answer (``iis_log_fields``), which fields each site lacks, and where to add
them.

A site logs the custom fields of its own ``logFile/customFields``; a site without any of its own takes those of
``siteDefaults`` (the model docs/usage.md uses for ``iis_sites`` too). So the fields go to ``siteDefaults`` (the
sites that take them from there, and every site created later, log them) and to each site that has fields of its
own. A field another entry of that collection already uses the name of, for another source, is a conflict: the
task stops naming it rather than rename or replace what someone set up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import HostReplyError
from ..usage import jsonread as jr
from .logfields import EVIDENCE_FIELDS, LogField

DEFAULTS = ""   # the scope name of siteDefaults on the wire
MAX_SITES = 10_000


def _fields(data: Mapping, key: str, where: str) -> tuple[LogField, ...]:
    out = []
    for i, raw in enumerate(jr.array(data, key, where, [])):
        at = f"{where}.{key}[{i}]"
        item = jr.obj(raw, at)
        out.append(LogField(jr.string(item, "name", at), jr.string(item, "source", at), jr.string(item, "type", at)))
    return tuple(out)


@dataclass(frozen=True)
class Site:
    id: int
    name: str
    own: tuple[LogField, ...]   # the site's own logFile/customFields


@dataclass(frozen=True)
class IisLogConfig:
    installed: bool
    error: str                       # why the configuration could not be read ("" when it was)
    site_defaults: tuple[LogField, ...]
    sites: tuple[Site, ...]
    added: int                       # entries the host added in this call

    def effective(self, site: Site) -> tuple[LogField, ...]:
        return site.own or self.site_defaults

    @classmethod
    def from_json(cls, data: object, where: str = "host reply iis_log_fields") -> IisLogConfig:
        data = jr.obj(data, where)
        sites = jr.array(data, "sites", where, [])
        if len(sites) > MAX_SITES:
            raise HostReplyError(f"{where}.sites: {len(sites):,} sites, more than {MAX_SITES:,}")
        parsed = []
        for i, raw in enumerate(sites):
            at = f"{where}.sites[{i}]"
            item = jr.obj(raw, at)
            parsed.append(Site(jr.integer(item, "id", at), jr.string(item, "name", at), _fields(item, "fields", at)))
        return cls(jr.boolean(data, "installed", where), jr.string(data, "error", where, ""),
                   _fields(data, "site_defaults", where), tuple(parsed), len(jr.array(data, "added", where, [])))


@dataclass(frozen=True)
class Addition:
    scope: str          # DEFAULTS or a site name
    field: LogField

    def to_host(self) -> dict:
        return dict(self.field.to_json(), scope=self.scope)


@dataclass(frozen=True)
class FieldPlan:
    additions: tuple[Addition, ...]
    conflicts: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.additions)

    def host_request(self) -> dict:
        return {"add": [a.to_host() for a in self.additions]}

    def after(self, config: IisLogConfig) -> IisLogConfig:
        """The configuration once the additions are made (what check mode reports and the diff shows)."""
        def grown(scope: str, fields: tuple[LogField, ...]) -> tuple[LogField, ...]:
            return fields + tuple(a.field for a in self.additions if a.scope == scope)
        sites = tuple(Site(s.id, s.name, grown(s.name, s.own) if s.own else s.own) for s in config.sites)
        return IisLogConfig(config.installed, config.error, grown(DEFAULTS, config.site_defaults), sites,
                            len(self.additions))


def scope_label(scope: str) -> str:
    return "siteDefaults" if scope == DEFAULTS else f"site '{scope}'"


def missing(have: tuple[LogField, ...], wanted: tuple[LogField, ...] = EVIDENCE_FIELDS) -> tuple[LogField, ...]:
    return tuple(w for w in wanted if not any(f.serves(w) for f in have))


def plan_fields(config: IisLogConfig, wanted: tuple[LogField, ...] = EVIDENCE_FIELDS) -> FieldPlan:
    """Nothing to add where IIS is missing or its configuration could not be read."""
    if not config.installed or config.error:
        return FieldPlan((), ())
    additions: list[Addition] = []
    conflicts: list[str] = []
    scopes = [(DEFAULTS, config.site_defaults)] + [(s.name, s.own) for s in config.sites if s.own]
    for scope, have in scopes:
        names = {f.name.casefold(): f for f in have}
        for field in missing(have, wanted):
            taken = names.get(field.name.casefold())
            if taken is not None:
                conflicts.append(f"{scope_label(scope)} has a custom field named '{taken.name}' that logs "
                                 f"{taken.kind} {taken.source}, not {field.kind} {field.source}; rename or remove it "
                                 "in IIS, then run again")
            else:
                additions.append(Addition(scope, field))
    return FieldPlan(tuple(additions), tuple(conflicts))


def _text(fields: tuple[LogField, ...], inherits: bool) -> str:
    if inherits:
        return "  (none of its own: takes those of siteDefaults)\n"
    return "".join(f"  {f.label()}\n" for f in fields) or "  (none)\n"


def render(config: IisLogConfig) -> str:
    """The custom fields per scope as the diff shows them."""
    out = f"[siteDefaults]\n{_text(config.site_defaults, False)}"
    for site in config.sites:
        out += f"[site {site.id} '{site.name}']\n{_text(site.own, not site.own)}"
    return out


def site_report(before: IisLogConfig, after: IisLogConfig, wanted: tuple[LogField, ...] = EVIDENCE_FIELDS
                ) -> list[dict]:
    """Per site: where its fields come from, which of the wanted ones it lacked and which it lacks after."""
    out: list[dict] = [{"scope": "siteDefaults",
                        "missing_before": [f.name for f in missing(before.site_defaults, wanted)],
                        "missing_after": [f.name for f in missing(after.site_defaults, wanted)]}]
    for old, new in zip(before.sites, after.sites, strict=True):
        out.append({"scope": "site", "id": old.id, "name": old.name, "inherits": not new.own,
                    "missing_before": [f.name for f in missing(before.effective(old), wanted)],
                    "missing_after": [f.name for f in missing(after.effective(new), wanted)]})
    return out


def outcome(config: IisLogConfig, fields: FieldPlan, check_mode: bool) -> tuple[str, str]:
    """(status, sentence) of the IIS part: not_installed, unreadable, ok or changed."""
    if not config.installed:
        return "not_installed", "IIS is not installed: nothing to do there"
    if config.error:
        return "unreadable", (f"the IIS custom log fields cannot be read or set here (they need IIS 8.5, Windows "
                              f"Server 2012 R2 or later): {config.error}")
    if fields.changed:
        counts: dict[str, int] = {}
        for addition in fields.additions:
            counts[scope_label(addition.scope)] = counts.get(scope_label(addition.scope), 0) + 1
        verb = "would be added" if check_mode else "added"
        where = ", ".join(f"{scope} {count}" for scope, count in counts.items())
        return "changed", f"IIS custom log field(s) {verb} ({where}); IIS logs them from its next log file"
    names = ", ".join(f.name for f in EVIDENCE_FIELDS)
    return "ok", f"IIS: all {len(config.sites)} site(s) log {names}"
