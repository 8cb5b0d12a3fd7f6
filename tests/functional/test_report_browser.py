"""The HTML report of the lab run (tests/functional/report) in real headless Chromium: the summary shows the JSON's
numbers, the table sorts, filters and opens a host, nothing leaves the page, and hostile names stay text. Takes the
screenshot docs/report.md shows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_html import render
from ansible_collections.tlsguard.windows.tests.harness.browser import BrowserMissing, chromium

# The screenshot goes to .build unless `make docs-screenshot` asks for the one docs/report.md shows, so a test run
# leaves the checkout clean.
SCREENSHOT = Path(os.environ.get("TLSGUARD_REPORT_SCREENSHOT")
                  or Path(__file__).resolve().parents[2] / ".build" / "report-screenshot.png")


@pytest.fixture(scope="module")
def browser():
    try:
        with chromium() as opened:
            yield opened
    except BrowserMissing as err:
        pytest.fail(str(err))


def _ready(page):
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    return page


def _names(page) -> list[str]:
    return page.eval_on_selector_all("#hosts-table .vt-row", "rows => rows.map(r => r.firstChild.textContent)")


def test_summary_numbers_are_the_json_numbers(browser, report_run):
    summary = report_run.document()["summary"]
    page = _ready(browser.open(str(report_run.out / "fleet.html")))
    assert page.text_content("#summary-hosts") == str(summary["hosts"])
    for status, count in summary["status"].items():
        assert page.text_content(f"#summary-status-{status}") == str(count), status
    for stage, count in summary["stage"].items():
        assert page.text_content(f"#summary-stage-{stage}") == str(count), stage
    assert page.text_content("#summary-endpoints") == str(summary["endpoints"]["total"])
    assert page.text_content("#summary-accepting-legacy") == str(len(summary["accepting_legacy"]))
    assert page.text_content("#usage-none").startswith("Not collected")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not browser.errors and not browser.blocked
    page.close()


def test_sort_filter_and_details(browser, report_run):
    document = report_run.document()
    names = [h["name"] for h in document["hosts"]]
    page = _ready(browser.open(str(report_run.out / "fleet.html")))
    assert _names(page) == names and page.text_content("#hosts-shown") == f"{len(names)} of {len(names)} hosts"
    page.click('#hosts-table button[data-col="name"]')
    page.click('#hosts-table button[data-col="name"]')
    assert _names(page) == sorted(names, reverse=True)
    assert page.get_attribute('#hosts-table button[data-col="name"]', "aria-sort") == "descending"
    page.click('#hosts-table button[data-col="status"]')
    order = ["compliant", "non_compliant", "held", "unknown"]
    statuses = {h["name"]: h["status"] for h in document["hosts"]}
    assert [order.index(statuses[n]) for n in _names(page)] == sorted(order.index(s) for s in statuses.values())
    page.select_option("#status-filter", "compliant")
    assert sorted(_names(page)) == sorted(n for n, s in statuses.items() if s == "compliant")
    page.select_option("#status-filter", "")
    page.fill("#host-filter", "2012r2")
    assert _names(page) == ["srv2012r2-01"] and page.text_content("#hosts-shown") == f"1 of {len(names)} hosts"
    page.click("#hosts-table .vt-row")
    page.wait_for_selector("#details[open]")
    assert page.text_content("#details-title") == "srv2012r2-01"
    assert page.text_content("#details-status") == "non compliant"
    grid = page.eval_on_selector_all("#details-body td.legacy-accepted", "cells => cells.length")
    assert grid == 4  # two endpoints, TLS 1.0 and TLS 1.1 each
    page.click("#details-close")
    page.click("#tab-endpoints")
    page.check("#endpoint-legacy")
    legacy = document["summary"]["accepting_legacy"]
    assert page.text_content("#endpoints-shown") == f"{len(legacy)} of {len(document['endpoints'])} endpoints"
    assert not browser.errors and not browser.blocked
    page.close()


def test_hostile_names_stay_text(browser, tmp_path, report_run):
    hostile = ['</script><script>window.pwned=1;alert(1)</script>', '<img src=x onerror="window.pwned=2">',
               '"><svg onload=alert(3)>']
    results = json.loads((report_run.out / "per-host" / "srv2019-01.json").read_text())["srv2019-01"]
    report = build_report([Source("results[0]", {name: results for name in hostile})], "enforce", 1_800_000_000.0,
                          title='<script>alert("title")</script>')
    path = tmp_path / "hostile.html"
    path.write_bytes(render(report))
    page = _ready(browser.open(str(path)))
    assert page.evaluate("window.pwned === undefined") and not browser.dialogs
    assert sorted(_names(page)) == sorted(hostile)
    assert page.text_content("#report-title") == '<script>alert("title")</script>'
    page.click("#hosts-table .vt-row")
    assert page.text_content("#details-title") in hostile
    assert page.evaluate("window.pwned === undefined") and not browser.dialogs and not browser.blocked
    page.close()


def test_a_request_leaving_the_page_would_be_caught(browser, tmp_path):
    # the guard the tests above rely on: a page that asks for anything but file:// is recorded and aborted
    path = tmp_path / "leaky.html"
    path.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png"><body data-ready="true"></body>')
    before = len(browser.blocked)
    page = browser.open(str(path))
    page.wait_for_load_state("load")
    assert browser.blocked[before:] == ["http://127.0.0.1:9/pixel.png"]
    del browser.blocked[before:]
    page.close()
