# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCHANNEL System events: which to read, what to group by, and what a flat field dict means.

Events (provider Schannel, System log): 36880 handshake completed (Type, Protocol, CipherSuite,
ExchangeStrength and, on newer builds, ContextHandle, TargetName, LocalCertSubjectName, RemoteCertSubjectName,
so the last four are optional); 36874 no common cipher suite (Protocol: the version the client asked for);
36888 fatal alert sent (AlertDesc, ErrorState; 70 = protocol_version); 36871 credential error (Type,
ErrorState). Field names: the Schannel manifest as listed in nasbench/EVTX-ETW-Resources and
airbus-cert/etl-parser. 36880 carries no client address: it counts legacy handshakes per local certificate.
``Type`` comes from a localisable string, so it is compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..protocols import find_protocol
from .fields import seen, text
from .model import UNKNOWN, FailureCount, FailureKey, Group, GroupKey, RawGroup, Source
from .notes import Notes
from .spec import DAY, Column, CountSpec
from .timefmt import parse_day

PROVIDER = "Schannel"
LOG = "System"
HANDSHAKE = 36880
NO_COMMON_CIPHER = 36874
ALERT_SENT = 36888
CREDENTIAL_ERROR = 36871
EVENT_IDS = (HANDSHAKE, NO_COMMON_CIPHER, ALERT_SENT, CREDENTIAL_ERROR)
PROTOCOL_VERSION_ALERT = 70

# Group by what the judgement needs; cipher suite, strength and handles would only multiply the groups.
GROUP_FIELDS = ("Type", "Protocol", "LocalCertSubjectName", "TargetName", "AlertDesc", "ErrorState")
SPEC = CountSpec(
    columns=(Column("@id", ("@id",)), Column("@day", (DAY,)),
             *(Column(name, (name,)) for name in GROUP_FIELDS)),
    time=("@time",),
    fold_to=("@id", "@day", "Type", "Protocol"),
)


@dataclass(frozen=True)
class Handshake:
    side: str           # "server", "client" or "" (neither: localised or unknown)
    protocol: str       # protocol key or UNKNOWN
    local_cert: str
    target: str
    type_text: str      # Type as logged


@dataclass(frozen=True)
class Failure:
    event_id: int
    protocol: str       # 36874 only
    alert: int          # 36888 only, else -1
    side: str           # 36871 only


def _int(value: str, base: int = 10) -> int | None:
    value = value.strip().lower()
    if base == 16 and value.startswith("0x"):
        value = value[2:]
    if not value or len(value) > 12:
        return None
    try:
        return int(value, base)
    except ValueError:
        return None


def interpret_event(fields: Mapping[str, str | None]) -> Handshake | Failure | None:
    """A flat field dict (one event, or a group's fields) as a typed record; None for other events."""
    event_id = _int(text(fields, "@id", dash_is_empty=False))
    if event_id == HANDSHAKE:
        type_text = text(fields, "Type", dash_is_empty=False)
        side = type_text.casefold() if type_text.casefold() in ("server", "client") else ""
        proto = find_protocol(text(fields, "Protocol", dash_is_empty=False))
        return Handshake(side, proto.key if proto else UNKNOWN, text(fields, "LocalCertSubjectName"),
                         text(fields, "TargetName"), type_text)
    if event_id == NO_COMMON_CIPHER:
        proto = find_protocol(text(fields, "Protocol", dash_is_empty=False))
        return Failure(event_id, proto.key if proto else UNKNOWN, -1, "")
    if event_id == ALERT_SENT:
        alert = _int(text(fields, "AlertDesc"))
        return Failure(event_id, "", alert if alert is not None else -1, "")
    if event_id == CREDENTIAL_ERROR:
        return Failure(event_id, "", -1, text(fields, "Type").casefold())
    return None


_SOURCES = {"server": Source.SCHANNEL_SERVER, "client": Source.SCHANNEL_CLIENT, "": Source.SCHANNEL_OTHER}


def interpret(raw: RawGroup, notes: Notes) -> Group | FailureCount | None:
    fields = raw.fields
    day = text(fields, "@day")
    if parse_day(day) is None:
        what = "events that could not be placed (too many distinct values)" if raw.folded else f"day '{day[:32]}'"
        notes.add("schannel_bad_day", f"SCHANNEL: {raw.count:,} event(s) with {what}; not counted", raw.count,
                  blocks_gate=True)
        return None
    record = interpret_event(fields)
    first, last = seen(day, raw.first, raw.last)
    if isinstance(record, Handshake):
        if not record.side:
            notes.add("schannel_type_unknown", f"SCHANNEL 36880 Type '{record.type_text[:32]}' is neither client nor "
                      "server (a localised Windows?); those handshakes count as unknown side", blocks_gate=True)
        if record.protocol == UNKNOWN:
            notes.add("schannel_protocol_unknown", f"SCHANNEL 36880 on {day}: Protocol "
                      f"'{text(fields, 'Protocol', dash_is_empty=False)[:32]}' names no known protocol",
                      blocks_gate=True)
        site = record.local_cert if record.side != "client" else record.target
        key = GroupKey(day, _SOURCES[record.side].value, "" if raw.folded else site, 0, "", "", "",
                       record.protocol, raw.folded)
        return Group(key, raw.count, first, last)
    if isinstance(record, Failure):
        return FailureCount(FailureKey(day, record.event_id, record.protocol, record.alert, record.side), raw.count,
                            first, last)
    return None
