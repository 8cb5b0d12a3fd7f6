# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one list of IIS custom log fields the usage evidence needs, and what counts as "a site logs it".

The four ``crypt-*`` server variables are the ones the Microsoft Security blog of 7 Sep 2017 ("New IIS
functionality to help identify weak TLS usage") names, logged through IIS 8.5+ custom fields; the
``X-Forwarded-For`` request header names the client behind a load balancer. A site logs a field when one of its
custom fields has the same source and source type, whatever its column name (scripts often call the header
``OriginalIP``), so an existing field is never duplicated under a second name.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_TYPES = ("RequestHeader", "ResponseHeader", "ServerVariable")   # the IIS schema's sourceType enum, in order


@dataclass(frozen=True)
class LogField:
    name: str     # logFieldName: the W3C column
    source: str   # sourceName: the server variable or header
    kind: str     # sourceType

    def serves(self, wanted: LogField) -> bool:
        """Logs what ``wanted`` logs (IIS compares these names case-insensitively)."""
        return self.source.casefold() == wanted.source.casefold() and self.kind.casefold() == wanted.kind.casefold()

    def to_json(self) -> dict:
        return {"name": self.name, "source": self.source, "type": self.kind}

    def label(self) -> str:
        return f"{self.name} ({self.kind} {self.source})"


CRYPT_PROTOCOL = LogField("crypt-protocol", "CRYPT_PROTOCOL", "ServerVariable")
FORWARDED_FOR = LogField("X-Forwarded-For", "X-Forwarded-For", "RequestHeader")
EVIDENCE_FIELDS: tuple[LogField, ...] = (
    CRYPT_PROTOCOL,
    LogField("crypt-cipher", "CRYPT_CIPHER_ALG_ID", "ServerVariable"),
    LogField("crypt-hash", "CRYPT_HASH_ALG_ID", "ServerVariable"),
    LogField("crypt-keyexchange", "CRYPT_KEYEXCHANGE_ALG_ID", "ServerVariable"),
    FORWARDED_FOR,
)
