# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named profiles (the rollout stages and two external baselines) and how overrides go on top of them.

- ``enable``: stage 1. TLS 1.2 on, TLS 1.3 on where the build supports it, legacy protocols untouched; .NET
  strong crypto and system defaults; WinHTTP/WinINet defaults include TLS 1.2; SCHANNEL logs handshakes. Stage 1 is
  additive: its WinHTTP/WinINet lists never add TLS 1.0/1.1 where the build's own default leaves them out, and
  never widen a value the host already narrowed (ADDITIVE; desired.py), so on an enforced host it plans nothing.
- ``enforce``: stage 3. SSL 2/3 and TLS 1.0/1.1 off on both sides, weak ciphers off, DH >= 2048.
- ``bsi``: BSI TR-02102-2 / Mindeststandard TLS: ``enforce`` plus forward-secret AEAD-first suite order and the
  ECC curve order limited to groups the TR lists (X25519 is not among them).
- ``mozilla_intermediate``: Mozilla server-side TLS "intermediate" (guidelines 5.7) mapped to Windows names.
- ``os_default``: remove every value the tool manages, so the OS defaults apply again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from .builds import WindowsBuild
from .errors import Problem, ValidationError, unknown
from .locations import (
    CIPHERS,
    DH_VALUES,
    DOTNET_VALUES,
    ECC_CURVES_MIN_BUILD,
    HASHES,
    KEY_EXCHANGES,
    WEAK_CIPHERS,
)
from .policy import CLIENT_LISTS, OS_DEFAULT, Policy, parse_policy
from .protocols import LEGACY_TLS_KEYS, PROTOCOLS
from .suites import suites_for_build

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


# TR-02102-2 lists secp256r1, secp384r1, secp521r1 and the brainpool curves for ECDHE, not X25519 (secondary
# transcriptions of the 2023 edition; docs/facts.md). Windows spells the NIST ones NistP256/NistP384; the brainpool
# curves are supported but off by default in Windows and are left out so that no curve is switched on.
BSI_CURVES = ("NistP384", "NistP256")


def _tls13(build: WindowsBuild, otherwise: str) -> str:
    return "enabled" if build.supports_tls13 else otherwise


def _modern_protocols(build: WindowsBuild) -> list[str]:
    return ["tls1_2", "tls1_3"] if build.supports_tls13 else ["tls1_2"]


def _enable(build: WindowsBuild) -> dict:
    # TLS 1.0/1.1 stay in the client lists only where the build's own default still has them (Windows 11 and
    # patched Windows 10 20H2+/Server 2019 default without them; never widen what the OS narrowed).
    kept = [k for k in ("tls1_0", "tls1_1") if k in build.client_defaults().protocols]
    return {
        "protocols": {"tls1_2": "enabled", "tls1_3": _tls13(build, "unmanaged")},
        "dotnet": "enabled",
        "winhttp": [*kept, *_modern_protocols(build)],
        "wininet": [*kept, *_modern_protocols(build)],
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
    policy["cipher_suites"] = suites_for_build(BSI_SUITES, build)[0] or list(BSI_SUITES)
    if build.build >= ECC_CURVES_MIN_BUILD:
        policy["ecc_curves"] = list(BSI_CURVES)
    return policy


def _mozilla_intermediate(build: WindowsBuild) -> dict:
    policy = _enforce(build)
    # none on the build: the full list, which compile_policy refuses naming the build
    policy["cipher_suites"] = suites_for_build(MOZILLA_INTERMEDIATE_SUITES, build)[0] or list(
        MOZILLA_INTERMEDIATE_SUITES)
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
        "ecc_curves": OS_DEFAULT,
        "event_logging": OS_DEFAULT,
    }


PROFILES: dict[str, Callable[[WindowsBuild], dict]] = {
    "enable": _enable,
    "enforce": _enforce,
    "bsi": _bsi,
    "mozilla_intermediate": _mozilla_intermediate,
    "os_default": _os_default,
}
# Profiles whose WinHTTP/WinINet lists are a ceiling plus TLS 1.2 rather than an exact value (stage 1).
ADDITIVE: dict[str, tuple[str, ...]] = {"enable": CLIENT_LISTS}


def profile_policy(name: str | None, build: WindowsBuild, option: str = "profile") -> dict:
    """The user-form policy of a named profile for one build (``None``: nothing managed)."""
    if name is None:
        return {}
    if name not in PROFILES:
        raise ValidationError([Problem(option, unknown("profile", name, PROFILES))])
    return PROFILES[name](build)


def check_policy_arguments(profile: str | None, overrides: Mapping | None, profile_option: str = "profile",
                           overrides_option: str = "overrides", required: bool = False) -> None:
    """Every problem with ``profile``/``overrides`` that does not depend on the build, so a task can answer it
    before it contacts a host: unknown names, bad values, conflicts, and overrides that manage nothing.

    ``required``: the task applies a policy, so it needs one. ``overrides: null`` passes Ansible's
    ``required_one_of`` (it counts an option that is present, whatever its value) and managed nothing (D12).
    """
    if required and profile is None and overrides is None:
        overrides = {}
    if profile is not None and profile not in PROFILES:
        raise ValidationError([Problem(profile_option, unknown("profile", profile, PROFILES))])
    alone = parse_policy(overrides or {}, overrides_option)
    _user_conflicts(alone, overrides or {}, overrides_option)
    if profile is None and overrides is not None and not alone.manages_anything():
        raise ValidationError([Problem(overrides_option, "manages nothing: without a profile, give at least one "
                                       "setting (for example protocols: {tls1_0: disabled}), or a profile")])


def _client_off(policy: Policy, section: str) -> list[str]:
    """The protocols a WinHTTP/WinINet list names that the policy disables on the client side."""
    listed = getattr(policy, section)
    return [k for k in listed if policy.protocols[k]["client"] == "disabled"] if isinstance(listed, tuple) else []


def _conflict(section: str, off: list[str], overrides_option: str) -> Problem:
    return Problem(f"{overrides_option}.{section}", f"lists {', '.join(off)} but protocols {', '.join(off)} are "
                   f"disabled on the client side; remove them from {section} or do not disable them")


def _user_conflicts(policy: Policy, overrides: Mapping, overrides_option: str) -> None:
    problems = [_conflict(section, off, overrides_option) for section in CLIENT_LISTS
                if (off := _client_off(policy, section)) and section in overrides]
    if problems:
        raise ValidationError(problems)


def resolve_policy(profile: str | None, overrides: Mapping | None, build: WindowsBuild,
                   profile_option: str = "profile", overrides_option: str = "overrides") -> tuple[Policy, list[str]]:
    """Profile for the build, then the user's overrides on top; returns the policy and adaptation warnings.

    A WinHTTP/WinINet list that came from the profile drops protocols the overrides disable on the client
    side (with a warning); the same contradiction written by the user is a conflict and an error.
    """
    check_policy_arguments(profile, overrides, profile_option, overrides_option)
    base = parse_policy(profile_policy(profile, build, profile_option), f"{profile_option}({profile})")
    base = replace(base, additive=frozenset(ADDITIVE.get(profile or "", ())))
    policy = parse_policy(overrides or {}, overrides_option, base=base)
    warnings: list[str] = []
    problems: list[Problem] = []
    if policy.additive and build.client_defaults().assumed:
        warnings.append(f"os_build has no UBR: assumed {build.product} has the 2022-09-20 update or later "
                        "(KB5017811), whose WinHTTP/WinINet defaults leave out TLS 1.0/1.1, so the stage 1 lists do "
                        "too; give the build with its UBR (for example 10.0.17763.3406) for an older install")
    for section in CLIENT_LISTS:
        off = _client_off(policy, section)
        if not off:
            continue
        if section in (overrides or {}):
            problems.append(_conflict(section, off, overrides_option))
            continue
        listed = getattr(policy, section)
        kept: str | tuple[str, ...] = tuple(k for k in listed if k not in off) or OS_DEFAULT
        warnings.append(f"{section}: dropped {', '.join(off)} from the profile's list because the overrides "
                        "disable them on the client side")
        policy = replace(policy, winhttp=kept) if section == "winhttp" else replace(policy, wininet=kept)
    if problems:
        raise ValidationError(problems)
    return policy, warnings
