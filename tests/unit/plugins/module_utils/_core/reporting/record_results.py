# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Re-record fixtures/lab_results.json: real registered results of tls_scan, tls_info, tls_config and tls_restore
from a tlslab fleet (an emulator, not Windows), for the reporting tests. Run after a module's result shape changes:
``make record-report-fixtures``"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tlslab import fleet
from tlslab.host import Timing
from tlslab.testing import start_lab

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "lab_results.json"
# 2012 R2 stays as it is, 2019 is enforced, 2022 is enforced and rolled back, 2016 refuses WinRM (capture.yml
# names these hosts).
SPECS = [fleet.HostSpec("srv2012r2-01", "2012r2", ("https", "smtp")),
         fleet.HostSpec("srv2019-01", "2019", ("https",)),
         fleet.HostSpec("srv2022-01", "2022", ("https",)),
         fleet.HostSpec("srv2016-down", "2016", ("https",), faults={"refuse": 1})]
EXTRA = {"capture_enforced": ["srv2019-01", "srv2022-01"], "capture_rolled_back": ["srv2022-01"]}


def record(scratch: Path) -> dict:
    lab = start_lab(scratch / "lab", SPECS, Timing(0.2, 0.5))
    try:
        out = scratch / "out"
        out.mkdir()
        extra = scratch / "extra.json"
        extra.write_text(json.dumps({**EXTRA, "capture_dir": str(out)}))
        run = lab.playbook(HERE / "capture.yml", "-e", f"@{extra}")
        if run.returncode != 0:
            sys.exit(f"capture.yml failed:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}")
    finally:
        lab.stop()
    hosts = {path.stem[len("host-"):]: json.loads(path.read_text()) for path in sorted(out.glob("host-*.json"))}
    return {"hosts": hosts, **json.loads((out / "scans.json").read_text())}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        FIXTURE.write_text(json.dumps(record(Path(folder)), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")
