"""tls_scan against real TLS servers on 127.0.0.1: the integration target through the real ansible-playbook, and
what only the servers' own logs can show (the SNI they received, how many connections they saw at once).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.engine import ScanOptions, scan
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets
from ansible_collections.tlsguard.windows.tests.harness.runner import run_target
from ansible_collections.tlsguard.windows.tests.harness.tls_servers import (
    Pki,
    Server,
    free_port,
    make_pki,
    start_openssl,
    start_python,
)

# Mozilla intermediate 5.7 for OpenSSL servers (research §2.7).
MOZILLA_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                   "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                   "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305")
LEGACY = "DEFAULT:@SECLEVEL=0"  # OpenSSL 3 refuses TLS < 1.2 at security level 1 and above


@dataclass
class Lab:
    pki: Pki
    ports: dict[str, int]
    directory: Path


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    directory = tmp_path_factory.mktemp("tls_scan")
    pki = make_pki(directory / "pki")
    servers: list[Server] = []
    try:
        for name, options in (
            ("modern", ("-min_protocol", "TLSv1.2")),
            ("legacy", ("-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2", "-cipher", LEGACY)),
            ("tls11", ("-tls1_1", "-cipher", LEGACY)),
            ("tls13", ("-tls1_3",)),
            ("nonpfs", ("-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256")),
            ("mozilla", ("-min_protocol", "TLSv1.2", "-cipher", MOZILLA_CIPHERS, "-groups", "X25519:P-256:P-384")),
        ):
            servers.append(start_openssl(name, pki, *options))
        servers.append(start_python("smtp", "smtp", pki))
        servers.append(start_python("plain", "plain", pki))
        servers.append(start_python("silent", "silent", pki))
        servers.append(start_python("sni", "sni", pki, "--log", str(directory / "sni.log")))
        ports = {s.name: s.port for s in servers}
        ports["closed"] = free_port()
        yield Lab(pki, ports, directory)
    finally:
        for server in servers:
            server.stop()


def test_target_through_ansible_playbook(lab):
    extra = lab.directory / "vars.json"
    extra.write_text(json.dumps({"tls_scan_ports": lab.ports, "tls_scan_ca_file": str(lab.pki.ca)}))
    result = run_target("tls_scan", extra_args=["-e", f"@{extra}", "-v"])
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert "failed=0" in result.stdout
    # -v prints a progress line per endpoint as it finishes, while the task runs; on stderr (D25).
    assert "tls_scan [9/9] " in result.stderr
    assert re.search(r"tls_scan \[[12]/2\] legacy: ok, accepts tls1_0, tls1_1, tls1_2; compliant", result.stderr)


def _sni_server(lab: Lab, name: str, delay: float) -> tuple[Server, Path]:
    log = lab.directory / f"{name}.log"
    return start_python(name, "sni", lab.pki, "--log", str(log), "--delay", str(delay)), log


def _log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("depth", ["protocols", "full"])
def test_an_address_target_never_sends_the_address_as_sni(lab, depth):
    server, log = _sni_server(lab, f"sni-{depth}", 0.0)
    try:
        [endpoint] = scan(parse_targets([f"127.0.0.1:{server.port}"]), ScanOptions(depth=depth))["endpoints"]
    finally:
        server.stop()
    assert endpoint["protocols"]["tls1_2"] == endpoint["protocols"]["tls1_3"] == "accepted"
    hellos = [entry for entry in _log(log) if entry["hello"]]
    assert hellos
    assert {entry["sni"] for entry in hellos} == {None}


@pytest.mark.parametrize("depth", ["protocols", "full"])
def test_a_given_sni_name_is_sent_for_an_address_target(lab, depth):
    server, log = _sni_server(lab, f"sni-named-{depth}", 0.0)
    try:
        targets = parse_targets([{"host": "127.0.0.1", "port": server.port, "sni": "lab.example"}])
        [endpoint] = scan(targets, ScanOptions(depth=depth))["endpoints"]
    finally:
        server.stop()
    assert endpoint["sni"] == "lab.example"
    names = [entry["sni"] for entry in _log(log) if entry["hello"]]
    assert "lab.example" in names
    # At full depth sslyze also fetches the certificate once without SNI, on purpose; nothing else lacks it.
    assert set(names) <= {"lab.example", None}
    assert names.count(None) == (1 if depth == "full" else 0)


def _peak(entries: list[dict], into: float) -> int:
    """Most connections open at once, sampled ``into`` seconds after each accept (a connection the client has
    already left but whose server thread is still logging does not count)."""
    return max(sum(e["opened"] <= entry["opened"] + into < e["closed"] for e in entries) for entry in entries)


@pytest.mark.parametrize("limit", [1, 3])
def test_the_per_endpoint_limit_is_what_the_server_sees(lab, limit):
    server, log = _sni_server(lab, f"limit-{limit}", 0.3)  # each handshake waits, so that probes overlap
    started = time.monotonic()  # system-wide clock, the server logs with it too; skips the readiness check
    try:
        scan(parse_targets([f"localhost:{server.port}"]), ScanOptions(per_endpoint=limit, concurrency=20))
        # The server logs a connection when its delayed handler ends, which can be after the client gave up.
        deadline = time.monotonic() + 5
        while len([e for e in _log(log) if e["opened"] >= started]) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.stop()
    entries = [entry for entry in _log(log) if entry["opened"] >= started]
    assert len(entries) == 6
    assert _peak(entries, 0.1) == limit


def test_a_silent_server_is_given_up_after_its_first_hellos(lab):
    targets = parse_targets([f"localhost:{lab.ports['silent']}"])
    [endpoint] = scan(targets, ScanOptions(timeout=1, retries=0, per_endpoint=2))["endpoints"]
    assert endpoint["status"] == "timeout"
    tried = [k for k, detail in endpoint["probe"].items() if not detail.startswith("not tried")]
    assert sorted(tried) == ["tls1_2", "tls1_3"]


def test_protocols_left_out_are_never_contacted_and_stay_unknown(lab):
    server, log = _sni_server(lab, "protocols-subset", 0.0)
    started = time.monotonic()
    try:
        options = ScanOptions(protocols=("tls1_2", "tls1_3"))
        [endpoint] = scan(parse_targets([f"localhost:{server.port}"]), options)["endpoints"]
        deadline = time.monotonic() + 5
        while len([e for e in _log(log) if e["opened"] >= started]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.stop()
    assert len([e for e in _log(log) if e["opened"] >= started]) == 2  # one connection per version asked for
    assert endpoint["protocols"]["tls1_2"] == "accepted"
    assert {endpoint["protocols"][k] for k in ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1")} == {"unknown"}
    assert endpoint["probe"]["tls1_0"] == "not asked for (protocols)"
    # enforce judges the legacy versions: left out, they make the verdict undetermined, never compliant.
    assert endpoint["verdict"]["compliant"] is None
    assert "protocol_unknown" in {p["code"] for p in endpoint["verdict"]["undetermined"]}


def test_at_full_depth_the_suites_of_versions_left_out_stay_unknown(lab):
    targets = parse_targets([f"localhost:{lab.ports['legacy']}"])
    [endpoint] = scan(targets, ScanOptions(depth="full", protocols=("tls1_2",)))["endpoints"]
    assert endpoint["protocols"]["tls1_2"] == "accepted"
    assert endpoint["protocols"]["tls1_0"] == "unknown"  # the server accepts it; it was not asked
    assert endpoint["cipher_suites"]["tls1_0"] is None
    assert endpoint["cipher_suites"]["tls1_2"]
