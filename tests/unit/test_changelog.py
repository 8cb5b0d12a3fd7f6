# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release notes users read: the fragments and changelogs/changelog.yaml pass antsibull-changelog's lint, the
version galaxy.yml ships has a release entry, and CHANGELOG.rst is what antsibull-changelog generates from it (so
nobody edits the generated file by hand or forgets to regenerate it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = Path(sys.executable).parent / "antsibull-changelog"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{CHANGELOG.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(CHANGELOG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_changelog_passes_antsibull_changelog_lint():
    result = _run("lint", cwd=ROOT)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_version_galaxy_yml_ships_has_a_release_entry():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    releases = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))["releases"]
    assert version in releases


def test_changelog_rst_is_generated_from_changelog_yaml(tmp_path):
    for name in ("galaxy.yml", "CHANGELOG.rst"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "changelogs", tmp_path / "changelogs", ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
    result = _run("generate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "CHANGELOG.rst").read_text(encoding="utf-8") == (ROOT / "CHANGELOG.rst").read_text(
        encoding="utf-8")
