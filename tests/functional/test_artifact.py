"""The built collection is clean with a developer's working tree around it: real `ansible-galaxy collection build` in
a copy of the tracked files plus everything the Makefile, tests and docs create (virtualenvs, caches, lab state,
the integration inventory with a password, benchmark output)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CREATED = [".venv/bin/python", ".venv-latest/bin/python", ".hypothesis/examples/x", ".ruff_cache/x", ".pytest_cache/x",
           ".mypy_cache/x", ".build/lab/hosts.json", "tests/output/junit.xml", "tests/integration/inventory.winrm",
           "bench-results.md", "lab/tlslab/__pycache__/x.pyc", "plugins/module_utils/__pycache__/x.pyc"]
NEVER_SHIPPED = ("lab/", "examples/demo/", ".venv", ".hypothesis", ".ruff_cache", ".pytest_cache", ".mypy_cache",
                 ".build/", "tests/output/", "bench-results", "__pycache__",
                 ".github/", ".ci/", "Makefile")


def test_the_tarball_carries_no_development_files(tmp_path):
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    tree = tmp_path / "tree"
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    for name in CREATED:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(b"ansible_password: secret\n" + b"x" * 100_000)
    out = tmp_path / "out"
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    subprocess.run([str(galaxy), "collection", "build", "--output-path", str(out)], cwd=tree, check=True,
                   capture_output=True, text=True)
    [artifact] = out.glob("tlsguard-windows-*.tar.gz")
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    shipped = [n for n in names if any(n.startswith(p) or f"/{p}" in f"/{n}" for p in NEVER_SHIPPED)]
    assert shipped == []
    assert "tests/integration/inventory.winrm" not in names  # the user's inventory with a password; the template ships
    assert artifact.stat().st_size < 2 * 1024 * 1024
    for needed in ("plugins/modules/__tls_host.ps1", "roles/tls_rollout/meta/argument_specs.yml",
                   "playbooks/rollout.yml", "meta/runtime.yml", "inventory.example", "requirements.txt",
                   "tests/integration/inventory.winrm.template"):
        assert needed in names, needed
