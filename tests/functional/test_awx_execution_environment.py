"""meta/execution-environment.yml through the real ``ansible-builder create`` (no container engine here, so the build
context is what is checked, not an image) and ``ansible-builder introspect`` (how another image reads the collection).

The definition's paths are relative to the collection root, so the build runs from a copy of exactly the files that
root ships: the definition and the three requirement files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILDER = Path(sys.executable).parent / "ansible-builder"
REQUIREMENT_FILES = ("requirements.yml", "requirements.txt", "bindep.txt")


def _builder(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BUILDER), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def test_definition_is_schema_3():
    definition = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"]
    assert {key: definition["dependencies"][key] for key in ("galaxy", "python", "system")} == {
        "galaxy": "requirements.yml", "python": "requirements.txt", "system": "bindep.txt"}


def test_ansible_builder_create_writes_the_build_context(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meta" / "execution-environment.yml", project / "execution-environment.yml")
    for name in REQUIREMENT_FILES:
        shutil.copy(ROOT / name, project / name)
    context = tmp_path / "context"
    done = _builder("create", "-f", "execution-environment.yml", "-c", str(context), "--output-filename",
                    "Containerfile", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="registry.access.redhat.com/ubi9/ubi:latest"' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.12"' in containerfile
    for name in REQUIREMENT_FILES:  # builder copies each file into _build/ byte for byte
        assert (context / "_build" / name).read_text() == (ROOT / name).read_text(), name
    # ...and the Containerfile installs from each: collections, then the introspected pip and bindep lists
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "--user-pip=requirements.txt --user-bindep=bindep.txt" in containerfile
    python_deps = (context / "_build" / "requirements.txt").read_text()
    assert all(dep in python_deps for dep in ("pywinrm", "sslyze", "jmespath")), python_deps


def test_introspect_reads_the_collections_python_and_system_deps():
    # What a downstream image's build does with an installed tlsguard.windows: read meta/execution-environment.yml.
    done = _builder("introspect", "--sanitize", str(ROOT / ".build"), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    report = yaml.safe_load(done.stdout.split("\n", 1)[1]) if done.stdout.startswith("#") else yaml.safe_load(
        done.stdout)
    assert any("pywinrm" in line and "tlsguard.windows" in line for line in report["python"]), report
    assert any("openssl" in line and "tlsguard.windows" in line for line in report["system"]), report
