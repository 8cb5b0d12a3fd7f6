# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two group shapes: ``RawGroup`` (raw field values, what the host module returns) and ``Group`` (typed,
what the core merges and judges), plus ``FailureCount`` for SCHANNEL failure events. JSON shapes: docs/usage.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..errors import HostReplyError
from ..protocols import BY_KEY, LEGACY_TLS_KEYS
from . import jsonread as jr
from .timefmt import parse_day

PLAINTEXT = "plaintext"      # IIS logged '-': a plain-HTTP request
UNKNOWN = "unknown"          # a value that names no known protocol
NOT_LOGGED = "not_logged"    # the log has no protocol column at all (IIS site without crypt-protocol)
PROTOCOL_VALUES = (*BY_KEY, PLAINTEXT, UNKNOWN, NOT_LOGGED)


class Source(StrEnum):
    IIS = "iis"
    SMTP = "smtp_receive"
    SMTP_SEND = "smtp_send"                 # this host sent mail (client side)
    SCHANNEL_SERVER = "schannel_server"     # 36880 Type=server: this host accepted the handshake
    SCHANNEL_CLIENT = "schannel_client"     # 36880 Type=client: this host connected out
    SCHANNEL_OTHER = "schannel_unknown_side"  # 36880 whose Type is neither (localised Windows?)


SERVER_SIDE = (Source.IIS, Source.SMTP, Source.SCHANNEL_SERVER, Source.SCHANNEL_OTHER)


@dataclass(frozen=True)
class RawGroup:
    """Lines (or events) that had the same raw values in the caller-named columns.

    ``fields`` maps each requested column's output name to its raw text, or None when the column was absent
    from the log's current ``#Fields`` header (absent is not the same as ``-``). ``first``/``last`` are the raw
    time texts (W3C ``date time``, SMTP ``date-time``, event ``SystemTime``) compared as text. ``folded``
    groups stand for lines whose clients were not kept because the group cap was reached: they carry only
    the ``fold_to`` fields (none at all when even those did not fit).
    """

    fields: Mapping[str, str | None]
    count: int
    first: str
    last: str
    folded: bool = False

    def to_json(self) -> dict:
        data: dict = {"fields": dict(self.fields), "count": self.count, "first": self.first, "last": self.last}
        if self.folded:
            data["folded"] = True
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "group") -> RawGroup:
        data = jr.obj(data, where)
        fields = jr.obj(data.get("fields"), f"{where}.fields")
        for name, value in fields.items():
            if not isinstance(name, str) or not (value is None or isinstance(value, str)):
                raise HostReplyError(f"{where}.fields.{name}: should be a string or null, got {type(value).__name__}")
        return cls(dict(fields), jr.integer(data, "count", where, low=1), jr.string(data, "first", where, ""),
                   jr.string(data, "last", where, ""), jr.boolean(data, "folded", where, False))


@dataclass(frozen=True, order=True)
class GroupKey:
    day: str                 # YYYY-MM-DD (UTC); "" when the line could not be placed on a day
    source: str              # a Source value
    site: str                # IIS site (W3SVC1), SMTP connector, SCHANNEL local certificate / target name
    port: int                # local port; 0 when the source has none (SCHANNEL)
    client_ip: str           # c-ip / SMTP remote address; "" when the source cannot name the client
    forwarded_for: str       # X-Forwarded-For as logged ("" when absent or '-')
    user_agent: str          # HTTP User-Agent with '+' decoded; for SMTP the EHLO/HELO name
    protocol: str            # a protocol key, or plaintext / unknown / not_logged
    folded: bool = False     # stands for clients not kept (cap reached): client fields are empty

    @property
    def legacy(self) -> bool:
        return self.protocol in LEGACY_TLS_KEYS

    @property
    def label(self) -> str:
        proto = BY_KEY.get(self.protocol)
        return proto.label if proto else self.protocol.replace("_", " ")


@dataclass(frozen=True)
class Group:
    key: GroupKey
    count: int
    first_seen: str          # 2024-05-06T00:00:04Z
    last_seen: str

    def to_json(self) -> dict:
        k = self.key
        data = {"day": k.day, "source": k.source, "site": k.site, "port": k.port, "client_ip": k.client_ip,
                "forwarded_for": k.forwarded_for, "user_agent": k.user_agent, "protocol": k.protocol,
                "count": self.count, "first_seen": self.first_seen, "last_seen": self.last_seen}
        if k.folded:
            data["folded"] = True
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "group") -> Group:
        data = jr.obj(data, where)
        day = jr.string(data, "day", where)
        if day and parse_day(day) is None:
            raise HostReplyError(f"{where}.day: '{day:.40}' is not a YYYY-MM-DD date")
        source = jr.string(data, "source", where)
        if source not in {s.value for s in Source}:
            raise HostReplyError(f"{where}.source: unknown source '{source:.40}'")
        protocol = jr.string(data, "protocol", where)
        if protocol not in PROTOCOL_VALUES:
            raise HostReplyError(f"{where}.protocol: unknown protocol '{protocol:.40}'")
        port = jr.integer(data, "port", where, 0)
        if port > 65535:
            raise HostReplyError(f"{where}.port: should be 0-65535, got {port}")
        key = GroupKey(day, source, jr.string(data, "site", where, ""), port, jr.string(data, "client_ip", where, ""),
                       jr.string(data, "forwarded_for", where, ""), jr.string(data, "user_agent", where, ""),
                       protocol, jr.boolean(data, "folded", where, False))
        return cls(key, jr.integer(data, "count", where, low=1), jr.time(data, "first_seen", where),
                   jr.time(data, "last_seen", where))


@dataclass(frozen=True, order=True)
class FailureKey:
    day: str
    event_id: int            # 36874, 36888, 36871
    protocol: str            # 36874: the version the client asked for; "" otherwise
    alert: int               # 36888 AlertDesc (70 = protocol_version); -1 otherwise
    side: str                # 36871 Type; "" otherwise


@dataclass(frozen=True)
class FailureCount:
    key: FailureKey
    count: int
    first_seen: str
    last_seen: str

    def to_json(self) -> dict:
        k = self.key
        return {"day": k.day, "event_id": k.event_id, "protocol": k.protocol, "alert": k.alert, "side": k.side,
                "count": self.count, "first_seen": self.first_seen, "last_seen": self.last_seen}

    @classmethod
    def from_json(cls, data: object, where: str = "failure") -> FailureCount:
        data = jr.obj(data, where)
        day = jr.string(data, "day", where)
        if parse_day(day) is None:
            raise HostReplyError(f"{where}.day: '{day:.40}' is not a YYYY-MM-DD date")
        key = FailureKey(day, jr.integer(data, "event_id", where), jr.string(data, "protocol", where, ""),
                         jr.integer(data, "alert", where, -1, low=-1), jr.string(data, "side", where, ""))
        return cls(key, jr.integer(data, "count", where, low=1), jr.time(data, "first_seen", where),
                   jr.time(data, "last_seen", where))
