"""Shared by the report tests: one small lab rollout that ends in the fleet report (tests/functional/report)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.host import Timing
from tlslab.testing import start_lab

PLAYBOOK = Path(__file__).resolve().parent / "report" / "report.yml"
# 2012 R2 stays as it is (TLS 1.0 on), 2019 and 2022 are enforced, 2016 never answers WinRM.
REPORT_FLEET = [fleet.HostSpec("srv2012r2-01", "2012r2", ("https", "smtp")),
                fleet.HostSpec("srv2019-01", "2019", ("https",)),
                fleet.HostSpec("srv2022-01", "2022", ("https",)),
                fleet.HostSpec("srv2016-down", "2016", ("https",), faults={"refuse": 1})]
ENFORCED = ["srv2019-01", "srv2022-01"]


@dataclass
class ReportRun:
    out: Path
    stdout: str

    def document(self, name: str = "fleet.json") -> dict:
        return json.loads((self.out / name).read_text())


@pytest.fixture(scope="session")
def report_run(tmp_path_factory) -> Iterator[ReportRun]:
    scratch = tmp_path_factory.mktemp("report")
    lab = start_lab(scratch / "lab", REPORT_FLEET, Timing(0.2, 0.5))
    try:
        out = scratch / "out"
        (out / "per-host").mkdir(parents=True)
        extra = scratch / "extra.json"
        extra.write_text(json.dumps({"report_out": str(out), "report_enforced": ENFORCED}))
        done = lab.playbook(PLAYBOOK, "-e", f"@{extra}")
    finally:
        lab.stop()
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-3000:]
    yield ReportRun(out, done.stdout)
