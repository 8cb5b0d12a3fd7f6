# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a scan measured and concluded about each endpoint, as frozen values built once.

``to_json()`` gives the documented shape (RETURN in plugins/modules/tls_scan.yml); the scan calls it once, when
it hands its result over. Like sslyze's own results, the values are typed; unlike them they carry only what
the verdict and the documented result need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .outcomes import EndpointStatus, ProtocolState

FULL_KEYS = ("cipher_suites", "curves", "fallback_scsv", "secure_renegotiation", "certificate", "scan_errors")


@dataclass(frozen=True)
class EphemeralKey:
    """The (EC)DH key the server chose in one handshake."""

    type: str  # DH or ECDH
    size: int
    curve: str | None  # ECDH only

    def to_json(self) -> dict:
        return {"type": self.type, "size": self.size, "curve": self.curve}


@dataclass(frozen=True)
class Suite:
    """One accepted cipher suite, by its IANA name."""

    name: str
    openssl_name: str
    key_exchange: str
    forward_secret: bool
    aead: bool
    anonymous: bool
    key_size: int
    ephemeral_key: EphemeralKey | None

    def to_json(self) -> dict:
        return {"name": self.name, "openssl_name": self.openssl_name, "key_exchange": self.key_exchange,
                "forward_secret": self.forward_secret, "aead": self.aead, "anonymous": self.anonymous,
                "key_size": self.key_size,
                "ephemeral_key": None if self.ephemeral_key is None else self.ephemeral_key.to_json()}


@dataclass(frozen=True)
class Certificate:
    """The leaf a default client receives, and whether any trust store validates its chain."""

    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    lifespan_days: int
    sha256: str
    names: tuple[str, ...]
    key_type: str
    key_size: int | None
    key_curve: str | None
    signature_algorithm: str
    chain_length: int
    validated_for: str
    trusted: bool
    trusted_by: tuple[str, ...]
    validation_error: str | None
    deployments: int

    def to_json(self) -> dict:
        return {"subject": self.subject, "issuer": self.issuer, "serial": self.serial, "not_before": self.not_before,
                "not_after": self.not_after, "lifespan_days": self.lifespan_days, "sha256": self.sha256,
                "names": list(self.names), "key_type": self.key_type, "key_size": self.key_size,
                "key_curve": self.key_curve, "signature_algorithm": self.signature_algorithm,
                "chain_length": self.chain_length, "validated_for": self.validated_for, "trusted": self.trusted,
                "trusted_by": list(self.trusted_by), "validation_error": self.validation_error,
                "deployments": self.deployments}


@dataclass(frozen=True)
class FullScan:
    """What depth ``full`` measured; None wherever sslyze could not tell (``scan_errors`` says why)."""

    cipher_suites: Mapping[str, tuple[Suite, ...] | None]  # every protocol key; None: not enumerated
    curves: tuple[str, ...] | None
    fallback_scsv: bool | None
    secure_renegotiation: bool | None
    certificate: Certificate | None
    scan_errors: Mapping[str, str]

    def to_json(self) -> dict:
        return {
            "cipher_suites": {key: None if suites is None else [s.to_json() for s in suites]
                              for key, suites in self.cipher_suites.items()},
            "curves": None if self.curves is None else list(self.curves),
            "fallback_scsv": self.fallback_scsv,
            "secure_renegotiation": self.secure_renegotiation,
            "certificate": None if self.certificate is None else self.certificate.to_json(),
            "scan_errors": dict(self.scan_errors),
        }


@dataclass(frozen=True)
class Problem:
    """A violation or an undetermined rule; the optional fields name what it is about, when it is about one."""

    code: str
    message: str
    protocol: str | None = None
    suites: tuple[str, ...] | None = None
    curves: tuple[str, ...] | None = None

    def to_json(self) -> dict:
        about = {"protocol": self.protocol, "suites": None if self.suites is None else list(self.suites),
                 "curves": None if self.curves is None else list(self.curves)}
        return {"code": self.code, "message": self.message, **{k: v for k, v in about.items() if v is not None}}


@dataclass(frozen=True)
class Verdict:
    policy: str
    violations: tuple[Problem, ...]
    undetermined: tuple[Problem, ...]

    @property
    def compliant(self) -> bool | None:
        """False with any violation, None when something is undetermined, True otherwise."""
        return False if self.violations else (None if self.undetermined else True)

    def to_json(self) -> dict:
        return {"policy": self.policy, "compliant": self.compliant,
                "violations": [p.to_json() for p in self.violations],
                "undetermined": [p.to_json() for p in self.undetermined]}


@dataclass(frozen=True)
class Endpoint:
    """One scanned endpoint: first what the probes found, then (replaced, never changed) full data and verdict."""

    target: str
    name: str
    host: str
    ip: str | None
    port: int
    sni: str | None
    starttls: str | None
    status: EndpointStatus
    error: str | None  # why the status is not ok
    protocols: Mapping[str, ProtocolState]  # every protocol key
    probe: Mapping[str, str | None]  # each version's probe detail; None: not probed
    duration: float
    full: FullScan | None = None
    verdict: Verdict | None = None

    @property
    def compliant(self) -> bool | None:
        """The verdict's; None until judged, as missing evidence never counts as compliant."""
        return None if self.verdict is None else self.verdict.compliant

    def to_json(self, full_depth: bool = False) -> dict:
        """``full_depth``: the scan ran at depth full, so the full keys appear (null when not scanned that deep)."""
        data = {"target": self.target, "name": self.name, "host": self.host, "ip": self.ip, "port": self.port,
                "sni": self.sni, "starttls": self.starttls, "status": self.status.value, "error": self.error,
                "protocols": {key: state.value for key, state in self.protocols.items()},
                "probe": dict(self.probe), "duration": round(self.duration, 3)}
        if self.full is not None:
            data.update(self.full.to_json())
        elif full_depth:
            data.update(dict.fromkeys(FULL_KEYS))
        data["verdict"] = None if self.verdict is None else self.verdict.to_json()
        return data
