"""Stage and status rules on hand-made evidence: every rule, and the ones that must never pass on missing evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.protocols import TLS_KEYS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.judge import judge, stage
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.model import (
    Blocker,
    Endpoint,
    HostEvidence,
    HostState,
    Issue,
    Origin,
    OsInfo,
    Readiness,
    SideStates,
    Stage,
    Status,
    Usage,
    Verdict,
    Waiver,
)

ORIGIN = Origin("test")


def state(on: set[str], compliant: bool | None = True, enable_met: bool = True) -> HostState:
    sides = tuple(SideStates(k, "enabled" if k in on else "disabled", "enabled" if k in on else "disabled")
                  for k in TLS_KEYS)
    return HostState(OsInfo("Windows Server 2019", 17763, "10.0.17763"), sides, "enforce", compliant,
                     0 if compliant else 5, enable_met, (), None, ORIGIN)


def usage(passed: bool | None) -> Usage:
    return Usage(passed, ("legacy handshakes on 3 of the last 30 days",) if passed is False else (), True, 3, None,
                 (), (), ORIGIN)


def point(compliant: bool | None, accepted: tuple[str, ...] = ("tls1_2",)) -> Endpoint:
    return Endpoint("web01-https", "web01:443", "web01", "ok" if compliant is not None else "timeout", None,
                    tuple((k, "accepted" if k in accepted else "rejected") for k in TLS_KEYS),
                    Verdict("enforce", compliant, (Issue("legacy_protocol_accepted", "TLS 1.0 is accepted"),)
                            if compliant is False else (), ()), "web01", ORIGIN)


@pytest.mark.parametrize("on, enable_met, with_usage, expected", [
    ({"tls1_2"}, True, False, Stage.ENFORCE),
    ({"tls1_2", "tls1_3"}, False, False, Stage.ENFORCE),  # by effect, whatever the profile
    ({"tls1_0", "tls1_2"}, True, False, Stage.ENABLE),
    ({"tls1_0", "tls1_2"}, True, True, Stage.MONITOR),
    ({"tls1_0", "tls1_2"}, False, True, Stage.NONE),
    ({"tls1_3"}, True, False, Stage.ENABLE),  # TLS 1.2 off is not stage 3
])
def test_stage(on, enable_met, with_usage, expected):
    evidence = HostEvidence("web01", state(on, enable_met=enable_met), usage=usage(True) if with_usage else None)
    assert stage(evidence) is expected


def test_compliant_needs_registry_and_every_endpoint():
    good = HostEvidence("web01", state({"tls1_2"}))
    assert judge(good, [point(True)], "enforce").status is Status.COMPLIANT
    assert judge(good, [], "enforce").status is Status.COMPLIANT
    bad = judge(good, [point(False, ("tls1_0", "tls1_2"))], "enforce")
    assert bad.status is Status.NON_COMPLIANT and "accepts TLS 1.0" in bad.reasons[0].text
    undecided = judge(good, [point(None)], "enforce")
    assert undecided.status is Status.UNKNOWN and undecided.reasons[0].code == "endpoint_undetermined"


def test_no_state_is_unknown_never_compliant():
    row = judge(HostEvidence("web01"), [point(True)], "enforce")
    assert row.status is Status.UNKNOWN and row.stage is Stage.NOT_COLLECTED
    assert row.reasons[0].code == "not_collected"


def test_a_result_without_raw_values_is_unknown():
    assert judge(HostEvidence("web01", state({"tls1_2"}, compliant=None)), [], "enforce").status is Status.UNKNOWN


def test_held_by_readiness_blocker_unless_waived():
    blocker = Blocker("sql_2014_rtm", "SQL Server 2014", "SQL Server 2014 RTM lacks TLS 1.2", "SQL 2014 SP1 CU5")
    evidence = HostEvidence("web01", state({"tls1_0", "tls1_2"}, compliant=False),
                            readiness=Readiness("blocked", (blocker,), ORIGIN))
    held = judge(evidence, [], "enforce")
    assert held.status is Status.HELD
    assert held.reasons[0].code == "readiness:sql_2014_rtm" and "fix: SQL 2014 SP1 CU5" in held.reasons[0].text
    waived = judge(replace(evidence, waivers=(Waiver("sql_2014_rtm", "app retired in March"),)), [], "enforce")
    assert waived.status is Status.NON_COMPLIANT


@pytest.mark.parametrize("passed, status", [(False, Status.HELD), (None, Status.HELD),
                                            (True, Status.NON_COMPLIANT)])
def test_usage_gate_holds_unless_it_passed(passed, status):
    evidence = HostEvidence("web01", state({"tls1_0", "tls1_2"}, compliant=False), usage=usage(passed))
    assert judge(evidence, [], "enforce").status is status


def test_readiness_and_usage_do_not_hold_a_compliant_host():
    evidence = HostEvidence("web01", state({"tls1_2"}), usage=usage(False),
                            readiness=Readiness("blocked", (), ORIGIN))
    assert judge(evidence, [], "enforce").status is Status.COMPLIANT
