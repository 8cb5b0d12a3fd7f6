"""Merging: several inputs per host, the same host in two inputs (sliced jobs), partial reports read back."""

from __future__ import annotations

import json

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.document import to_document
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.model import (
    ACROSS_INPUTS,
    WITHIN_INPUT,
    Stage,
    Status,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.shapes import InputError
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import (
    lab,
    per_host,
)

NOW = 1_800_000_000.0


def build(*sources, now=NOW, **options):
    return build_report([s if isinstance(s, Source) else Source(f"results[{i}]", s) for i, s in enumerate(sources)],
                        options.pop("profile", "enforce"), now, **options)


def rows(report) -> dict[str, dict]:
    """Host rows without where they came from (which differs between a direct and a merged build)."""
    out = {}
    for host in to_document(report)["hosts"]:
        host.pop("sources")
        for failure in host["failures"]:
            failure.pop("source")
        out[host["name"]] = host
    return out


def test_whole_fleet_from_real_results():
    report = build(lab()["scan_after"], per_host())
    by_name = {r.name: r for r in report.hosts}
    assert set(by_name) == {"srv2012r2-01", "srv2019-01", "srv2022-01", "srv2016-down"}
    assert (by_name["srv2019-01"].status, by_name["srv2019-01"].stage) == (Status.COMPLIANT, Stage.ENFORCE)
    assert by_name["srv2012r2-01"].status is Status.NON_COMPLIANT and by_name["srv2012r2-01"].stage is Stage.NONE
    # rolled back after its last audit: the audit no longer says what the host does
    assert by_name["srv2022-01"].status is Status.UNKNOWN and by_name["srv2022-01"].evidence.stale
    down = by_name["srv2016-down"]
    assert down.status is Status.UNKNOWN and down.stage is Stage.NOT_COLLECTED
    assert any(r.text.startswith("unreachable:") for r in down.reasons)
    assert {p.host for p in report.endpoints} == set(by_name)


def test_slices_merge_to_the_single_run_with_no_host_missing_or_doubled():
    everything = per_host()
    single = build(lab()["scan_after"], everything)
    names = sorted(everything)
    slices = [{h: everything[h] for h in names[i::2]} for i in range(2)]
    parts = [to_document(build(part, now=NOW - 10 + i)) for i, part in enumerate(slices)]
    scan = to_document(build(lab()["scan_after"], now=NOW - 5))
    merged = build(*(Source(f"src[{i}] slice-{i}.json", json.loads(json.dumps(d))) for i, d in enumerate(parts)),
                   Source("src[2] scan.json", scan))
    assert rows(merged) == rows(single)
    assert [r.name for r in merged.hosts] == [r.name for r in single.hosts]
    assert not [d for d in merged.duplicates if d.rule == ACROSS_INPUTS]


def test_same_host_in_two_slices_latest_report_wins_and_is_listed():
    before = per_host("info_before")
    after = per_host("info_after")
    old = to_document(build({"srv2019-01": before["srv2019-01"]}, now=NOW - 100))
    new = to_document(build({"srv2019-01": after["srv2019-01"]}, now=NOW - 50))
    for order in ((new, old), (old, new)):  # input order does not matter, the collection time does
        merged = build(*(Source(f"src[{i}]", d) for i, d in enumerate(order)))
        assert [r.name for r in merged.hosts] == ["srv2019-01"]
        assert merged.hosts[0].stage is Stage.ENFORCE
        (duplicate,) = merged.duplicates
        assert (duplicate.subject, duplicate.section, duplicate.rule) == ("srv2019-01", "state", ACROSS_INPUTS)
        assert duplicate.kept.startswith(f"src[{order.index(new)}]")


def test_equal_times_later_input_wins():
    before = per_host("info_before")["srv2019-01"]
    after = per_host("info_after")["srv2019-01"]
    assert build({"srv2019-01": before}, {"srv2019-01": after}).hosts[0].stage is Stage.ENFORCE
    assert build({"srv2019-01": after}, {"srv2019-01": before}).hosts[0].stage is Stage.NONE


def test_within_one_input_the_later_result_wins_and_is_counted_apart():
    report = build(per_host("info_before", "info_after"))
    assert all(d.rule == WITHIN_INPUT for d in report.duplicates)
    summary = to_document(report)["summary"]
    assert summary["duplicates"] == 0 and summary["superseded"] == 3


def test_last_change_is_the_latest_backup_whatever_the_input_order():
    config = lab()["hosts"]["srv2022-01"]["config_apply"]
    restore = lab()["hosts"]["srv2022-01"]["restore"]
    for order in ((config, restore), (restore, config)):
        report = build({"srv2022-01": list(order)})
        change = report.hosts[0].evidence.change.last_change
        assert change.action == "tls_restore" and change.backup_id == restore["backup"]["id"]


def test_an_old_failure_does_not_hide_a_newer_audit_but_a_newer_one_shows():
    down = lab()["hosts"]["srv2016-down"]["info_down"]
    audit = lab()["hosts"]["srv2019-01"]["info_after"]
    healed = build({"h": [down, audit]}).hosts[0]
    assert healed.status is Status.COMPLIANT and not healed.evidence.failures
    broken = build({"h": [audit, down]}).hosts[0]
    assert broken.evidence.failures and any(r.code == "collection_failed" for r in broken.reasons)


def test_expected_hosts_without_any_result_are_rows_not_gaps():
    report = build(per_host("info_after"), hosts=["srv2019-01", "never-answered"])
    missing = {r.name: r for r in report.hosts}["never-answered"]
    assert missing.status is Status.UNKNOWN and missing.stage is Stage.NOT_COLLECTED


def test_skipped_results_leave_a_host_not_collected():
    report = build({"srv2012r2-01": [lab()["hosts"]["srv2012r2-01"]["config_apply"]]})
    assert report.hosts[0].stage is Stage.NOT_COLLECTED and report.hosts[0].evidence.change is None


def test_read_back_keeps_stale_and_fresh_apart():
    report = build(per_host())
    again = build(Source("src[0] report.json", to_document(report)))
    assert rows(again) == rows(report)
    assert {r.name: r.evidence.stale for r in again.hosts}["srv2022-01"] is True


def test_a_report_of_another_profile_is_refused():
    other = to_document(build(per_host("info_after"), profile="bsi"))
    with pytest.raises(InputError, match=r"src\[0\]: this report judged hosts against 'bsi'"):
        build(Source("src[0]", other))


def test_a_newer_schema_is_refused():
    with pytest.raises(InputError, match="tlsguard_fleet_report/v2"):
        build(Source("src[0]", {"schema": "tlsguard_fleet_report/v2", "hosts": []}))


@pytest.mark.parametrize("data, message", [
    ({"web01": {"hello": 1}}, r"results\[0\]\.web01: not a result of tls_scan, tls_restore, tls_info"),
    (lab()["hosts"]["srv2019-01"]["info_after"], r"results\[0\]: a tls_info result needs its host"),
    ("text", r"results\[0\]: expected a registered result or a mapping"),
    ({"web01": [1]}, r"results\[0\]\.web01\[0\]: expected a registered result"),
    ({}, r"results\[0\]: not a result"),
])
def test_bad_input_names_where(data, message):
    with pytest.raises(InputError, match=message):
        build(data)


def test_a_registered_loop_is_read_item_by_item():
    loop = {"msg": "All items completed", "changed": False, "results": per_host("info_after")["srv2019-01"]}
    assert build({"srv2019-01": loop}).hosts[0].status is Status.COMPLIANT
