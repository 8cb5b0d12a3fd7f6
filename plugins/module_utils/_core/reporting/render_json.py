# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON: the ``tlsguard_fleet_report/v1`` document, one host or endpoint per line (small diffs, fast to read)."""

from __future__ import annotations

import json
import re

from .document import to_document
from .model import FleetReport

_STAMP = re.compile(rb'"generated_at": "([^"]+)"')


def _rows(name: str, rows: list) -> str:
    if not rows:
        return f' "{name}": []'
    body = ",\n".join("  " + json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) for row in rows)
    return f' "{name}": [\n{body}\n ]'


def render(report: FleetReport) -> bytes:
    document = to_document(report)
    rows = [(name, document.pop(name)) for name in ("hosts", "endpoints")]
    head = json.dumps(document, ensure_ascii=False, indent=1)
    parts = [head[:-2]] + [_rows(name, value) for name, value in rows]
    return (",\n".join(parts) + "\n}\n").encode()


def stamp(content: bytes) -> str | None:
    """The generation time of a report this renderer wrote (it is near the top)."""
    match = _STAMP.search(content[:4096])
    return match.group(1).decode() if match else None
