# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where Windows keeps each TLS setting (all HKLM). Sources: research/windows-tls-registry.md §1-§5."""

from __future__ import annotations

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

# WinINet: the policy value wins over the machine preference (research §4), so that is what we write.
WININET_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
WININET_MACHINE_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
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
DH_VALUES: dict[str, str] = {"dh_server_min_bits": "ServerMinKeyBitLength",
                             "dh_client_min_bits": "ClientMinKeyBitLength"}


def protocol_ref(protocol_key: str, side: str, name: str) -> RegRef:
    """RegRef of ``Enabled``/``DisabledByDefault`` under ``Protocols\\<P>\\<Client|Server>``."""
    return RegRef("HKLM", rf"{PROTOCOLS_KEY}\{BY_KEY[protocol_key].schannel_key}\{side.capitalize()}", name)


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
    (KEY_EXCHANGE_KEY, "key_exchange"), (SUITE_POLICY_KEY, "cipher_suites"),
    *((key, "dotnet") for key in DOTNET_KEYS), *((key, "winhttp") for key in WINHTTP_KEYS),
    (WININET_POLICY_KEY, "wininet"), (WININET_MACHINE_KEY, "wininet"),
)


def managed_keys() -> tuple[str, ...]:
    """Every HKLM key below which the collection writes (tls_restore refuses other places unless named)."""
    return (SCHANNEL, *dict.fromkeys(prefix for prefix, _name in _CATEGORY_PREFIXES))


def category(where: RegRef) -> str:
    """Which setting a registry value belongs to (for reboot reasons and ordering); 'other' if none."""
    key = where.key.casefold()
    if key == SCHANNEL.casefold():
        return "event_logging"
    for prefix, name in _CATEGORY_PREFIXES:
        folded = prefix.casefold()
        if key == folded or key.startswith(folded + "\\"):
            return name
    return "other"
