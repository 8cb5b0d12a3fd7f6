# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCHANNEL ``EventLogging`` with the informational bit (0x4, KB 260729): successful handshakes (event 36880) are
logged from the next restart. The other bits the host has are kept; an absent value counts as its default, 1."""

from __future__ import annotations

from collections.abc import Mapping

from ..desired import Desired
from ..locations import SCHANNEL
from ..planner import Plan, plan
from ..registry import RegRef, RegValue, dword

INFO_BIT = 0x4
DEFAULT_EVENT_LOGGING = 0x1   # when the value is absent (KB 260729)
EVENT_LOGGING = RegRef("HKLM", SCHANNEL, "EventLogging")


def level(values: Mapping[RegRef, RegValue]) -> int:
    """The level SCHANNEL uses: the DWORD, or the default when the value is absent or of another type."""
    found = values.get(EVENT_LOGGING)
    return found.as_int() if found is not None and found.type == "REG_DWORD" else DEFAULT_EVENT_LOGGING


def event_logging_plan(values: Mapping[RegRef, RegValue]) -> Plan:
    """No change when the informational bit is in effect, else the level with it added, as a DWORD."""
    now = level(values)
    if now & INFO_BIT:
        return Plan(())
    return plan((Desired(EVENT_LOGGING, dword(now | INFO_BIT), "event_logging"),), values)
