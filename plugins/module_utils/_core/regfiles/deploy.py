# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn planned changes into a deployable file: a ``.reg`` script or a GPP ``Registry.xml``."""

from __future__ import annotations

from collections.abc import Sequence

from ..planner import Change
from .gpp_writer import render_gpp, same_except_timestamps
from .reg_writer import render_reg
from .text import decode

FORMATS = ("reg", "gpo")


def render(changes: Sequence[Change], fmt: str, comment: str, changed: str) -> bytes:
    if fmt == "reg":
        return render_reg(((c.ref, c.after) for c in changes), comment)
    return render_gpp(((c.ref, c.after, c.reg_type) for c in changes), changed, comment.replace("\n", " "))


def same_content(old: bytes, new: bytes, fmt: str) -> bool:
    """Whether writing ``new`` over ``old`` would change what the file does."""
    return same_except_timestamps(old, new) if fmt == "gpo" else old == new


def as_text(data: bytes) -> str:
    """Readable text of either format, for a diff."""
    return decode(data).text.replace("\r\n", "\n")
