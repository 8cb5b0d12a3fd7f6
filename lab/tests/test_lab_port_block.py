"""A lab whose TLS listeners take a block of consecutive ports below the ephemeral range (large fleets)."""

from __future__ import annotations

import socket

import pytest
from tlslab import fleet, traffic
from tlslab.testing import free_port_block, start_lab


def test_listeners_serve_from_the_block(tmp_path):
    base = free_port_block(3)
    assert base >= 20000 and base + 3 <= 32768
    lab = start_lab(tmp_path / "lab", [fleet.HostSpec("a", "2019", ("https", "smtp")),
                                       fleet.HostSpec("b", "2022", ("https",))], tls_port_base=base)
    try:
        ports = lab.running.config.ports
        assert sorted(p for host in ports.values() for p in host.values()) == [base, base + 1, base + 2]
        assert traffic.handshake(ports["b"]["https"], "b.lab.test", "tls1_2", lab.state / "pki" / "ca.crt").accepted
    finally:
        lab.stop()


def test_a_taken_port_is_not_offered(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setattr("random.Random.randrange", lambda _self, _low, _high: port)
        with pytest.raises(RuntimeError, match="no 1 consecutive free ports between"):
            free_port_block(1, tries=3)
