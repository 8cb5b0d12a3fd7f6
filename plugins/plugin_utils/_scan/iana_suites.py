# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about a cipher suite from its IANA name (what sslyze reports): key exchange, forward secrecy, AEAD.

Scanned servers need not be Windows, so this reads IANA names rather than the core's Windows catalogue.
"""

from __future__ import annotations

TLS13_SUITES = frozenset({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                          "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"})
# Longest prefix first: TLS_ECDHE_ before TLS_ECDH_, TLS_DHE_ before TLS_DH_.
_KEY_EXCHANGES = (("TLS_ECDHE_", "ECDHE"), ("TLS_DHE_", "DHE"), ("TLS_EDH_", "DHE"), ("TLS_ECDH_anon_", "ECDHE"),
                  ("TLS_DH_anon_", "DHE"), ("TLS_ECDH_", "ECDH"), ("TLS_DH_", "DH"), ("TLS_PSK_", "PSK"),
                  ("TLS_RSA_PSK_", "RSA"), ("TLS_RSA_", "RSA"), ("TLS_SRP_", "SRP"), ("SSL_CK_", "RSA"))


def key_exchange(name: str, ephemeral: str | None = None) -> str:
    """ECDHE, DHE, ECDH, DH, RSA, PSK, SRP or unknown; TLS 1.3 suites take the group type of the handshake."""
    if name in TLS13_SUITES:
        return "DHE" if ephemeral == "DH" else "ECDHE"
    for prefix, kex in _KEY_EXCHANGES:
        if name.startswith(prefix):
            return kex
    return "unknown"


def forward_secret(name: str, ephemeral: str | None = None) -> bool:
    """Ephemeral (EC)DH: the TLS 1.3 suites and the (EC)DHE suites of earlier versions."""
    return ephemeral is not None or key_exchange(name, ephemeral) in ("ECDHE", "DHE")


def aead(name: str) -> bool:
    return name in TLS13_SUITES or "_GCM_" in name or "_CCM" in name or "CHACHA20_POLY1305" in name
