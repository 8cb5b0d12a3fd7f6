"""validate-modules needs pwsh to read a .ps1 module's argument spec; without it, this test compares the spec
written in each .ps1 with its sidecar documentation (names, types, defaults, choices, required, elements,
suboptions), so the two cannot drift apart unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

MODULES = Path(__file__).resolve().parents[4] / "plugins" / "modules"
_TOKEN = re.compile(r"\s*(@\{|@\(|\}|\)|;|=|,|'(?:[^']|'')*'|\$true|\$false|\$null|-?\d+|[A-Za-z_][\w]*)", re.S)


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"cannot read the PowerShell spec near {text[pos:pos + 40]!r}")
        out.append(match.group(1))
        pos = match.end()
    return out


def _value(tokens: list[str]):
    token = tokens.pop(0)
    if token == "@{":
        table = {}
        while tokens[0] != "}":
            if tokens[0] == ";":
                tokens.pop(0)
                continue
            key = tokens.pop(0).strip("'")
            assert tokens.pop(0) == "="
            table[key] = _value(tokens)
        tokens.pop(0)
        return table
    if token == "@(":
        items = []
        while tokens[0] != ")":
            if tokens[0] == ",":
                tokens.pop(0)
                continue
            items.append(_value(tokens))
        tokens.pop(0)
        return items
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    if token.lstrip("-").isdigit():
        return int(token)
    return {"$true": True, "$false": False, "$null": None}.get(token, token)


def powershell_spec(path: Path) -> dict:
    source = path.read_text()
    start = source.index("$spec = ") + len("$spec = ")
    return _value(_tokens(source[start:source.index("\n$module = ")]))


def _compare(spec_options: dict, doc_options: dict, where: str) -> list[str]:
    problems = []
    for name in sorted(set(spec_options) | set(doc_options)):
        spec, doc = spec_options.get(name), doc_options.get(name)
        if spec is None or doc is None:
            problems.append(f"{where}{name}: only in the {'docs' if spec is None else 'argument spec'}")
            continue
        for field, default in (("type", "str"), ("default", None), ("choices", None), ("required", False),
                               ("elements", None)):
            if spec.get(field, default) != doc.get(field, default):
                problems.append(f"{where}{name}.{field}: spec {spec.get(field, default)!r} != docs "
                                f"{doc.get(field, default)!r}")
        problems += _compare(spec.get("options") or {}, doc.get("suboptions") or {}, f"{where}{name}.")
    return problems


@pytest.mark.parametrize("ps1", sorted(MODULES.glob("*.ps1")), ids=lambda p: p.name)
def test_argument_spec_matches_the_sidecar_docs(ps1):
    docs = yaml.safe_load(ps1.with_suffix(".yml").read_text())["DOCUMENTATION"]
    spec = powershell_spec(ps1)
    assert _compare(spec["options"], docs["options"], "") == []
    assert spec.get("supports_check_mode", False) == (docs["attributes"]["check_mode"]["support"] != "none")


def test_the_comparison_catches_a_difference():
    spec = {"a": {"type": "bool", "default": False}, "b": {"type": "list", "elements": "dict",
                                                           "options": {"c": {"required": True}}}}
    docs = {"a": {"type": "bool", "default": True}, "b": {"type": "list", "elements": "dict",
                                                          "suboptions": {"c": {}}}}
    assert _compare(spec, docs, "") == ["a.default: spec False != docs True", "b.c.required: spec True != docs False"]
