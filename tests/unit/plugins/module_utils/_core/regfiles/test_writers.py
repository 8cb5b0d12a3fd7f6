from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.deploy import render, same_content
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.gpp_writer import ITEM_CLSID, ROOT_CLSID
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.reg_writer import render_reg, value_line
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegValue, Snapshot, ref

W2022 = WindowsBuild(20348)


def enforce_changes(overrides=None):
    policy = resolve_policy("bsi", overrides, W2022)[0]
    return plan(compile_policy(policy, W2022), Snapshot()).changes


def test_reg_file_is_utf16_with_bom_crlf_and_wrapped_like_regedit():
    data = render_reg([(ref(r"HKLM\A", "long"), RegValue("REG_BINARY", bytes(range(60))))])
    assert data[:2] == b"\xff\xfe"
    text = data[2:].decode("utf-16-le")
    assert text.startswith("Windows Registry Editor Version 5.00\r\n\r\n")
    lines = text.split("\r\n")
    assert max(len(line) for line in lines) <= 80
    assert lines[3].startswith('"long"=hex:00,01') and lines[3].endswith("\\") and lines[4].startswith("  ")


def test_names_with_line_breaks_are_refused():
    with pytest.raises(ValueError, match="contains a line break"):
        value_line("a\nb", None)


def test_gpp_items_parse_as_xml_and_carry_every_change():
    changes = enforce_changes()
    root = ET.fromstring(render(changes, "gpo", "bsi for 2022", "2026-11-26 10:00:00"))
    assert root.tag == "RegistrySettings" and root.get("clsid") == ROOT_CLSID
    items = root.findall("Registry")
    assert len(items) == len(changes)
    props = [item.find("Properties").attrib for item in items]
    assert {item.get("clsid") for item in items} == {ITEM_CLSID}
    functions = next(p for p in props if p["name"] == "Functions")
    assert functions["type"] == "REG_SZ" and functions["value"].startswith("TLS_AES_256_GCM_SHA384,")
    enabled = next(p for p in props if p["name"] == "Enabled" and p["key"].endswith(r"TLS 1.0\Server"))
    assert (enabled["action"], enabled["hive"], enabled["type"], enabled["value"]) == (
        "U", "HKEY_LOCAL_MACHINE", "REG_DWORD", "00000000")
    dh = next(p for p in props if p["name"] == "ServerMinKeyBitLength")
    assert dh["value"] == "00000C00"


def test_gpp_deletions_and_stable_uids():
    policy = resolve_policy("os_default", None, W2022)[0]
    current = Snapshot({ref(r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
                            "Functions"): RegValue("REG_SZ", "TLS_AES_256_GCM_SHA384")})
    changes = plan(compile_policy(policy, W2022), current).changes
    first = render(changes, "gpo", "x", "2026-01-01 00:00:00")
    item = ET.fromstring(first).find("Registry")
    assert item.find("Properties").get("action") == "D" and item.find("Properties").get("type") == "REG_SZ"
    second = render(changes, "gpo", "x", "2027-01-01 00:00:00")
    assert first != second and same_content(first, second, "gpo")
    assert not same_content(first, render(enforce_changes(), "gpo", "x", "2027-01-01 00:00:00"), "gpo")
