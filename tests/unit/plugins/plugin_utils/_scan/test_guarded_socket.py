"""What counts as TLS evidence in a reply (campaign D24), and the deadline every read of a connection gets (D23)."""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.guarded_socket import GuardedSocket, is_tls_reply


def test_random_replies_are_never_tls():
    rng = random.Random(20261202)
    samples = [rng.randbytes(2048) for _sample in range(2000)]
    assert sum(is_tls_reply(sample) for sample in samples) == 0


@pytest.mark.parametrize("data", [
    bytes.fromhex("15030300020228"),  # TLS 1.2 fatal handshake_failure alert
    bytes.fromhex("15030100020246"),  # TLS 1.0 protocol_version alert
    bytes.fromhex("160303007a020000760303"),  # a ServerHello record
])
def test_well_formed_records_are_tls(data):
    assert is_tls_reply(data)


@pytest.mark.parametrize("data", [
    b"", b"\x15\x03\x03", b"HTTP/1.0 400 Bad Request\r\n", bytes.fromhex("1503030040000000"),
    bytes.fromhex("15030500020228"), bytes.fromhex("16030340000100"),
])
def test_malformed_records_are_not(data):
    assert not is_tls_reply(data)


def test_a_trickling_peer_is_cut_at_the_deadline():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(5)
        guarded = GuardedSocket(ours, time.monotonic() + 1.0)
        started = time.monotonic()
        with pytest.raises(socket.timeout):
            while True:
                theirs.send(b"\x16")
                guarded.recv(1)
                time.sleep(0.2)
        assert time.monotonic() - started < 1.5
        assert guarded.first_bytes.startswith(b"\x16")


def test_each_read_keeps_the_sockets_own_timeout():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(0.3)
        guarded = GuardedSocket(ours, time.monotonic() + 10)
        started = time.monotonic()
        with pytest.raises(socket.timeout):
            guarded.recv(1)
        assert time.monotonic() - started < 1


def test_a_file_read_as_smtplib_reads_a_reply_is_cut_at_the_deadline_too():
    # smtplib reads STARTTLS replies through sock.makefile('rb'); a greeting trickled one byte at a time never
    # ends a line, and the file's reads must still stop at the deadline (campaign D23, the plaintext phase).
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(5)
        guarded = GuardedSocket(ours, time.monotonic() + 1.0)
        reader = guarded.makefile("rb")
        stop = threading.Event()
        started = time.monotonic()

        def trickle():  # for 2.5 s: an unguarded read would end only 5 s after that, by the socket's timeout
            while not stop.is_set() and time.monotonic() - started < 2.5:
                theirs.send(b"x")
                time.sleep(0.1)

        sender = threading.Thread(target=trickle)
        sender.start()
        try:
            with pytest.raises(socket.timeout):
                reader.readline(8193)
        finally:
            stop.set()
            sender.join()
        assert time.monotonic() - started < 1.5


def test_only_binary_reading_is_offered_as_a_file():
    ours, theirs = socket.socketpair()
    with ours, theirs, pytest.raises(ValueError):
        GuardedSocket(ours, time.monotonic() + 1).makefile("w")


def test_the_evidence_starts_where_tls_does():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(1)
        guarded = GuardedSocket(ours, time.monotonic() + 5)
        theirs.send(b"220 smtp ready\r\n")
        guarded.recv(64)
        guarded.start_evidence()
        theirs.send(bytes.fromhex("15030300020228"))
        guarded.recv(64)
        assert is_tls_reply(guarded.first_bytes)
