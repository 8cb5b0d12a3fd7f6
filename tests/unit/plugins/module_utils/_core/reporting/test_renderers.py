"""Each format: hostile names stay text, spreadsheet formulas are neutralised, the JSON keeps its schema."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.document import to_document
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.formats import FORMATS, outputs
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_csv import (
    neutralise,
    render_endpoints,
    render_hosts,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_html import (
    embedded_document,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_html import (
    render as render_html,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_json import (
    render as render_json,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_markdown import md
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_markdown import (
    render as render_markdown,
)
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import (
    lab,
    per_host,
)

HOSTILE = ['</script><script>window.pwned=1</script>', '<img src=x onerror="window.pwned=2">',
           '=HYPERLINK("http://127.0.0.1:9/x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "web|01 **bold** [link](http://127.0.0.1:9/)", "\u2028line\u2029sep & <b>"]


def hostile_report():
    """Real results filed under hostile host names, and a scan whose endpoint names are hostile too."""
    audit = per_host("info_after")["srv2012r2-01"]
    scan = json.loads(json.dumps(lab()["scan_after"]))
    for point, name in zip(scan["endpoints"], HOSTILE, strict=False):
        point["name"] = name
        point["error"] = name
    return build_report([Source("results[0]", {name: audit for name in HOSTILE}), Source("results[1]", scan)],
                        "enforce", 1_800_000_000.0, title="<b>Fleet</b> & co")


@pytest.mark.parametrize("cell, expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
                                            ("\tx", "'\tx"), ("\rx", "'\rx"), ("web01", "web01"), (3, 3),
                                            ("a=b", "a=b")])
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_csv_cells_cannot_start_a_formula_and_keep_their_text():
    report = hostile_report()
    for table in (render_hosts(report), render_endpoints(report)):
        assert table.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig"), newline="")))
        assert all(len(r) == len(rows[0]) for r in rows)
        for row in rows[1:]:
            assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], row
    hosts = [r[0] for r in csv.reader(io.StringIO(render_hosts(report).decode("utf-8-sig"), newline=""))][1:]
    assert sorted(h.removeprefix("'") for h in hosts) == sorted(HOSTILE)


def test_html_embeds_hostile_names_as_inert_json():
    page = render_html(hostile_report()).decode()
    assert "<script>window.pwned" not in page and "<img src=x" not in page and "<b>Fleet" not in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script type="application/json" id="tlsguard-meta">',
                       '<script type="application/json" id="tlsguard-report">', "<script>"]
    document = embedded_document(page.encode())
    assert sorted(h["name"] for h in document["hosts"]) == sorted(HOSTILE)
    assert "&lt;b&gt;Fleet&lt;/b&gt; &amp; co" in page


def test_html_loads_nothing_from_anywhere():
    page = render_html(hostile_report()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "unsafe" not in policy
    assert not re.search(r"\b(?:src|href)\s*=", page.split('id="tlsguard-meta"', maxsplit=1)[0])
    # the SVG namespace is a name, never fetched
    script = page.rsplit("<script>", maxsplit=1)[-1].replace('"http://www.w3.org/2000/svg"', "")
    assert "http://" not in script and "https://" not in script


def test_markdown_escapes_everything_that_could_be_markup():
    text = render_markdown(hostile_report()).decode()
    assert not re.search(r"(?<!\\)[<>\[\]`*]", text)  # no tag, link, code or emphasis can start
    width = 0
    for line in text.splitlines():
        if line.startswith("| "):
            cells = len(re.split(r"(?<!\\)\|", line))  # a row stays a row: an unescaped pipe would split it
            width = cells if line.startswith("| ---") or not width else width
            assert cells == width, line
        else:
            width = 0
    assert md("a|b <c> [d](e) `f`") == r"a\|b \<c\> \[d\]\(e\) \`f\`"
    assert md("x\ny") == "x y"


def test_json_document_keys_are_the_v1_schema():
    document = json.loads(render_json(build_report([Source("r", lab()["scan_after"]), Source("s", per_host())],
                                                   "enforce", 1_800_000_000.0)))
    assert list(document) == ["schema", "title", "generated_at", "profile", "summary", "inputs", "duplicates",
                              "hosts", "endpoints"]
    assert document["schema"] == "tlsguard_fleet_report/v1"
    assert list(document["hosts"][0]) == [
        "name", "status", "stage", "reasons", "os", "compliant", "drift", "enable_met", "effective",
        "protocols_on", "findings", "last_boot", "scan", "last_change", "pending_changes", "readiness", "usage",
        "waivers", "failures", "stale", "sources"]
    assert list(document["endpoints"][0]) == ["name", "target", "host", "address", "status", "error", "protocols",
                                              "accepted", "verdict", "source", "collected_at"]
    assert list(document["summary"]) == [
        "hosts", "status", "stage", "held", "non_compliant", "unknown", "endpoints", "accepting_legacy",
        "collected", "usage", "waivers", "duplicates", "superseded"]


def test_json_is_the_document_one_row_per_line():
    report = build_report([Source("s", per_host())], "enforce", 1_800_000_000.0)
    content = render_json(report)
    assert json.loads(content) == json.loads(json.dumps(to_document(report)))
    assert content.count(b'\n  {"name": ') == len(report.hosts)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_the_same_bytes_at_its_own_time(name):
    report = build_report([Source("s", per_host())], "enforce", 1_800_000_000.0)
    later = replace(report, generated_at="2030-01-01T00:00:00Z")
    fmt = FORMATS[name]
    for _suffix, render in fmt.outputs:
        old = render(report)
        stamp = fmt.stamp(old)
        assert (stamp == report.generated_at) if name != "csv" else stamp is None
        assert render(replace(later, generated_at=stamp) if stamp else later) == old


def test_output_paths():
    assert [o.path for o in outputs("out/fleet.html", ["html"])] == ["out/fleet.html"]
    assert [o.path for o in outputs("out/fleet.csv", ["csv"])] == ["out/fleet-hosts.csv", "out/fleet-endpoints.csv"]
    assert [o.path for o in outputs("out/fleet", ["json", "markdown", "html"])] == [
        "out/fleet.json", "out/fleet.md", "out/fleet.html"]
    assert [o.path for o in outputs("out/fleet.v2.html", ["json", "html"])] == [
        "out/fleet.v2.json", "out/fleet.v2.html"]
