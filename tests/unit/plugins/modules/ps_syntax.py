# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Syntax and Windows PowerShell 5.1 checks for the collection's PowerShell, without PowerShell.

The tree-sitter PowerShell grammar parses the file; any ERROR or MISSING node (also one hidden below a node that
only says ``has_error``) is a syntax problem. The grammar accepts PowerShell 7 constructs that Windows PowerShell
5.1 (the oldest PowerShell Ansible supports) rejects or runs differently; those are looked for in the tree:
pipeline chains (``&&``, ``||``), ``??``/``??=``, ``?.``/``?[]``, the ternary ``? :``, ``ForEach-Object -Parallel``,
``"$name:"`` inside strings (a drive-qualified variable in 5.1), ``using`` after other statements, and ``class``
definitions (types defined in a module's runspace outlive it and cannot be redefined). Lines over 160 characters
fail as ansible-test pslint would (PSAvoidLongLines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter
import tree_sitter_powershell

MAX_LINE = 160
_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
_VARIABLE_COLON = re.compile(r"(?<![`$])\$(?!\{)([A-Za-z_][A-Za-z0-9_]*):(?![A-Za-z0-9_{])")
_USING = re.compile(r"(?i)using\s+(namespace|module|assembly)\b")
_SCOPES = {"global", "local", "script", "private", "using", "env", "variable", "function", "alias"}


@dataclass(frozen=True)
class Finding:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _walk(node: tree_sitter.Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def syntax_findings(source: bytes) -> list[Finding]:
    tree = _PARSER.parse(source)
    findings = []
    for node in _walk(tree.root_node):
        if node.type == "ERROR":
            findings.append(Finding(node.start_point[0] + 1, f"syntax error near {_text(node)[:40]!r}"))
        elif node.is_missing:
            findings.append(Finding(node.start_point[0] + 1, f"missing {node.type!r}"))
        elif node.has_error and not any(c.has_error for c in node.children):
            findings.append(Finding(node.start_point[0] + 1, f"syntax error in {node.type}"))
    return findings


def compatibility_findings(source: bytes) -> list[Finding]:
    """Constructs the grammar accepts that Windows PowerShell 5.1 rejects or runs differently."""
    tree = _PARSER.parse(source)
    findings = []
    for node in _walk(tree.root_node):
        line = node.start_point[0] + 1
        if node.type in ("&&", "||"):
            findings.append(Finding(line, f"pipeline chain '{node.type}' needs PowerShell 7"))
        elif node.type in ("??", "??=", "?.", "?[", "?"):
            findings.append(Finding(line, f"'{node.type}' (null-conditional or ternary) needs PowerShell 7"))
        elif node.type == "class_statement":
            findings.append(Finding(line, "class definitions do not suit a module run in a reused runspace"))
        elif node.type == "command" and _text(node).split()[:1] in (["ForEach-Object"], ["%"], ["foreach"]):
            if re.search(r"(?i)\s-Parallel\b", _text(node)):
                findings.append(Finding(line, "ForEach-Object -Parallel needs PowerShell 7"))
        elif node.type in ("expandable_string_literal", "expandable_here_string_literal"):
            for match in _VARIABLE_COLON.finditer(_text(node)):
                if match.group(1).lower() not in _SCOPES:
                    findings.append(Finding(line, f"'${match.group(1)}:' in a string is a drive-qualified variable "
                                                  f"in PowerShell 5.1; write '${{{match.group(1)}}}:'"))
    top = [s for c in tree.root_node.children for s in (c.children if c.type == "statement_list" else [c])]
    leading = set()
    for statement in top:
        if statement.type == "comment":
            continue
        if not _USING.match(_text(statement).lstrip()):
            break
        leading.add(statement.start_byte)
    for node in _walk(tree.root_node):
        if node.type == "command" and _USING.match(_text(node)) and node.start_byte not in leading:
            findings.append(Finding(node.start_point[0] + 1, "'using' must come before every other statement"))
    return findings


def line_findings(source: bytes) -> list[Finding]:
    return [Finding(number, f"{len(line)} characters (more than {MAX_LINE})")
            for number, line in enumerate(source.decode("utf-8").splitlines(), 1) if len(line) > MAX_LINE]


def check(source: bytes) -> list[Finding]:
    return syntax_findings(source) + compatibility_findings(source) + line_findings(source)
