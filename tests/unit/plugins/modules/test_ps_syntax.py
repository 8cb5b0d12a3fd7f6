"""Every PowerShell file of the collection (and the contract runner) parses and uses only what Windows PowerShell
5.1 runs; a deliberately broken copy of the module proves each check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.tests.unit.plugins.modules.ps_syntax import check

ROOT = Path(__file__).resolve().parents[4]
SCRIPTS = sorted([*ROOT.glob("plugins/**/*.ps1"), *ROOT.glob("tests/contract/**/*.ps1")])
MODULE = ROOT / "plugins" / "modules" / "__tls_host.ps1"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_powershell_parses_and_suits_windows_powershell_5_1(script):
    assert [str(f) for f in check(script.read_bytes())] == []


def test_the_module_is_checked():
    assert MODULE in SCRIPTS


def _broken(old: str, new: str) -> bytes:
    source = MODULE.read_text()
    assert old in source, old
    return source.replace(old, new, 1).encode()


@pytest.mark.parametrize("old, new, expected", [
    ("    if ($null -eq $regKey) {\n        return $false\n    }\n    try {",
     "    if ($null -eq $regKey {\n        return $false\n    }\n    try {", "syntax error"),
    ("Function Get-KindText {", "Function Get-KindText ", "syntax error"),
    ("$idRule = \"letters", "$idRule = \"letters\"\n$unterminated = 'x", "syntax error"),
    ("$module.ExitJson()\n", "$a ?? 'b'\n$module.ExitJson()\n", "syntax error"),
    ("$module.ExitJson()\n", "$t = $a ? 1 : 2\n$module.ExitJson()\n", "syntax error"),
    ("$module.ExitJson()\n", "$n = $o?.Name\n$module.ExitJson()\n", "syntax error"),
    ("$module.ExitJson()\n", "Get-Item x && Get-Item y\n$module.ExitJson()\n", "pipeline chain '&&'"),
    ("$module.ExitJson()\n", "Get-Item x || Get-Item y\n$module.ExitJson()\n", "pipeline chain '||'"),
    ("$module.ExitJson()\n", "1..2 | ForEach-Object -Parallel { $_ }\n$module.ExitJson()\n", "-Parallel"),
    ("$module.ExitJson()\n", "$m = \"$where: x\"\n$module.ExitJson()\n", "'$where:' in a string"),
    ("$module.ExitJson()\n", "using namespace System.IO\n$module.ExitJson()\n", "'using' must come before"),
    ("$module.ExitJson()\n", "class Probe { [int]$x }\n$module.ExitJson()\n", "class definitions"),
    ("$module.ExitJson()\n", "$long = '" + "x" * 160 + "'\n$module.ExitJson()\n", "characters (more than 160)"),
])
def test_a_broken_copy_fails(old, new, expected):
    findings = [str(f) for f in check(_broken(old, new))]
    assert any(expected in f for f in findings), findings


def test_what_5_1_accepts_passes():
    fine = (b"using namespace System.IO\n# a comment\n$x = \"${where}: $env:PATH $script:y\"\n"
            b"$y = if ($x) { 1 } else { 2 }\n")
    assert check(fine) == []
