"""Parse + snapshot grow linearly with the file (issue 16 D1): the time at 2x and 4x the size, as a ratio to 1x.

A quadratic step shows as 4x and 16x; tests/harness/growth.py holds the bounds (no absolute time is asserted).
"""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import parse_regfile
from ansible_collections.tlsguard.windows.tests.harness.growth import grows_linearly, growth

HEAD = "Windows Registry Editor Version 5.00\r\n\r\n"
KEY = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def many_keys(n: int) -> str:
    return "".join(f'[{KEY}\\Item{i}]\r\n"Enabled"=dword:00000000\r\n\r\n' for i in range(n))


def values_in_one_key(n: int) -> str:
    return f"[{KEY}]\r\n" + "".join(f'"Value{i}"=dword:{i:08x}\r\n' for i in range(n))


def continuation_lines(n: int) -> str:
    line = "00,11,22,33,44,55,66,77,88,99,aa,bb,cc,dd,ee,ff,\\\r\n  "
    return f'[{KEY}]\r\n"Blob"=hex:' + line * n + "00\r\n"


def deleted_keys(n: int) -> str:
    return many_keys(n) + "".join(f"[-{KEY}\\Item{i}]\r\n" for i in range(0, n, 2))


def unreadable_lines(n: int) -> str:
    return f"[{KEY}]\r\n" + "garbage line that regedit ignores\r\n" * n


def parse_and_snapshot(body: str):
    raw = b"\xff\xfe" + (HEAD + body).encode("utf-16-le")
    return lambda: parse_regfile(raw).snapshot()


@pytest.mark.parametrize("shape, base", [
    (many_keys, 8000), (values_in_one_key, 20000), (continuation_lines, 20000), (deleted_keys, 6000),
    (unreadable_lines, 20000),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_time_grows_linearly(shape, base):
    ratios = growth(lambda n: parse_and_snapshot(shape(n)), base)
    assert grows_linearly(ratios), f"{shape.__name__}: 2x and 4x the input took {ratios[0]:.1f}x and {ratios[1]:.1f}x"
