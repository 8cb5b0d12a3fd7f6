# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error types of the core: every problem names the option (or file and line) it is about."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by a dotted option path."""

    option: str
    message: str

    def __str__(self) -> str:
        return f"{self.option}: {self.message}" if self.option else self.message


class TlsGuardError(Exception):
    """Base class; ``str()`` is a message fit to show a user as is."""


class ValidationError(TlsGuardError):
    """One or more problems with the arguments, all reported at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class HostReplyError(TlsGuardError):
    """The host answered something the core cannot use."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(str(word).lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = {c.lower(): c for c in choices}[close[0]]
    return f"; did you mean '{original}'?"


def unknown(kind: str, word: object, choices: Iterable[str]) -> str:
    """Message for an unknown name, listing the valid ones and the closest match."""
    names = sorted(choices)
    return f"unknown {kind} '{word}'{suggest(str(word), names)} (valid: {', '.join(names)})"
