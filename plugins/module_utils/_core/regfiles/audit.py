# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit of one ``.reg`` export: what regedit would import from it, and what that means for the host.

Pure: the caller reads the file and hands over its bytes. ``host_view`` is the one place the regfile audit asks
the core what a set of values means (effective states, suites, findings, decoded settings), so a change of the
core's host view is one edit here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..audit_result import audit_report
from ..builds import WindowsBuild
from ..desired import Compiled
from ..registry import RegRef, RegValue, Snapshot
from ..view import view_of
from .parser import RegFile, parse_regfile

# How many unreadable lines a one-line summary (an Ansible warning, a strict failure) quotes.
SUMMARY_LINES = 3
SUMMARY_MESSAGE = 160


def host_view(values: Mapping[RegRef, RegValue], build: WindowsBuild, compiled: Compiled | None) -> dict:
    """What the values mean on ``build``, in the shape tls_info returns (an export is partial: complete=False)."""
    return audit_report(view_of(values, build, complete=False), compiled)


def file_report(parsed: RegFile, snapshot: Snapshot) -> dict:
    """What the reader made of the file itself: refusal, lines dropped, lines that look wrong, values read."""
    return {
        "file_refused": parsed.refusal,
        "errors": [issue.to_json() for issue in parsed.errors],
        "errors_omitted": parsed.errors_omitted,
        "warnings_in_file": [issue.to_json() for issue in parsed.warnings],
        "warnings_omitted": parsed.warnings_omitted,
        "values_read": len(snapshot),
    }


def audit_export(raw: bytes, build: WindowsBuild, compiled: Compiled | None) -> tuple[dict, Snapshot]:
    """The audit result of one export and the values it leaves (for rendering the changes it lacks)."""
    parsed = parse_regfile(raw)
    snapshot = parsed.snapshot()
    return {**file_report(parsed, snapshot), **host_view(snapshot, build, compiled)}, snapshot


def dropped_summary(report: Mapping) -> str | None:
    """One sentence naming the first lines regedit would drop and why, or None when it drops none."""
    if report.get("file_refused"):
        return f"regedit refuses it: {report['file_refused']}; nothing in it would be imported"
    errors = report.get("errors") or []
    if not errors:
        return None
    total = len(errors) + report.get("errors_omitted", 0)
    shown = "; ".join(f"line {e['line']}: {_clip(e['message'])}" for e in errors[:SUMMARY_LINES])
    more = f"; and {total - SUMMARY_LINES} more" if total > SUMMARY_LINES else ""
    return f"{total} line(s) are not imported: {shown}{more}"


def line_numbers(report: Mapping) -> str:
    """'5, 7, 8' or '5, 7, 8, ... and 997 more' for the lines in ``errors``."""
    errors = report.get("errors") or []
    numbers = ", ".join(str(e["line"]) for e in errors[:20])
    rest = len(errors) - 20 + report.get("errors_omitted", 0)
    return numbers + (f", ... and {rest} more" if rest > 0 else "")


def _clip(message: str) -> str:
    return message if len(message) <= SUMMARY_MESSAGE else message[:SUMMARY_MESSAGE - 3] + "..."
