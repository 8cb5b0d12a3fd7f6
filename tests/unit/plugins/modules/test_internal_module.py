# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host-side module is internal: ansible-doc's list (and so the docsite and Automation Hub, which build from
``ansible-doc --metadata-dump``) leaves it out because its name starts with two underscores, while its own page
still renders for whoever asks for it by name, and says it is internal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

ANSIBLE_DOC = Path(sys.executable).parent / "ansible-doc"


def _ansible_doc(*args: str) -> str:
    return subprocess.run([str(ANSIBLE_DOC), *args], env=ansible_env(), capture_output=True, text=True, check=True,
                          timeout=120).stdout


def test_the_list_users_see_leaves_the_internal_module_out():
    listed = json.loads(_ansible_doc("-t", "module", "-l", "--json", "tlsguard.windows"))
    assert "tlsguard.windows.tls_config" in listed
    assert not [name for name in listed if "tls_host" in name]


def test_the_internal_module_page_still_renders_and_says_it_is_internal():
    doc = json.loads(_ansible_doc("-t", "module", "--json", "tlsguard.windows.__tls_host"))
    page = doc["tlsguard.windows.__tls_host"]["doc"]
    assert page["short_description"].startswith("Internal")
    assert "not for direct use" in page["description"][0]
