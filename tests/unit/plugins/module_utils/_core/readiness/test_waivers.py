from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.waivers import Waiver, parse_waivers


def test_valid_waivers_are_kept_in_order_and_trimmed():
    waivers = parse_waivers([{"rule": "sql_2014_rtm", "reason": " app retired in May "},
                             {"rule": "rdp_kb3080079", "reason": "RDP is blocked at the firewall"}])
    assert waivers == (Waiver("sql_2014_rtm", "app retired in May"),
                       Waiver("rdp_kb3080079", "RDP is blocked at the firewall"))
    assert parse_waivers(None) == ()


@pytest.mark.parametrize("data, message", [
    ("sql_2014_rtm", "waivers: must be a list of {rule, reason} mappings, got str"),
    (["sql_2014_rtm"], "waivers[0]: must be a mapping with 'rule' and 'reason', got str"),
    ([{"rule": "sql_2014_rmt", "reason": "x"}],
     "waivers[0].rule: unknown readiness rule 'sql_2014_rmt'; did you mean 'sql_2014_rtm'? (the rule ids are listed "
     "in docs/readiness.md)"),
    ([{"rule": "no_such_thing_at_all", "reason": "x"}],
     "waivers[0].rule: unknown readiness rule 'no_such_thing_at_all' (the rule ids are listed in docs/readiness.md)"),
    ([{"reason": "x"}], "waivers[0].rule: is required: the id of the readiness rule to waive"),
    ([{"rule": "sql_2014_rtm"}],
     "waivers[0].reason: is required: say why rule 'sql_2014_rtm' is waived (the reason is recorded in the result "
     "for the audit trail)"),
    ([{"rule": "sql_2014_rtm", "reason": "   "}],
     "waivers[0].reason: is required: say why rule 'sql_2014_rtm' is waived (the reason is recorded in the result "
     "for the audit trail)"),
    ([{"rule": "sql_2014_rtm", "reason": "a"}, {"rule": "sql_2014_rtm", "reason": "b"}],
     "waivers[1].rule: 'sql_2014_rtm' is already waived by waivers[0]"),
    ([{"rule": "sql_2014_rtm", "reason": "a", "until": "2027"}],
     "waivers[0]: unknown key(s) until; a waiver has only 'rule' and 'reason'"),
])
def test_bad_waivers_name_the_option(data, message):
    with pytest.raises(ValidationError) as caught:
        parse_waivers(data)
    assert str(caught.value) == message


def test_all_problems_are_reported_at_once_under_the_callers_option():
    with pytest.raises(ValidationError) as caught:
        parse_waivers([{"rule": "sql_2014_rtm"}, {"rule": "rdp_kb308079", "reason": "x"}], "readiness_waivers")
    assert [p.option for p in caught.value.problems] == ["readiness_waivers[0].reason", "readiness_waivers[1].rule"]
    assert "did you mean 'rdp_kb3080079'?" in str(caught.value)
