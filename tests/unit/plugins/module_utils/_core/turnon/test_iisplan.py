"""IIS custom log fields: the host reply's parser, where the evidence fields go (siteDefaults and overriding sites),
conflicts, the state after, the diff text and the per-site report."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.turnon.iisplan import (
    DEFAULTS,
    IisLogConfig,
    outcome,
    plan_fields,
    render,
    site_report,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.turnon.logfields import (
    CRYPT_PROTOCOL,
    EVIDENCE_FIELDS,
    LogField,
)

NAMES = [f.name for f in EVIDENCE_FIELDS]
ORIGINAL_IP = {"name": "OriginalIP", "source": "X-FORWARDED-FOR", "type": "RequestHeader"}


def reply(defaults=(), sites=(), installed=True, error="") -> dict:
    return {"installed": installed, "error": error, "site_defaults": list(defaults), "added": [],
            "sites": [{"id": i + 1, "name": name, "fields": list(fields)} for i, (name, fields) in enumerate(sites)]}


def config(**kwargs) -> IisLogConfig:
    return IisLogConfig.from_json(reply(**kwargs))


def test_a_fresh_iis_gets_every_field_in_site_defaults_only():
    fresh = config(sites=[("Default Web Site", [])])
    fields = plan_fields(fresh)
    assert [(a.scope, a.field) for a in fields.additions] == [(DEFAULTS, f) for f in EVIDENCE_FIELDS]
    assert fields.host_request()["add"][0] == {"scope": "", "name": "crypt-protocol", "source": "CRYPT_PROTOCOL",
                                               "type": "ServerVariable"}
    after = fields.after(fresh)
    assert after.effective(after.sites[0]) == EVIDENCE_FIELDS and not plan_fields(after).changed


def test_a_site_with_fields_of_its_own_gets_them_there_and_same_source_under_another_name_counts():
    overriding = config(defaults=[f.to_json() for f in EVIDENCE_FIELDS],
                        sites=[("Inherits", []), ("Shop", [ORIGINAL_IP])])
    fields = plan_fields(overriding)
    assert [(a.scope, a.field.name) for a in fields.additions] == [("Shop", n) for n in NAMES[:4]]
    report = site_report(overriding, fields.after(overriding))
    assert report[0] == {"scope": "siteDefaults", "missing_before": [], "missing_after": []}
    assert report[1]["inherits"] and report[1]["missing_before"] == []
    assert report[2] == {"scope": "site", "id": 2, "name": "Shop", "inherits": False,
                         "missing_before": NAMES[:4], "missing_after": []}


def test_source_names_compare_case_insensitively():
    have = LogField("proto", "crypt_protocol", "serverVariable")
    assert have.serves(CRYPT_PROTOCOL) and not LogField("x", "CRYPT_PROTOCOL", "RequestHeader").serves(CRYPT_PROTOCOL)


def test_a_name_taken_by_another_source_is_a_conflict_not_an_addition():
    taken = config(sites=[("Shop", [{"name": "CRYPT-PROTOCOL", "source": "HTTPS", "type": "ServerVariable"}])])
    fields = plan_fields(taken)
    assert fields.conflicts == ("site 'Shop' has a custom field named 'CRYPT-PROTOCOL' that logs ServerVariable "
                                "HTTPS, not ServerVariable CRYPT_PROTOCOL; rename or remove it in IIS, then run again",)
    assert all(a.field.name != "crypt-protocol" for a in fields.additions if a.scope == "Shop")


def test_no_iis_or_an_unreadable_configuration_plans_nothing():
    for state, status in ((config(installed=False), "not_installed"), (config(error="IIS configuration: x"),
                                                                       "unreadable")):
        fields = plan_fields(state)
        assert not fields.changed and outcome(state, fields, False)[0] == status
    assert "IIS 8.5" in outcome(config(error="e"), plan_fields(config(error="e")), False)[1]


def test_outcome_says_what_is_added_where():
    fresh = config(sites=[("Default Web Site", [])])
    assert outcome(fresh, plan_fields(fresh), True) == (
        "changed", "IIS custom log field(s) would be added (siteDefaults 5); IIS logs them from its next log file")
    done = plan_fields(fresh).after(fresh)
    assert outcome(done, plan_fields(done), False) == (
        "ok", f"IIS: all 1 site(s) log {', '.join(NAMES)}")


def test_render_shows_each_scope():
    text = render(config(defaults=[CRYPT_PROTOCOL.to_json()], sites=[("A", []), ("B", [ORIGINAL_IP])]))
    assert text == ("[siteDefaults]\n  crypt-protocol (ServerVariable CRYPT_PROTOCOL)\n"
                    "[site 1 'A']\n  (none of its own: takes those of siteDefaults)\n"
                    "[site 2 'B']\n  OriginalIP (RequestHeader X-FORWARDED-FOR)\n")


@pytest.mark.parametrize(("raw", "message"), [
    (None, "host reply iis_log_fields: should be an object, got NoneType"),
    ({"error": ""}, "host reply iis_log_fields.installed: missing"),
    (dict(reply(), sites=[{"id": "1", "name": "A"}]), "host reply iis_log_fields.sites[0].id: should be an integer"),
    (dict(reply(), site_defaults=[{"name": "x", "source": 3, "type": "ServerVariable"}]),
     "host reply iis_log_fields.site_defaults[0].source: should be a string, got int"),
    (dict(reply(), sites=[{"id": 1, "name": "A"}] * 10_001), "host reply iis_log_fields.sites: 10,001 sites"),
])
def test_a_malformed_reply_is_named(raw, message):
    with pytest.raises(HostReplyError) as err:
        IisLogConfig.from_json(raw)
    assert str(err.value).startswith(message)
