# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real TLS servers on 127.0.0.1 for the tls_scan tests: a two-level test PKI, ``openssl s_server`` processes
and the Python servers of ``tls_servers_python.py``, each started as its own process and stopped by its id.

sslyze 6 validates chains with cryptography's verifier, which refuses a self-signed leaf (``CA:TRUE``), hence
the CA + leaf pair (research §1.5).
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "127.0.0.1"
PYTHON_SERVERS = Path(__file__).with_name("tls_servers_python.py")


@dataclass(frozen=True)
class Pki:
    ca: Path
    cert: Path  # the leaf alone
    chain: Path  # the leaf followed by the CA, as servers send it
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_pki(directory: Path, days: int = 30) -> Pki:
    """A test CA and a leaf for localhost / 127.0.0.1 signed by it (RSA 2048, SHA-256)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(_name("tlsguard test CA")).issuer_name(_name("tlsguard test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pki = Pki(directory / "ca.pem", directory / "leaf.pem", directory / "leaf-chain.pem", directory / "leaf.key")
    pki.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    pki.chain.write_bytes(pki.cert.read_bytes() + pki.ca.read_bytes())
    pki.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
    return pki


def free_port() -> int:
    """A port nothing listens on right now (also what a 'closed port' target uses)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start listening")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop this server by its process id: terminate, then kill if it does not go."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_openssl(name: str, pki: Pki, *options: str) -> Server:
    """``openssl s_server -www`` with the test leaf; options choose versions and suites."""
    port = free_port()
    cmd = ["openssl", "s_server", "-accept", f"{HOST}:{port}", "-cert", str(pki.cert), "-cert_chain", str(pki.ca),
           "-key", str(pki.key),
           "-www", "-quiet", *options]
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(name, port, process)
    try:
        _wait_listening(port, process)
    except RuntimeError:
        server.stop()
        raise
    return server


def start_python(name: str, kind: str, pki: Pki, *options: str) -> Server:
    """One of tls_servers_python.py's servers; it binds a free port itself and prints it."""
    cmd = [sys.executable, str(PYTHON_SERVERS), kind, "--cert", str(pki.chain), "--key", str(pki.key), *options]
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    line = process.stdout.readline() if process.stdout else ""
    if not line.strip().isdigit():
        Server(name, 0, process).stop()
        raise RuntimeError(f"{kind} server did not report its port (got {line!r})")
    server = Server(name, int(line), process)
    _wait_listening(server.port, process)
    return server
