# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fast path: one handshake per protocol version through sslyze's ``SslConnection``.

sslyze's own protocol commands try every cipher suite in a separate handshake (about 400 per endpoint); a
version is accepted as soon as one suite is, so a single hello offering every suite the bundled OpenSSL can
express answers the same question (research §2.4-2.5). ``SslConnection`` picks the legacy OpenSSL 1.0.2 for
SSL 2.0-TLS 1.1 and 1.1.1 for TLS 1.2/1.3, and runs the STARTTLS dialogue. It is not part of sslyze's
documented API, hence the pinned sslyze series (see ``SUPPORTED_SSLYZE``; before 6.3 the SMTP dialogue broke on
replies split across segments and certificates of address-only targets were checked against the IP as a DNS
name).
"""

from __future__ import annotations

import contextlib
import socket
import time
from dataclasses import dataclass
from typing import cast

from .deadlines import AttemptDeadline, attempt_seconds
from .guarded_socket import GuardedSocket, is_tls_reply
from .outcomes import Probe

try:
    from nassl import _nassl
    from nassl.ssl_client import ClientCertificateRequested, SslClient
    from sslyze import ProtocolWithOpportunisticTlsEnum, ServerNetworkConfiguration, ServerNetworkLocation
    from sslyze.__version__ import __version__ as SSLYZE_VERSION
    from sslyze.connection_helpers.tls_connection import NoCiphersAvailableBugInSSlyze, SslConnection
    from sslyze.errors import (
        ConnectionToServerFailed,
        ConnectionToServerTimedOut,
        ServerRejectedConnection,
        ServerRejectedOpportunisticTlsNegotiation,
        ServerRejectedTlsHandshake,
        ServerTlsConfigurationNotSupported,
        TlsHandshakeTimedOut,
    )
    from sslyze.server_connectivity import TlsVersionEnum
except ImportError as err:
    SSLYZE_IMPORT_ERROR: ImportError | None = err
    SSLYZE_VERSION = "not installed"
else:
    SSLYZE_IMPORT_ERROR = None

SUPPORTED_SSLYZE = ((6, 3), (7, 0))
_EVERY_SUITE = "ALL:COMPLEMENTOFALL:-PSK:-SRP"  # what sslyze itself offers when probing (F5 workaround aside)
# OpenSSL offers only the first three TLS 1.3 suites by default; sslyze's TLS 1.3 command tries all five.
_EVERY_TLS13_SUITE = ("TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
                      "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256")
_VERSIONS = {"ssl2_0": "SSL_2_0", "ssl3_0": "SSL_3_0", "tls1_0": "TLS_1_0", "tls1_1": "TLS_1_1", "tls1_2": "TLS_1_2",
             "tls1_3": "TLS_1_3"}


def sslyze_problem() -> str | None:
    """Why sslyze cannot be used, or None."""
    if SSLYZE_IMPORT_ERROR is not None:
        return (f"tls_scan needs the Python package sslyze (>=6.3,<7) where Ansible runs on the controller: "
                f"{SSLYZE_IMPORT_ERROR}")
    return None


def sslyze_version_warning() -> str | None:
    parts = tuple(int(p) for p in str(SSLYZE_VERSION).split(".")[:2] if p.isdigit())
    low, high = SUPPORTED_SSLYZE
    if low <= parts < high:
        return None
    return (f"sslyze {SSLYZE_VERSION} is outside the tested range >=6.3,<7; the protocol probe uses its "
            "internals and may misjudge endpoints")


@dataclass(frozen=True)
class Connection:
    """How to reach one endpoint, in sslyze's terms."""

    location: ServerNetworkLocation
    config: ServerNetworkConfiguration
    send_sni: bool


def connection(host: str, port: int, ip: str, sni: str | None, starttls: str | None, timeout: float,
               retries: int) -> Connection:
    location = ServerNetworkLocation(hostname=host, port=port, ip_address=ip)
    config = ServerNetworkConfiguration(
        # sslyze wants a string here; when no SNI is sent it only names the address for certificate validation.
        tls_server_name_indication=sni or ip,
        tls_opportunistic_encryption=ProtocolWithOpportunisticTlsEnum[starttls.upper()] if starttls else None,
        network_timeout=timeout,  # type: ignore[arg-type]  # annotated int, used as a socket timeout (float)
        network_max_retries=retries + 1,
    )
    return Connection(location, config, sni is not None)


def probe(conn: Connection, version: str, retries: int, deadline: float | None = None) -> Probe:
    """One version's verdict; timeouts and unexpected errors are tried ``retries`` more times.

    Every attempt ends by ``attempt_seconds`` after it starts, and none runs past ``deadline`` (the
    endpoint's, a ``time.monotonic()`` value). The connect and a STARTTLS dialogue are bounded too when the scan
    runs inside ``deadlines.guarded_sockets`` (``engine.scan`` does).
    """
    result = _handshake(conn, version, deadline)
    for _attempt in range(retries):
        if result.kind not in ("timeout", "error"):
            break
        result = _handshake(conn, version, deadline)
    return result


def _handshake(conn: Connection, version: str, deadline: float | None) -> Probe:
    timeout = float(conn.config.network_timeout)
    started = time.monotonic()
    until = started + attempt_seconds(timeout)
    if deadline is not None:
        if deadline <= time.monotonic():
            return Probe("timeout", "the endpoint's deadline passed before this probe could start")
        until = min(until, deadline)
    tls_version = TlsVersionEnum[_VERSIONS[version]]
    try:
        ssl_connection = SslConnection(conn.location, conn.config, tls_version, should_ignore_client_auth=True,
                                       should_enable_server_name_indication=conn.send_sni)
    except Exception as err:  # a client that cannot be built is this probe's error, never the task's
        return Probe("error", f"{type(err).__name__}: {err}")
    if tls_version is TlsVersionEnum.SSL_2_0:
        ssl_connection.ssl_client.set_cipher_list("SSLv2")
    elif tls_version is TlsVersionEnum.TLS_1_3:
        # sslyze builds TLS 1.3 connections on the modern client, the only one with set_ciphersuites.
        cast(SslClient, ssl_connection.ssl_client).set_ciphersuites(_EVERY_TLS13_SUITE)
    else:
        ssl_connection.ssl_client.set_cipher_list(_EVERY_SUITE)
    guards: list[GuardedSocket] = []
    hand_over = ssl_connection.ssl_client.set_underlying_socket

    def guarded(sock: object) -> None:
        guard = sock if isinstance(sock, GuardedSocket) else GuardedSocket(cast(socket.socket, sock), until)
        guard.start_evidence()
        guards.append(guard)
        hand_over(cast(socket.socket, guard))

    # sslyze opens the socket inside connect(); on hand-over to nassl the TLS part begins, whose first bytes
    # are the evidence. Outside guarded_sockets this wrap is what bounds the handshake's reads.
    setattr(ssl_connection.ssl_client, "set_underlying_socket", guarded)  # noqa: B010
    try:
        with AttemptDeadline(until):
            ssl_connection.connect(should_retry_connection=False)
        return Probe("accepted", ssl_connection.ssl_client.get_current_cipher_name())
    except ClientCertificateRequested:
        return Probe("accepted", "the server asks for a client certificate")
    except ServerTlsConfigurationNotSupported as err:  # raised in a handshake only for "dh key too small"
        return Probe("accepted", f"a DHE suite was chosen ({err.error_message})")
    except ServerRejectedTlsHandshake as err:
        return _rejected(err.error_message, guards)
    except (TlsHandshakeTimedOut, ConnectionToServerTimedOut):
        if time.monotonic() < until - 0.05:
            return Probe("timeout", f"no answer within {timeout} s")
        if deadline is not None and until >= deadline:
            return Probe("timeout", "the endpoint's deadline passed during the handshake")
        return Probe("timeout", f"no complete handshake within {attempt_seconds(timeout)} s (a peer that trickles)")
    except ServerRejectedConnection:
        return Probe("unreachable", "connection refused")
    except ServerRejectedOpportunisticTlsNegotiation as err:
        if time.monotonic() >= until - 0.05:  # smtplib words a read past the deadline as a disconnect
            return Probe("timeout", f"the STARTTLS dialogue did not end within {until - started:.1f} s "
                                    "(a peer that trickles)")
        return Probe("starttls_failed", f"STARTTLS failed: {err.error_message}")
    except ConnectionToServerFailed as err:
        return Probe("unreachable", err.error_message)
    except _nassl.OpenSSLError as err:
        return _rejected(str(err.args[0]) if err.args else str(err), guards)
    except NoCiphersAvailableBugInSSlyze as err:
        return Probe("error", str(err))
    except Exception as err:  # one endpoint's surprise must not end the scan of the others
        return Probe("error", f"{type(err).__name__}: {err}")
    finally:
        with contextlib.suppress(Exception):  # closing a half-open connection may fail; nothing is left to do
            ssl_connection.close()


def _rejected(message: str, guards: list[GuardedSocket]) -> Probe:
    """A TLS alert proves the server speaks TLS, but only when the reply began with a well-formed TLS record:
    sslyze words some OpenSSL errors on garbage as "TLS alert" too. Anything else (reset, other bytes) does not.
    """
    evidence = any(is_tls_reply(guard.first_bytes) for guard in guards)
    return Probe("alert" if evidence and "alert" in message.lower() else "refused", message.strip())
