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


def find_protocol(name: object) -> Protocol | None:
    """Like protocol(), for text read from a host or a log: None instead of an error (never raises)."""
    key = _ALIASES.get(str(name).strip().lower())
    return BY_KEY[key] if key is not None else None


def from_sp_prot(value: int) -> tuple[str, str] | None:
    """(protocol key, side) for a value holding exactly one SP_PROT bit; None for anything else."""
    for proto in PROTOCOLS:
        if value == proto.sp_prot_server:
            return proto.key, "server"
        if value == proto.sp_prot_client:
            return proto.key, "client"
    return None


_HEX_DIGITS = frozenset("0123456789abcdef")


def from_iis_crypt_protocol(value: object) -> str | None:
    """Protocol key for an IIS ``crypt-protocol`` field: the SP_PROT bit in hex, any case, optional ``0x``.

    None when the field names no protocol: ``-`` or empty (plain HTTP) and anything that is not one known
    SP_PROT bit (callers that must tell the two apart test for ``-`` first). Never raises, whatever the input.
    """
    text = str(value).strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    # The largest SP_PROT bit has 6 hex digits; longer text is not a protocol (and never reaches int()).
    if not text or len(text) > 8 or not _HEX_DIGITS.issuperset(text):
        return None
    found = from_sp_prot(int(text, 16))
    return found[0] if found else None


def _sp_prot_names() -> dict[str, tuple[str, str]]:
    """SP_PROT_* constant names as Exchange writes them (SP_PROT_TLS1_2_SERVER), from the catalogue."""
    names: dict[str, tuple[str, str]] = {}
    for proto in PROTOCOLS:
        stem = proto.label.replace(" ", "").replace(".", "_").upper()     # TLS1_0, SSL3_0, DTLS1_2
        stems = {stem, stem[:-2] if stem.endswith("_0") else stem}       # schannel.h also has TLS1, SSL3, DTLS1
        for spelled in stems:
            for side in SIDES:
                names[f"{spelled}_{side.upper()}"] = (proto.key, side)
    return names


_SP_PROT_NAMES = _sp_prot_names()


def from_sp_prot_name(name: object) -> tuple[str, str] | None:
    """(protocol key, side) for ``SP_PROT_TLS1_0_SERVER``; Exchange docs also print ``SP_PROT-TLS1_0_CLIENT``.

    Case-insensitive; None for a name the catalogue does not know. Never raises."""
    text = str(name).strip().upper()
    if not text.startswith(("SP_PROT_", "SP_PROT-")):
        return None
    return _SP_PROT_NAMES.get(text[len("SP_PROT_"):])
