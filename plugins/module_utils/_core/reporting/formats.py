# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report formats, the files each writes, and how to read back a previous file's time and summary."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import render_csv, render_html, render_json, render_markdown
from .model import SCHEMA, FleetReport


def _json_document(content: bytes) -> dict | None:
    try:
        data = json.loads(content)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None


def _none(_content: bytes) -> dict | None:
    return None


@dataclass(frozen=True)
class Format:
    name: str
    outputs: tuple[tuple[str, Callable[[FleetReport], bytes]], ...]  # (file name suffix, renderer)
    stamp: Callable[[bytes], str | None]  # the generation time inside a file of this format
    document: Callable[[bytes], dict | None]  # the report document inside it (for the diff)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", ((".json", render_json.render),), render_json.stamp, _json_document),
    Format("csv", (("-hosts.csv", render_csv.render_hosts), ("-endpoints.csv", render_csv.render_endpoints)),
           render_csv.stamp, _none),
    Format("markdown", ((".md", render_markdown.render),), render_markdown.stamp, _none),
    Format("html", ((".html", render_html.render),), render_html.stamp, render_html.embedded_document),
)}
EXTENSIONS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html",
              ".htm": "html"}


@dataclass(frozen=True)
class Output:
    path: str
    format: Format
    render: Callable[[FleetReport], bytes]


def format_of(dest: str) -> str | None:
    """The format a file name implies by its extension."""
    lowered = dest.lower()
    return next((name for ext, name in EXTENSIONS.items() if lowered.endswith(ext)), None)


def outputs(dest: str, names: Sequence[str]) -> list[Output]:
    """One format other than CSV writes ``dest`` itself; otherwise ``dest`` without a report extension is the base
    of every file (``out/fleet`` -> ``out/fleet.json``, ``out/fleet-hosts.csv``, ``out/fleet-endpoints.csv``)."""
    if len(names) == 1 and names[0] != "csv":
        fmt = FORMATS[names[0]]
        return [Output(dest, fmt, fmt.outputs[0][1])]
    base = dest
    if format_of(dest) is not None:
        base = dest[:dest.rfind(".")]
    return [Output(base + suffix, FORMATS[name], render) for name in names for suffix, render in FORMATS[name].outputs]
