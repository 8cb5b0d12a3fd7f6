"""tls_report at the end of a real ansible-playbook run on the lab: the four formats agree with each other and with
what the lab hosts are, and the report merged from per-host files equals the one built from registered results."""

from __future__ import annotations

import csv
import io

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_html import embedded_document


def _without_sources(document: dict) -> list[dict]:
    hosts = []
    for host in document["hosts"]:
        host = dict(host, sources=None, failures=[dict(f, source=None, collected_at=None) for f in host["failures"]])
        hosts.append(host)
    return hosts


def test_the_fleet_as_the_lab_left_it(report_run):
    document = report_run.document()
    hosts = {h["name"]: h for h in document["hosts"]}
    assert list(hosts) == ["srv2012r2-01", "srv2016-down", "srv2019-01", "srv2022-01"]
    assert (hosts["srv2019-01"]["status"], hosts["srv2019-01"]["stage"]) == ("compliant", "enforce")
    assert (hosts["srv2022-01"]["status"], hosts["srv2022-01"]["stage"]) == ("compliant", "enforce")
    assert hosts["srv2019-01"]["last_change"]["backup_id"].endswith("-srv2019-01")
    legacy = hosts["srv2012r2-01"]
    assert legacy["status"] == "non_compliant" and legacy["stage"] == "none"
    assert {r["code"] for r in legacy["reasons"]} == {"drift", "endpoint_legacy"}
    down = hosts["srv2016-down"]
    assert down["status"] == "unknown" and down["stage"] == "not_collected"
    assert down["failures"] and down["failures"][0]["message"].startswith("unreachable:")
    summary = document["summary"]
    assert summary["status"] == {"compliant": 2, "non_compliant": 1, "held": 0, "unknown": 1}
    assert {p["host"] for p in summary["accepting_legacy"]} == {"srv2012r2-01", "srv2016-down"}
    assert summary["endpoints"]["total"] == 5 and summary["endpoints"]["without_host"] == 0


def test_the_four_formats_say_the_same(report_run):
    document = report_run.document()
    page = (report_run.out / "fleet.html").read_bytes()
    assert embedded_document(page) == document
    hosts = list(csv.DictReader(io.StringIO((report_run.out / "fleet-hosts.csv").read_text("utf-8-sig"))))
    assert [(r["host"], r["status"], r["stage"]) for r in hosts] == [
        (h["name"], h["status"], h["stage"]) for h in document["hosts"]]
    points = list(csv.DictReader(io.StringIO((report_run.out / "fleet-endpoints.csv").read_text("utf-8-sig"))))
    assert [(p["endpoint"], p["tls1_0"]) for p in points] == [
        (e["name"], e["protocols"]["tls1_0"]) for e in document["endpoints"]]
    markdown = (report_run.out / "fleet.md").read_text()
    assert markdown.startswith("# Lab fleet after stage 3\n")
    assert "| compliant | 2 |" in markdown and "| non\\_compliant | 1 |" in markdown
    for host in document["hosts"]:
        assert f"| {host['name'].replace('-', '-')} | {host['status'].replace('_', chr(92) + '_')} |" in markdown


def test_merged_from_per_host_files_equals_the_direct_report(report_run):
    direct, merged = report_run.document(), report_run.document("merged.json")
    assert _without_sources(merged) == _without_sources(direct)
    assert [e["name"] for e in merged["endpoints"]] == [e["name"] for e in direct["endpoints"]]
    assert merged["summary"]["duplicates"] == 0
