"""The captured lab results (fixtures/lab_results.json, recorded by record_results.py) in the shapes tests use."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lab_results.json"
# The order the capture playbook ran its tasks in: a host's list of results is in this order.
TASK_ORDER = ("info_before", "config_check", "config_apply", "info_after", "restore", "info_down")


@cache
def _load() -> str:
    return FIXTURE.read_text()


def lab() -> dict:
    return json.loads(_load())


def per_host(*tasks: str) -> dict[str, list[dict]]:
    """{host: [results in task order]} for the tasks named (all of them by default)."""
    wanted = tasks or TASK_ORDER
    return {host: [results[t] for t in TASK_ORDER if t in wanted and t in results]
            for host, results in lab()["hosts"].items()}
