# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ansible-playbook a test starts finds this checkout as tlsguard.windows (the Makefile exports the same)."""

import os

from ansible_collections.tlsguard.windows.tests.harness.runner import collections_path

os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(collections_path()))
