"""Components for tests, built directly (the parser has its own tests)."""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.components import (
    Components,
    DotNet,
    Hotfixes,
    Iis,
    OsInfo,
    Product,
    Rdp,
    Winrm,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.rules import HOTFIX_IDS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.version import Version


def host(build: int = 17763, hotfixes: tuple[str, ...] = (), products: tuple[Product, ...] = (), **changes
         ) -> Components:
    """A host with nothing installed besides .NET 4.8 (strong-crypto values set), RDP off, no WinRM HTTPS."""
    base = Components(
        os=OsInfo(build), hotfixes=Hotfixes(HOTFIX_IDS, frozenset(hotfixes)),
        dotnet=DotNet(True, 528049, False, {r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319":
                                            {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": 1}}),
        iis=Iis(False), bindings=(), winrm=Winrm(False), rdp=Rdp(False), wsus=False, products=products)
    return replace(base, **changes)


def product(kind: str, version: str, name: str = "") -> Product:
    names = {"sql_server": "MSSQLSERVER", "exchange": "Exchange Server", "entra_connect": "Microsoft Azure AD Connect",
             "sfb": "Skype for Business Server 2015, Core Components",
             "sql_native_client": "Microsoft SQL Server 2012 Native Client"}
    return Product(kind, name or names[kind], Version.parse(version), version)
