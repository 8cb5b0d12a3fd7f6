# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmarks in tests/perf run only by hand; this keeps them importable and their command lines parseable, so a
renamed core function breaks a test instead of the next person's benchmark run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

PERF = Path(__file__).resolve().parents[1] / "perf"
SCRIPTS = sorted(p for p in PERF.rglob("*.py") if p.name != "__init__.py" and "def main(" in p.read_text())


def test_the_benchmarks_are_found():
    assert {p.name for p in SCRIPTS} >= {"bench_regfile.py", "bench_rollout.py", "bench_usage.py", "bench.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(PERF)))
def test_a_benchmark_imports_and_parses_its_options(script, capsys, monkeypatch):
    parts = script.relative_to(PERF).with_suffix("").parts
    name = ".".join(("ansible_collections.tlsguard.windows.tests.perf", *parts))
    module = importlib.import_module(name)
    monkeypatch.setattr("sys.argv", [script.name, "--help"])
    with pytest.raises(SystemExit) as done:
        module.main()
    assert done.value.code == 0
    assert "usage:" in capsys.readouterr().out
