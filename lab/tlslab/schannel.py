# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the emulated Schannel server decides what to offer, from the registry as it stood at boot.

Deliberately written apart from the collection's core: an ``Enabled`` DWORD wins (0 off, anything else on),
``DisabledByDefault=1`` alone keeps a protocol out of a server's default set, and without values the OS
profile's default applies. Values of another type are ignored, as Schannel reads DWORDs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .osprofiles import SCHANNEL, OsProfile
from .registry import Registry

PROTOCOL_KEYS = {"ssl3_0": "SSL 3.0", "tls1_0": "TLS 1.0", "tls1_1": "TLS 1.1", "tls1_2": "TLS 1.2",
                 "tls1_3": "TLS 1.3"}
CIPHER_EXCLUSIONS = {"Triple DES 168": "!3DES", "RC4 128/128": "!RC4", "NULL": "!eNULL", "DES 56/56": "!DES",
                     "AES 128/128": "!AES128", "AES 256/256": "!AES256"}
# Windows suite names -> OpenSSL names for the RSA certificates the lab uses (curve suffixes do not matter).
OPENSSL_NAMES = {
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384": "ECDHE-RSA-AES256-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256": "ECDHE-RSA-AES128-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384": "DHE-RSA-AES256-GCM-SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256": "DHE-RSA-AES128-GCM-SHA256",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA": "DHE-RSA-AES256-SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA": "DHE-RSA-AES128-SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256": "AES256-SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256": "AES128-SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA": "DES-CBC3-SHA",
}
SUITE_ORDER = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"


@dataclass(frozen=True)
class ServerConfig:
    """What a host's Schannel server offers until its next boot."""

    protocols: tuple[str, ...]          # catalogue order, e.g. ("tls1_2", "tls1_3")
    ciphers: str | None                 # OpenSSL cipher string for TLS 1.2 and below; None: no usable suite
    tls13_suites_listed: bool           # False when a policy order lists no TLS 1.3 suite
    event_logging: int
    unserved: tuple[str, ...] = ()      # enabled in the registry but beyond what OpenSSL 3 can serve

    def to_json(self) -> dict:
        return {"protocols": list(self.protocols), "ciphers": self.ciphers, "tls13_suites_listed":
                self.tls13_suites_listed, "event_logging": self.event_logging, "unserved": list(self.unserved)}

    @classmethod
    def from_json(cls, data: dict) -> ServerConfig:
        return cls(tuple(data["protocols"]), data["ciphers"], data["tls13_suites_listed"], data["event_logging"],
                   tuple(data["unserved"]))


def _dword(registry: Registry, key: str, name: str) -> int | None:
    found = registry.get_value(key, name)
    if found is None or found[0] != "REG_DWORD" or not isinstance(found[1], int):
        return None
    return found[1]


def server_offers(registry: Registry, profile: OsProfile, protocol: str) -> bool:
    default = profile.server_defaults.get(protocol)
    if default is None:
        return False
    key = f"{SCHANNEL}\\Protocols\\{PROTOCOL_KEYS[protocol]}\\Server"
    enabled = _dword(registry, key, "Enabled")
    if enabled is not None:
        return enabled != 0
    if _dword(registry, key, "DisabledByDefault") == 1:
        return False
    return default


def server_config(registry: Registry, profile: OsProfile) -> ServerConfig:
    offered = [p for p in PROTOCOL_KEYS if server_offers(registry, profile, p)]
    unserved = tuple(p for p in offered if p == "ssl3_0")  # OpenSSL 3 has no SSL 3.0
    order = registry.get_value(SUITE_ORDER, "Functions")
    listed: list[str] = []
    tls13_listed = True
    if order is not None and order[0] == "REG_SZ":
        names = [n.strip() for n in str(order[1]).split(",") if n.strip()]
        base = [n.rsplit("_P", 1)[0] if n.endswith(("_P256", "_P384", "_P521")) else n for n in names]
        listed = [OPENSSL_NAMES[n] for n in base if n in OPENSSL_NAMES]
        tls13_listed = any(n.startswith(("TLS_AES_", "TLS_CHACHA20_")) for n in names)
    policy_order = order is not None and order[0] == "REG_SZ"
    ciphers: str | None = None if policy_order and not listed else ":".join(listed) if listed else "DEFAULT"
    if ciphers is not None:
        for key_name, exclusion in CIPHER_EXCLUSIONS.items():
            if _dword(registry, f"{SCHANNEL}\\Ciphers\\{key_name}", "Enabled") == 0:
                ciphers += f":{exclusion}"
        ciphers += ":@SECLEVEL=0"  # OpenSSL 3 refuses TLS 1.0/1.1 signatures at higher levels
    logging = _dword(registry, SCHANNEL, "EventLogging")
    return ServerConfig(tuple(p for p in offered if p not in unserved), ciphers, tls13_listed,
                        1 if logging is None else logging, unserved)
