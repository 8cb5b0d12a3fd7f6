# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Published baselines in IANA suite names, the names a scanner reports for any server.

The Windows profiles (``profiles.py``) write their own spellings of these suites (Windows 8.1 and older name some
ECDHE suites with a curve suffix, ``_P256``/``_P384``); ``windows_iana_name`` maps them back, and the unit tests
hold the profiles to these sets, so the registry side and the scanner side judge by one baseline.
"""

from __future__ import annotations

import re

# Mozilla server-side TLS "intermediate", guidelines 5.7 (the copy sslyze 6 bundles).
MOZILLA_TLS12_SUITES = frozenset({
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
})
MOZILLA_TLS13_SUITES = frozenset({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})

_CURVE_SUFFIX = re.compile(r"_P(256|384|521)$")


def windows_iana_name(name: str) -> str:
    """The IANA name of a Windows suite name (the curve suffix of older Windows dropped)."""
    return _CURVE_SUFFIX.sub("", name)
