# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions the rollout roles take through filters: reboot windows, scan expectations, record names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import ADDITIVE, PROFILES
from ansible_collections.tlsguard.windows.plugins.module_utils._core.rollout import (
    safe_name,
    scan_problems,
    value_name,
    window_open,
)

ROLE = Path(__file__).resolve().parents[5] / "roles" / "tls_rollout"
LEGACY = {"ssl2_0": "rejected", "ssl3_0": "rejected", "tls1_0": "rejected", "tls1_1": "rejected"}


def endpoint(name="web", status="ok", **protocols):
    return {"name": name, "status": status, "error": None if status == "ok" else "connection refused",
            "protocols": {**LEGACY, "tls1_2": "accepted", "tls1_3": "rejected", **protocols}}


@pytest.mark.parametrize(("window", "now", "expected"), [
    ("", "12:00", True), ("  ", "03:00", True), (None, "03:00", True),
    ("22:00-05:00", "23:59", True), ("22:00-05:00", "04:59", True), ("22:00-05:00", "05:00", False),
    ("22:00-05:00", "21:59", False), ("22:00-05:00", "22:00", True),
    ("09:00-17:00", "08:59", False), ("09:00-17:00", "09:00", True), ("09:00-17:00", "17:00", False),
    ("00:00-00:00", "13:00", True),
])
def test_reboot_window(window, now, expected):
    assert window_open(window, now) is expected


@pytest.mark.parametrize("window", ["22-05", "25:00-05:00", "22:00", "22:00-05:00-06:00", "ab:cd-05:00"])
def test_a_bad_window_names_the_variable(window):
    with pytest.raises(ValidationError, match="tls_rollout_reboot_window"):
        window_open(window, "12:00")


def test_an_enforced_endpoint_passes():
    assert scan_problems({"endpoints": [endpoint(), endpoint("smtp")]}) == []


def test_every_miss_is_a_sentence():
    problems = scan_problems({"endpoints": [endpoint("web", tls1_0="accepted"), endpoint("smtp", tls1_2="rejected"),
                                            endpoint("ldap", status="unreachable")]})
    assert problems == ["web still accepts TLS 1.0", "smtp does not accept TLS 1.2",
                        "ldap could not be scanned (connection refused)"]


@pytest.mark.parametrize("scan", [{"endpoints": []}, {}, {"failed": True, "msg": "sslyze is missing"},
                                  {"endpoints": [endpoint(tls1_1="unknown")]},
                                  {"endpoints": [endpoint(tls1_2="unknown")]}, {"endpoints": ["x"]}])
def test_missing_evidence_never_passes(scan):
    assert scan_problems(scan)


def test_stage_one_expectations_ignore_legacy():
    assert scan_problems({"endpoints": [endpoint(tls1_0="accepted")]}, reject=()) == []


def test_a_scan_that_is_not_a_result_is_refused():
    with pytest.raises(ValidationError):
        scan_problems("web")  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "expected"), [
    ("web01.corp.example.com", "web01.corp.example.com"), ("../../etc/passwd", "_.._etc_passwd"),
    ("a/b\\c", "a_b_c"), ("..", "_"), ("", "_"), ("srv 1", "srv_1"),
])
def test_record_names_stay_in_their_folder(name, expected):
    assert safe_name(name) == expected
    assert "/" not in safe_name(name) and safe_name(name) not in ("", ".", "..")


def test_value_names():
    assert value_name({"hive": "HKLM", "key": r"SOFTWARE\X", "name": "Enabled"}) == r"HKLM\SOFTWARE\X\Enabled"
    assert value_name({"hive": "HKLM", "key": r"SOFTWARE\X", "name": ""}) == r"HKLM\SOFTWARE\X\(Default)"


def test_the_role_offers_every_enforcing_profile():
    """The stage 3 choices are the profiles that are neither stage 1 nor 'leave it to the OS'."""
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    choices = specs["main"]["options"]["tls_rollout_enforce_profile"]["choices"]
    assert set(choices) == set(PROFILES) - set(ADDITIVE) - {"os_default"}


def test_every_default_is_specified_and_described():
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    specified = {name for entry in specs.values() for name in entry["options"]}
    assert set(defaults) == specified
    for entry in specs.values():
        for name, option in entry["options"].items():
            assert option.get("description") and option.get("type"), name
