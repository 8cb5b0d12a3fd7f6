# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet report benchmark: build + render per format for generated fleets, side by side with what a user writes
instead (a Jinja2 template loop, the csv module, json.dumps of the registered results), and the 10,000-host page in
headless Chromium (the page's own performance marks). ``make bench-report ARGS="--hosts 10000 100000"``.

The fleet is made of the real results captured from the lab (tests/unit/.../reporting/fixtures), cloned under new
host names: a third stock 2012 R2 (TLS 1.0 on), a third enforced 2019, a third enforced 2022, 1.5 endpoints a host."""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import tempfile
import time
from pathlib import Path

import jinja2

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.formats import FORMATS
from ansible_collections.tlsguard.windows.tests.harness.browser import chromium
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import lab

# What a user writes today: a template task looping over hostvars into an HTML table.
JINJA_TABLE = jinja2.Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>TLS</title></head><body>
<table><tr><th>Host</th><th>OS</th><th>TLS 1.0 server</th><th>TLS 1.2 server</th><th>Compliant</th></tr>
{% for host, result in results.items() %}<tr><td>{{ host }}</td><td>{{ result.os.product }}</td>
<td>{{ result.effective.tls1_0.server }}</td><td>{{ result.effective.tls1_2.server }}</td>
<td>{{ result.compliant | default('') }}</td></tr>
{% endfor %}</table></body></html>""", autoescape=True)


def fleet(hosts: int) -> tuple[dict, dict]:
    captured = lab()
    kinds = [captured["hosts"]["srv2012r2-01"]["info_after"], captured["hosts"]["srv2019-01"]["info_after"],
             captured["hosts"]["srv2022-01"]["info_before"]]
    results = {f"win{i:06d}": kinds[i % 3] for i in range(hosts)}
    scan = copy.deepcopy(captured["scan_after"])
    template = scan["endpoints"]
    scan["endpoints"] = []
    for i in range(hosts * 3 // 2):
        point = dict(template[i % len(template)])
        name = f"win{i * 2 // 3:06d}"
        point.update(name=f"{name}-{i}", host=f"{name}.corp.example", target=f"{name}.corp.example:{443 + i % 2}")
        scan["endpoints"].append(point)
    return results, scan


def timed(action):
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def baseline_csv(results: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["host", "os", "tls1_0_server", "tls1_2_server", "compliant"])
    for host, r in results.items():
        writer.writerow([host, r["os"]["product"], r["effective"]["tls1_0"]["server"],
                         r["effective"]["tls1_2"]["server"], r.get("compliant", "")])
    return out.getvalue().encode()


def browser_marks(path: Path) -> dict:
    with chromium() as browser:
        page = browser.open(str(path))
        page.wait_for_selector("body[data-ready=true]", timeout=120000)
        marks = page.evaluate("""() => {
            const out = {};
            for (const m of performance.getEntriesByType('mark')) out[m.name] = m.startTime;
            for (const p of performance.getEntriesByType('paint')) out[p.name] = p.startTime;
            const nav = performance.getEntriesByType('navigation')[0];
            out.domContentLoaded = nav.domContentLoadedEventEnd; out.load = nav.loadEventEnd;
            return out; }""")
        start = time.perf_counter()
        page.evaluate("""() => new Promise(done => { const b = document.querySelector('#hosts-table .vt-body');
            b.scrollTop = b.scrollHeight; requestAnimationFrame(() => requestAnimationFrame(done)); })""")
        marks["scroll_to_end_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        page.click('#hosts-table button[data-col="name"]')
        page.click('#hosts-table button[data-col="name"]')
        marks["sort_twice_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        page.fill("#host-filter", "win00999")
        marks["filter_ms"] = (time.perf_counter() - start) * 1000
        assert not browser.blocked and not browser.errors, (browser.blocked, browser.errors)
        page.close()
    return marks


def browser_load(path: Path) -> float:
    with chromium() as browser:
        page = browser.open(str(path))
        page.wait_for_load_state("load")
        return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--browser-hosts", type=int, default=10000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-report-"))
    print("| hosts | step | seconds | baseline | baseline seconds | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for hosts in args.hosts:
        results, scan = fleet(hosts)
        seconds, report = timed(lambda r=results, s=scan: build_report(
            [Source("results[0]", s), Source("results[1]", r)], "enforce", time.time()))
        plain, _dumped = timed(lambda r=results: json.dumps(r))
        print(f"| {hosts:,} | build (adapters, merge, verdicts) | {seconds:.2f} | json.dumps of the results "
              f"| {plain:.2f} | {seconds / plain:.1f}x |")
        for name, fmt in FORMATS.items():
            for suffix, render in fmt.outputs:
                seconds, content = timed(lambda f=render, rep=report: f(rep))
                (scratch / f"{hosts}{suffix}").write_bytes(content)
                if name == "html":
                    other, page = timed(lambda r=results: JINJA_TABLE.render(results=r).encode())
                    (scratch / f"{hosts}-jinja.html").write_bytes(page)
                    base = "Jinja2 table loop"
                elif name == "csv" and suffix == "-hosts.csv":
                    other, _table = timed(lambda r=results: baseline_csv(r))
                    base = "csv module loop"
                else:
                    print(f"| {hosts:,} | render {name}{suffix} ({len(content) / 1e6:.1f} MB) | {seconds:.2f} "
                          "| | | |")
                    continue
                print(f"| {hosts:,} | render {name}{suffix} ({len(content) / 1e6:.1f} MB) | {seconds:.2f} | {base} "
                      f"| {other:.2f} | {seconds / other:.1f}x |")
    if args.browser_hosts:
        hosts = args.browser_hosts
        page = scratch / f"{hosts}.html"
        if not page.exists():
            results, scan = fleet(hosts)
            page.write_bytes(FORMATS["html"].outputs[0][1](build_report(
                [Source("results[0]", scan), Source("results[1]", results)], "enforce", time.time())))
            (scratch / f"{hosts}-jinja.html").write_bytes(JINJA_TABLE.render(results=results).encode())
        marks = browser_marks(page)
        jinja = browser_load(scratch / f"{hosts}-jinja.html")
        print(f"\nChromium, {hosts:,} hosts ({page.stat().st_size / 1e6:.1f} MB page), milliseconds from navigation:")
        for key in ("first-paint", "first-contentful-paint", "tlsguard:parsed", "tlsguard:summary", "tlsguard:table",
                    "domContentLoaded", "load"):
            print(f"- {key}: {marks.get(key, float('nan')):.0f}")
        print(f"- scroll to the last row: {marks['scroll_to_end_ms']:.0f}; sort twice: {marks['sort_twice_ms']:.0f}; "
              f"filter: {marks['filter_ms']:.0f}")
        print(f"- the Jinja2 table of the same hosts (every row in the DOM, no summary): load {jinja:.0f}")


if __name__ == "__main__":
    main()
