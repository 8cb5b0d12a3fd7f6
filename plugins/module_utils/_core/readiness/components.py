# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A typed view of what the readiness read found on a host.

Three-valued where it matters: ``present`` is True (found), False (looked and not there) or None (could not be
read: the reply lacked it or it made no sense). Versions that do not parse are None with a note in ``notes``;
rules turn None into ``unknown`` findings, never into ``ready``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .version import Version

PRODUCT_KINDS = ("sql_server", "sql_native_client", "exchange", "entra_connect", "sfb")


def _version_json(version: Version | None) -> str | None:
    return None if version is None else str(version)


@dataclass(frozen=True)
class OsInfo:
    build: int | None
    ubr: int | None = None
    x64: bool = True
    product_name: str | None = None
    edition: str | None = None
    installation_type: str | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Hotfixes:
    """The hotfix ids asked for and those of them the host reported installed; ``error`` when the query failed."""

    queried: tuple[str, ...] = ()
    installed: frozenset[str] = frozenset()
    error: str | None = None

    def has(self, kb: str) -> bool | None:
        """True/False, or None when the answer is not known (query failed, or the id was not asked for)."""
        if self.error is not None or kb.upper() not in self.queried:
            return None
        return kb.upper() in self.installed

    def to_json(self) -> dict:
        return {"queried": list(self.queried), "installed": sorted(self.installed), "error": self.error}


@dataclass(frozen=True)
class DotNet:
    """.NET 4.x release (NDP\\v4\\Full Release) and .NET 3.5 presence (NDP\\v3.5 Install=1), plus the strong-crypto
    values per .NETFramework key (``None`` where the value is absent or not a DWORD)."""

    v4_present: bool | None
    v4_release: int | None = None
    v35_present: bool | None = None
    tls_values: dict[str, dict[str, int | None]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"v4_present": self.v4_present, "v4_release": self.v4_release, "v35_present": self.v35_present,
                "tls_values": {k: dict(v) for k, v in self.tls_values.items()}}


@dataclass(frozen=True)
class Product:
    """One installed product instance: a SQL Server instance, an Exchange server, an uninstall entry."""

    kind: str
    name: str
    version: Version | None
    raw_version: str | None = None
    where: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "version": _version_json(self.version),
                "raw_version": self.raw_version, "where": self.where}


@dataclass(frozen=True)
class HttpBinding:
    """An HTTP.sys TLS binding (IIS sites and the WinRM HTTPS listener both use them)."""

    endpoint: str          # '0.0.0.0:443', '[::]:5986' or 'www.example.com:443' (SNI)
    kind: str              # 'ip', 'sni' or 'ccs'
    flags: int | None      # DefaultFlags (HTTP_SERVICE_CONFIG_SSL_FLAG_*), None when absent

    @property
    def port(self) -> int | None:
        tail = self.endpoint.rsplit(":", 1)[-1]
        return int(tail) if tail.isascii() and tail.isdigit() else None

    def to_json(self) -> dict:
        return {"endpoint": self.endpoint, "kind": self.kind, "flags": self.flags, "port": self.port}


@dataclass(frozen=True)
class WinrmListener:
    name: str              # the WSMAN\Listener subkey, e.g. '*+HTTPS'
    transport: str         # 'HTTP' or 'HTTPS' (from the subkey name)
    port: int | None
    cert_thumbprint: str | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Winrm:
    present: bool | None
    listeners: tuple[WinrmListener, ...] = ()
    certificate_auth: bool | None = None     # WSMAN\Service auth_certificate
    certificate_mappings: int | None = None  # subkeys of WSMAN\CertMapping

    def to_json(self) -> dict:
        return {"present": self.present, "listeners": [x.to_json() for x in self.listeners],
                "certificate_auth": self.certificate_auth, "certificate_mappings": self.certificate_mappings}


@dataclass(frozen=True)
class Rdp:
    enabled: bool | None                     # fDenyTSConnections == 0; None when the value is absent
    security_layer: int | None = None        # 0 RDP, 1 negotiate, 2 SSL (TLS); policy value wins
    certificate_hash: str | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Iis:
    present: bool | None
    version: Version | None = None

    def to_json(self) -> dict:
        return {"present": self.present, "version": _version_json(self.version)}


@dataclass(frozen=True)
class Components:
    os: OsInfo
    hotfixes: Hotfixes
    dotnet: DotNet
    iis: Iis
    bindings: tuple[HttpBinding, ...] | None
    winrm: Winrm
    rdp: Rdp
    wsus: bool | None
    products: tuple[Product, ...]
    unread_products: frozenset[str] = frozenset()  # product kinds whose source did not come back
    notes: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[Product, ...] | None:
        """The instances of a product kind; None when its source could not be read."""
        return None if kind in self.unread_products else tuple(p for p in self.products if p.kind == kind)

    def to_json(self) -> dict:
        return {
            "os": self.os.to_json(), "hotfixes": self.hotfixes.to_json(), "dotnet": self.dotnet.to_json(),
            "iis": self.iis.to_json(),
            "http_bindings": None if self.bindings is None else [b.to_json() for b in self.bindings],
            "winrm": self.winrm.to_json(), "rdp": self.rdp.to_json(), "wsus": self.wsus,
            "products": [p.to_json() for p in self.products], "unread_products": sorted(self.unread_products),
            "notes": list(self.notes),
        }
