"""examples/awx/workflow.yml: syntax-checked by ansible-playbook, linted by ansible-lint (production profile), and
every option it sets checked against the awx.awx module documentation (ansible-doc), recursively into suboptions.
No AWX server here: nothing in this file shows the objects are accepted by a controller."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "awx" / "workflow.yml"
BIN = Path(sys.executable).parent
TASK_KEYS = {"name", "loop", "register", "when", "tags", "vars"}


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@cache
def _options(module: str) -> dict[str, Any]:
    done = _run(str(BIN / "ansible-doc"), "-j", module)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[module]["doc"]["options"]


def _unknown(args: dict[str, Any], options: dict[str, Any], where: str) -> list[str]:
    """Keys of ``args`` the documentation does not list, and bad choices, down through dicts and lists of dicts."""
    problems = []
    for key, value in args.items():
        spec = options.get(key) or next((opt for opt in options.values() if key in opt.get("aliases", [])), None)
        if spec is None:
            problems.append(f"{where}.{key}: not an option")
            continue
        if "choices" in spec and isinstance(value, str) and "{{" not in value and value not in spec["choices"]:
            problems.append(f"{where}.{key}: {value!r} not in {spec['choices']}")
        sub = spec.get("suboptions")
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if sub and isinstance(item, dict):
                problems += _unknown(item, sub, f"{where}.{key}[{index}]")
    return problems


def _tasks() -> list[dict[str, Any]]:
    return [task for play in yaml.safe_load(WORKFLOW.read_text()) for task in play["tasks"]]


def test_syntax_check():
    done = _run(str(BIN / "ansible-playbook"), "--syntax-check", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr


def test_ansible_lint_production_profile():
    done = _run(str(BIN / "ansible-lint"), "--offline", "--profile", "production", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("task", _tasks(), ids=lambda task: task["name"])
def test_every_option_is_documented_by_awx_awx(task):
    (module,) = set(task) - TASK_KEYS
    assert module.startswith("awx.awx."), module
    assert _unknown(task[module], _options(module), module) == []


def test_checker_catches_a_wrong_option():
    # the check above would pass vacuously if _unknown never complained
    assert _unknown({"playbok": "x", "job_type": "dry"}, _options("awx.awx.job_template"), "jt") == [
        "jt.playbok: not an option", "jt.job_type: 'dry' not in ['run', 'check']"]


def test_workflow_is_stage_approval_stage_approval_stage():
    (workflow,) = [task["awx.awx.workflow_job_template"] for task in _tasks()
                   if "awx.awx.workflow_job_template" in task]
    nodes = {node["identifier"]: node for node in workflow["workflow_nodes"]}
    chain, current = [], "stage1-enable"
    while current:
        node = nodes[current]
        template = node["unified_job_template"]
        chain.append((template["type"], template["name"] if template["type"] == "job_template" else None))
        nexts = node.get("related", {}).get("success_nodes", [])
        current = nexts[0]["identifier"] if nexts else ""
    assert chain == [("job_template", "tlsguard-enable"), ("workflow_approval", None),
                     ("job_template", "tlsguard-monitor"), ("workflow_approval", None),
                     ("job_template", "tlsguard-enforce")]
    assert len(chain) == len(nodes)  # no node outside the chain


def test_templates_name_project_playbooks_and_drift_is_check_with_diff():
    templates = {}
    for task in _tasks():
        if "awx.awx.job_template" in task:
            spec = task["awx.awx.job_template"]
            for item in task.get("loop") or [None]:
                name = spec["name"].replace("{{ item }}", item) if item else spec["name"]
                templates[name] = {**spec, "playbook": spec["playbook"].replace("{{ item }}", item or "")}
    playbooks = ROOT / "playbooks"
    for name, template in templates.items():
        assert (ROOT / template["playbook"]).is_file(), name
    assert {t["playbook"] for t in templates.values()} == {f"playbooks/{p.name}" for p in playbooks.glob("*.yml")
                                                           if p.name != "scan.yml"}
    drift = templates["tlsguard-drift"]
    assert (drift["job_type"], drift["diff_mode"]) == ("check", True)
    assert all(template["survey_enabled"] and template["survey_spec"] for template in templates.values())
