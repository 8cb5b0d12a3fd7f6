"""Adapters on real registered results captured from the lab (fixtures/lab_results.json)."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.adapt_host import (
    Baseline,
    backup_time,
    change_record,
    info_state,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.adapt_scan import (
    attribution,
    owner,
    scan_endpoints,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.model import Kind, Origin
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.shapes import InputError, detect
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import lab

ORIGIN = Origin("test")
ENFORCE = Baseline("enforce")


@pytest.mark.parametrize("task, kind", [("info_before", Kind.INFO), ("info_after", Kind.INFO),
                                        ("config_check", Kind.CONFIG), ("config_apply", Kind.CONFIG),
                                        ("restore", Kind.RESTORE)])
def test_every_captured_result_is_recognised(task, kind):
    found = [hosts[task] for hosts in lab()["hosts"].values() if task in hosts and not hosts[task].get("skipped")]
    assert found and all(detect(result) is kind for result in found)
    assert detect(lab()["scan_after"]) is Kind.SCAN


def test_compliance_judged_again_from_raw_equals_what_tls_info_said():
    # info_after ran with profile enforce: its own `compliant` and the drift that changes behaviour are the reference.
    for host, results in lab()["hosts"].items():
        if "info_after" not in results:
            continue
        result = results["info_after"]
        state = info_state(result, host, ENFORCE, ORIGIN)
        assert state.compliant is result["compliant"], host
        assert state.drift == sum(1 for d in result["drift"] if d["effect"]), host
        assert {(s.protocol, s.client, s.server) for s in state.effective} == \
            {(k, v["client"], v["server"]) for k, v in result["effective"].items()}
        assert state.os.build == result["os"]["build"] and state.os.product == result["os"]["product"]
        assert all(f.code != "drift" for f in state.findings)


def test_stock_2012r2_does_not_meet_stage_1_and_an_enforced_2019_meets_enforce():
    hosts = lab()["hosts"]
    stock = info_state(hosts["srv2012r2-01"]["info_before"], "x", ENFORCE, ORIGIN)
    assert stock.compliant is False and stock.enable_met is False and stock.drift > 10
    enforced = info_state(hosts["srv2019-01"]["info_after"], "x", ENFORCE, ORIGIN)
    assert enforced.compliant is True and enforced.drift == 0


def test_a_result_without_raw_values_is_not_judged():
    result = dict(lab()["hosts"]["srv2019-01"]["info_after"])
    del result["raw"]
    assert info_state(result, "x", ENFORCE, ORIGIN).compliant is None


def test_applied_change_carries_backup_id_time_and_count():
    result = lab()["hosts"]["srv2019-01"]["config_apply"]
    record = change_record(result, Kind.CONFIG, "x", ORIGIN)
    change = record.last_change
    assert change is not None and change.backup_id == result["backup"]["id"]
    assert change.values == len(result["changes"]) and change.reboot_required is True
    assert change.at is not None and change.at.replace("-", "").replace(":", "")[:15] == change.backup_id[:15]
    assert record.pending == 0


def test_check_mode_plan_is_pending_not_a_change():
    result = lab()["hosts"]["srv2012r2-01"]["config_check"]
    record = change_record(result, Kind.CONFIG, "x", ORIGIN)
    assert record.last_change is None and record.pending == len(result["changes"]) > 0


def test_restore_names_the_backup_it_put_back():
    result = lab()["hosts"]["srv2022-01"]["restore"]
    change = change_record(result, Kind.RESTORE, "x", ORIGIN).last_change
    assert change is not None and change.action == "tls_restore" and change.restored_id == result["restored_id"]


@pytest.mark.parametrize("backup_id, expected", [
    ("20261126T180000.123456Z-web01", "2026-11-26T18:00:00.123456Z"),
    ("20261126T180000Z-web01", "2026-11-26T18:00:00Z"),
    ("not-a-backup", None), (None, None)])
def test_backup_time(backup_id, expected):
    assert backup_time(backup_id) == expected


def test_scan_endpoints_and_their_hosts():
    points = scan_endpoints(lab()["scan_after"], "results[0]", ORIGIN)
    assert [p.name for p in points] == [e["name"] for e in lab()["scan_after"]["endpoints"]]
    names = attribution(lab()["hosts"])
    assert {p.name: owner(p.address, names) for p in points} == {
        "srv2012r2-01-https": "srv2012r2-01", "srv2012r2-01-smtp": "srv2012r2-01",
        "srv2019-01-https": "srv2019-01", "srv2022-01-https": "srv2022-01", "srv2016-down-https": "srv2016-down"}
    legacy = {p.name for p in points if "tls1_0" in p.accepted}
    assert legacy == {a["name"] for a in lab()["scan_after"]["summary"]["accepts_legacy"]}


def test_short_names_match_only_when_unique():
    names = attribution(["web01.a.example", "web01.b.example", "db01"])
    assert owner("web01.a.example", names) == "web01.a.example"
    assert owner("web01", names) is None  # two hosts are called web01
    assert owner("DB01.corp.example", names) == "db01"


def test_a_protocol_state_the_scanner_never_writes_is_an_error():
    scan = {"endpoints": [{"target": "a:443", "protocols": {"tls1_0": "maybe"}}], "summary": {}}
    with pytest.raises(InputError, match=r"results\[0\]\.endpoints\[0\]\.protocols\.tls1_0: 'maybe'"):
        scan_endpoints(scan, "results[0]", ORIGIN)


def test_wrong_types_name_the_key():
    result = dict(lab()["hosts"]["srv2019-01"]["info_after"], effective={"tls1_0": "on"})
    with pytest.raises(InputError, match=r"results\[1\]\.web01\.effective\.tls1_0: expected"):
        info_state(result, "results[1].web01", ENFORCE, ORIGIN)
