"""docs/readiness.md carries the rules table generated from the data; this test keeps them the same."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.rules import RULES

DOC = Path(__file__).resolve().parents[6] / "docs" / "readiness.md"
BEGIN, END = "<!-- rules table: generated from rules.RULES -->", "<!-- end of rules table -->"


def rules_table() -> str:
    lines = ["| Rule | Component | Applies to | Fixed by | Stage | Severity | Not met | Source |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    status = {"update": "needs_update", "config": "blocker", "unsupported": "blocker", "unverifiable": "unknown",
              "info": "info only"}
    for rule in RULES:
        mark = "" if rule.confirmed else " (unconfirmed)"
        lines.append(f"| `{rule.id}`{mark} | {rule.component} | {rule.applies_to} | {rule.fixed_by or '-'} | "
                     f"{rule.stage} | {rule.severity} | {status[rule.kind]} | <{rule.source}> |")
    return "\n".join(lines)


def test_the_docs_table_is_the_data():
    text = DOC.read_text()
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == rules_table(), f"regenerate the table in {DOC}:\n{rules_table()}"


def test_every_unconfirmed_rule_is_listed_with_its_reason():
    section = DOC.read_text().split("## Rules not confirmed from a public primary source", 1)[1]
    for rule in (r for r in RULES if not r.confirmed):
        assert f"`{rule.id}`" in section
