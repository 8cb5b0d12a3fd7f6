"""The tls_host contract cases (tests/contract/tls_host/cases) against the lab's twin: every case must pass. The
same cases run against the real PowerShell on Windows with tests/contract/tls_host/Invoke-ContractCases.ps1."""

from __future__ import annotations

from pathlib import Path

import pytest
from tlslab import contract
from tlslab.twins import tls_host
from tlslab.twins.psspec import powershell_spec

REPOSITORY = Path(__file__).resolve().parents[2]
CASES = contract.load_cases(REPOSITORY / "tests" / "contract" / "tls_host" / "cases")
MODULE = REPOSITORY / "plugins" / "modules" / "__tls_host.ps1"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_twin_keeps_the_contract(case, tmp_path):
    assert contract.run_case(case, tmp_path / "host") == []


def test_the_twin_spec_is_the_powershell_spec():
    assert powershell_spec(MODULE.read_text()) == tls_host.SPEC


def test_a_broken_twin_fails_the_cases(tmp_path, monkeypatch):
    """The cases can fail: a twin that forgets to check DWORD ranges is caught by them."""
    monkeypatch.setattr(tls_host, "_RANGES", {"REG_DWORD": (-(2**64), 2**64, "DWord"),
                                              "REG_QWORD": (-(2**64), 2**64, "QWord")})
    case = next(c for c in CASES if c["name"] == "dword_out_of_range")
    assert contract.run_case(case, tmp_path / "host") != []


def test_case_files_refuse_unknown_fields(tmp_path):
    (tmp_path / "bad.json").write_text('[{"name": "x", "args": {}, "expect": {}, "registy_after": {}}]')
    with pytest.raises(ValueError, match="unknown fields"):
        contract.load_cases(tmp_path)
