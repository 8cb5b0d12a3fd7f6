# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one read a host needs, and what its reply means: registry values, OS build, .NET release, the updates
that matter (builds.HOTFIXES), host facts.

``read_request()`` is the argument set for the host module's single round trip; ``parse_reply()`` checks the reply
(anything malformed is a HostReplyError naming what is wrong, never a traceback) and turns it into core objects.
A hotfix answer that is missing or reports an error leaves every update ``unknown`` (never ``missing``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from .builds import HOTFIXES, Hotfixes, WindowsBuild, dotnet_version, parse_build
from .errors import HostReplyError, ValidationError
from .locations import NDP_KEY, OS_KEY, read_keys
from .registry import RegRef, Snapshot

T = TypeVar("T")
OS_VALUES = ("CurrentBuildNumber", "UBR", "ProductName", "InstallationType", "EditionID", "DisplayVersion")


def read_request(extra_values: list[RegRef] | None = None, hotfixes: Iterable[str] = tuple(HOTFIXES)) -> dict:
    """The arguments of the one read; ``extra_values`` are values outside it a restore compares too. The build is
    only known from the reply, so every update that matters on some build is asked for."""
    values = [{"hive": "HKLM", "key": OS_KEY, "name": name} for name in OS_VALUES]
    values += [r.to_json() for r in extra_values or ()]
    request: dict = {"read_keys": read_keys(), "read_values": values, "facts": True}
    if hotfixes:
        request["hotfixes"] = list(hotfixes)
    return request


@dataclass(frozen=True)
class HostState:
    values: Snapshot
    build: WindowsBuild
    product: str
    facts: dict = field(default_factory=dict)
    dotnet_release: int | None = None

    @property
    def tls_values(self) -> Snapshot:
        """The registry values without the OS identity ones read alongside them."""
        os_key = OS_KEY.casefold()
        return Snapshot({r: v for r, v in self.values.items() if r.key_norm[1] != os_key})

    def os_json(self) -> dict:
        data = self.build.to_json()
        data.update(product_name=self.product, dotnet_release=self.dotnet_release,
                    dotnet_version=dotnet_version(self.dotnet_release))
        return data


def _require(reply: Mapping, key: str, kind: type[T]) -> T:
    if key not in reply:
        raise HostReplyError(f"host reply: '{key}' is missing")
    if not isinstance(reply[key], kind):
        raise HostReplyError(f"host reply: '{key}' should be a {kind.__name__}, got {type(reply[key]).__name__}")
    return reply[key]


def parse_reply(reply: Mapping) -> HostState:
    if not isinstance(reply, Mapping):
        raise HostReplyError(f"host reply is not a JSON object: {str(reply)[:200]!r}")
    values_json = _require(reply, "registry_values", list)
    try:
        values = Snapshot.from_json(values_json, "host reply registry_values")
    except ValidationError as err:
        raise HostReplyError(str(err)) from None
    facts = _require(reply, "facts", dict)

    def os_value(name: str) -> object:
        found = values.get(RegRef("HKLM", OS_KEY, name))
        return found.data if found is not None else None

    build_text = os_value("CurrentBuildNumber")
    if build_text is None:
        raise HostReplyError(f"host reply: HKLM\\{OS_KEY}\\CurrentBuildNumber was not returned; is this Windows?")
    installation = str(os_value("InstallationType") or "")
    ubr = os_value("UBR")
    try:
        build = parse_build(f"{build_text}.{ubr}" if isinstance(ubr, int) else build_text, "host CurrentBuildNumber",
                            server=None if not installation else installation.lower().startswith("server"))
    except ValidationError as err:
        raise HostReplyError(str(err)) from None
    build = replace(build, x64=bool(facts.get("x64", True)), hotfixes=_hotfixes(reply.get("hotfixes")))
    release = values.get(RegRef("HKLM", NDP_KEY, "Release"))
    return HostState(values, build, str(os_value("ProductName") or build.product), dict(facts),
                     release.as_int() if release is not None and release.type == "REG_DWORD" else None)


def _ids(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise HostReplyError(f"host reply: '{where}' should be a list of update ids")
    return tuple(i.strip().upper() for i in raw)


def _hotfixes(raw: object) -> Hotfixes:
    """The reply's ``hotfixes`` (interface: queried, installed, error); absent means the read did not ask."""
    if raw is None:
        return Hotfixes()
    if not isinstance(raw, Mapping):
        raise HostReplyError(f"host reply: 'hotfixes' should be a dict, got {type(raw).__name__}")
    error = raw.get("error")
    if error is not None and not isinstance(error, str):
        raise HostReplyError("host reply: 'hotfixes.error' should be a string or null")
    return Hotfixes(_ids(raw.get("queried"), "hotfixes.queried"), _ids(raw.get("installed", []), "hotfixes.installed"),
                    error)


def uncovered(refs: list[RegRef]) -> list[RegRef]:
    """The values ``read_request()`` does not read (outside its keys), which a restore must read separately."""
    keys = read_keys()
    out = []
    for where in refs:
        folded = where.key.casefold()
        if not any(folded == k["key"].casefold() or (k["recurse"] and folded.startswith(k["key"].casefold() + "\\"))
                   for k in keys if k["hive"] == where.hive):
            out.append(where)
    return out
