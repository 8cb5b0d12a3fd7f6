# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exchange SMTP protocol logs: what to count (``SPEC``) and what the raw values mean.

The negotiated protocol is in the ``context`` column of a ``*`` line, "TLS protocol SP_PROT_TLS1_0_SERVER
negotiation succeeded ..."
(Microsoft Learn "Exchange Server TLS configuration best practices"; the docs also print a hyphen,
``SP_PROT-TLS1_x_CLIENT``, so both are accepted). The client is that line's ``remote-endpoint``; the name it
gave in EHLO/HELO on an earlier line of the same ``session-id`` is joined in. Receive logs show the ``_SERVER``
names; send logs (this host as client) the ``_CLIENT`` names.
"""

from __future__ import annotations

from ..protocols import from_sp_prot_name
from .fields import port, seen, text
from .model import UNKNOWN, Group, GroupKey, RawGroup, Source
from .notes import Notes
from .spec import DAY, DIR, JOIN, MATCH, Column, CountSpec, Join, Match
from .timefmt import parse_day

RECEIVE_PATTERN, SEND_PATTERN = "RECV*.LOG", "SEND*.LOG"
FILE_PATTERNS = (RECEIVE_PATTERN, SEND_PATTERN)
# Exchange 2016 and later: the Frontend Transport and the Transport (Hub) service each keep receive protocol logs
# (Exchange setup sets %ExchangeInstallPath%, ending in a backslash). Both folders are named SmtpReceive, so a
# reply counts them as one folder.
RECEIVE_FOLDERS = (r"%ExchangeInstallPath%TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive",
                   r"%ExchangeInstallPath%TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive")

SPEC = CountSpec(
    columns=(Column("day", (DAY,)), Column("dir", (DIR,)), Column("site", ("connector-id",)),
             Column("port", ("local-endpoint",), r":(\d+)$"),
             Column("client_ip", ("remote-endpoint",), r"^\[?(.*?)\]?:\d+$"),
             Column("client_name", (JOIN,)), Column("protocol", (MATCH,))),
    time=("date-time",),
    fold_to=("day", "dir", "site", "port", "protocol"),
    match=Match("context", r"^TLS protocol (SP_PROT[_-][A-Za-z0-9_]+) negotiation succeeded"),
    join=Join("session-id", "data", r"^(?:EHLO|HELO) +(\S+)"),
)


def interpret(raw: RawGroup, notes: Notes) -> Group | None:
    fields = raw.fields
    day = text(fields, "day")
    if raw.folded and not fields:
        notes.add("groups_unplaced", f"SMTP logs: {raw.count:,} line(s) could not even be counted per day and "
                  "protocol (too many distinct values); they might hide legacy clients", raw.count, blocks_gate=True)
        return None
    site = text(fields, "site")
    if parse_day(day) is None:
        notes.add("smtp_bad_date", f"SMTP log {text(fields, 'dir')}: {raw.count:,} line(s) with date-time "
                  f"'{day[:32]}', which is not a date; skipped", raw.count, blocks_gate=True)
        return None
    found = from_sp_prot_name(text(fields, "protocol"))
    if found is None:
        notes.add("smtp_protocol_unknown", f"SMTP {site} {day}: '{text(fields, 'protocol')[:40]}' names no known "
                  "protocol; those sessions cannot be judged", blocks_gate=True)
        protocol, side = UNKNOWN, "server"
    else:
        protocol, side = found
    source = Source.SMTP if side == "server" else Source.SMTP_SEND
    key = GroupKey(day, source.value, site, port(fields, "port"), "" if raw.folded else text(fields, "client_ip"),
                   "", "" if raw.folded else text(fields, "client_name"), protocol, raw.folded)
    return Group(key, raw.count, *seen(day, raw.first, raw.last))
