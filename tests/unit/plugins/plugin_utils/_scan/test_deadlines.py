"""The deadlines sslyze's sockets carry while a scan runs (campaign D23): per attempt, per endpoint budget."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sslyze import ServerNetworkLocation
from sslyze.connection_helpers import tls_connection

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.deadlines import (
    AttemptDeadline,
    BudgetSpent,
    guarded_sockets,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.guarded_socket import GuardedSocket


@pytest.fixture
def listener() -> Iterator[ServerNetworkLocation]:
    """A port that accepts connections (the kernel's backlog) and never sends a byte."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield ServerNetworkLocation(hostname="localhost", port=server.getsockname()[1], ip_address="127.0.0.1")


def _open(location: ServerNetworkLocation, timeout: float = 5.0) -> GuardedSocket:
    sock = tls_connection._open_socket(location, timeout)
    assert isinstance(sock, GuardedSocket)
    return sock


def _seconds_until_cut(sock: GuardedSocket) -> float:
    started = time.monotonic()
    try:
        with pytest.raises(socket.timeout):
            sock.recv(1)
    finally:
        sock.close()
    return time.monotonic() - started


def test_every_socket_gets_the_attempt_limit_and_the_original_comes_back(listener):
    original = tls_connection._open_socket
    with guarded_sockets():
        assert _seconds_until_cut(_open(listener, timeout=0.3)) < 1  # the socket's own timeout stays
    assert tls_connection._open_socket is original


def test_a_probe_attempt_ends_by_its_own_deadline(listener):
    with guarded_sockets(), AttemptDeadline(time.monotonic() + 0.5):
        assert _seconds_until_cut(_open(listener)) < 1
    with guarded_sockets(), AttemptDeadline(time.monotonic() - 1), pytest.raises(socket.timeout):
        _open(listener)


def test_an_endpoint_budget_runs_from_its_first_socket_and_then_refuses_new_ones(listener):
    key = (listener.hostname, listener.ip_address, listener.port)
    with guarded_sockets({key: 0.6}) as budgets:
        time.sleep(0.3)  # the clock starts at the first socket, not when the budgets are given
        first = _open(listener)
        assert budgets.spent() == set()
        assert 0.4 < _seconds_until_cut(first) < 1
        started = time.monotonic()
        with pytest.raises(BudgetSpent):
            _open(listener)
        assert time.monotonic() - started < 0.1
        assert budgets.spent() == {key}
