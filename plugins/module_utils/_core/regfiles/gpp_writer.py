# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render registry changes as a Group Policy Preferences ``Registry.xml``.

Shape per [MS-GPPREF] 2.2.1.17 and GPMC-written files (docs/facts-gpp-suites-regfile.md §1): a
``RegistrySettings`` root with one ``Registry`` item per value; DWORDs as eight uppercase hex digits; ``uid`` is
derived from the value's location so the same input always renders the same file (only ``changed`` moves).
The file goes to ``<GPO>\\Machine\\Preferences\\Registry\\Registry.xml``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from ..registry import LONG_HIVE, RegRef, RegValue

ROOT_CLSID = "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}"
ITEM_CLSID = "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}"
_UID_NAMESPACE = uuid.UUID("6f1d1c52-5b0e-4c43-9a55-1f5e0b2a7c10")
# GPMC icon index: a base per value kind plus 0..3 for Create/Replace/Update/Delete (cosmetic only).
_IMAGE_BASE = {"REG_SZ": 5, "REG_EXPAND_SZ": 5, "REG_MULTI_SZ": 5, "REG_DWORD": 10}
_ACTION_OFFSET = {"C": 0, "R": 1, "U": 2, "D": 3}
_CHANGED = re.compile(r' changed="[^"]*"')


def _uid(where: RegRef) -> str:
    return "{" + str(uuid.uuid5(_UID_NAMESPACE, str(where).casefold())).upper() + "}"


def _value_attr(value: RegValue) -> tuple[str, str]:
    """(value attribute, extra child XML) for a value type GPMC writes."""
    if value.type == "REG_DWORD":
        return f"{value.as_int():08X}", ""
    if value.type in ("REG_SZ", "REG_EXPAND_SZ"):
        return value.as_str(), ""
    if value.type == "REG_MULTI_SZ":
        items = "".join(f"<Value>{escape(s)}</Value>" for s in value.as_strings())
        return " ".join(value.as_strings()), f"<Values>{items}</Values>"
    raise ValueError(f"{value.type} values are not rendered as Group Policy Preferences (tlsguard never writes them)")


def _item(where: RegRef, value: RegValue | None, type_hint: str, changed: str, description: str) -> str:
    action = "D" if value is None else "U"
    reg_type = value.type if value is not None else type_hint
    data, children = _value_attr(value) if value is not None else ("", "")
    image = _IMAGE_BASE.get(reg_type, 5) + _ACTION_OFFSET[action]
    label = where.name or "(Default)"
    attrs = (f"clsid={quoteattr(ITEM_CLSID)} name={quoteattr(label)} status={quoteattr(label)} image=\"{image}\" "
             f"changed={quoteattr(changed)} uid={quoteattr(_uid(where))} desc={quoteattr(description)} "
             f"bypassErrors=\"1\"")
    props = (f"action=\"{action}\" displayDecimal=\"0\" default=\"{1 if where.name == '' else 0}\" "
             f"hive={quoteattr(LONG_HIVE[where.hive])} key={quoteattr(where.key)} name={quoteattr(where.name)} "
             f"type={quoteattr(reg_type)} value={quoteattr(data)}")
    inner = f"<Properties {props}>{children}</Properties>" if children else f"<Properties {props}/>"
    return f"<Registry {attrs}>{inner}</Registry>"


def render_gpp(changes: Iterable[tuple[RegRef, RegValue | None, str]], changed: str, description: str) -> bytes:
    """``changes`` are (where, value or None to delete, the type the value has when set)."""
    items = [_item(where, value, hint, changed, description) for where, value, hint in changes]
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<RegistrySettings clsid="{ROOT_CLSID}">']
    lines += ["\t" + item for item in items]
    lines.append("</RegistrySettings>")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def same_except_timestamps(old: bytes, new: bytes) -> bool:
    """True when two renderings differ at most in their ``changed`` attributes."""
    return _CHANGED.sub("", old.decode("utf-8", "replace")) == _CHANGED.sub("", new.decode("utf-8", "replace"))
