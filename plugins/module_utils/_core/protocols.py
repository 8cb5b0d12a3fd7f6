# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalogue of the SSL/TLS/DTLS protocol versions and their numeric encodings.

Sources (see docs/sources.md):
- SCHANNEL key names: Microsoft Learn "TLS registry settings" (windowsserverdocs tls-registry-settings.md).
- SP_PROT_* bits: schannel.h as documented for SecPkgContext_ConnectionInfo / SCHANNEL_CRED.
  IIS writes the server bit in lowercase hex as ``crypt-protocol`` (legacy-tls-monitoring §2.3).
- WinHTTP ``DefaultSecureProtocols`` / WinINet ``SecureProtocols`` bits: Microsoft Learn WinHTTP option
  flags; TLS 1.3 (0x2000) from winhttp.h. These equal the SP_PROT client bits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import Problem, ValidationError, unknown

SIDES = ("client", "server")


@dataclass(frozen=True)
class Protocol:
    """One protocol version and every way Windows spells it."""

    key: str
    label: str
    schannel_key: str
    sp_prot_server: int
    sp_prot_client: int
    secure_protocols_bit: int | None
    legacy: bool
    dtls: bool = False


PROTOCOLS: tuple[Protocol, ...] = (
    Protocol("ssl2_0", "SSL 2.0", "SSL 2.0", 0x4, 0x8, 0x8, legacy=True),
    Protocol("ssl3_0", "SSL 3.0", "SSL 3.0", 0x10, 0x20, 0x20, legacy=True),
    Protocol("tls1_0", "TLS 1.0", "TLS 1.0", 0x40, 0x80, 0x80, legacy=True),
    Protocol("tls1_1", "TLS 1.1", "TLS 1.1", 0x100, 0x200, 0x200, legacy=True),
    Protocol("tls1_2", "TLS 1.2", "TLS 1.2", 0x400, 0x800, 0x800, legacy=False),
    Protocol("tls1_3", "TLS 1.3", "TLS 1.3", 0x1000, 0x2000, 0x2000, legacy=False),
    Protocol("dtls1_0", "DTLS 1.0", "DTLS 1.0", 0x10000, 0x20000, None, legacy=True, dtls=True),
    Protocol("dtls1_2", "DTLS 1.2", "DTLS 1.2", 0x40000, 0x80000, None, legacy=False, dtls=True),
)

BY_KEY: dict[str, Protocol] = {p.key: p for p in PROTOCOLS}
TLS_KEYS: tuple[str, ...] = tuple(p.key for p in PROTOCOLS if not p.dtls)
LEGACY_TLS_KEYS: tuple[str, ...] = tuple(p.key for p in PROTOCOLS if p.legacy and not p.dtls)

# Spellings users and tools use for the same protocol (case-insensitive).
_ALIASES: dict[str, str] = {}
for _p in PROTOCOLS:
    for _alias in (_p.key, _p.label, _p.schannel_key, _p.key.replace("_", "."), _p.label.replace(" ", ""),
                   _p.label.replace(" ", "_"), _p.label.replace(" ", "").replace(".", "_")):
        _ALIASES[_alias.lower()] = _p.key
_ALIASES.update({"tls1": "tls1_0", "tlsv1": "tls1_0", "tlsv1.0": "tls1_0", "tlsv1.1": "tls1_1",
                 "tlsv1.2": "tls1_2", "tlsv1.3": "tls1_3", "sslv2": "ssl2_0", "sslv3": "ssl3_0",
                 "ssl2": "ssl2_0", "ssl3": "ssl3_0", "dtls1": "dtls1_0"})


def protocol(name: str, option: str = "protocol") -> Protocol:
    """Resolve any common spelling ('TLS 1.2', 'tls1_2', 'TLSv1.2') or raise with a suggestion."""
    key = _ALIASES.get(str(name).strip().lower())
    if key is None:
        raise ValidationError([Problem(option, unknown("protocol", name, BY_KEY))])
    return BY_KEY[key]


def protocol_keys(names: Iterable[str], option: str) -> tuple[str, ...]:
    """Resolve a list of names to catalogue order, reporting every unknown name."""
    problems: list[Problem] = []
    keys: set[str] = set()
    for index, name in enumerate(names):
        try:
            keys.add(protocol(name, f"{option}[{index}]").key)
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        raise ValidationError(problems)
    return tuple(p.key for p in PROTOCOLS if p.key in keys)


def _bit(proto: Protocol, field: str) -> int | None:
    return {"secure_protocols": proto.secure_protocols_bit, "sp_prot_server": proto.sp_prot_server,
            "sp_prot_client": proto.sp_prot_client}[field]


def mask_from_protocols(keys: Iterable[str], field: str = "secure_protocols") -> int:
    """OR the bits of the given protocols for one encoding (WinHTTP/WinINet or SP_PROT)."""
    mask = 0
    for key in keys:
        bit = _bit(BY_KEY[key], field)
        if bit is None:
            raise ValidationError([Problem(field, f"{BY_KEY[key].label} has no bit in {field}")])
        mask |= bit
    return mask


def protocols_from_mask(mask: int, field: str = "secure_protocols") -> tuple[tuple[str, ...], int]:
    """Split a bitmask into protocol keys (catalogue order) and the bits no protocol explains."""
    keys = []
    rest = mask
    for proto in PROTOCOLS:
        bit = _bit(proto, field)
        if bit is not None and mask & bit:
            keys.append(proto.key)
            rest &= ~bit
    return tuple(keys), rest


def from_iis_crypt_protocol(value: str) -> str | None:
    """Protocol key for an IIS ``crypt-protocol`` field (lowercase hex, optional 0x); None for '-'."""
    text = value.strip().lower()
    if text in ("", "-"):
        return None
    number = int(text[2:] if text.startswith("0x") else text, 16)
    for proto in PROTOCOLS:
        if number in (proto.sp_prot_server, proto.sp_prot_client):
            return proto.key
    raise ValueError(f"crypt-protocol value '{value}' matches no known protocol")
