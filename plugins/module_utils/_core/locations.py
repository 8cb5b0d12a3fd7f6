# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where Windows keeps each TLS setting, and the names Windows reads there (docs/facts.md gives the sources)."""

from __future__ import annotations

from functools import cache

from .protocols import BY_KEY
from .registry import RegRef

SCHANNEL = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
PROTOCOLS_KEY = SCHANNEL + r"\Protocols"
CIPHERS_KEY = SCHANNEL + r"\Ciphers"
HASHES_KEY = SCHANNEL + r"\Hashes"
KEY_EXCHANGE_KEY = SCHANNEL + r"\KeyExchangeAlgorithms"
DH_KEY = KEY_EXCHANGE_KEY + r"\Diffie-Hellman"

DOTNET_KEYS: tuple[str, ...] = (
    r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319",
    r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319",
    r"SOFTWARE\Microsoft\.NETFramework\v2.0.50727",
    r"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727",
)
DOTNET_VALUES: dict[str, str] = {"strong_crypto": "SchUseStrongCrypto",
                                 "system_default_tls_versions": "SystemDefaultTlsVersions"}

WINHTTP_KEYS: tuple[str, ...] = (
    r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp",
    r"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp",
)
WINHTTP_VALUE = "DefaultSecureProtocols"

# WinINet: the policy value wins over the preference ones, so that is what the collection writes. The per-user
# preference (HKCU) only appears in exports: a host read runs as the WinRM account, whose HKCU means nothing.
WININET_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
WININET_MACHINE_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
WININET_USER_KEY = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings"
WININET_VALUE = "SecureProtocols"

SUITE_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
SUITE_LOCAL_KEY = r"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
SUITE_VALUE = "Functions"
CURVES_VALUE = "EccCurves"

FIPS_KEY = r"SYSTEM\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy"
NDP_KEY = r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"
OS_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"

# Cipher, hash and key-exchange groups -> SCHANNEL subkey names (KB245030; "/" is part of the name).
CIPHERS: dict[str, tuple[str, ...]] = {
    "null": ("NULL",),
    "des": ("DES 56/56",),
    "rc2": ("RC2 40/128", "RC2 56/128", "RC2 128/128"),
    "rc4": ("RC4 40/128", "RC4 56/128", "RC4 64/128", "RC4 128/128"),
    "triple_des": ("Triple DES 168",),
    "aes": ("AES 128/128", "AES 256/256"),
}
HASHES: dict[str, tuple[str, ...]] = {
    "md5": ("MD5",), "sha1": ("SHA",), "sha256": ("SHA256",), "sha384": ("SHA384",), "sha512": ("SHA512",),
}
KEY_EXCHANGES: dict[str, tuple[str, ...]] = {
    "pkcs": ("PKCS",), "diffie_hellman": ("Diffie-Hellman",), "ecdh": ("ECDH",),
}
# The one list of weak bulk ciphers: the enforce profile switches these groups off, findings flag them enabled, and
# suites.Suite.weak judges suites by it.
WEAK_CIPHERS: tuple[str, ...] = ("null", "des", "rc2", "rc4", "triple_des")
WEAK_HASHES: tuple[str, ...] = ("md5", "sha1")
DH_VALUES: dict[str, str] = {"dh_server_min_bits": "ServerMinKeyBitLength",
                             "dh_client_min_bits": "ClientMinKeyBitLength"}
PKCS_KEY = KEY_EXCHANGE_KEY + r"\PKCS"
PKCS_CLIENT_MIN_BITS = "ClientMinKeyBitLength"

# Elliptic curve names Schannel knows (Windows 10 1607 and later; "TLS Elliptic Curves in Windows 10 version 1607
# and later"); the first three are its default order.
ECC_CURVES: tuple[str, ...] = (
    "curve25519", "NistP256", "NistP384", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "nistP192",
    "nistP224", "nistP521", "secP160k1", "secP160r1", "secP160r2", "secP192k1", "secP224k1", "secP224r1",
    "secP256k1", "secP256r1", "secP384r1", "secP521r1",
)
ECC_CURVES_DEFAULT: tuple[str, ...] = ECC_CURVES[:3]
ECC_CURVES_MIN_BUILD = 10240  # "Windows 10 supports an elliptic curve priority order setting" (same page)

# What Windows reads under SCHANNEL, for the audit of unknown or misspelt names. Values directly under SCHANNEL are
# those Microsoft's "TLS registry settings" page documents; subkeys hold the groups above and the protocol keys.
SCHANNEL_VALUES: tuple[str, ...] = (
    "EventLogging", "CertificateMappingMethods", "ClientCacheTime", "EnableOcspStaplingForSni", "IssuerCacheSize",
    "IssuerCacheTime", "MaximumCacheSize", "SendTrustedIssuerList", "ServerCacheTime",
)
MESSAGING_VALUES: tuple[str, ...] = ("MessageLimitClient", "MessageLimitServer", "MessageLimitServerClientAuth")
SCHANNEL_SUBKEYS: tuple[str, ...] = ("Protocols", "Ciphers", "Hashes", "KeyExchangeAlgorithms", "Messaging")
PROTOCOL_VALUES: tuple[str, ...] = ("Enabled", "DisabledByDefault")
KEY_EXCHANGE_VALUES: tuple[str, ...] = ("Enabled", "ServerMinKeyBitLength", "ClientMinKeyBitLength",
                                        "ClientMaxKeyBitLength")
# Names real files use that Windows does not read, with what to say about them.
RETIRED_NAMES: dict[str, str] = {
    "pct 1.0": "PCT 1.0 is not supported from Windows Vista on (Microsoft's Schannel protocol table); Windows "
               "ignores this key",
    "multi-protocol unified hello": "Microsoft's TLS registry settings page documents no Multi-Protocol Unified "
                                    "Hello setting (every Windows version accepts a unified hello anyway); "
                                    "treated as having no effect",
    "dtls 1.1": "there is no DTLS 1.1 (DTLS went from 1.0 to 1.2); Windows ignores this key",
    "dtls 1.3": "Windows has no DTLS 1.3; Windows ignores this key",
    "triple des 168/168": "this is the name before Windows Vista; Vista and later read 'Triple DES 168'",
}


@cache  # a few dozen distinct refs, looked up on every evaluation
def protocol_ref(protocol_key: str, side: str, name: str) -> RegRef:
    """RegRef of ``Enabled``/``DisabledByDefault`` under ``Protocols\\<P>\\<Client|Server>``."""
    return RegRef("HKLM", rf"{PROTOCOLS_KEY}\{BY_KEY[protocol_key].schannel_key}\{side.capitalize()}", name)


@cache
def enabled_refs(group_key: str, names: tuple[str, ...]) -> tuple[RegRef, ...]:
    return tuple(RegRef("HKLM", rf"{group_key}\{name}", "Enabled") for name in names)


def wow_filter(keys: tuple[str, ...], x64: bool) -> tuple[str, ...]:
    """Drop WOW6432Node paths on a 32-bit OS, where that node does not exist."""
    return keys if x64 else tuple(k for k in keys if "\\wow6432node\\" not in f"\\{k.lower()}\\")


def read_keys() -> list[dict]:
    """Every key a full TLS read needs, as the host module's ``read_keys`` argument (one round trip). The 32-bit
    keys are always asked for: whether the OS is 64-bit is only known from the same reply."""
    keys: list[tuple[str, bool]] = [(SCHANNEL, True), (SUITE_POLICY_KEY, False), (SUITE_LOCAL_KEY, False),
                                    (FIPS_KEY, False), (NDP_KEY, False), (WININET_POLICY_KEY, False),
                                    (WININET_MACHINE_KEY, False)]
    keys += [(k, False) for k in DOTNET_KEYS + WINHTTP_KEYS]
    return [{"hive": "HKLM", "key": key, "recurse": recurse} for key, recurse in keys]


_CATEGORY_PREFIXES: tuple[tuple[str, str], ...] = (
    (PROTOCOLS_KEY, "protocols"), (CIPHERS_KEY, "ciphers"), (HASHES_KEY, "hashes"),
    (KEY_EXCHANGE_KEY, "key_exchange"), (SUITE_POLICY_KEY, "cipher_suites"), (SUITE_LOCAL_KEY, "cipher_suites"),
    (FIPS_KEY, "fips"),
    *((key, "dotnet") for key in DOTNET_KEYS), *((key, "winhttp") for key in WINHTTP_KEYS),
    (WININET_POLICY_KEY, "wininet"), (WININET_MACHINE_KEY, "wininet"),
)


def managed_keys() -> tuple[str, ...]:
    """Every HKLM key below which the collection writes (tls_restore refuses other places unless named)."""
    return (SCHANNEL, *dict.fromkeys(prefix for prefix, _name in _CATEGORY_PREFIXES))


_FOLDED_PREFIXES = tuple((prefix.casefold(), prefix.casefold() + "\\", name) for prefix, name in _CATEGORY_PREFIXES)
_SCHANNEL_FOLDED = SCHANNEL.casefold()


def category(where: RegRef) -> str:
    """Which setting a registry value belongs to (for reboot reasons and ordering); 'other' if none."""
    key = where.key_norm[1]
    if key == _SCHANNEL_FOLDED:
        return "event_logging"
    for folded, below, name in _FOLDED_PREFIXES:
        if key == folded or key.startswith(below):
            return name
    return "other"
