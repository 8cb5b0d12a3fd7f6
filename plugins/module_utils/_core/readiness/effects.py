# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a policy does that can break a component, and which rollout stage first does it.

A rule names the effect that breaks its component (``breaks_when``); a stage is a named profile from
``profiles.PROFILES``, and its effects are computed from the profile's own policy, so the stage of a rule is
derived, never typed: the first profile (in PROFILES order, the rollout order) whose policy has the effect.
"""

from __future__ import annotations

import functools

from ..builds import DEFAULT_TABLE, ENABLED, WindowsBuild
from ..errors import ValidationError
from ..policy import DISABLED, REMOVAL, Policy
from ..profiles import PROFILES, resolve_policy
from ..protocols import LEGACY_TLS_KEYS, SIDES
from ..suites import SUITES

TLS12_ON = "tls12_on"                      # TLS 1.2 switched on (stage 1)
TLS13_ON = "tls13_on"                      # TLS 1.3 left or switched on
LEGACY_OFF = "legacy_off"                  # TLS 1.0 or 1.1 disabled on a side
FORWARD_SECRET_ONLY = "forward_secret_only"  # a suite order with forward-secret suites only
DOTNET_ON = "dotnet_on"                    # SchUseStrongCrypto and SystemDefaultTlsVersions written as 1
EFFECTS = (TLS12_ON, TLS13_ON, LEGACY_OFF, FORWARD_SECRET_ONLY, DOTNET_ON)

_LEGACY_TLS = tuple(k for k in LEGACY_TLS_KEYS if k.startswith("tls"))
# Every effect can happen on the newest modelled build, so stages are derived there.
_REFERENCE_BUILD = WindowsBuild(DEFAULT_TABLE[-1].min_build, server=True)


def policy_effects(policy: Policy, build: WindowsBuild) -> frozenset[str]:
    """The effects a resolved policy has on a build. A TLS 1.3 side the policy leaves to the OS (or unmanaged)
    counts as on when the build enables it by default: a gate assumes the worse case."""
    found = set()
    if any(policy.protocols["tls1_2"][side] == ENABLED for side in SIDES):
        found.add(TLS12_ON)
    tls13 = policy.protocols["tls1_3"]["server"]
    if build.supports_tls13 and (tls13 == ENABLED or
                                 (tls13 in REMOVAL and build.default_state("tls1_3", "server") == ENABLED)):
        found.add(TLS13_ON)
    if any(policy.protocols[key][side] == DISABLED for key in _LEGACY_TLS for side in SIDES):
        found.add(LEGACY_OFF)
    if isinstance(policy.cipher_suites, tuple) and all(
            SUITES[name].tls13 or SUITES[name].forward_secret for name in policy.cipher_suites):
        found.add(FORWARD_SECRET_ONLY)
    if all(state == ENABLED for state in policy.dotnet.values()):
        found.add(DOTNET_ON)
    return frozenset(found)


def stage_names() -> tuple[str, ...]:
    """The profiles that are rollout stages: those that switch TLS 1.2 on (os_default does not)."""
    return tuple(name for name in PROFILES if TLS12_ON in profile_effects(name, _REFERENCE_BUILD))


@functools.lru_cache(maxsize=256)
def profile_effects(name: str, build: WindowsBuild) -> frozenset[str]:
    policy, _warnings = resolve_policy(name, None, build)
    return policy_effects(policy, build)


def first_stage(effect: str) -> str:
    """The first rollout stage whose policy has ``effect`` (ValueError for an effect no stage has)."""
    for name in PROFILES:
        try:
            if effect in profile_effects(name, _REFERENCE_BUILD):
                return name
        except ValidationError:
            continue
    raise ValueError(f"no profile has the effect {effect!r}")
