# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ansible-playbook a test starts finds this checkout as tlsguard.windows (the Makefile exports the same),
and no test writes under the user's home: HOME is a new temporary folder for the whole session, so the default
paths (~/.ansible/tlsguard/backups, ~/.ansible/tmp, molecule's and chromium's caches) land there."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.tests.harness.runner import collections_path

os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(collections_path()))

SESSION_HOME_PREFIX = "tlsguard-test-home-"
SESSION_HOME = pytest.StashKey[str]()


def pytest_configure(config) -> None:
    real_gitconfig = Path.home() / ".gitconfig"
    if real_gitconfig.is_file():  # git's safe.directory and identity stay what the user set (read only)
        os.environ.setdefault("GIT_CONFIG_GLOBAL", str(real_gitconfig))
    home = tempfile.mkdtemp(prefix=SESSION_HOME_PREFIX)
    os.environ["HOME"] = home
    config.stash[SESSION_HOME] = home


def pytest_unconfigure(config) -> None:
    home = config.stash.get(SESSION_HOME, None)
    if home:
        shutil.rmtree(home, ignore_errors=True)
