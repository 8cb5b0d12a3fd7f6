# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lab host's IIS: its sites, their bindings, log settings and custom log fields (the part of
applicationHost.config the lab needs), and the W3C line IIS writes for a request.

A fresh IIS has one site, "Default Web Site" (id 1), logging W3C to ``%SystemDrive%\\inetpub\\logs\\LogFiles\\W3SVC1``
with no custom fields, so its log has no ``crypt-*`` columns until someone adds them (a site without custom fields
of its own takes those of ``siteDefaults``, and one without a log directory of its own that of ``siteDefaults``).
A fresh IIS binds http only; the lab's site 1 also has the https binding its TLS listener serves, and it is the
site the listener logs to (in ``<log directory>\\W3SVC<id>``, nothing when its logging is off or not W3C).
With custom fields the file name gets ``_x`` and the fields follow the standard ones in configuration order; a
change of the fields starts a new ``#Fields`` block. Custom log fields exist from IIS 8.5
(research/legacy-tls-monitoring.md §2.1-2.4). Kept in ``<host home>/iis.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime

from . import records
from .executor import expand
from .host import Host

CUSTOM_FIELDS_FROM = (8, 5)
LOG_ROOT = r"%SystemDrive%\inetpub\logs\LogFiles"
LAB_BINDINGS = (("http", "*:80:"), ("https", "*:443:"))
# The server variables IIS fills from the negotiated TLS parameters (order of records.Handshake.crypt_fields).
CRYPT_VARIABLES = ("CRYPT_PROTOCOL", "CRYPT_CIPHER_ALG_ID", "CRYPT_HASH_ALG_ID", "CRYPT_KEYEXCHANGE_ALG_ID")
# What the lab's synthetic history pretends was switched on (history.py): the crypt fields and the proxy header.
EVIDENCE = (("crypt-protocol", "CRYPT_PROTOCOL", "ServerVariable"),
            ("crypt-cipher", "CRYPT_CIPHER_ALG_ID", "ServerVariable"),
            ("crypt-hash", "CRYPT_HASH_ALG_ID", "ServerVariable"),
            ("crypt-keyexchange", "CRYPT_KEYEXCHANGE_ALG_ID", "ServerVariable"),
            ("X-Forwarded-For", "X-Forwarded-For", "RequestHeader"))


def _field(data: list) -> tuple[str, str, str]:
    return str(data[0]), str(data[1]), str(data[2])


def _default_bindings() -> list[tuple[str, str]]:
    return list(LAB_BINDINGS)


@dataclass
class Site:
    id: int
    name: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)   # own (logFieldName, sourceName, sourceType)
    log_dir: str = ""            # its own logFile.directory; "" takes that of siteDefaults
    log_format: str = "W3C"      # logFile.logFormat: W3C, IIS, NCSA, Custom
    logging_enabled: bool = True
    bindings: list[tuple[str, str]] = field(default_factory=_default_bindings)   # (protocol, bindingInformation)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "fields": [list(f) for f in self.fields], "log_dir": self.log_dir,
                "log_format": self.log_format, "logging_enabled": self.logging_enabled,
                "bindings": [list(b) for b in self.bindings]}

    @classmethod
    def from_json(cls, data: dict) -> Site:
        return cls(data["id"], data["name"], [_field(f) for f in data.get("fields", [])], data.get("log_dir", ""),
                   data.get("log_format", "W3C"), data.get("logging_enabled", True),
                   [(str(p), str(i)) for p, i in data.get("bindings", LAB_BINDINGS)])


@dataclass
class IisConfig:
    site_defaults: list[tuple[str, str, str]] = field(default_factory=list)
    sites: list[Site] = field(default_factory=lambda: [Site(1, "Default Web Site")])
    log_root: str = LOG_ROOT     # siteDefaults logFile.directory

    def effective(self, site: Site) -> list[tuple[str, str, str]]:
        return site.fields or self.site_defaults

    def log_dir(self, site: Site) -> str:
        """The folder the site's files go to, expanded as IIS does: <logFile.directory>\\W3SVC<id>."""
        return expand(site.log_dir or self.log_root).rstrip("\\") + f"\\W3SVC{site.id}"

    def to_json(self) -> dict:
        return {"site_defaults": [list(f) for f in self.site_defaults], "log_root": self.log_root,
                "sites": [s.to_json() for s in self.sites]}

    @classmethod
    def from_json(cls, data: dict) -> IisConfig:
        return cls([_field(f) for f in data.get("site_defaults", [])], [Site.from_json(s) for s in data["sites"]],
                   data.get("log_root", LOG_ROOT))


def version(host: Host) -> tuple[int, ...] | None:
    """The IIS version, None when IIS is not installed."""
    text = host.components.get("iis")
    return tuple(int(p) for p in str(text).split(".")) if text else None


def has_custom_fields(host: Host) -> bool:
    found = version(host)
    return found is not None and found >= CUSTOM_FIELDS_FROM


def load(host: Host) -> IisConfig | None:
    if version(host) is None:
        return None
    path = host.home / "iis.json"
    return IisConfig.from_json(json.loads(path.read_text())) if path.is_file() else IisConfig()


def save(host: Host, config: IisConfig) -> None:
    host.home.mkdir(parents=True, exist_ok=True)
    tmp = host.home / "iis.json.tmp"
    tmp.write_text(json.dumps(config.to_json(), indent=1))
    os.replace(tmp, host.home / "iis.json")


def turn_on_evidence(host: Host) -> None:
    """siteDefaults gets the evidence fields it lacks (by source), as if tls_evidence had run."""
    config = load(host)
    if config is None or not has_custom_fields(host):
        return
    sources = {f[1].casefold() for f in config.site_defaults}
    config.site_defaults += [f for f in EVIDENCE if f[1].casefold() not in sources]
    save(host, config)


def _value(custom: tuple[str, str, str], handshake: records.Handshake, headers: dict[str, str]) -> str:
    _name, source, kind = custom
    if kind == "ServerVariable" and source.upper() in CRYPT_VARIABLES:
        return handshake.crypt_fields()[CRYPT_VARIABLES.index(source.upper())]
    if kind == "RequestHeader":
        return (headers.get(source.lower()) or "-").replace(" ", "+")
    return "-"


def _site_log(host: Host, config: IisConfig, when: datetime) -> tuple[str, list[tuple[str, str, str]]] | None:
    """Site 1's log file for ``when`` and the custom fields it logs (None: it writes no W3C log)."""
    site = config.sites[0]
    if not site.logging_enabled or site.log_format != "W3C":
        return None
    custom = config.effective(site) if has_custom_fields(host) else []
    return rf"{config.log_dir(site)}\u_ex{when:%y%m%d}{'_x' if custom else ''}.log", custom


def log_path(host: Host, when: datetime) -> str | None:
    """The file log_request writes for ``when`` (None without IIS or without a W3C log)."""
    config = load(host)
    found = _site_log(host, config, when) if config is not None else None
    return found[0] if found is not None else None


def log_request(host: Host, when: datetime, request: records.Request, handshake: records.Handshake) -> None:
    """Append the request to the log of site 1 as IIS would (nothing without IIS or with its logging off)."""
    config = load(host)
    found = _site_log(host, config, when) if config is not None else None
    if config is None or found is None:
        return
    path, custom = found
    names = records.IIS_FIELDS + "".join(f" {f[0]}" for f in custom)
    values = [_value(f, handshake, request.headers) for f in custom]
    line = records.iis_line(when, host.name, f"W3SVC{config.sites[0].id}", request, values)
    with host.lock:
        existing = host.read_file(path)
        if existing is None or _last_fields(existing) != names:
            host.append_file(path, records.iis_header(when, names).encode())
        host.append_file(path, line.encode())


def _last_fields(data: bytes) -> str:
    lines = [line for line in data.decode("utf-8", "replace").split("\r\n") if line.startswith("#Fields: ")]
    return lines[-1][len("#Fields: "):] if lines else ""
