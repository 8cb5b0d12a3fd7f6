# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's twin of the usage read runs the collection's reference readers, so the collection must be importable:
found where Ansible finds it (ANSIBLE_COLLECTIONS_PATH), unless it already is (PYTHONPATH, pytest)."""

from __future__ import annotations

import importlib.util
import os
import sys


def make_importable() -> None:
    try:
        if importlib.util.find_spec("ansible_collections.tlsguard.windows") is not None:
            return
    except ModuleNotFoundError:  # no ansible_collections.tlsguard at all yet
        pass
    for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        if entry and os.path.isdir(os.path.join(entry, "ansible_collections", "tlsguard", "windows")):
            sys.path.append(entry)
            return
