# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named profiles (the rollout stages and two external baselines) and how overrides go on top of them.

- ``enable``: stage 1. TLS 1.2 on, TLS 1.3 on where the build supports it, legacy protocols untouched; .NET
  strong crypto and system defaults; WinHTTP/WinINet defaults include TLS 1.2; SCHANNEL logs handshakes.
- ``enforce``: stage 3. SSL 2/3 and TLS 1.0/1.1 off on both sides, weak ciphers off, DH >= 2048.
- ``bsi``: BSI TR-02102-2 / Mindeststandard TLS: ``enforce`` plus forward-secret AEAD-first suite order.
- ``mozilla_intermediate``: Mozilla server-side TLS "intermediate" (guidelines 5.7) mapped to Windows names.
- ``os_default``: remove every value the tool manages, so the OS defaults apply again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from .builds import WindowsBuild
from .errors import Problem, ValidationError, unknown
from .locations import CIPHERS, DH_VALUES, DOTNET_VALUES, HASHES, KEY_EXCHANGES
from .policy import OS_DEFAULT, Policy, parse_policy
from .protocols import LEGACY_TLS_KEYS, PROTOCOLS
from .suites import suites_for_build

WEAK_CIPHERS = ("null", "des", "rc2", "rc4", "triple_des")

# BSI TR-02102-2 recommended forward-secret AEAD suites in Windows spelling, strongest first (research §8.1; the
# TR also permits CBC variants, left out so that the registry profile and the scan verdict agree). Windows 7-8.1
# spell the ECDHE suites with a curve suffix; each build keeps the names it has.
BSI_SUITES = (
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
)

# Mozilla intermediate 5.7 (the version sslyze's checker bundles), Windows has no TLS 1.2 ChaCha20 suites.
MOZILLA_INTERMEDIATE_SUITES = (
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
)


def _tls13(build: WindowsBuild, otherwise: str) -> str:
    return "enabled" if build.supports_tls13 else otherwise


def _modern_protocols(build: WindowsBuild) -> list[str]:
    return ["tls1_2", "tls1_3"] if build.supports_tls13 else ["tls1_2"]


def _enable(build: WindowsBuild) -> dict:
    return {
        "protocols": {"tls1_2": "enabled", "tls1_3": _tls13(build, "unmanaged")},
        "dotnet": "enabled",
        "winhttp": ["tls1_0", "tls1_1", *_modern_protocols(build)],
        "wininet": ["tls1_0", "tls1_1", *_modern_protocols(build)],
        "event_logging": 7,
    }


def _enforce(build: WindowsBuild) -> dict:
    # On builds without TLS 1.3, a TLS 1.3 'Enabled' value is unsafe (research §1.5): remove it.
    protocols = {key: "disabled" for key in LEGACY_TLS_KEYS}
    protocols.update({"tls1_2": "enabled", "tls1_3": _tls13(build, OS_DEFAULT)})
    return {
        "protocols": protocols,
        "dotnet": "enabled",
        "winhttp": _modern_protocols(build),
        "wininet": _modern_protocols(build),
        "ciphers": dict.fromkeys(WEAK_CIPHERS, "disabled"),
        "key_exchange": {"dh_server_min_bits": 2048},
    }


def _bsi(build: WindowsBuild) -> dict:
    policy = _enforce(build)
    policy["hashes"] = {"md5": "disabled"}
    # TR-02102-2 asks for DH groups of at least 3000 bits (research §8.1 marks the figure unconfirmed).
    policy["key_exchange"] = {"dh_server_min_bits": 3072}
    policy["cipher_suites"] = suites_for_build(BSI_SUITES, build)[0]
    return policy


def _mozilla_intermediate(build: WindowsBuild) -> dict:
    policy = _enforce(build)
    policy["cipher_suites"] = suites_for_build(MOZILLA_INTERMEDIATE_SUITES, build)[0]
    return policy


def _os_default(build: WindowsBuild) -> dict:
    return {
        "protocols": {p.key: OS_DEFAULT for p in PROTOCOLS},
        "dotnet": dict.fromkeys(DOTNET_VALUES, OS_DEFAULT),
        "winhttp": OS_DEFAULT,
        "wininet": OS_DEFAULT,
        "ciphers": dict.fromkeys(CIPHERS, OS_DEFAULT),
        "hashes": dict.fromkeys(HASHES, OS_DEFAULT),
        "key_exchange": {**dict.fromkeys(KEY_EXCHANGES, OS_DEFAULT), **dict.fromkeys(DH_VALUES, OS_DEFAULT)},
        "cipher_suites": OS_DEFAULT,
        "event_logging": OS_DEFAULT,
    }


PROFILES: dict[str, Callable[[WindowsBuild], dict]] = {
    "enable": _enable,
    "enforce": _enforce,
    "bsi": _bsi,
    "mozilla_intermediate": _mozilla_intermediate,
    "os_default": _os_default,
}


def profile_policy(name: str | None, build: WindowsBuild, option: str = "profile") -> dict:
    """The user-form policy of a named profile for one build (``None``: nothing managed)."""
    if name is None:
        return {}
    if name not in PROFILES:
        raise ValidationError([Problem(option, unknown("profile", name, PROFILES))])
    return PROFILES[name](build)


def resolve_policy(profile: str | None, overrides: Mapping | None, build: WindowsBuild,
                   profile_option: str = "profile", overrides_option: str = "overrides") -> tuple[Policy, list[str]]:
    """Profile for the build, then the user's overrides on top; returns the policy and adaptation warnings.

    A WinHTTP/WinINet list that came from the profile drops protocols the overrides disable on the client
    side (with a warning); the same contradiction written by the user is a conflict and an error.
    """
    base = parse_policy(profile_policy(profile, build, profile_option), f"{profile_option}({profile})")
    policy = parse_policy(overrides or {}, overrides_option, base=base)
    warnings: list[str] = []
    problems: list[Problem] = []
    for section in ("winhttp", "wininet"):
        listed = getattr(policy, section)
        if not isinstance(listed, tuple):
            continue
        off = [k for k in listed if policy.protocols[k]["client"] == "disabled"]
        if not off:
            continue
        if section in (overrides or {}):
            problems.append(Problem(f"{overrides_option}.{section}", f"lists {', '.join(off)} but protocols "
                                    f"{', '.join(off)} are disabled on the client side; remove them from "
                                    f"{section} or do not disable them"))
            continue
        kept: str | tuple[str, ...] = tuple(k for k in listed if k not in off) or OS_DEFAULT
        warnings.append(f"{section}: dropped {', '.join(off)} from the profile's list because the overrides "
                        "disable them on the client side")
        policy = replace(policy, winhttp=kept) if section == "winhttp" else replace(policy, wininet=kept)
    if problems:
        raise ValidationError(problems)
    return policy, warnings
