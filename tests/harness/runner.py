# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an integration target (an ansible-test style role) with the real ``ansible-playbook``.

ansible-test wraps each target in a play that applies the role; this does the same, so the targets run
unchanged under ``ansible-test integration`` / ``windows-integration`` and here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ROOT / "tests" / "integration" / "targets"


def collections_path() -> Path:
    """The directory that holds ``ansible_collections/tlsguard/windows`` for this checkout.

    Under ansible-test the checkout already sits in such a tree; otherwise ``make setup`` links it into ``.build``
    (the only place the link is made)."""
    if ROOT.parent.name == "tlsguard" and ROOT.parent.parent.name == "ansible_collections":
        return ROOT.parents[2]
    build = ROOT / ".build"
    if not (build / "ansible_collections" / "tlsguard" / "windows").exists():
        raise RuntimeError(f"{build}/ansible_collections/tlsguard/windows is missing: run `make setup` first")
    return build


def ansible_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Quiet ansible output, this checkout as tlsguard.windows, the targets as roles."""
    # Imported here: the lab imports the collection, which a script started from a plain shell finds only once
    # main() has named the collections path.
    from tlslab.testing import ansible_env as lab_ansible_env

    return lab_ansible_env({"ANSIBLE_COLLECTIONS_PATH": str(collections_path()), "ANSIBLE_ROLES_PATH": str(TARGETS),
                            **(extra or {})})


def run_target(name: str, hosts: str = "localhost", inventory: str | None = None, workdir: Path | None = None,
               extra_args: list[str] | None = None, env: dict[str, str] | None = None,
               ) -> subprocess.CompletedProcess:
    """Apply role ``name`` to ``hosts``; returns the finished process (output captured)."""
    workdir = workdir or ROOT / ".build"
    workdir.mkdir(parents=True, exist_ok=True)
    play = workdir / f"run-{name}.yml"
    connection = "local" if hosts == "localhost" else "winrm"
    play.write_text(f"- hosts: {hosts}\n  gather_facts: false\n  connection: {connection}\n"
                    f"  roles:\n    - {name}\n")
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), str(play)]
    local = ["-i", "localhost,", "-e", f"ansible_python_interpreter={sys.executable}"]
    cmd += ["-i", inventory] if inventory else local
    cmd += extra_args or []
    return subprocess.run(cmd, env=ansible_env(env), capture_output=True, text=True, timeout=3600, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run an integration target with ansible-playbook.")
    parser.add_argument("target", help="a directory name under tests/integration/targets")
    parser.add_argument("hosts", nargs="?", default="localhost", help="host pattern (default: localhost)")
    parser.add_argument("-i", "--inventory", help="inventory for Windows targets (lab or real hosts)")
    args = parser.parse_args()
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(collections_path()))
    result = run_target(args.target, args.hosts, args.inventory)
    sys.stdout.write(result.stdout + result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
