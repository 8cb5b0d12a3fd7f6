"""SCHANNEL EventLogging: the informational bit is added to what the host has, and nothing changes once it is on."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegValue, Snapshot, dword
from ansible_collections.tlsguard.windows.plugins.module_utils._core.turnon.eventlogging import (
    EVENT_LOGGING,
    event_logging_plan,
    level,
)


def values(value: RegValue | None) -> Snapshot:
    return Snapshot({EVENT_LOGGING: value} if value is not None else {})


@pytest.mark.parametrize(("have", "want"), [(None, 5), (dword(0), 4), (dword(1), 5), (dword(2), 6), (dword(3), 7),
                                            (RegValue("REG_SZ", "7"), 5)])
def test_the_bit_is_added_to_the_bits_in_effect(have, want):
    changes = event_logging_plan(values(have))
    assert [(c.ref, c.before, c.after, c.category) for c in changes.changes] == [
        (EVENT_LOGGING, have, dword(want), "event_logging")]
    assert changes.reboot_required   # SCHANNEL reads it at boot


@pytest.mark.parametrize("have", [4, 5, 6, 7, 0xFFFFFFFF])
def test_nothing_changes_once_the_bit_is_on(have):
    assert not event_logging_plan(values(dword(have))).changed


def test_applying_the_plan_makes_it_idempotent():
    current = values(dword(1))
    after = event_logging_plan(current).after(current)
    assert level(after) == 5 and not event_logging_plan(after).changed


def test_an_absent_or_mistyped_value_is_the_default():
    assert level(values(None)) == 1 and level(values(RegValue("REG_SZ", "7"))) == 1
