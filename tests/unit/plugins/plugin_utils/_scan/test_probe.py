"""How each way a handshake can end becomes a probe kind (sslyze's own exception types, a fake connection)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from nassl import _nassl
from nassl.ssl_client import ClientCertificateRequested
from sslyze.errors import (
    ConnectionToServerFailed,
    ConnectionToServerTimedOut,
    ServerRejectedConnection,
    ServerRejectedOpportunisticTlsNegotiation,
    ServerRejectedTlsHandshake,
    ServerTlsConfigurationNotSupported,
    TlsHandshakeTimedOut,
)

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan import probe as probe_module

CONN = probe_module.connection("localhost", 443, "127.0.0.1", "localhost", None, 2.0, 0)


def error(cls, message="x"):
    return cls(server_location=CONN.location, network_configuration=CONN.config, error_message=message)


ALERT_RECORD = bytes.fromhex("15030300020228")  # what a TLS server that refuses a hello sends


class FakeSocket:
    def __init__(self, reply):
        self.reply = reply

    def settimeout(self, _value):
        pass

    def gettimeout(self):
        return 2.0

    def recv(self, _size):
        return self.reply


class FakeClient:
    def __init__(self):
        self.cipher_list = None
        self.sock = None

    def set_underlying_socket(self, sock):
        self.sock = sock

    def set_cipher_list(self, value):
        self.cipher_list = value

    def set_ciphersuites(self, value):
        self.cipher_list = value

    def get_current_cipher_name(self):
        return "ECDHE-RSA-AES128-GCM-SHA256"


class FakeConnection:
    """Stands in for SslConnection: records how it was built, ends the way the test says."""

    outcomes: ClassVar[list] = []
    built: ClassVar[list] = []
    reply: ClassVar[bytes] = ALERT_RECORD

    def __init__(self, location, config, tls_version, should_ignore_client_auth, should_enable_server_name_indication):
        self.ssl_client = FakeClient()
        FakeConnection.built.append((tls_version.name, should_enable_server_name_indication, self.ssl_client))

    def connect(self, should_retry_connection):
        assert should_retry_connection is False
        self.ssl_client.set_underlying_socket(FakeSocket(FakeConnection.reply))
        self.ssl_client.sock.recv(4096)  # as nassl reads the server's first reply
        outcome = FakeConnection.outcomes.pop(0)
        if outcome is not None:
            raise outcome

    def close(self):
        raise OSError("closing a broken connection may fail too")


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(probe_module, "SslConnection", FakeConnection)
    FakeConnection.outcomes = []
    FakeConnection.built = []
    FakeConnection.reply = ALERT_RECORD
    return FakeConnection


@pytest.mark.parametrize("outcome, kind, detail", [
    (None, "accepted", "ECDHE-RSA-AES128-GCM-SHA256"),
    (ClientCertificateRequested([]), "accepted", "the server asks for a client certificate"),
    (error(ServerTlsConfigurationNotSupported, "DH key too small"), "accepted",
     "a DHE suite was chosen (DH key too small)"),
    (error(ServerRejectedTlsHandshake, "TLS alert: protocol version "), "alert", "TLS alert: protocol version"),
    (error(ServerRejectedTlsHandshake, "TLS error: wrong version number"), "refused",
     "TLS error: wrong version number"),
    (error(ServerRejectedTlsHandshake, "Server interrupted the TLS handshake"), "refused",
     "Server interrupted the TLS handshake"),
    (error(TlsHandshakeTimedOut), "timeout", "no answer within 2.0 s"),
    (error(ConnectionToServerTimedOut), "timeout", "no answer within 2.0 s"),
    (error(ServerRejectedConnection), "unreachable", "connection refused"),
    (error(ServerRejectedOpportunisticTlsNegotiation, "Server does not support STARTTLS with SMTP"),
     "starttls_failed", "STARTTLS failed: Server does not support STARTTLS with SMTP"),
    (error(ConnectionToServerFailed, "Connection to the server failed"), "unreachable",
     "Connection to the server failed"),
    (_nassl.OpenSSLError("error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate"), "alert",
     "error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate"),
    (_nassl.OpenSSLError("error:1408F10B:SSL routines:ssl3_get_record:unknown protocol"), "refused",
     "error:1408F10B:SSL routines:ssl3_get_record:unknown protocol"),
    (RuntimeError("surprise"), "error", "RuntimeError: surprise"),
])
def test_each_ending_becomes_a_kind(fake, outcome, kind, detail):
    fake.outcomes = [outcome]
    assert probe_module.probe(CONN, "tls1_2", retries=0) == probe_module.Probe(kind, detail)


def test_an_alert_message_without_a_tls_record_in_the_reply_is_no_tls(fake):
    # sslyze words OpenSSL's SSL 2.0 "illegal padding" on random bytes as "TLS alert: Illegal padding" (D24).
    fake.reply = bytes(range(200, 216))
    fake.outcomes = [error(ServerRejectedTlsHandshake, "TLS alert: Illegal padding")]
    assert probe_module.probe(CONN, "ssl2_0", retries=0).kind == "refused"


@pytest.mark.parametrize("version, sslyze_version, ciphers", [
    ("ssl2_0", "SSL_2_0", "SSLv2"), ("ssl3_0", "SSL_3_0", "ALL:COMPLEMENTOFALL:-PSK:-SRP"),
    ("tls1_0", "TLS_1_0", "ALL:COMPLEMENTOFALL:-PSK:-SRP"), ("tls1_2", "TLS_1_2", "ALL:COMPLEMENTOFALL:-PSK:-SRP"),
    ("tls1_3", "TLS_1_3", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
                          "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"),
])
def test_one_hello_offers_every_suite_of_its_version(fake, version, sslyze_version, ciphers):
    fake.outcomes = [None]
    probe_module.probe(CONN, version, retries=0)
    [(name, _sni, client)] = fake.built
    assert (name, client.cipher_list) == (sslyze_version, ciphers)


def test_sni_is_sent_only_when_the_target_has_a_name(fake):
    fake.outcomes = [None, None]
    probe_module.probe(CONN, "tls1_2", retries=0)
    no_name = probe_module.connection("127.0.0.1", 443, "127.0.0.1", None, None, 2.0, 0)
    probe_module.probe(no_name, "tls1_2", retries=0)
    assert [sni for _name, sni, _client in fake.built] == [True, False]
    assert no_name.config.tls_server_name_indication == "127.0.0.1"  # only names the address for validation


def test_timeouts_and_errors_are_retried_answers_are_not(fake):
    fake.outcomes = [error(TlsHandshakeTimedOut), RuntimeError("flaky"), None]
    assert probe_module.probe(CONN, "tls1_2", retries=2).kind == "accepted"
    fake.outcomes = [error(TlsHandshakeTimedOut), error(TlsHandshakeTimedOut)]
    assert probe_module.probe(CONN, "tls1_2", retries=1).kind == "timeout"
    fake.outcomes = [error(ServerRejectedTlsHandshake, "TLS alert: protocol version"), None]
    assert probe_module.probe(CONN, "tls1_2", retries=3).kind == "alert"
    assert fake.outcomes == [None]


def test_starttls_names_map_to_sslyze():
    conn = probe_module.connection("mail.example", 25, "10.0.0.1", "mail.example", "xmpp_server", 5.0, 1)
    assert conn.config.tls_opportunistic_encryption.name == "XMPP_SERVER"
    assert conn.config.network_max_retries == 2


@pytest.mark.parametrize("version, warned", [("6.3.1", False), ("6.4.0", False), ("6.2.0", True), ("7.0.0", True)])
def test_version_warning(monkeypatch, version, warned):
    monkeypatch.setattr(probe_module, "SSLYZE_VERSION", version)
    assert (probe_module.sslyze_version_warning() is not None) is warned
