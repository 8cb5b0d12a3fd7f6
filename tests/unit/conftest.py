# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.tlsguard.windows`` importable when pytest runs from a plain checkout.

ansible-test places the collection under ``ansible_collections/tlsguard/windows`` itself; a plain checkout is
linked there from ``.build/`` (created on first use).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _collection_parent() -> Path:
    if ROOT.parent.name == "tlsguard" and ROOT.parent.parent.name == "ansible_collections":
        return ROOT.parent.parent.parent
    build = ROOT / ".build"
    link = build / "ansible_collections" / "tlsguard" / "windows"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(ROOT, link)
    return build


sys.path.insert(0, str(_collection_parent()))
