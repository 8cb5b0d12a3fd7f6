# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests leave the user's home alone: the session's HOME (conftest.py) is a new temporary folder, and a write with
every default path (tls_config's controller copy in ~/.ansible/tlsguard/backups, Ansible's ~/.ansible/tmp) lands
there, through the real ansible against a lab host (emulated, not Windows)."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path

from tlslab import fleet
from tlslab.testing import ansible_env, start_lab


def test_the_session_home_is_a_new_temporary_folder():
    home = Path(os.environ["HOME"])
    assert home.name.startswith("tlsguard-test-home-") and home.parent == Path(tempfile.gettempdir())
    assert home != Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert Path(os.path.expanduser("~/.ansible/tlsguard/backups")).is_relative_to(home)


def test_a_write_with_the_default_paths_stays_in_the_session_home(tmp_path):
    home = Path(os.environ["HOME"])
    lab = start_lab(tmp_path / "lab", [fleet.HostSpec("home01", "2019", ())])
    try:
        done = subprocess.run([str(Path(sys.executable).parent / "ansible"), "-i", str(lab.inventory), "home01",
                               "-m", "tlsguard.windows.tls_config", "-a", "profile=enforce"],
                              env=ansible_env(), capture_output=True, text=True, timeout=300, check=False)
    finally:
        lab.stop()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    result = json.loads(done.stdout.split("=>", 1)[1])
    copy = Path(result["backup"]["controller_path"])
    assert copy.is_file() and copy.is_relative_to(home / ".ansible" / "tlsguard" / "backups" / "home01"), copy
    assert (home / ".ansible" / "tmp").is_dir()  # Ansible's own temporary files went there too
