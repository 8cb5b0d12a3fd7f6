# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IIS W3C logs: what to count (``SPEC``) and what the raw values mean.

``crypt-protocol`` is the negotiated SP_PROT bit in hex (Microsoft Security blog, 7 Sep 2017, "New IIS
functionality to help identify weak TLS usage"; decoded by ``protocols.from_iis_crypt_protocol``); ``-`` means
plain HTTP. A ``#Fields`` header without the column means the site does not log it (``not_logged``): those
clients cannot be judged. Spaces in the User-Agent are written as ``+``. Behind a load balancer the original
client is in a custom ``X-Forwarded-For`` field (often named ``OriginalIP``).
"""

from __future__ import annotations

from ..protocols import from_iis_crypt_protocol
from .fields import port, seen, text
from .model import NOT_LOGGED, PLAINTEXT, UNKNOWN, Group, GroupKey, RawGroup, Source
from .notes import Notes
from .spec import DAY, DIR, Column, CountSpec
from .timefmt import parse_day

FORWARDED_FOR = ("X-Forwarded-For", "OriginalIP", "cs(X-Forwarded-For)")
FILE_PATTERNS = ("u_ex*.log", "ex*.log")   # UTF-8 and ANSI logs; custom fields add "_x" before ".log"

SPEC = CountSpec(
    columns=(Column("day", (DAY,)), Column("dir", (DIR,)), Column("site", ("s-sitename",)),
             Column("port", ("s-port",)), Column("client_ip", ("c-ip",)), Column("forwarded_for", FORWARDED_FOR),
             Column("user_agent", ("cs(User-Agent)",)), Column("protocol", ("crypt-protocol",))),
    time=("date", "time"),
    fold_to=("day", "dir", "site", "port", "protocol"),
)


def protocol_of(value: str | None, notes: Notes, where: str) -> str:
    if value is None:
        return NOT_LOGGED
    raw = value.strip()
    if raw in ("", "-"):
        return PLAINTEXT
    key = from_iis_crypt_protocol(raw)
    if key is None:
        notes.add("iis_crypt_protocol_unknown", f"{where}: crypt-protocol '{raw[:32]}' names no known protocol; "
                  "those requests cannot be judged", blocks_gate=True)
        return UNKNOWN
    return key


def interpret(raw: RawGroup, notes: Notes) -> Group | None:
    """A typed group, or None (noted) when its day cannot be read."""
    fields = raw.fields
    site = text(fields, "site") or text(fields, "dir")
    day = text(fields, "day")
    if raw.folded and not fields:
        notes.add("groups_unplaced", f"IIS logs: {raw.count:,} line(s) could not even be counted per day and "
                  "protocol (too many distinct values); they might hide legacy clients", raw.count, blocks_gate=True)
        return None
    if parse_day(day) is None:
        notes.add("iis_bad_date", f"IIS {site or 'log'}: {raw.count:,} line(s) with date '{day[:32]}', which is not "
                  "a date; skipped", raw.count, blocks_gate=True)
        return None
    where = f"IIS {site or 'log'} {day}"
    key = GroupKey(day, Source.IIS.value, site, port(fields, "port"),
                   "" if raw.folded else text(fields, "client_ip"),
                   "" if raw.folded else text(fields, "forwarded_for"),
                   "" if raw.folded else text(fields, "user_agent").replace("+", " "),
                   protocol_of(fields.get("protocol"), notes, where), raw.folded)
    return Group(key, raw.count, *seen(day, raw.first, raw.last))
