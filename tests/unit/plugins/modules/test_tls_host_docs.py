"""validate-modules needs pwsh to read a .ps1 module's argument spec; without it, this test compares the spec
written in each .ps1 with its sidecar documentation (names, types, defaults, choices, required, elements,
suboptions), so the two cannot drift apart unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tlslab.twins.psspec import powershell_spec

MODULES = Path(__file__).resolve().parents[4] / "plugins" / "modules"


def _compare(spec_options: dict, doc_options: dict, where: str) -> list[str]:
    problems = []
    for name in sorted(set(spec_options) | set(doc_options)):
        spec, doc = spec_options.get(name), doc_options.get(name)
        if spec is None or doc is None:
            problems.append(f"{where}{name}: only in the {'docs' if spec is None else 'argument spec'}")
            continue
        for field, default in (("type", "str"), ("default", None), ("choices", None), ("required", False),
                               ("elements", None)):
            if spec.get(field, default) != doc.get(field, default):
                problems.append(f"{where}{name}.{field}: spec {spec.get(field, default)!r} != docs "
                                f"{doc.get(field, default)!r}")
        problems += _compare(spec.get("options") or {}, doc.get("suboptions") or {}, f"{where}{name}.")
    return problems


@pytest.mark.parametrize("ps1", sorted(MODULES.glob("*.ps1")), ids=lambda p: p.name)
def test_argument_spec_matches_the_sidecar_docs(ps1):
    docs = yaml.safe_load(ps1.with_suffix(".yml").read_text())["DOCUMENTATION"]
    spec = powershell_spec(ps1.read_text())
    assert _compare(spec["options"], docs["options"], "") == []
    assert spec.get("supports_check_mode", False) == (docs["attributes"]["check_mode"]["support"] != "none")


def test_the_comparison_catches_a_difference():
    spec = {"a": {"type": "bool", "default": False}, "b": {"type": "list", "elements": "dict",
                                                           "options": {"c": {"required": True}}}}
    docs = {"a": {"type": "bool", "default": True}, "b": {"type": "list", "elements": "dict",
                                                          "suboptions": {"c": {}}}}
    assert _compare(spec, docs, "") == ["a.default: spec False != docs True", "b.c.required: spec True != docs False"]


def test_the_internal_module_is_not_listed_but_documented(tmp_path):
    """ansible-doc -l skips plugin files whose names start with two underscores; the page itself still shows."""
    doc = str(Path(sys.executable).parent / "ansible-doc")
    env = {**os.environ, "ANSIBLE_HOME": str(tmp_path), "ANSIBLE_NOCOLOR": "1"}
    listed = subprocess.run([doc, "-l", "tlsguard.windows"], capture_output=True, text=True, env=env, check=True)
    assert "tlsguard.windows.tls_config" in listed.stdout and "__tls_host" not in listed.stdout
    page = subprocess.run([doc, "tlsguard.windows.__tls_host"], capture_output=True, text=True, env=env, check=True)
    assert "Internal to the collection" in page.stdout
