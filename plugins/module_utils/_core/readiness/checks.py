# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each kind of rule (``Rule.check``) is tested against the components: (instance, status, message) rows.

An empty list means the rule does not apply (the component is not there, the build is outside the range).
Anything that could not be read gives ``unknown``, never ``ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from .components import Components
from .rules import DOTNET_46_RELEASE, RULES, Rule
from .version import Version

HTTP_FLAG_DISABLE_TLS13 = 0x40       # HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13 (http.h)
HTTP_FLAG_DISABLE_LEGACY_TLS = 0x400  # HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS (http.h)


class Status(StrEnum):
    READY = "ready"
    NEEDS_UPDATE = "needs_update"
    BLOCKER = "blocker"
    UNKNOWN = "unknown"


Row = tuple[str, Status, str]


def not_ready(rule: Rule) -> Status:
    """The status of a rule that is not met, from its kind."""
    return {"update": Status.NEEDS_UPDATE, "unverifiable": Status.UNKNOWN, "info": Status.READY}.get(
        rule.kind, Status.BLOCKER)


def _build_rows(rule: Rule, c: Components) -> list[Row] | None:
    """None when the build puts the rule in range; otherwise the rows to return right away."""
    if rule.builds is None:
        return None
    if c.os.build is None:
        return [("", Status.UNKNOWN, "the OS build could not be read")]
    return None if rule.covers_build(c.os.build) else []


def _os_build(rule: Rule, c: Components) -> list[Row]:
    early = _build_rows(rule, c)
    return early if early is not None else [("", not_ready(rule), f"build {c.os.build}: {rule.breaks}")]


def _requirement(rule: Rule, c: Components) -> tuple[bool | None, str]:
    if rule.requires == "rdp":
        return c.rdp.enabled, "Remote Desktop"
    if rule.requires == "wsus":
        return c.wsus, "WSUS"
    if rule.requires == "dotnet35":
        return c.dotnet.v35_present, ".NET 3.5"
    return True, ""


def _hotfix(rule: Rule, c: Components) -> list[Row]:
    early = _build_rows(rule, c)
    if early is not None:
        return early
    present, what = _requirement(rule, c)
    if present is False:
        return []
    assumed = f" ({what} could not be read; assumed in use)" if present is None else ""
    kb = rule.hotfix or ""
    installed = c.hotfixes.has(kb)
    if installed is None:
        why = c.hotfixes.error or f"{kb} was not among the hotfixes asked for"
        return [("", Status.UNKNOWN, f"whether {kb} is installed is unknown: {why}{assumed}")]
    if installed:
        return [("", Status.READY, f"{kb} is installed{assumed}")]
    return [("", not_ready(rule), f"{kb} is not installed{assumed}: {rule.breaks}")]


def _product(rule: Rule, c: Components) -> list[Row]:
    found = c.of_kind(rule.product or "")
    if found is None:
        return [("", Status.UNKNOWN, f"installed {rule.component} products could not be read")]
    rows: list[Row] = []
    for item in found:
        if rule.names and not any(n in item.name.casefold() for n in rule.names):
            continue
        label = f"{item.name} {item.raw_version or '?'}"
        if item.version is None:
            rows.append((item.name, Status.UNKNOWN, f"{label}: the version could not be read"))
        elif rule.covers_version(item.version):
            if rule.fixed_in is not None and item.version >= Version.parse(rule.fixed_in):
                status = Status.READY if rule.kind != "unverifiable" else Status.UNKNOWN
                text = rule.breaks if rule.kind == "info" else f"at or above {rule.fixed_in}"
                rows.append((item.name, status, f"{label}: {text}"))
            else:
                rows.append((item.name, not_ready(rule), f"{label}: {rule.breaks}"))
    return rows


def _dotnet4(rule: Rule, c: Components) -> list[Row]:
    if c.dotnet.v4_present is None:
        return [("", Status.UNKNOWN, "whether .NET Framework 4 is installed could not be read")]
    if not c.dotnet.v4_present:
        return []
    release = c.dotnet.v4_release
    if release is None:
        return [("", Status.UNKNOWN, ".NET Framework 4 is installed but its Release value could not be read")]
    if release >= DOTNET_46_RELEASE:
        return [("", Status.READY, f"Release {release} is 4.6 or later")]
    return [("", not_ready(rule), f"Release {release} is below 4.6: {rule.breaks}")]


def _dotnet_keys(rule: Rule, c: Components) -> list[Row]:
    wanted = []
    if c.dotnet.v4_present is not False:
        wanted.append("v4.0.30319")
    if c.dotnet.v35_present is not False:
        wanted.append("v2.0.50727")
    missing = [f"{name}={value if value is not None else 'absent'} under HKLM\\{key}"
               for key, values in c.dotnet.tls_values.items() if key.rsplit("\\", 1)[-1] in wanted
               for name, value in values.items() if value != 1]
    if not wanted:
        return []
    if not missing:
        return [("", Status.READY, "SchUseStrongCrypto and SystemDefaultTlsVersions are 1 everywhere")]
    if None in (c.dotnet.v4_present, c.dotnet.v35_present):
        return [("", Status.UNKNOWN, f"which .NET Frameworks are installed could not be read; {'; '.join(missing)}")]
    return [("", not_ready(rule), f"{'; '.join(missing)}: {rule.breaks}")]


def _exchange_tls13(rule: Rule, c: Components) -> list[Row]:
    early = _build_rows(rule, c)
    if early is not None:
        return early
    found = c.of_kind("exchange")
    if found is None:
        return [("", Status.UNKNOWN, "whether Exchange Server is installed could not be read")]
    return [(item.name, not_ready(rule), f"{item.name} on build {c.os.build}: {rule.breaks}") for item in found]


def _winrm_tls13(rule: Rule, c: Components) -> list[Row]:
    early = _build_rows(rule, c)
    if early is not None:
        return early
    if c.winrm.present is None:
        return [("", Status.UNKNOWN, "the WinRM listeners could not be read")]
    https = [x for x in c.winrm.listeners if x.transport == "HTTPS"]
    if not https:
        return []
    if c.winrm.certificate_auth is None and c.winrm.certificate_mappings is None:
        return [(x.name, Status.UNKNOWN, "whether WinRM certificate authentication is on could not be read")
                for x in https]
    if not c.winrm.certificate_auth and not c.winrm.certificate_mappings:
        return [(x.name, Status.READY, "certificate authentication is off") for x in https]
    rows: list[Row] = []
    for listener in https:
        bound = [b for b in c.bindings or () if b.port == listener.port]
        if bound and all(b.flags is not None and b.flags & HTTP_FLAG_DISABLE_TLS13 for b in bound):
            rows.append((listener.name, Status.READY, f"port {listener.port} binding has TLS 1.3 disabled"))
        else:
            rows.append((listener.name, not_ready(rule), f"HTTPS listener on port {listener.port} with "
                                                         f"certificate authentication: {rule.breaks}"))
    return rows


def _iis_legacy_flag(rule: Rule, c: Components) -> list[Row]:
    early = _build_rows(rule, c)
    if early is not None:
        return early
    return [(b.endpoint, Status.READY, f"{b.endpoint}: {rule.breaks}") for b in c.bindings or ()
            if b.flags is not None and b.flags & HTTP_FLAG_DISABLE_LEGACY_TLS]


CHECKERS: dict[str, Callable[[Rule, Components], list[Row]]] = {
    "os_build": _os_build, "hotfix": _hotfix, "product": _product, "dotnet4": _dotnet4, "dotnet_keys": _dotnet_keys,
    "exchange_tls13": _exchange_tls13, "winrm_tls13": _winrm_tls13, "iis_legacy_flag": _iis_legacy_flag,
}


_unchecked = sorted({rule.check for rule in RULES} - set(CHECKERS))
if _unchecked:
    raise ValueError(f"readiness rules use unknown check(s): {', '.join(_unchecked)}")
