# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the ``$spec = @{...}`` literal of a PowerShell module as Python data (hashtables, arrays, strings, numbers,
$true/$false/$null), so tests can hold a twin's spec and a module's docs to the spec the PowerShell really uses."""

from __future__ import annotations

import re

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


def _value(tokens: list[str]) -> object:
    token = tokens.pop(0)
    if token == "@{":
        table = {}
        while tokens[0] != "}":
            if tokens[0] == ";":
                tokens.pop(0)
                continue
            key = tokens.pop(0).strip("'")
            if tokens.pop(0) != "=":
                raise ValueError(f"expected '=' after {key!r} in the PowerShell spec")
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


def powershell_spec(source: str) -> dict:
    """The value assigned to ``$spec`` before ``$module = ...`` in a module's source."""
    start = source.index("$spec = ") + len("$spec = ")
    spec = _value(_tokens(source[start:source.index("\n$module = ")]))
    if not isinstance(spec, dict):
        raise ValueError("$spec is not a hashtable")
    return spec
