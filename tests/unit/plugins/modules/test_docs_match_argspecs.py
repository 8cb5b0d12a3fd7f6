"""Every module's documentation (as ansible-doc renders it, doc fragments included) against the argument spec the
code really uses: names, types, defaults, choices, required, elements and suboptions. validate-modules cannot do this
for modules that are only action plugins (and, without pwsh, for the .ps1), so this test does it for all of them.

``overrides``, ``waivers`` and ``exceptions`` are free in the argument spec (the core parses them and reports every
problem at once, with did-you-means), but their documentation lists their keys as suboptions, which is what
ansible-doc and Automation Hub render. Those suboptions are held to the tables and fields the core parses them with,
and the policy parser must accept every documented overrides key."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.action.tls_scan import ARGUMENT_SPEC as TLS_SCAN_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core import locations
from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import (
    TLS_CONFIG_ARGS,
    TLS_EVIDENCE_ARGS,
    TLS_INFO_ARGS,
    TLS_READINESS_ARGS,
    TLS_RESTORE_ARGS,
    TLS_ROLLOUT_RECORD_ARGS,
    TLS_USAGE_ARGS,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.policy import SECTIONS, STATES, parse_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.protocols import PROTOCOLS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.waivers import WAIVER_KEYS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.gate import GateException
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

_STATE = {"type": "str", "choices": list(STATES)}
_RAW = {"type": "raw"}  # several forms (a state or a mapping, a list or a word); the parser tells them apart
# The overrides schema as the parser (policy.parse_policy) reads it, built from the tables it reads them with.
OVERRIDES_SCHEMA: dict[str, dict] = {
    "protocols": {"type": "dict", "options": {p.key: _RAW for p in PROTOCOLS}},
    "dotnet": _RAW,
    "winhttp": _RAW,
    "wininet": _RAW,
    "ciphers": {"type": "dict", "options": dict.fromkeys(locations.CIPHERS, _STATE)},
    "hashes": {"type": "dict", "options": dict.fromkeys(locations.HASHES, _STATE)},
    "key_exchange": {"type": "dict", "options": {**dict.fromkeys(locations.KEY_EXCHANGES, _STATE),
                                                 **dict.fromkeys(locations.DH_VALUES, _RAW)}},
    "cipher_suites": _RAW,
    "ecc_curves": _RAW,
    "event_logging": _RAW,
}
# One value of each documented form, to show the parser takes every documented key.
_SAMPLES: dict[str, object] = {"dotnet": "enabled", "winhttp": ["tls1_2"], "wininet": "os_default",
                               "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
                               "ecc_curves": ["NistP384"], "event_logging": 7}


# readiness.waivers.parse_waivers: both keys required. usage.gate.GateException.from_json: owner and reason required.
WAIVER_SCHEMA = {key: {"type": "str", "required": True} for key in WAIVER_KEYS}
EXCEPTION_SCHEMA = {f.name: {"type": "str", "required": f.name in ("owner", "reason")} for f in fields(GateException)}
CORE_SCHEMAS = {"overrides": OVERRIDES_SCHEMA, "waivers": WAIVER_SCHEMA, "exceptions": EXCEPTION_SCHEMA}


def _with_documented_schemas(spec: dict) -> dict:
    """The spec with the schemas the core checks in place of the free dicts they are in the argument spec."""
    spec = dict(spec)
    for name in set(CORE_SCHEMAS) & set(spec):
        assert "options" not in spec[name], f"{name} gained an argspec schema; compare that one instead"
        spec[name] = {**spec[name], "options": CORE_SCHEMAS[name]}
    return spec


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
    assert _compare(_with_documented_schemas(SPECS[module]), DOCS[module]["options"], module) == []


def test_the_overrides_schema_covers_every_policy_section():
    assert set(OVERRIDES_SCHEMA) == set(SECTIONS)


def _documented_overrides() -> list[tuple[str, str | None, dict]]:
    """(section, key or None, documented option) for every documented overrides suboption, from ansible-doc."""
    documented = DOCS["tls_config"]["options"]["overrides"]["suboptions"]
    rows: list[tuple[str, str | None, dict]] = []
    for section, option in documented.items():
        keys = [(section, key, sub) for key, sub in (option.get("suboptions") or {}).items()]
        rows += keys or [(section, None, option)]
    return rows


@pytest.mark.parametrize(("section", "key", "option"), _documented_overrides(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_the_policy_parser_accepts_every_documented_override(section, key, option):
    if key is None:
        value: object = _SAMPLES[section]
    elif option.get("choices"):
        value = {key: option["choices"][1]}
    else:
        value = {key: 2048 if "bits" in key else "disabled"}
    parse_policy({section: value}, "overrides")  # raises ValidationError naming the option if it is refused


def test_the_policy_parser_refuses_an_undocumented_key():
    with pytest.raises(ValidationError, match=r"overrides\.ciphers\.rc5: unknown name"):
        parse_policy({"ciphers": {"rc5": "disabled"}}, "overrides")
