# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One self-contained HTML page: the report as JSON in a ``<script type="application/json">`` block, the style and
script inline, and a Content-Security-Policy that allows only those two (by hash) and no request of any kind."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

from ..protocols import BY_KEY, LEGACY_TLS_KEYS, TLS_KEYS
from .document import to_document
from .html_script import SCRIPT
from .html_style import STYLE
from .model import FleetReport, Stage, Status

_STAMP = re.compile(rb'<meta name="tlsguard-generated-at" content="([^"]+)">')
# Inside a <script> element only "</script" (and "<!--") end or confuse it; these escapes keep the JSON the same.
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_SAFE[m.group(0)], text)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


POLICY = (f"default-src 'none'; script-src {_hash(SCRIPT)}; style-src {_hash(STYLE)}; img-src 'none'; "
          "base-uri 'none'; form-action 'none'")


def _meta() -> dict:
    return {"protocols": [{"key": k, "label": BY_KEY[k].label, "legacy": k in LEGACY_TLS_KEYS} for k in TLS_KEYS],
            "legacy": list(LEGACY_TLS_KEYS), "statuses": [s.value for s in Status], "stages": [s.value for s in Stage]}


def render(report: FleetReport) -> bytes:
    title = html.escape(report.title)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="tlsguard-generated-at" content="{html.escape(report.generated_at)}">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1 id="report-title">{title}</h1>
<p>Generated {html.escape(report.generated_at)} by tlsguard.windows.tls_report; hosts judged against the profile
<b>{html.escape(report.profile)}</b>. Evidence not collected is shown as such, never as compliant.</p></header>
<main>
<div id="summary"></div>
<div class="tabs" role="tablist">
<button id="tab-hosts" role="tab" aria-selected="true">Hosts</button>
<button id="tab-endpoints" role="tab" aria-selected="false">Endpoints</button>
</div>
<section id="pane-hosts" role="tabpanel">
<div class="tools"><input id="host-filter" type="search" placeholder="Filter hosts (name, OS, reason, backup id)"
aria-label="Filter hosts"><select id="status-filter" aria-label="Status"><option value="">any status</option></select>
<select id="stage-filter" aria-label="Stage"><option value="">any stage</option></select>
<span id="hosts-shown" class="muted"></span></div>
<div id="hosts-table" class="vt hosts" role="table" aria-label="Hosts"></div>
</section>
<section id="pane-endpoints" role="tabpanel" hidden>
<div class="tools">
<input id="endpoint-filter" type="search" placeholder="Filter endpoints" aria-label="Filter endpoints">
<label><input id="endpoint-legacy" type="checkbox"> only those accepting legacy protocols</label>
<span id="endpoints-shown" class="muted"></span></div>
<div id="endpoints-table" class="vt endpoints" role="table" aria-label="Endpoints"></div>
</section>
</main>
<dialog id="details" aria-labelledby="details-title"><div class="dhead"><b id="details-title"></b>
<button id="details-close">Close</button></div><div class="dbody" id="details-body"></div></dialog>
<script type="application/json" id="tlsguard-meta">{embed(_meta())}</script>
<script type="application/json" id="tlsguard-report">{embed(to_document(report))}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
    return page.encode()


def stamp(content: bytes) -> str | None:
    match = _STAMP.search(content[:4096])
    return html.unescape(match.group(1).decode()) if match else None


def embedded_document(content: bytes) -> dict | None:
    """The report a page of this renderer carries (for the diff of a previous run), or None."""
    start = content.find(b'<script type="application/json" id="tlsguard-report">')
    end = content.find(b"</script>", start)
    if start < 0 or end < 0:
        return None
    try:
        data = json.loads(content[start + len(b'<script type="application/json" id="tlsguard-report">'):end])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
