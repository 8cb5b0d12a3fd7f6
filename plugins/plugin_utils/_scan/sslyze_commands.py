# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Depth ``full``: sslyze's scan commands, limited to what the probe left open.

Every accepted suite per version (with its key exchange), the supported groups, the certificate chain and
its validation, TLS_FALLBACK_SCSV and secure renegotiation. Suite enumeration runs only for the versions the
probe found accepted or could not decide: enumerating a version the server refused costs up to 156
handshakes to learn nothing new.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import iana_suites as facts
from .deadlines import guarded_sockets
from .model import Certificate, EphemeralKey, FullScan, Suite
from .outcomes import PROTOCOL_KEYS
from .probe import Connection
from .targets import is_ip

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.utils import CryptographyDeprecationWarning
    from nassl.ephemeral_key_info import EcDhEphemeralKeyInfo
    from sslyze import (
        CertificateInfoExtraArgument,
        ScanCommand,
        ScanCommandAttemptStatusEnum,
        ScanCommandsExtraArguments,
        Scanner,
        ServerScanRequest,
        ServerScanStatusEnum,
    )
    from sslyze.connection_helpers.tls_connection import SslConnection
except ImportError:
    pass  # probe.sslyze_problem() reports it before anything here runs

_SUITE_COMMANDS = {"ssl2_0": "SSL_2_0_CIPHER_SUITES", "ssl3_0": "SSL_3_0_CIPHER_SUITES",
                   "tls1_0": "TLS_1_0_CIPHER_SUITES", "tls1_1": "TLS_1_1_CIPHER_SUITES",
                   "tls1_2": "TLS_1_2_CIPHER_SUITES", "tls1_3": "TLS_1_3_CIPHER_SUITES"}
_OTHER_COMMANDS = ("CERTIFICATE_INFO", "ELLIPTIC_CURVES", "TLS_FALLBACK_SCSV", "SESSION_RENEGOTIATION")


def ca_file_problem(path: str) -> str | None:
    """Why ``path`` cannot serve as the trust store for certificate validation, or None."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return f"cannot read {path}: {err.strerror}"
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError:
        return f"{path} holds no PEM certificate"
    return None


@dataclass(frozen=True)
class FullRequest:
    key: int  # the endpoint's index in the scan
    conn: Connection
    enumerate: tuple[str, ...]  # protocol keys whose suites to list
    rejected: tuple[str, ...]  # protocol keys the probe saw refused: nothing to list (others not listed stay unknown)


def _location(conn: Connection) -> tuple[str, str, int]:
    return conn.location.hostname, str(conn.location.ip_address), conn.location.port


def scan_full(requests: list[FullRequest], ca_file: str | None, per_endpoint: int, concurrency: int,
              budget: float, done: Callable[[int, FullScan], None]) -> None:
    """Call ``done(key, full)`` as each endpoint finishes.

    Every handshake ends within the probe's attempt limit, and every endpoint's whole scan within ``budget``
    seconds from its first connection (campaign D23); an endpoint cut short says so in ``scan_errors.deadline``.
    Targets with the same name, address and port share one budget.
    """
    if not requests:
        return
    certificate = CertificateInfoExtraArgument(custom_ca_file=Path(ca_file)) if ca_file else None
    extra = ScanCommandsExtraArguments(certificate_info=certificate)
    by_uuid: dict = {}
    scan_requests = []
    for request in requests:
        commands = {ScanCommand[_SUITE_COMMANDS[k]] for k in request.enumerate}
        commands.update(ScanCommand[name] for name in _OTHER_COMMANDS)
        scan_request = ServerScanRequest(server_location=request.conn.location,
                                         network_configuration=request.conn.config,
                                         scan_commands=commands, scan_commands_extra_arguments=extra)
        by_uuid[scan_request.uuid] = request
        scan_requests.append(scan_request)
    scanner = Scanner(per_server_concurrent_connections_limit=per_endpoint,
                      concurrent_server_scans_limit=max(1, concurrency // per_endpoint))
    budgets = {_location(request.conn): budget for request in requests}
    with _no_ip_literal_sni(), guarded_sockets(budgets) as deadlines, warnings.catch_warnings():
        # sslyze's bundled trust stores hold old roots that cryptography warns about on every load.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        scanner.queue_scans(scan_requests)
        for result in scanner.get_results():
            request = by_uuid[result.uuid]
            full = _convert(result, request)
            if _location(request.conn) in deadlines.spent():
                full = replace(full, scan_errors={**full.scan_errors, "deadline": (
                    f"the full scan did not end within its {budget:.0f} s budget; the parts without a result were "
                    "cut short")})
            done(request.key, full)


@contextlib.contextmanager
def _no_ip_literal_sni() -> Iterator[None]:
    """Keep sslyze from sending an IP address as SNI while the scanner runs.

    sslyze puts its SNI setting into every handshake; for a target given only as an address that setting
    holds the address (it also tells the certificate check which name to expect). RFC 6066 forbids IP
    literals in SNI and strict servers refuse such hellos, which turns accepted versions into false "rejected"
    (research §2.6). sslyze has no switch for it, so every connection it builds during the scan gets SNI off
    when the name is an address; the original constructor is put back afterwards.
    """
    original = SslConnection.__init__

    def init(self, *args, **kwargs):
        config = kwargs.get("network_configuration", args[1] if len(args) > 1 else None)
        if config is not None and is_ip(config.tls_server_name_indication):
            kwargs["should_enable_server_name_indication"] = False
        original(self, *args, **kwargs)

    SslConnection.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        SslConnection.__init__ = original  # type: ignore[method-assign]


def _attempt_error(attempt) -> str:
    reason = attempt.error_reason.value if attempt.error_reason else "error"
    trace = attempt.error_trace
    detail = f"{trace.exc_type.__name__}: {trace}".strip() if trace is not None else ""
    return f"{reason}: {detail}" if detail else reason


def _convert(result, request: FullRequest) -> FullScan:
    errors: dict[str, str] = {}
    if result.scan_status != ServerScanStatusEnum.COMPLETED:
        trace = result.connectivity_error_trace
        errors["connectivity"] = f"{trace.exc_type.__name__}: {trace}" if trace else "no connectivity"
        return FullScan(dict.fromkeys(PROTOCOL_KEYS), None, None, None, None, errors)
    scan = result.scan_result
    suites: dict[str, tuple[Suite, ...] | None] = {}
    for key in PROTOCOL_KEYS:
        attempt = getattr(scan, ScanCommand[_SUITE_COMMANDS[key]].value)
        suites[key] = None
        if attempt.status == ScanCommandAttemptStatusEnum.COMPLETED:
            suites[key] = tuple(_suite(s) for s in attempt.result.accepted_cipher_suites)
        elif attempt.status == ScanCommandAttemptStatusEnum.ERROR:
            errors[key] = _attempt_error(attempt)
        elif key in request.rejected:
            suites[key] = ()
    # scan_errors names the failed commands in this order.
    curves = _completed(scan, "ELLIPTIC_CURVES", "curves", errors)
    certificate = _completed(scan, "CERTIFICATE_INFO", "certificate", errors)
    fallback = _completed(scan, "TLS_FALLBACK_SCSV", "fallback_scsv", errors)
    renegotiation = _completed(scan, "SESSION_RENEGOTIATION", "secure_renegotiation", errors)
    return FullScan(
        cipher_suites=suites,
        curves=None if curves is None else tuple(sorted(c.name for c in curves.supported_curves or ())),
        fallback_scsv=None if fallback is None else fallback.supports_fallback_scsv,
        secure_renegotiation=None if renegotiation is None else renegotiation.supports_secure_renegotiation,
        certificate=None if certificate is None else _certificate(certificate, request),
        scan_errors=errors,
    )


def _completed(scan, command: str, key: str, errors: dict[str, str]) -> Any:
    """The command's result, or None with the reason recorded in ``errors`` under ``key``."""
    attempt = getattr(scan, ScanCommand[command].value)
    if attempt.status == ScanCommandAttemptStatusEnum.COMPLETED:
        return attempt.result
    errors[key] = _attempt_error(attempt)
    return None


def _suite(accepted) -> Suite:
    name = accepted.cipher_suite.name
    key = accepted.ephemeral_key
    ephemeral = None
    if key is not None:
        ephemeral = EphemeralKey(key.type_name, key.size,
                                 key.curve_name if isinstance(key, EcDhEphemeralKeyInfo) else None)
    kind = ephemeral.type if ephemeral else None
    return Suite(name=name, openssl_name=accepted.cipher_suite.openssl_name,
                 key_exchange=facts.key_exchange(name, kind), forward_secret=facts.forward_secret(name, kind),
                 aead=facts.aead(name), anonymous=accepted.cipher_suite.is_anonymous,
                 key_size=accepted.cipher_suite.key_size, ephemeral_key=ephemeral)


def _key(public_key) -> tuple[str, int | None, str | None]:
    if isinstance(public_key, rsa.RSAPublicKey):
        return "rsa", public_key.key_size, None
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "ecdsa", public_key.key_size, public_key.curve.name
    if isinstance(public_key, dsa.DSAPublicKey):
        return "dsa", public_key.key_size, None
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "ed25519", 256, None
    if isinstance(public_key, ed448.Ed448PublicKey):
        return "ed448", 456, None
    return type(public_key).__name__, None, None


def _names(leaf) -> tuple[str, ...]:
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return (*san.get_values_for_type(x509.DNSName), *(str(a) for a in san.get_values_for_type(x509.IPAddress)))


def _certificate(info, request: FullRequest) -> Certificate | None:
    """The certificate a default client gets (the first deployment), and whether any trust store accepts it."""
    if not info.certificate_deployments:
        return None
    deployment = info.certificate_deployments[0]
    leaf = deployment.received_certificate_chain[0]
    key_type, key_size, key_curve = _key(leaf.public_key())
    results = deployment.path_validation_results
    trusted_by = tuple(r.trust_store.name for r in results if r.was_validation_successful)
    supplied = [r for r in results if r.trust_store.name == "Supplied CA file"]
    error = None if trusted_by else next((r.validation_error for r in supplied or results), None)
    oid = leaf.signature_algorithm_oid
    return Certificate(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        serial=format(leaf.serial_number, "x"),
        not_before=leaf.not_valid_before_utc.isoformat(),
        not_after=leaf.not_valid_after_utc.isoformat(),
        lifespan_days=(leaf.not_valid_after_utc - leaf.not_valid_before_utc).days,
        sha256=leaf.fingerprint(hashes.SHA256()).hex(),
        names=_names(leaf),
        key_type=key_type,
        key_size=key_size,
        key_curve=key_curve,
        signature_algorithm=getattr(oid, "_name", oid.dotted_string),  # the name sslyze's Mozilla checker uses
        chain_length=len(deployment.received_certificate_chain),
        validated_for=request.conn.config.tls_server_name_indication,
        trusted=bool(trusted_by),
        trusted_by=trusted_by,
        validation_error=error,
        deployments=len(info.certificate_deployments),
    )
