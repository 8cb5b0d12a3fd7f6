# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows (Schannel) cipher suites per OS build, and what each suite offers.

The matrix transcribes Microsoft's per-OS pages (MicrosoftDocs/win32 desktop-src/SecAuthN/, commit 47e64c189d;
docs/facts.md lists them): ``schannel-cipher-suites-in-windows-vista.md`` and ``tls-cipher-suites-in-windows-*.md``.
A column covers the builds from its first build up to the next column's (``COLUMNS``):

- ``2008``: Vista / Server 2008, its own 24-suite list (no GCM, no SHA-2 MAC, no DHE_RSA);
- ``7``, ``8``, ``8.1``: Windows 7 / 2008 R2, 8 / 2012, 8.1 / 2012 R2;
- ``1507``, ``1511``, ``1607`` (Server 2016), ``1703``: Windows 10 releases with their own pages;
- ``1709``: 1709, 1803, 1809 (Server 2019), 1903, 1909, 2004, 20H2, 21H1, 21H2 (their pages list the same suites);
- ``22H2``: Windows 10 22H2 (DHE_RSA GCM and 3DES no longer on by default);
- ``2022``: Windows Server 2022; ``11``: Windows 11 21H2;
- ``11+``: Windows 11 22H2 and later, the same list as Windows Server 2025 and as Server 2022 23H2 (build 25398;
  the Server 2022 page notes DHE_RSA GCM and 3DES are off by default there).

A number is the position in the default priority order, ``s`` is supported but not enabled by default, ``-`` does not
exist on that build. NULL suites are in the default order but only used when an application asks for them; PSK
suites are never used unless an application asks for them (SCH_USE_PRESHAREDKEY_ONLY).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from .builds import WindowsBuild
from .errors import Problem, ValidationError, suggest
from .locations import SUITE_LOCAL_KEY, SUITE_POLICY_KEY, SUITE_VALUE, WEAK_CIPHERS
from .registry import RegRef, RegValue

SUITE_ORDER_MAX_CHARS = 1023  # Microsoft: "The list of cipher suites is limited to 1023 characters" (manage-tls.md)

# Column label -> the first build it covers.
COLUMNS: dict[str, int] = {"2008": 6000, "7": 7600, "8": 9200, "8.1": 9600, "1507": 10240, "1511": 10586,
                           "1607": 14393, "1703": 15063, "1709": 16299, "22H2": 19045, "2022": 20348, "11": 22000,
                           "11+": 22621}

_MATRIX = """
#                                            2008    7    8  8.1 1507 1511 1607 1703 1709 22H2 2022   11  11+
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256      -    1    1    1    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384      -    2    2    2    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256      -    3    3    3    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384      -    4    4    4    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256        14    5    5    5    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384        15    6    6    6    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256        11    7    7    7    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384        12    8    8    8    -    -    -    -    -    -    -    -    -
TLS_DHE_RSA_WITH_AES_256_GCM_SHA384             -    9    9    9    7    5    5    5    5    s    7    7    s
TLS_DHE_RSA_WITH_AES_128_GCM_SHA256             -   10   10   10    8    6    6    6    6    s    8    8    s
TLS_DHE_RSA_WITH_AES_256_CBC_SHA                -   11    -   11    9   15   15    s    s    s    s    s    s
TLS_DHE_RSA_WITH_AES_128_CBC_SHA                -   12    -   12   10   16   16    s    s    s    s    s    s
TLS_RSA_WITH_AES_256_GCM_SHA384                 -   13   11   13   11   17   17   15   15   13   17   17   15
TLS_RSA_WITH_AES_128_GCM_SHA256                 -   14   12   14   12   18   18   16   16   14   18   18   16
TLS_RSA_WITH_AES_256_CBC_SHA256                 -   15   13   15   13   19   19   17   17   15   19   19   17
TLS_RSA_WITH_AES_128_CBC_SHA256                 -   16   14   16   14   20   20   18   18   16   20   20   18
TLS_RSA_WITH_AES_256_CBC_SHA                    2   17   15   17   15   21   21   19   19   17   21   21   19
TLS_RSA_WITH_AES_128_CBC_SHA                    1   18   16   18   16   22   22   20   20   18   22   22   20
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384    -   19   17   19    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256    -   20   18   20    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384    -   21   19   21    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384    -   22   20   22    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256    -   23   21   23    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384    -   24   22   24    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256       8   25   23   25    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384       9   26   24   26    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256       5   27   25   27    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384       6   28   26   28    -    -    -    -    -    -    -    -    -
TLS_DHE_DSS_WITH_AES_256_CBC_SHA256             -   29   27   29   23   24   24    s    s    s    s    s    s
TLS_DHE_DSS_WITH_AES_128_CBC_SHA256             -   30   28   30   24   25   25    s    s    s    s    s    s
TLS_DHE_DSS_WITH_AES_256_CBC_SHA               18   31   29   31   25   26   26    s    s    s    s    s    s
TLS_DHE_DSS_WITH_AES_128_CBC_SHA               17   32   30   32   26   27   27    s    s    s    s    s    s
TLS_RSA_WITH_3DES_EDE_CBC_SHA                   4   33   31   33   27   23   23   21   21    s   23   23    s
TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA              19   34   32   34   28   28   28    s    s    s    s    s    s
TLS_RSA_WITH_RC4_128_SHA                        3   35   33   35   29   29   29   22    s    s    s    s    s
TLS_RSA_WITH_RC4_128_MD5                       20   36   34   36   30   30   30   23    s    s    s    s    s
TLS_RSA_WITH_NULL_SHA256                        -   37   35   37   31   31   31   24   22   19   24   24   21
TLS_RSA_WITH_NULL_SHA                          24   38   36   38   32   32   32   25   23   20   25   25   22
SSL_CK_RC4_128_WITH_MD5                        21   39   37   39   33   34    -    -    -    -    -    -    -
SSL_CK_DES_192_EDE3_CBC_WITH_MD5               22   40   38   40   34   33    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521      -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521      -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521        16    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521        13    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521    -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521    -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521    -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521    -    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521      10    s    s    s    -    -    -    -    -    -    -    -    -
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521       7    s    s    s    -    -    -    -    -    -    -    -    -
TLS_RSA_WITH_DES_CBC_SHA                        s    s    s    s    s    s    s    s    s    s    s    s    s
TLS_RSA_EXPORT1024_WITH_RC4_56_SHA              s    s    s    s    s    s    s    s    s    s    s    s    s
TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA             s    s    s    s    s    s    s    s    s    s    s    s    s
TLS_RSA_EXPORT_WITH_RC4_40_MD5                  s    s    s    s    s    s    s    s    s    s    s    s    s
TLS_RSA_WITH_NULL_MD5                          23    s    s    s    s    s    s    s    s    s    s    s    s
TLS_DHE_DSS_WITH_DES_CBC_SHA                    s    s    s    s    s    s    s    s    s    s    s    s    s
TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA         s    s    s    s    s    s    s    s    s    s    s    s    s
SSL_CK_DES_64_CBC_WITH_MD5                      s    s    s    s    s    s    -    -    -    -    -    -    -
SSL_CK_RC4_128_EXPORT40_WITH_MD5                s    s    s    s    s    s    -    -    -    -    -    -    -
TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384           -    -    -    -    1    3    3    3    3    3    5    5    5
TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256           -    -    -    -    2    4    4    4    4    4    6    6    6
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384           -    -    -    -    3    9    9    9    9    7   11   11    9
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256           -    -    -    -    4   10   10   10   10    8   12   12   10
TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA              -    -    -    -    5   13   13   13   13   11   15   15   13
TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA              -    -    -    -    6   14   14   14   14   12   16   16   14
TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384         -    -    -    -   17    1    1    1    1    1    3    3    3
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256         -    -    -    -   18    2    2    2    2    2    4    4    4
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384         -    -    -    -   19    7    7    7    7    5    9    9    7
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256         -    -    -    -   20    8    8    8    8    6   10   10    8
TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA            -    -    -    -   21   11   11   11   11    9   13   13   11
TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA            -    -    -    -   22   12   12   12   12   10   14   14   12
TLS_PSK_WITH_AES_256_GCM_SHA384                 -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_PSK_WITH_AES_128_GCM_SHA256                 -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_PSK_WITH_AES_256_CBC_SHA384                 -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_PSK_WITH_AES_128_CBC_SHA256                 -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_PSK_WITH_NULL_SHA384                        -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_PSK_WITH_NULL_SHA256                        -    -    -    -    -    -    s    s    s    s    s    s    s
TLS_AES_256_GCM_SHA384                          -    -    -    -    -    -    -    -    -    -    1    1    1
TLS_AES_128_GCM_SHA256                          -    -    -    -    -    -    -    -    -    -    2    2    2
TLS_CHACHA20_POLY1305_SHA256                    -    -    -    -    -    -    -    -    -    -    s    s    s
"""

# Other spellings Microsoft's own pages use for a catalogue suite (the Vista page drops the WITH).
_SPELLINGS = {"SSL_CK_RC4_128_EXPORT40_MD5": "SSL_CK_RC4_128_EXPORT40_WITH_MD5"}


@dataclass(frozen=True)
class Suite:
    name: str
    availability: dict[int, str]

    @cached_property
    def tls13(self) -> bool:
        return self.name in TLS13_SUITES

    @cached_property
    def ssl2(self) -> bool:
        return self.name.startswith("SSL_CK_")

    @cached_property  # a suite's name never changes; audits ask thousands of times
    def key_exchange(self) -> str:
        if self.tls13:
            return "ECDHE"
        body = self.name.split("_WITH_")[0]
        for kex in ("ECDHE", "DHE", "PSK"):
            if body.startswith(f"TLS_{kex}"):
                return kex
        return "RSA"

    @cached_property
    def rsa(self) -> bool:
        """RSA key exchange or RSA authentication: what KeyExchangeAlgorithms\\PKCS controls (KB245030)."""
        return not self.tls13 and (self.key_exchange == "RSA" or "_RSA_" in self.name.split("_WITH_")[0] + "_")

    @cached_property
    def forward_secret(self) -> bool:
        return self.key_exchange in ("ECDHE", "DHE")

    @cached_property
    def aead(self) -> bool:
        return "_GCM_" in self.name or "CHACHA20" in self.name

    @cached_property
    def bulk(self) -> str:
        """The bulk cipher, named as the SCHANNEL\\Ciphers groups are (``aes``, ``rc4``, ...) or ``chacha20``."""
        name = self.name
        if "_NULL_" in name:
            return "null"
        for marker, group in (("RC4", "rc4"), ("3DES", "triple_des"), ("DES_192_EDE3", "triple_des"), ("RC2", "rc2"),
                              ("DES", "des"), ("AES", "aes"), ("CHACHA20", "chacha20")):
            if marker in name:
                return group
        raise AssertionError(f"no bulk cipher known for {name}")

    @cached_property
    def cipher_key(self) -> str | None:
        """The SCHANNEL\\Ciphers key whose ``Enabled=0`` disallows this suite (KB245030); None for ChaCha20."""
        name = self.name
        if "_NULL_" in name:
            return "NULL"
        for marker, key in (("EXPORT40", "RC4 40/128"), ("RC4_40", "RC4 40/128"), ("RC4_56", "RC4 56/128"),
                            ("RC4_128", "RC4 128/128"), ("3DES", "Triple DES 168"), ("DES_192_EDE3", "Triple DES 168"),
                            ("DES", "DES 56/56"), ("AES_128", "AES 128/128"), ("AES_256", "AES 256/256")):
            if marker in name:
                return key
        return None

    @cached_property
    def mac(self) -> str | None:
        """``md5`` or ``sha1`` for the suites whose MAC is one of those (what SCHANNEL\\Hashes controls)."""
        if self.name.endswith("MD5"):
            return "md5"
        stem = self.name.rsplit("_P", 1)[0] if self.name[-5:-3] == "_P" else self.name
        return "sha1" if stem.endswith("_SHA") else None

    @cached_property
    def weak(self) -> bool:
        """NULL, DES, RC2, RC4, 3DES or export-grade."""
        return self.bulk in WEAK_CIPHERS or "EXPORT" in self.name

    @cached_property
    def tls12_capable(self) -> bool:
        """A suite a TLS 1.0-1.2 handshake can agree on by default: not TLS 1.3, SSL 2.0, PSK or NULL."""
        return not (self.tls13 or self.ssl2 or self.key_exchange == "PSK" or self.bulk == "null")

    def status(self, build: int) -> str:
        """'-' (absent), 's' (supported, off by default) or the default priority position."""
        return self.availability[column_start(build)]

    def exists(self, build: int) -> bool:
        return self.status(build) != "-"


TLS13_SUITES = frozenset({"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"})


def _parse_matrix(text: str) -> dict[str, Suite]:
    lines = [line.split() for line in text.strip().splitlines()]
    builds = [COLUMNS[label] for label in lines[0][1:]]
    return {row[0]: Suite(row[0], dict(zip(builds, row[1:], strict=True))) for row in lines[1:]}


SUITES = _parse_matrix(_MATRIX)
_BY_UPPER = {name.upper(): name for name in SUITES} | _SPELLINGS
_STARTS = tuple(sorted(COLUMNS.values()))


@lru_cache(maxsize=256)
def column_start(build: int) -> int:
    """The first build of the matrix column that covers ``build`` (builds before Vista use the Vista column)."""
    found = _STARTS[0]
    for start in _STARTS:
        if start <= build:
            found = start
    return found


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
        (kept if suite.exists(build.build) else dropped).append(suite.name)
    return tuple(kept), tuple(dropped)


def default_order(build: WindowsBuild) -> tuple[str, ...]:
    """The suites a build enables by default, in its default priority order."""
    return _default_order(column_start(build.build))


@cache
def _default_order(column: int) -> tuple[str, ...]:
    ranked = [(int(s.status(column)), s.name) for s in SUITES.values() if s.status(column).isdigit()]
    return tuple(name for _rank, name in sorted(ranked))


@dataclass(frozen=True)
class EffectiveSuites:
    """The order Schannel uses: ``names`` exist on the build; listed names it lacks or does not know are apart."""

    names: tuple[str, ...]
    source: str  # 'policy' (GPO Functions), 'local' (TLS cmdlets) or 'os_default'
    unknown: tuple[str, ...] = ()
    not_on_build: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        return self.source != "os_default"


_POLICY_ORDER = RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE)
_LOCAL_ORDER = RegRef("HKLM", SUITE_LOCAL_KEY, SUITE_VALUE)


def effective_suites(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> EffectiveSuites:
    """Policy order first (REG_SZ only; Windows ignores a REG_MULTI_SZ there), then the local list, then defaults."""
    policy = values.get(_POLICY_ORDER)
    if policy is not None and policy.type == "REG_SZ":
        return _split(policy.as_str().split(","), "policy", build)
    local = values.get(_LOCAL_ORDER)
    if local is not None and local.type == "REG_MULTI_SZ":
        return _split(local.as_strings(), "local", build)
    return EffectiveSuites(default_order(build), "os_default")


def _split(names: Iterable[str], source: str, build: WindowsBuild) -> EffectiveSuites:
    present: list[str] = []
    absent: list[str] = []
    unknown: list[str] = []
    for name in (n.strip() for n in names):
        found = _BY_UPPER.get(name.upper())
        if not name:
            continue
        if found is None:
            unknown.append(name)
        else:
            (present if SUITES[found].exists(build.build) else absent).append(found)
    return EffectiveSuites(tuple(present), source, tuple(unknown), tuple(absent))
