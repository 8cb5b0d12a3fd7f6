# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Markdown for a ticket: the summary, then hosts and endpoints as tables. Every text from a host or scanner is
escaped, so a hostile name cannot add links, images, HTML or table cells."""

from __future__ import annotations

import re

from ..protocols import BY_KEY, LEGACY_TLS_KEYS, TLS_KEYS
from . import cells
from .model import FleetReport, Stage, Status
from .summary import summarize

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_STAMP = re.compile(rb"^Generated (\S+)", re.M)


def md(value: object) -> str:
    """One line of inert text: Markdown punctuation backslash-escaped, & as an entity, line breaks as spaces."""
    text = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _reasons(title: str, found: list[dict]) -> list[str]:
    if not found:
        return []
    return [f"### {title}", ""] + [f"- {md(r['code'])} ({r['hosts']} host(s)), e.g. {md(r['example'])}"
                                   for r in found] + [""]


def render(report: FleetReport) -> bytes:
    summary = summarize(report)
    points = summary["endpoints"]
    lines = [f"# {md(report.title)}", "",
             f"Generated {report.generated_at} against profile {md(report.profile)}: {summary['hosts']} host(s), "
             f"{points['total']} endpoint(s).", "", "## Summary", ""]
    lines += _table(["Status", "Hosts"], [[s.value, summary["status"][s.value]] for s in Status])
    lines += _table(["Stage", "Hosts"], [[s.value, summary["stage"][s.value]] for s in Stage])
    lines += _reasons("Held, and why", summary["held"])
    lines += _reasons("Not compliant, and why", summary["non_compliant"])
    lines += _reasons("Unknown, and why", summary["unknown"])
    legacy = ", ".join(BY_KEY[k].label for k in LEGACY_TLS_KEYS)
    lines += [f"### Endpoints still accepting {legacy}", ""]
    lines += _table(["Endpoint", "Host", "Accepts"],
                    [[p["name"], p["host"] or "no host", " ".join(BY_KEY[k].label for k in p["protocols"])]
                     for p in summary["accepting_legacy"]]) if summary["accepting_legacy"] else ["None.", ""]
    lines += ["## Hosts", ""]
    lines += _table(["Host", "Status", "Stage", "OS", "Server protocols on", "Scan", "Readiness", "Usage",
                     "Last change", "Backup", "Waivers", "Reasons"],
                    [[r.name, r.status.value, r.stage.value, cells.os_text(r), cells.protocols_on(r, "server"),
                      cells.scan_text(r), cells.readiness_text(r), cells.usage_text(r),
                      r.evidence.change.last_change.at if r.evidence.change and r.evidence.change.last_change else "",
                      r.evidence.change.last_change.backup_id if r.evidence.change and r.evidence.change.last_change
                      else "", cells.waivers_text(r), cells.reasons_text(r)] for r in report.hosts])
    lines += ["## Endpoints", ""]
    lines += _table(["Endpoint", "Host", "Status"] + [BY_KEY[k].label for k in TLS_KEYS] + ["Verdict"],
                    [[p.name, p.host or "no host", p.status, *(s for _k, s in p.protocols),
                      "undetermined" if p.verdict.compliant is None else
                      "compliant" if p.verdict.compliant else "; ".join(v.message for v in p.verdict.violations)]
                     for p in report.endpoints])
    if report.duplicates:
        lines += ["## Merged duplicates", ""]
        lines += _table(["Subject", "Section", "Kept", "Dropped", "Rule"],
                        [[d.subject, d.section, d.kept, d.dropped, d.rule] for d in report.duplicates])
    return "\n".join(lines).encode()


def stamp(content: bytes) -> str | None:
    match = _STAMP.search(content[:8192])
    return match.group(1).decode() if match else None
