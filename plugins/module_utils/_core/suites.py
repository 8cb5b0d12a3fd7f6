# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows (Schannel) cipher suites per OS build, and what each suite offers.

The matrix below transcribes Microsoft's per-OS pages "TLS Cipher Suites in Windows ..." (MicrosoftDocs/win32
desktop-src/SecAuthN/tls-cipher-suites-in-windows-*.md; see docs/facts-gpp-suites-regfile.md §3). Columns are
the first build of each documented family: 7600 = 7/2008 R2, 9200 = 8/2012, 9600 = 8.1/2012 R2, 10240 =
Windows 10 1507/1511 (the 1511 page; 1507 is unconfirmed), 14393 = 1607/2016, 17763 = 1809-22H2/2019,
20348 = Server 2022, 22000 = Windows 11, 26100 = Server 2025 / Windows 11 24H2. A number is the position in the
default priority order, ``s`` is supported but not enabled by default, ``-`` does not exist on that build.
PSK suites are supported from 1607 but never used unless an application asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .builds import WindowsBuild
from .errors import Problem, ValidationError, suggest
from .locations import SUITE_LOCAL_KEY, SUITE_POLICY_KEY, SUITE_VALUE
from .registry import RegRef, RegValue

_MATRIX = """
#                                             7600  9200  9600 10240 14393 17763 20348 22000 26100
TLS_AES_256_GCM_SHA384                           -     -     -     -     -     -     1     1     1
TLS_AES_128_GCM_SHA256                           -     -     -     -     -     -     2     2     2
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384          -     -     -     1     1     1     3     3     3
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256          -     -     -     2     2     2     4     4     4
TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384            -     -     -     3     3     3     5     5     5
TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256            -     -     -     4     4     4     6     6     6
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384          -     -     -     7     7     7     9     9     7
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256          -     -     -     8     8     8    10    10     8
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384            -     -     -     9     9     9    11    11     9
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256            -     -     -    10    10    10    12    12    10
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA             -     -     -    11    11    11    13    13    11
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA             -     -     -    12    12    12    14    14    12
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA               -     -     -    13    13    13    15    15    13
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA               -     -     -    14    14    14    16    16    14
TLS_RSA_WITH_AES_256_GCM_SHA384                 13    11    13    17    17    15    17    17    15
TLS_RSA_WITH_AES_128_GCM_SHA256                 14    12    14    18    18    16    18    18    16
TLS_RSA_WITH_AES_256_CBC_SHA256                 15    13    15    19    19    17    19    19    17
TLS_RSA_WITH_AES_128_CBC_SHA256                 16    14    16    20    20    18    20    20    18
TLS_RSA_WITH_AES_256_CBC_SHA                    17    15    17    21    21    19    21    21    19
TLS_RSA_WITH_AES_128_CBC_SHA                    18    16    18    22    22    20    22    22    20
TLS_RSA_WITH_NULL_SHA256                        37    35    37    31    31    22    24    24    21
TLS_RSA_WITH_NULL_SHA                           38    36    38    32    32    23    25    25    22
TLS_DHE_RSA_WITH_AES_256_GCM_SHA384              9     9     9     5     5     5     7     7     s
TLS_DHE_RSA_WITH_AES_128_GCM_SHA256             10    10    10     6     6     6     8     8     s
TLS_RSA_WITH_3DES_EDE_CBC_SHA                   33    31    33    23    23    21    23    23     s
TLS_DHE_RSA_WITH_AES_256_CBC_SHA                11     -    11    15    15     s     s     s     s
TLS_DHE_RSA_WITH_AES_128_CBC_SHA                12     -    12    16    16     s     s     s     s
TLS_DHE_DSS_WITH_AES_256_CBC_SHA256             29    27    29    24    24     s     s     s     s
TLS_DHE_DSS_WITH_AES_128_CBC_SHA256             30    28    30    25    25     s     s     s     s
TLS_DHE_DSS_WITH_AES_256_CBC_SHA                31    29    31    26    26     s     s     s     s
TLS_DHE_DSS_WITH_AES_128_CBC_SHA                32    30    32    27    27     s     s     s     s
TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA               34    32    34    28    28     s     s     s     s
TLS_RSA_WITH_RC4_128_SHA                        35    33    35    29    29     s     s     s     s
TLS_RSA_WITH_RC4_128_MD5                        36    34    36    30    30     s     s     s     s
SSL_CK_DES_192_EDE3_CBC_WITH_MD5                40    38    40    33     -     -     -     -     -
SSL_CK_RC4_128_WITH_MD5                         39    37    39    34     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256       1     1     1     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384       2     2     2     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256       3     3     3     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384       4     4     4     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256          5     5     5     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384          6     6     6     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256          7     7     7     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384          8     8     8     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384    19    17    19     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256    20    18    20     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384    21    19    21     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384    22    20    22     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256    23    21    23     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384    24    22    24     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256       25    23    25     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384       26    24    26     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256       27    25    27     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384       28    26    28     -     -     -     -     -     -
TLS_CHACHA20_POLY1305_SHA256                     -     -     -     -     -     -     s     s     s
TLS_RSA_WITH_DES_CBC_SHA                         s     s     s     s     s     s     s     s     s
TLS_DHE_DSS_WITH_DES_CBC_SHA                     s     s     s     s     s     s     s     s     s
TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA          s     s     s     s     s     s     s     s     s
TLS_RSA_WITH_NULL_MD5                            s     s     s     s     s     s     s     s     s
TLS_RSA_EXPORT1024_WITH_RC4_56_SHA               s     s     s     s     s     s     s     s     s
TLS_RSA_EXPORT_WITH_RC4_40_MD5                   s     s     s     s     s     s     s     s     s
TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA              s     s     s     s     s     s     s     s     s
SSL_CK_DES_64_CBC_WITH_MD5                       s     s     s     s     -     -     -     -     -
SSL_CK_RC4_128_EXPORT40_WITH_MD5                 s     s     s     s     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521       s     s     s     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521       s     s     s     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521          s     s     s     -     -     -     -     -     -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521          s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521     s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521     s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521     s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521     s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521        s     s     s     -     -     -     -     -     -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521        s     s     s     -     -     -     -     -     -
TLS_PSK_WITH_AES_256_GCM_SHA384                  -     -     -     -     s     s     s     s     s
TLS_PSK_WITH_AES_128_GCM_SHA256                  -     -     -     -     s     s     s     s     s
TLS_PSK_WITH_AES_256_CBC_SHA384                  -     -     -     -     s     s     s     s     s
TLS_PSK_WITH_AES_128_CBC_SHA256                  -     -     -     -     s     s     s     s     s
TLS_PSK_WITH_NULL_SHA384                         -     -     -     -     s     s     s     s     s
TLS_PSK_WITH_NULL_SHA256                         -     -     -     -     s     s     s     s     s
"""


@dataclass(frozen=True)
class Suite:
    name: str
    availability: dict[int, str]

    @property
    def tls13(self) -> bool:
        return self.name in TLS13_SUITES

    @property
    def ssl2(self) -> bool:
        return self.name.startswith("SSL_CK_")

    @property
    def key_exchange(self) -> str:
        if self.tls13:
            return "ECDHE"
        body = self.name.split("_WITH_")[0]
        for kex in ("ECDHE", "DHE", "PSK"):
            if body.startswith(f"TLS_{kex}"):
                return kex
        return "RSA"

    @property
    def forward_secret(self) -> bool:
        return self.key_exchange in ("ECDHE", "DHE")

    @property
    def aead(self) -> bool:
        return "_GCM_" in self.name or "CHACHA20" in self.name

    def status(self, build: int) -> str:
        """'-' (absent), 's' (supported, off by default) or the default priority position."""
        families = [f for f in FAMILIES if f <= build]
        return self.availability[families[-1]] if families else self.availability[FAMILIES[0]]


TLS13_SUITES = frozenset({"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"})


def _parse_matrix(text: str) -> tuple[tuple[int, ...], dict[str, Suite]]:
    lines = [line.split() for line in text.strip().splitlines()]
    families = tuple(int(c) for c in lines[0][1:])
    suites = {row[0]: Suite(row[0], dict(zip(families, row[1:], strict=True))) for row in lines[1:]}
    return families, suites


FAMILIES, SUITES = _parse_matrix(_MATRIX)
_BY_UPPER = {name.upper(): name for name in SUITES}


def canonical(name: str, option: str = "cipher_suites") -> str:
    """The catalogue spelling of a suite name (case-insensitive), or a ValidationError with a suggestion."""
    found = _BY_UPPER.get(str(name).strip().upper())
    if found is None:
        raise ValidationError([Problem(option, f"unknown Windows cipher suite '{name}'{suggest(name, SUITES)}")])
    return found


def suites_for_build(names: Iterable[str], build: WindowsBuild) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split names into (kept in order, dropped because the build does not have them)."""
    kept: list[str] = []
    dropped: list[str] = []
    for name in names:
        suite = SUITES[canonical(name)]
        (dropped if suite.status(build.build) == "-" else kept).append(suite.name)
    return tuple(kept), tuple(dropped)


def default_order(build: WindowsBuild) -> tuple[str, ...]:
    """The suites a build enables by default, in its default priority order."""
    ranked = [(int(s.status(build.build)), s.name) for s in SUITES.values() if s.status(build.build).isdigit()]
    return tuple(name for _rank, name in sorted(ranked))


@dataclass(frozen=True)
class EffectiveSuites:
    names: tuple[str, ...]
    source: str  # 'policy' (GPO Functions), 'local' (TLS cmdlets) or 'os_default'
    unknown: tuple[str, ...] = ()


def effective_suites(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> EffectiveSuites:
    """Policy order first (REG_SZ only; Windows ignores a REG_MULTI_SZ there), then the local list, then defaults."""
    policy = values.get(RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE))
    if policy is not None and policy.type == "REG_SZ":
        return _split(policy.as_str().split(","), "policy")
    local = values.get(RegRef("HKLM", SUITE_LOCAL_KEY, SUITE_VALUE))
    if local is not None and local.type == "REG_MULTI_SZ":
        return _split(local.as_strings(), "local")
    return EffectiveSuites(default_order(build), "os_default")


def _split(names: Iterable[str], source: str) -> EffectiveSuites:
    known: list[str] = []
    unknown: list[str] = []
    for name in (n.strip() for n in names):
        if name:
            (known if name.upper() in _BY_UPPER else unknown).append(_BY_UPPER.get(name.upper(), name))
    return EffectiveSuites(tuple(known), source, tuple(unknown))
