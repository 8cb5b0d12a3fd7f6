# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry values a ``.reg`` file leaves behind, built in one pass over its operations.

Sets and value deletions go into one dict (last one wins); key deletions are kept aside with their position
and applied at the end through a tree of the deleted keys, so each value is checked once against the deletions
above it. Time and memory are linear in the file, however many keys it deletes.

``SYSTEM\\ControlSetNNN`` is the same key as ``SYSTEM\\CurrentControlSet`` when NNN is the number in
``SYSTEM\\Select\\Current`` ("The subkeys and entries that appear in the CurrentControlSet subkey are the contents
of one of the numbered control sets, such as ControlSet001 ... identified by the value of the Current entry in
the Select subkey", Microsoft TechNet, http://technet.microsoft.com/en-us/library/cc783264(WS.10).aspx). That
number is 1 on almost every host; a file that sets ``Select\\Current`` itself is taken at its word.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from ..registry import RegRef, RegValue, Snapshot

CURRENT_CONTROL_SET = "CurrentControlSet"
_NUMBERED_SET = re.compile(r"system\\(controlset(\d{3}))(?=\\|$)", re.I | re.A)
_SELECT = ("HKLM", "system\\select", "current")
BASE, NEVER = -1, -2  # positions before every operation: of the base snapshot's values, of "never deleted"


@contextmanager
def bulk() -> Iterator[None]:
    """Build many small objects without the cyclic garbage collector: they form no cycles, and its repeated scans
    of a heap that keeps growing would cost more than the build itself (half the time for a 200,000-line file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Operation(NamedTuple):
    """What one line asks for: ``set``/``delete_value`` a value, or ``create_key``/``delete_key``.

    A NamedTuple rather than a dataclass: a large export has one per line and this is the cheapest immutable
    record Python builds."""

    line: int
    kind: str
    hive: str
    key: str
    name: str = ""
    value: RegValue | None = None


class ControlSet(NamedTuple):
    number: int
    assumed: bool  # True when the file does not set SYSTEM\Select\Current itself


ASSUMED_CONTROL_SET = ControlSet(1, True)


def current_control_set(operations: Sequence[Operation]) -> ControlSet:
    for op in reversed(operations):
        if (len(op.name) == 7 and op.kind == "set" and op.value is not None and op.value.type == "REG_DWORD"
                and (op.hive, op.key.casefold(), op.name.casefold()) == _SELECT):
            return ControlSet(op.value.as_int(), False)
    return ASSUMED_CONTROL_SET


def control_set_notes(operations: Sequence[Operation], current: ControlSet) -> list[tuple[int, str]]:
    """(line, message) once per numbered control set the file writes, at the first line that names it."""
    first_line: dict[str, int] = {}
    for op in operations:
        # Every value follows the key line that opened its key, so the key lines name every key.
        if op.kind in ("create_key", "delete_key") and op.hive == "HKLM":
            match = _NUMBERED_SET.match(op.key)
            if match and match.group(1).casefold() not in first_line:
                first_line[match.group(1).casefold()] = op.line
    where = "SYSTEM\\Select\\Current is {} {}".format(
        current.number, "on almost every host" if current.assumed else "in this file")
    notes = []
    for name, line in first_line.items():
        spelled = "ControlSet" + name[-3:]
        if int(name[-3:]) == current.number:
            notes.append((line, f"SYSTEM\\{spelled} is the current control set when {where}; its values are "
                                f"evaluated as SYSTEM\\{CURRENT_CONTROL_SET}"))
        else:
            notes.append((line, f"SYSTEM\\{spelled} is not the current control set ({where}); its values are "
                                "not evaluated"))
    return notes


def evaluated_key(hive: str, key: str, current: ControlSet) -> str:
    """The key a path names on the running host: the current numbered control set becomes CurrentControlSet."""
    if hive != "HKLM":
        return key
    match = _NUMBERED_SET.match(key)
    if match is None or int(match.group(2)) != current.number:
        return key
    return key[:match.start(1)] + CURRENT_CONTROL_SET + key[match.end(1):]


def _deletion_tree(deletions: dict[tuple[str, str], int]) -> dict[str, list]:
    """hive -> node; a node is [latest deletion index at this key (or NEVER), {part: node}]."""
    roots: dict[str, list] = {}
    for (hive, key_cf), index in deletions.items():
        node = roots.setdefault(hive, [NEVER, {}])
        for part in key_cf.split("\\") if key_cf else ():
            node = node[1].setdefault(part, [NEVER, {}])
        node[0] = max(node[0], index)
    return roots


def _deleted_after(roots: dict[str, list], hive: str, key_cf: str) -> int:
    """The index of the latest deletion of ``key_cf`` or of a key above it (NEVER for none)."""
    node = roots.get(hive)
    if node is None:
        return NEVER
    latest = node[0]
    for part in key_cf.split("\\") if key_cf else ():
        node = node[1].get(part)
        if node is None:
            break
        latest = max(latest, node[0])
    return latest


def build_snapshot(operations: Iterable[Operation], base: Snapshot | None = None,
                   current: ControlSet = ASSUMED_CONTROL_SET) -> Snapshot:
    """The values present after importing ``operations`` on top of ``base`` (default: nothing)."""
    # (hive, key casefolded, name casefolded) -> (position, hive, key, name, value); base values come first.
    values: dict[tuple[str, str, str], tuple[int, str, str, str, RegValue]] = {
        (ref.hive, ref.key_norm[1], ref.name.casefold()): (BASE, ref.hive, ref.key, ref.name, value)
        for ref, value in (base or {}).items()}
    deletions: dict[tuple[str, str], int] = {}
    keys: dict[tuple[str, str], tuple[str, str]] = {}  # (hive, key as written) -> (evaluated key, casefolded)
    for index, (_line, kind, hive, written, name, value) in enumerate(operations):
        key = keys.get((hive, written))
        if key is None:
            evaluated = evaluated_key(hive, written, current)
            key = keys[(hive, written)] = (evaluated, evaluated.casefold())
        if kind == "set" and value is not None:
            values[(hive, key[1], name.casefold())] = (index, hive, key[0], name, value)
        elif kind == "delete_value":
            values.pop((hive, key[1], name.casefold()), None)
        elif kind == "delete_key":
            deletions[(hive, key[1])] = index
    if deletions:
        roots = _deletion_tree(deletions)
        deleted: dict[tuple[str, str], int] = {}
        survivors = {}
        for where, item in values.items():
            key_of = (where[0], where[1])
            if key_of not in deleted:
                deleted[key_of] = _deleted_after(roots, *key_of)
            if item[0] > deleted[key_of]:
                survivors[where] = item
        values = survivors
    return Snapshot({RegRef(hive, key, name): value for _position, hive, key, name, value in values.values()})
