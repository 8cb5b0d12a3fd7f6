# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""May SSL 3.0, TLS 1.0 and TLS 1.1 be switched off on this host's server side?

``pass`` only with complete coverage of the last N days (default 30: our choice, long enough to include a
month end) and no server-side legacy handshake in them outside named exceptions. ``fail`` as soon as legacy
use is seen, whatever the coverage. Otherwise ``undetermined``: a gate never passes on missing evidence.
Client-side use (this host connecting out with legacy TLS) is reported apart and gates nothing here: it
concerns the client-side settings. Every reason is a sentence a person can act on.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from ..errors import Problem, ValidationError
from ..protocols import BY_KEY, LEGACY_TLS_KEYS
from .aggregate import Aggregate
from .coverage import Coverage, coverage
from .model import SERVER_SIDE, UNKNOWN, Group, Source
from .timefmt import parse_day, parse_time

DEFAULT_DAYS = 30
MAX_DAYS = 366
MAX_REASONS = 20
SCHANNEL_SOURCES = (Source.SCHANNEL_SERVER.value, Source.SCHANNEL_OTHER.value)


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNDETERMINED = "undetermined"


def legacy_labels() -> str:
    labels = [BY_KEY[k].label for k in LEGACY_TLS_KEYS]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


@dataclass(frozen=True)
class GateException:
    """Legacy use that is allowed by name. Every matcher given must match; at least one is required."""

    owner: str
    reason: str
    client: str = ""         # IP or CIDR, matched against the client address and every X-Forwarded-For address
    user_agent: str = ""     # regular expression, searched case-insensitively (SMTP: the EHLO name)
    certificate: str = ""    # SCHANNEL local certificate subject, exact and case-insensitive
    until: str = ""          # YYYY-MM-DD: does not apply to days after this one
    name: str = ""

    @property
    def label(self) -> str:
        what = self.name or " and ".join(v for v in (self.client, self.user_agent and f"/{self.user_agent}/",
                                                     self.certificate) if v)
        return f"'{what}' (owner: {self.owner}; reason: {self.reason})"

    def matches(self, group: Group) -> bool:
        key = group.key
        if key.folded or (self.until and key.day > self.until):
            return False
        if self.client and not _address_in(self.client, key.client_ip, key.forwarded_for):
            return False
        if self.user_agent and not re.search(self.user_agent, key.user_agent, re.IGNORECASE):
            return False
        return not self.certificate or (key.source in SCHANNEL_SOURCES
                                        and key.site.casefold() == self.certificate.casefold())

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}

    @classmethod
    def from_json(cls, data: object, option: str) -> GateException:
        if not isinstance(data, Mapping):
            raise ValidationError([Problem(option, "should be a dictionary")])
        problems = []
        known = {"owner", "reason", "client", "user_agent", "certificate", "until", "name"}
        for key in sorted(set(data) - known):
            problems.append(Problem(f"{option}.{key}", f"unknown option (valid: {', '.join(sorted(known))})"))
        values = {}
        for key in known:
            value = data.get(key, "")
            if not isinstance(value, str):
                problems.append(Problem(f"{option}.{key}", "should be a string"))
                value = ""
            values[key] = value.strip()
        for key in ("owner", "reason"):
            if not values[key]:
                problems.append(Problem(f"{option}.{key}", "is required: every exception names who owns it and why"))
        if not (values["client"] or values["user_agent"] or values["certificate"]):
            problems.append(Problem(option, "needs at least one of client, user_agent, certificate"))
        if values["client"]:
            try:
                ipaddress.ip_network(values["client"], strict=False)
            except ValueError:
                problems.append(Problem(f"{option}.client", f"'{values['client']}' is not an IP address or CIDR "
                                        "network"))
        if values["user_agent"]:
            try:
                re.compile(values["user_agent"])
            except re.error as err:
                problems.append(Problem(f"{option}.user_agent", f"not a valid regular expression ({err})"))
        if values["until"] and parse_day(values["until"]) is None:
            problems.append(Problem(f"{option}.until", f"'{values['until']}' is not a YYYY-MM-DD date"))
        if problems:
            raise ValidationError(problems)
        return cls(**values)


def _address_in(network: str, client_ip: str, forwarded_for: str) -> bool:
    net = ipaddress.ip_network(network, strict=False)
    for text in (client_ip, *forwarded_for.replace(";", ",").split(",")):
        text = text.strip().strip("[]")
        try:
            if ipaddress.ip_address(text.split("%")[0]) in net:
                return True
        except ValueError:
            continue
    return False


@dataclass(frozen=True)
class GateRule:
    days: int = DEFAULT_DAYS
    exceptions: tuple[GateException, ...] = ()
    require_smtp: bool = False

    def to_json(self) -> dict:
        return {"days": self.days, "exceptions": [e.to_json() for e in self.exceptions],
                "require_smtp": self.require_smtp, "legacy": list(LEGACY_TLS_KEYS)}

    @classmethod
    def from_json(cls, data: object, option: str = "gate") -> GateRule:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValidationError([Problem(option, "should be a dictionary")])
        problems: list[Problem] = []
        unknown = sorted(set(data) - {"days", "exceptions", "require_smtp"})
        problems += [Problem(f"{option}.{k}", "unknown option (valid: days, exceptions, require_smtp)")
                     for k in unknown]
        days = data.get("days", DEFAULT_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            problems.append(Problem(f"{option}.days", f"should be a whole number of days from 1 to {MAX_DAYS}"))
            days = DEFAULT_DAYS
        exceptions = []
        raw = data.get("exceptions", [])
        if not isinstance(raw, list):
            problems.append(Problem(f"{option}.exceptions", "should be a list"))
            raw = []
        for index, item in enumerate(raw):
            try:
                exceptions.append(GateException.from_json(item, f"{option}.exceptions[{index}]"))
            except ValidationError as err:
                problems += err.problems
        smtp = data.get("require_smtp", False)
        if not isinstance(smtp, bool):
            problems.append(Problem(f"{option}.require_smtp", "should be true or false"))
        if problems:
            raise ValidationError(problems)
        return cls(days, tuple(exceptions), bool(smtp))


@dataclass(frozen=True)
class LegacyUse:
    """One legacy client (or SCHANNEL certificate) over the window, all days together."""

    source: str
    site: str
    port: int
    client_ip: str
    forwarded_for: str
    user_agent: str
    protocol: str
    count: int
    days: int
    first_seen: str
    last_seen: str
    folded: bool = False
    exception: GateException | None = None

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "exception"}
        data["protocol_label"] = BY_KEY[self.protocol].label if self.protocol in BY_KEY else self.protocol
        data["excepted_by"] = self.exception.to_json() if self.exception else None
        return data


def legacy_uses(groups: tuple[Group, ...], first_day: str, exceptions: tuple[GateException, ...] = (),
                server_side: bool = True) -> list[LegacyUse]:
    """Legacy groups of the window, summed over days per client, newest last-seen first."""
    sides = {s.value for s in SERVER_SIDE} if server_side else {Source.SCHANNEL_CLIENT.value, Source.SMTP_SEND.value}
    totals: dict[tuple, list] = {}
    for group in groups:
        k = group.key
        if k.source not in sides or not k.legacy or k.day < first_day:
            continue
        match = next((e for e in exceptions if e.matches(group)), None)
        ident = (k.source, k.site, k.port, k.client_ip, k.forwarded_for, k.user_agent, k.protocol, k.folded, match)
        entry = totals.setdefault(ident, [0, set(), group.first_seen, group.last_seen])
        entry[0] += group.count
        entry[1].add(k.day)
        entry[2], entry[3] = min(entry[2], group.first_seen), max(entry[3], group.last_seen)
    uses = [LegacyUse(source, site, port, client, forwarded, agent, protocol, count, len(days), first, last, folded,
                      match)
            for (source, site, port, client, forwarded, agent, protocol, folded, match), (count, days, first, last)
            in totals.items()]
    return sorted(uses, key=lambda u: (u.last_seen, u.count), reverse=True)


def _age(last_seen: str, as_of: str) -> str:
    last, now = parse_time(last_seen), parse_time(as_of)
    if last is None or now is None:
        return ""
    days = (now.date() - last.date()).days
    return "today" if days <= 0 else "1 day ago" if days == 1 else f"{days} days ago"


def describe(use: LegacyUse, as_of: str) -> str:
    label = BY_KEY[use.protocol].label
    until = f"until {use.last_seen[:10]}, {_age(use.last_seen, as_of)}"
    if use.source in SCHANNEL_SOURCES or use.source == Source.SCHANNEL_CLIENT.value:
        cert = f"certificate {use.site}" if use.site else "an unnamed certificate"
        if use.source == Source.SCHANNEL_CLIENT.value:
            return (f"{label} used by this host as a client to {use.site or 'an unnamed target'} (SCHANNEL 36880 "
                    f"Type=client) {until}")
        side = "" if use.source == Source.SCHANNEL_SERVER.value else ", whose Type is neither client nor server"
        return f"{label} handshakes (SCHANNEL 36880{side}, which names no client) to {cert} {until}"
    if use.source == Source.SMTP_SEND.value:
        return (f"{label} used by this host sending mail to {use.client_ip or 'an unknown server'} (SMTP connector "
                f"{use.site or 'unknown'}) {until}")
    if use.folded:
        who = f"{use.count:,} request(s) of clients not named (over the distinct-client cap)"
    else:
        if use.forwarded_for:
            who = f"{use.forwarded_for} through {use.client_ip or 'an unknown address'}"
        else:
            who = use.client_ip or "an unknown address"
        if use.user_agent:
            who += f" (EHLO {use.user_agent})" if use.source in (Source.SMTP.value, Source.SMTP_SEND.value) \
                else f" ({use.user_agent})"
    if use.source in (Source.SMTP.value, Source.SMTP_SEND.value):
        where = f"SMTP connector {use.site or 'unknown'}" + (f" port {use.port}" if use.port else "")
    else:
        where = f"{use.site or 'an unknown site'}:{use.port}" if use.port else (use.site or "an unknown site")
    return f"{label} seen from {who} on {where} {until}"


@dataclass(frozen=True)
class GateResult:
    verdict: Verdict
    reasons: tuple[str, ...]
    excepted: tuple[str, ...]
    client_side: tuple[str, ...]
    info: tuple[str, ...]
    earliest_pass: str          # YYYY-MM-DD, when the verdict is fail: the first day it can pass
    rule: GateRule
    coverage: Coverage = field(compare=False)

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASS

    def to_json(self) -> dict:
        return {"verdict": self.verdict.value, "passed": self.passed, "reasons": list(self.reasons),
                "excepted": list(self.excepted), "client_side": list(self.client_side), "info": list(self.info),
                "earliest_pass": self.earliest_pass, "rule": self.rule.to_json()}


def _capped(lines: list[str], what: str) -> tuple[str, ...]:
    if len(lines) <= MAX_REASONS:
        return tuple(lines)
    return (*lines[:MAX_REASONS], f"and {len(lines) - MAX_REASONS} more {what}")


def evaluate(store: Aggregate, rule: GateRule, as_of: str) -> GateResult:
    cover = coverage(store, as_of, rule.days, rule.require_smtp)
    first_day = cover.window_start[:10]
    uses = legacy_uses(store.groups, first_day, rule.exceptions)
    blocking = [u for u in uses if u.exception is None]
    excepted = [f"{describe(u, as_of)}: allowed by exception {u.exception.label}" for u in uses if u.exception]
    unjudged: dict[str, int] = {}
    for group in store.groups:
        k = group.key
        if k.source in {s.value for s in SERVER_SIDE} and k.protocol == UNKNOWN and k.day >= first_day:
            unjudged[k.site] = unjudged.get(k.site, 0) + group.count
    problems = [*cover.problems, *(f"{count:,} handshake(s) or request(s) on {site or 'an unknown site'} with a "
                                   "protocol value that names no protocol: they cannot be judged"
                                   for site, count in sorted(unjudged.items()))]
    info = []
    used = {u.exception for u in uses if u.exception}
    for exception in rule.exceptions:
        if exception not in used:
            info.append(f"exception {exception.label} matched nothing in the window; is it still needed?")
        elif exception.until and exception.until < as_of[:10]:
            info.append(f"exception {exception.label} ended on {exception.until}")
    refused = sum(f.count for f in store.failures if f.key.day >= first_day and f.key.event_id == 36888
                  and f.key.alert == 70)
    if refused:
        info.append(f"SCHANNEL sent the protocol_version alert (36888, alert 70) {refused:,} time(s) in the window: "
                    "some clients are already refused")
    client_side = [f"{describe(u, as_of)}; this does not hold the server-side gate: it concerns this host's "
                   "client-side settings" for u in legacy_uses(store.groups, first_day, server_side=False)]
    earliest = ""
    if blocking:
        verdict = Verdict.FAIL
        reasons = [describe(u, as_of) for u in blocking]
        last = parse_time(max(u.last_seen for u in blocking))
        if last is not None:
            earliest = str((last + timedelta(days=rule.days)).date())
        reasons = [*_capped(reasons, "legacy client(s)"), *problems]
    elif problems:
        verdict, reasons = Verdict.UNDETERMINED, problems
    else:
        verdict = Verdict.PASS
        streams = ", ".join(s.stream for s in cover.streams)
        reasons = [f"no {legacy_labels()} use on the server side from {cover.window_start[:10]} to "
                   f"{cover.window_end[:10]} ({rule.days} days), with complete coverage ({streams})"
                   + (f" and {len(excepted)} excepted client(s)" if excepted else "")]
    return GateResult(verdict, tuple(reasons), _capped(excepted, "excepted client(s)"),
                      _capped(client_side, "client-side use(s)"), tuple(info), earliest, rule, cover)
