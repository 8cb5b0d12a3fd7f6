# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verdict of one scanned endpoint against a profile of the core, by name.

- ``enable`` (stage 1): TLS 1.2 is accepted.
- ``enforce`` (stage 3): TLS 1.2 is accepted; SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 are not.
- ``bsi``: ``enforce``, and every TLS 1.2 suite is forward-secret and AEAD (TLS 1.3 suites always are).
- ``mozilla_intermediate``: ``enforce``, and the Mozilla intermediate criteria (guidelines 5.7, the copy sslyze
  6 bundles) that a TLS scan can see: suites, groups, (EC)DH sizes, certificate trust, type, key size,
  signature and lifespan, TLS_FALLBACK_SCSV and secure renegotiation. sslyze's own checker also tests
  Heartbleed, ROBOT, CCS injection, compression and Extended Master Secret; those are not checked here.

A rule fails (a violation), passes, or cannot be decided from what was measured (undetermined: an unknown
protocol state, or suite/certificate rules at depth ``protocols``). ``compliant`` is false with any violation,
null when something is undetermined, true otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from ansible_collections.tlsguard.windows.plugins.module_utils._core.baselines import (
    MOZILLA_TLS12_SUITES,
    MOZILLA_TLS13_SUITES,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.protocols import BY_KEY

from .model import Endpoint, EphemeralKey, FullScan, Problem, Suite, Verdict
from .outcomes import LEGACY_KEYS, EndpointStatus, ProtocolState

MOZILLA_CURVES = frozenset({"X25519", "secp256r1", "secp384r1"})  # prime256v1 is secp256r1
MOZILLA_CERT_CURVES = frozenset({"secp256r1", "secp384r1"})
MOZILLA_CERT_SIGNATURES = frozenset({"sha256WithRSAEncryption", "ecdsa-with-SHA256", "ecdsa-with-SHA384",
                                     "ecdsa-with-SHA512"})
MOZILLA_MIN_RSA_BITS, MOZILLA_MIN_DH_BITS, MOZILLA_MIN_ECDH_BITS, MOZILLA_MAX_LIFESPAN_DAYS = 2048, 2048, 256, 366

_Rule = Callable[[Endpoint, list[Problem], list[Problem]], None]
_FullRule = Callable[[Endpoint, FullScan, list[Problem], list[Problem]], None]


def _label(key: str) -> str:
    return BY_KEY[key].label


def _state(endpoint: Endpoint, key: str, undetermined: list[Problem]) -> ProtocolState:
    state = endpoint.protocols[key]
    if state is ProtocolState.UNKNOWN:
        why = endpoint.probe.get(key) or "not tested"
        undetermined.append(Problem("protocol_unknown", f"{_label(key)} could not be tested: {why}", protocol=key))
    return state


def _tls12_accepted(endpoint: Endpoint, violations: list[Problem], undetermined: list[Problem]) -> None:
    if _state(endpoint, "tls1_2", undetermined) is ProtocolState.REJECTED:
        violations.append(Problem("tls1_2_not_accepted", "TLS 1.2 is not accepted", protocol="tls1_2"))


def _no_legacy(endpoint: Endpoint, violations: list[Problem], undetermined: list[Problem]) -> None:
    for key in LEGACY_KEYS:
        if _state(endpoint, key, undetermined) is ProtocolState.ACCEPTED:
            violations.append(Problem("legacy_protocol_accepted", f"{_label(key)} is accepted", protocol=key))


def _suites(endpoint: Endpoint, full: FullScan, key: str, undetermined: list[Problem]) -> tuple[Suite, ...]:
    """The accepted suites of one version; empty when the version is not accepted."""
    if endpoint.protocols[key] is not ProtocolState.ACCEPTED:
        return ()
    listed = full.cipher_suites.get(key)
    if listed is None:
        undetermined.append(Problem("suites_unknown", f"the {_label(key)} cipher suites could not be enumerated",
                                    protocol=key))
        return ()
    return listed


def _bsi_suites(endpoint: Endpoint, full: FullScan, violations: list[Problem], undetermined: list[Problem]) -> None:
    suites = _suites(endpoint, full, "tls1_2", undetermined)
    without_fs = tuple(s.name for s in suites if not s.forward_secret)
    not_aead = tuple(s.name for s in suites if not s.aead)
    if without_fs:
        violations.append(Problem("suite_without_forward_secrecy", "TLS 1.2 suites without forward secrecy: "
                                  + ", ".join(without_fs), protocol="tls1_2", suites=without_fs))
    if not_aead:
        violations.append(Problem("suite_not_aead", "TLS 1.2 suites without AEAD: " + ", ".join(not_aead),
                                  protocol="tls1_2", suites=not_aead))


def _mozilla_suites(endpoint: Endpoint, full: FullScan, violations: list[Problem],
                    undetermined: list[Problem]) -> None:
    for key, allowed in (("tls1_2", MOZILLA_TLS12_SUITES), ("tls1_3", MOZILLA_TLS13_SUITES)):
        suites = _suites(endpoint, full, key, undetermined)
        extra = tuple(s.name for s in suites if s.name not in allowed)
        if extra:
            violations.append(Problem("suite_not_allowed", f"{_label(key)} suites outside Mozilla intermediate: "
                                      + ", ".join(extra), protocol=key, suites=extra))
        weak = sorted({_weak_key(s.ephemeral_key) for s in suites if _weak_key(s.ephemeral_key)})
        if weak:
            violations.append(Problem("weak_key_exchange", f"{_label(key)} ephemeral keys below Mozilla "
                                      f"intermediate: {', '.join(weak)}", protocol=key))


def _weak_key(key: EphemeralKey | None) -> str:
    """'DH 1024' for a too-small ephemeral key, '' otherwise (X25519 counts as 256 bits, as in sslyze)."""
    if key is None:
        return ""
    size = 256 if key.curve == "X25519" else key.size
    limit = MOZILLA_MIN_DH_BITS if key.type == "DH" else MOZILLA_MIN_ECDH_BITS
    return f"{key.type} {key.size}" if size < limit else ""


def _mozilla_curves(_endpoint: Endpoint, full: FullScan, violations: list[Problem],
                    undetermined: list[Problem]) -> None:
    if full.curves is None:
        undetermined.append(Problem("curves_unknown", "the supported groups were not measured"))
        return
    extra = tuple(c for c in full.curves if c not in MOZILLA_CURVES)
    if extra:
        violations.append(Problem("curve_not_allowed", "groups outside Mozilla intermediate: " + ", ".join(extra),
                                  curves=extra))


def _mozilla_certificate(_endpoint: Endpoint, full: FullScan, violations: list[Problem],
                         undetermined: list[Problem]) -> None:
    cert = full.certificate
    if cert is None:
        undetermined.append(Problem("certificate_unknown", "the certificate was not analysed"))
        return
    checks = (
        (not cert.trusted, "certificate_not_trusted",
         f"the certificate chain is not trusted ({cert.validation_error or 'no trust store validated it'})"),
        (cert.key_type not in ("rsa", "ecdsa"), "certificate_key_type",
         f"the certificate key type is {cert.key_type}, not RSA or ECDSA"),
        (cert.key_type == "rsa" and (cert.key_size or 0) < MOZILLA_MIN_RSA_BITS, "certificate_key_too_small",
         f"the RSA key has {cert.key_size} bits, fewer than {MOZILLA_MIN_RSA_BITS}"),
        (cert.key_type == "ecdsa" and cert.key_curve not in MOZILLA_CERT_CURVES,
         "certificate_curve_not_allowed", f"the certificate curve is {cert.key_curve}"),
        (cert.signature_algorithm not in MOZILLA_CERT_SIGNATURES, "certificate_signature_not_allowed",
         f"the certificate is signed with {cert.signature_algorithm}"),
        (cert.lifespan_days > MOZILLA_MAX_LIFESPAN_DAYS, "certificate_lifespan_too_long",
         f"the certificate is valid for {cert.lifespan_days} days, more than {MOZILLA_MAX_LIFESPAN_DAYS}"),
    )
    violations.extend(Problem(code, message) for failed, code, message in checks if failed)


def _mozilla_features(_endpoint: Endpoint, full: FullScan, violations: list[Problem],
                      undetermined: list[Problem]) -> None:
    for value, key, code, message in (
        (full.fallback_scsv, "fallback_scsv", "no_fallback_scsv", "TLS_FALLBACK_SCSV is not supported"),
        (full.secure_renegotiation, "secure_renegotiation", "no_secure_renegotiation",
         "secure renegotiation is not supported"),
    ):
        if value is None:
            undetermined.append(Problem(f"{key}_unknown", f"{key} was not measured"))
        elif not value:
            violations.append(Problem(code, message))


def _needs_full(*rules: _FullRule) -> _Rule:
    """Rules that read full-depth data are undetermined at depth protocols, with one message instead of many."""

    def rule(endpoint: Endpoint, violations: list[Problem], undetermined: list[Problem]) -> None:
        if endpoint.full is None:
            undetermined.append(Problem("needs_full_depth", "cipher suites, groups and certificate are checked only "
                                        "at depth=full"))
            return
        for each in rules:
            each(endpoint, endpoint.full, violations, undetermined)

    return rule


RULES: dict[str, tuple[_Rule, ...]] = {
    "enable": (_tls12_accepted,),
    "enforce": (_no_legacy, _tls12_accepted),
    "bsi": (_no_legacy, _tls12_accepted, _needs_full(_bsi_suites)),
    "mozilla_intermediate": (_no_legacy, _tls12_accepted,
                             _needs_full(_mozilla_suites, _mozilla_curves, _mozilla_certificate, _mozilla_features)),
}
# The scan policies are the profiles that say what an endpoint must accept (os_default says nothing).
POLICIES = tuple(RULES)


def evaluate(endpoint: Endpoint, policy: str) -> Verdict:
    """The endpoint's verdict under ``policy``, from its probe results and, at depth full, its full data."""
    violations: list[Problem] = []
    undetermined: list[Problem] = []
    if endpoint.status is not EndpointStatus.OK:
        undetermined.append(Problem("not_scanned", f"the endpoint was not scanned (status {endpoint.status})"))
    else:
        for rule in RULES[policy]:
            rule(endpoint, violations, undetermined)
    return Verdict(policy, tuple(violations), tuple(undetermined))
