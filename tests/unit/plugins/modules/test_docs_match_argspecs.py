"""Every module's documentation (as ansible-doc renders it, doc fragments included) against the argument spec the
code really uses: names, types, defaults, choices, required, elements and suboptions. validate-modules cannot do this
for modules that are only action plugins (and, without pwsh, for the .ps1), so this test does it for all of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.action.tls_scan import ARGUMENT_SPEC as TLS_SCAN_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import (
    TLS_CONFIG_ARGS,
    TLS_EVIDENCE_ARGS,
    TLS_INFO_ARGS,
    TLS_READINESS_ARGS,
    TLS_RESTORE_ARGS,
    TLS_ROLLOUT_RECORD_ARGS,
    TLS_USAGE_ARGS,
)
from ansible_collections.tlsguard.windows.plugins.modules.tls_regfile import ARGUMENT_SPEC as TLS_REGFILE_ARGS
from ansible_collections.tlsguard.windows.plugins.modules.tls_report import ARGUMENT_SPEC as TLS_REPORT_ARGS
from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

MODULES = Path(__file__).resolve().parents[4] / "plugins" / "modules"
SPECS: dict[str, dict] = {
    "tls_info": TLS_INFO_ARGS,
    "tls_config": TLS_CONFIG_ARGS,
    "tls_restore": TLS_RESTORE_ARGS,
    "tls_scan": TLS_SCAN_ARGS,
    "tls_regfile": TLS_REGFILE_ARGS,
    "tls_report": TLS_REPORT_ARGS,
    "tls_readiness": TLS_READINESS_ARGS,
    "tls_usage": TLS_USAGE_ARGS,
    "tls_rollout_record": TLS_ROLLOUT_RECORD_ARGS,
    "tls_evidence": TLS_EVIDENCE_ARGS,
}
CHECKED_ELSEWHERE = {"__tls_host"}  # its spec is PowerShell: test_tls_host_docs.py reads it
FIELDS = ("type", "default", "choices", "required", "elements")


def _rendered_docs() -> dict[str, dict]:
    names = [f"tlsguard.windows.{name}" for name in SPECS]
    ansible_doc = Path(sys.executable).parent / "ansible-doc"
    out = subprocess.run([str(ansible_doc), "-t", "module", "--json", *names], env=ansible_env(), capture_output=True,
                         text=True, check=True, timeout=120)
    return {name.rsplit(".", 1)[1]: data["doc"] for name, data in json.loads(out.stdout).items()}


DOCS = _rendered_docs()


def _significant(option: dict) -> dict:
    return {f: option.get(f) for f in FIELDS if option.get(f) not in (None, False, [])}


def _compare(spec: dict, documented: dict, where: str) -> list[str]:
    problems = []
    if set(spec) != set(documented):
        problems.append(f"{where}: documented {sorted(documented)}, spec {sorted(spec)}")
    for name in set(spec) & set(documented):
        if _significant(spec[name]) != _significant(documented[name]):
            problems.append(f"{where}.{name}: documented {_significant(documented[name])}, "
                            f"spec {_significant(spec[name])}")
        sub_spec, sub_doc = spec[name].get("options") or {}, documented[name].get("suboptions") or {}
        if sub_spec or sub_doc:
            problems += _compare(sub_spec, sub_doc, f"{where}.{name}")
    return problems


def test_every_module_is_checked_here_or_elsewhere():
    modules = {path.stem for path in MODULES.iterdir() if path.suffix in (".py", ".ps1", ".yml")} - {"__init__"}
    assert modules == set(SPECS) | CHECKED_ELSEWHERE


@pytest.mark.parametrize("module", sorted(SPECS))
def test_documentation_matches_the_argument_spec(module):
    assert _compare(SPECS[module], DOCS[module]["options"], module) == []
