# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness read (one round trip, on top of the TLS read) and its parsing into ``Components``.

``readiness_request()`` is ``hoststate.read_request()`` plus: whole keys (``read_keys``) for single-key facts,
``read_subkey_values`` (named values of every direct subkey of a key) for SQL instances, uninstall entries,
WinRM listeners and HTTP.sys bindings, and ``hotfixes`` (installed or not, only the ids the rules name).
``parse_readiness(reply)`` never raises: what cannot be read becomes None/unknown with a note.

Registry locations (HKLM): documented by Microsoft unless marked [community] -- see docs/readiness.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ValidationError
from ..hoststate import read_request
from ..locations import DOTNET_KEYS, DOTNET_VALUES, NDP_KEY, OS_KEY
from ..registry import RegRef, RegValue, Snapshot
from .components import Components, DotNet, Hotfixes, HttpBinding, Iis, OsInfo, Product, Rdp, Winrm, WinrmListener
from .rules import HOTFIX_IDS
from .version import version_or_none

NDP35_KEY = r"SOFTWARE\Microsoft\NET Framework Setup\NDP\v3.5"
INETSTP_KEY = r"SOFTWARE\Microsoft\InetStp"
WSUS_KEY = r"SOFTWARE\Microsoft\Update Services\Server\Setup"          # [community]
EXCHANGE_KEY = r"SOFTWARE\Microsoft\ExchangeServer\v15\Setup"         # [community]
TERMINAL_KEY = r"SYSTEM\CurrentControlSet\Control\Terminal Server"
RDP_TCP_KEY = TERMINAL_KEY + r"\WinStations\RDP-Tcp"
RDP_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
SQL_ROOT = r"SOFTWARE\Microsoft\Microsoft SQL Server"                  # [community] instance layout
SQL_NAMES_KEY = SQL_ROOT + r"\Instance Names\SQL"
WSMAN_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\WSMAN"        # [community]
WSMAN_SERVICE_KEY = WSMAN_KEY + r"\Service"
HTTP_PARAMETERS = r"SYSTEM\CurrentControlSet\Services\HTTP\Parameters"  # [community]
UNINSTALL_KEYS = (r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
                  r"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall")
BINDING_KINDS = {"SslBindingInfo": "ip", "SslSniBindingInfo": "sni", "SslCcsBindingInfo": "ccs"}
SINGLE_KEYS = (NDP35_KEY, INETSTP_KEY, WSUS_KEY, EXCHANGE_KEY, TERMINAL_KEY, RDP_TCP_KEY, RDP_POLICY_KEY,
               SQL_NAMES_KEY, WSMAN_SERVICE_KEY)
SUBKEY_READS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (SQL_ROOT, "Setup", ("PatchLevel", "Version", "Edition")),
    *((key, "", ("DisplayName", "DisplayVersion", "Publisher")) for key in UNINSTALL_KEYS),
    (WSMAN_KEY + r"\Listener", "", ("Port", "certThumbprint", "hostname")),
    (WSMAN_KEY + r"\CertMapping", "", ("Subject", "Issuer")),
    *((f"{HTTP_PARAMETERS}\\{name}", "", ("DefaultFlags", "SslCertHash")) for name in BINDING_KINDS),
)
MAX_SUBKEY_NAMES = 32      # names per read_subkey_values item (the host refuses more)
MAX_SUBKEYS = 4096         # subkeys the host enumerates per item before it stops and says truncated
MAX_HOTFIXES = 64          # ids per hotfixes list

# Uninstall DisplayName -> product kind [community: the names products register]
_ENTRA_NAMES = ("microsoft azure ad connect", "microsoft entra connect sync", "microsoft entra connect")


def readiness_request() -> dict:
    """The module arguments of the one round trip: the TLS read plus the readiness reads."""
    request = read_request()
    request["read_keys"] = request["read_keys"] + [{"hive": "HKLM", "key": key, "recurse": False}
                                                   for key in SINGLE_KEYS]
    request["read_subkey_values"] = [{"hive": "HKLM", "key": key, "path": path, "names": list(names)}
                                     for key, path, names in SUBKEY_READS]
    request["hotfixes"] = list(HOTFIX_IDS)
    return request


class _Reply:
    """Tolerant access to one reply; every oddity is a note, nothing raises."""

    def __init__(self, reply: object) -> None:
        self.notes: list[str] = []
        self.raw: Mapping = reply if isinstance(reply, Mapping) else {}
        if not isinstance(reply, Mapping):
            self.notes.append(f"the host reply is not a JSON object: {str(reply)[:120]!r}")
        self.values = self._values(self.raw.get("registry_values"), "registry_values")
        missing = self.raw.get("missing_keys")
        self.missing_known = isinstance(missing, list)
        if not self.missing_known:
            self.notes.append("the host reply has no missing_keys list; key presence is unknown")
        self.missing = {str(m.get("key", "")).casefold() for m in missing or () if isinstance(m, Mapping)} \
            if self.missing_known else set()
        self.subkeys = self._subkey_reads(self.raw.get("subkey_values"))

    def _values(self, items: object, where: str) -> Snapshot:
        if not isinstance(items, list):
            self.notes.append(f"the host reply has no {where} list")
            return Snapshot()
        good: dict[RegRef, RegValue] = {}
        for index, item in enumerate(items):
            try:
                good.update(Snapshot.from_json([item], f"{where}[{index}]"))
            except (ValidationError, AttributeError) as err:
                self.notes.append(f"ignored {where}[{index}]: {err}")
        return Snapshot(good)

    def _subkey_reads(self, items: object) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, Mapping) and isinstance(item.get("key"), str):
                found[f"{item['key']}\\{item.get('path') or ''}".casefold()] = dict(item)
            else:
                self.notes.append(f"ignored subkey_values[{index}]: not a mapping with a key")
        if not isinstance(items, list):
            self.notes.append("the host reply has no subkey_values list (read_subkey_values not answered)")
        return found

    def key_present(self, key: str) -> bool | None:
        """Whether a key asked for in read_keys exists; None when the reply cannot say."""
        if not self.missing_known or not isinstance(self.raw.get("registry_values"), list):
            return None
        return key.casefold() not in self.missing

    def value(self, key: str, name: str) -> RegValue | None:
        return self.values.get(RegRef("HKLM", key, name))

    def dword(self, key: str, name: str) -> int | None:
        found = self.value(key, name)
        if found is None:
            return None
        if found.type != "REG_DWORD" or not isinstance(found.data, int):
            self.notes.append(f"HKLM\\{key}\\{name} is {found.type}, not a DWORD; ignored")
            return None
        return found.data

    def text(self, key: str, name: str) -> str | None:
        found = self.value(key, name)
        return found.data if found is not None and isinstance(found.data, str) else None

    def subkeys_of(self, key: str, path: str = "") -> list[tuple[str, Snapshot]] | None:
        """(subkey name, its named values) per subkey; None when this read did not come back."""
        entry = self.subkeys.get(f"{key}\\{path}".casefold())
        if entry is None:
            return None
        if entry.get("truncated"):
            self.notes.append(f"HKLM\\{key}: more subkeys than the host enumerates; the list is incomplete")
        out = []
        subs = entry.get("subkeys")
        for index, sub in enumerate(subs if isinstance(subs, list) else ()):
            if not isinstance(sub, Mapping) or not isinstance(sub.get("name"), str):
                self.notes.append(f"ignored a subkey entry of HKLM\\{key} (#{index}): no name")
                continue
            values = sub.get("values")
            items = [dict(v, hive="HKLM", key=f"{key}\\{sub['name']}\\{path}") for v in values or ()
                     if isinstance(v, Mapping)] if isinstance(values, list) else []
            out.append((sub["name"], self._values(items, f"subkey_values {key}\\{sub['name']}")))
        return out


def _named(values: Snapshot, name: str) -> str | None:
    found = next((v for r, v in values.items() if r.name.casefold() == name.casefold()), None)
    if found is None:
        return None
    if isinstance(found.data, int) and not isinstance(found.data, bool):
        return str(found.data)
    return found.data if isinstance(found.data, str) else None


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²', which int() then refuses."""
    return text.isascii() and text.isdigit()


def _os(reply: _Reply) -> OsInfo:
    build_text = reply.text(OS_KEY, "CurrentBuildNumber")
    build = int(build_text) if build_text is not None and _digits(build_text.strip()) else None
    if build is None:
        reply.notes.append(f"OS build unreadable (CurrentBuildNumber={build_text!r}); OS rules are unknown")
    facts = reply.raw.get("facts")
    x64 = facts.get("x64", True) if isinstance(facts, Mapping) else True
    return OsInfo(build, ubr=reply.dword(OS_KEY, "UBR"), x64=bool(x64), product_name=reply.text(OS_KEY, "ProductName"),
                  edition=reply.text(OS_KEY, "EditionID"), installation_type=reply.text(OS_KEY, "InstallationType"))


def _hotfixes(reply: _Reply) -> Hotfixes:
    data = reply.raw.get("hotfixes")
    if not isinstance(data, Mapping):
        return Hotfixes(error="the host did not answer the hotfixes query")
    queried, installed = data.get("queried"), data.get("installed")
    if not isinstance(queried, list) or not isinstance(installed, list):
        return Hotfixes(error="the hotfixes answer has no queried/installed lists")
    error = data.get("error")
    return Hotfixes(tuple(str(a).upper() for a in queried), frozenset(str(i).upper() for i in installed),
                    None if error in (None, "") else str(error))


def _dotnet(reply: _Reply, x64: bool) -> DotNet:
    v4 = reply.key_present(NDP_KEY)
    release = reply.dword(NDP_KEY, "Release")
    v35 = reply.key_present(NDP35_KEY)
    if v35:
        v35 = reply.dword(NDP35_KEY, "Install") == 1
    keys = [k for k in DOTNET_KEYS if x64 or "wow6432node" not in k.casefold()]
    tls = {key: {name: reply.dword(key, name) for name in DOTNET_VALUES.values()} for key in keys}
    return DotNet(v4, release, v35, tls)


def _sql(reply: _Reply) -> list[Product] | None:
    present = reply.key_present(SQL_NAMES_KEY)
    if present is None:
        return None
    if not present:
        return []
    setups = reply.subkeys_of(SQL_ROOT, "Setup")
    if setups is None:
        reply.notes.append("SQL Server instances exist but their Setup values were not returned")
        return None
    by_id = {name.casefold(): values for name, values in setups}
    out = []
    for where, value in reply.values.under("HKLM", SQL_NAMES_KEY).items():
        if where.key.casefold() != SQL_NAMES_KEY.casefold() or not isinstance(value.data, str):
            continue
        setup = by_id.get(value.data.casefold(), Snapshot())
        raw = _named(setup, "PatchLevel") or _named(setup, "Version")
        version = version_or_none(raw)
        if version is None:
            reply.notes.append(f"SQL Server instance {where.name} ({value.data}): version {raw!r} unreadable")
        out.append(Product("sql_server", where.name, version, raw, f"HKLM\\{SQL_ROOT}\\{value.data}\\Setup"))
    return out


def _uninstall(reply: _Reply) -> list[Product] | None:
    reads = [(key, reply.subkeys_of(key)) for key in UNINSTALL_KEYS]
    if all(entries is None for _key, entries in reads):
        return None
    out = []
    for key, entries in reads:
        for sub, values in entries or ():
            name = _named(values, "DisplayName") or ""
            kind = _product_kind(name.casefold())
            if kind is None:
                continue
            raw = _named(values, "DisplayVersion")
            version = version_or_none(raw)
            if version is None:
                reply.notes.append(f"{name}: version {raw!r} unreadable")
            out.append(Product(kind, name, version, raw, f"HKLM\\{key}\\{sub}"))
    return out


def _product_kind(name: str) -> str | None:
    if name in _ENTRA_NAMES:
        return "entra_connect"
    if name.startswith("skype for business server") and name.endswith("core components"):
        return "sfb"
    if name.startswith("microsoft sql server") and name.endswith("native client"):
        return "sql_native_client"
    return None


def _exchange(reply: _Reply) -> list[Product] | None:
    present = reply.key_present(EXCHANGE_KEY)
    if not present:
        return None if present is None else []
    names = ("MsiProductMajor", "MsiProductMinor", "MsiBuildMajor", "MsiBuildMinor")
    parts = [reply.dword(EXCHANGE_KEY, n) for n in names]
    raw = ".".join(str(p) for p in parts) if all(p is not None for p in parts) else None
    version = version_or_none(raw)
    if version is None:
        reply.notes.append(f"Exchange Server is installed but its build (MsiProductMajor...MsiBuildMinor) is "
                           f"unreadable: {parts}")
    return [Product("exchange", "Exchange Server", version, raw, f"HKLM\\{EXCHANGE_KEY}")]


def _bindings(reply: _Reply) -> tuple[HttpBinding, ...] | None:
    out: list[HttpBinding] = []
    for name, kind in BINDING_KINDS.items():
        entries = reply.subkeys_of(f"{HTTP_PARAMETERS}\\{name}")
        if entries is None:
            return None
        for endpoint, values in entries:
            flags = next((v.data for r, v in values.items() if r.name.casefold() == "defaultflags"
                          and v.type == "REG_DWORD" and isinstance(v.data, int)), None)
            out.append(HttpBinding(endpoint, kind, flags))
    return tuple(out)


def _winrm(reply: _Reply) -> Winrm:
    listeners = reply.subkeys_of(WSMAN_KEY + r"\Listener")
    present = reply.key_present(WSMAN_SERVICE_KEY)
    if listeners is None or present is None:
        return Winrm(None)
    found = []
    for name, values in listeners:
        transport = name.rpartition("+")[2].upper()
        port = _named(values, "Port")
        found.append(WinrmListener(name, transport, int(port) if port and _digits(port) else None,
                                   _named(values, "certThumbprint")))
    mappings = reply.subkeys_of(WSMAN_KEY + r"\CertMapping")
    auth = reply.dword(WSMAN_SERVICE_KEY, "auth_certificate")
    return Winrm(bool(found) or present, tuple(found), None if auth is None else auth != 0,
                 None if mappings is None else len(mappings))


def _rdp(reply: _Reply) -> Rdp:
    deny = reply.dword(TERMINAL_KEY, "fDenyTSConnections")
    layer = reply.dword(RDP_POLICY_KEY, "SecurityLayer")
    if layer is None:
        layer = reply.dword(RDP_TCP_KEY, "SecurityLayer")
    cert = reply.value(RDP_TCP_KEY, "SSLCertificateSHA1Hash")
    return Rdp(None if deny is None else deny == 0, layer,
               cert.data.hex() if cert is not None and isinstance(cert.data, bytes) else None)


def _iis(reply: _Reply) -> Iis:
    present = reply.key_present(INETSTP_KEY)
    if not present:
        return Iis(present)
    major, minor = reply.dword(INETSTP_KEY, "MajorVersion"), reply.dword(INETSTP_KEY, "MinorVersion")
    return Iis(True, version_or_none(f"{major}.{minor}") if major is not None else None)


def parse_readiness(reply: object) -> Components:
    """Components from a reply to ``readiness_request()``; never raises (odd parts become unknown + a note)."""
    read = _Reply(reply)
    os_info = _os(read)
    products: list[Product] = []
    unread: set[str] = set()
    sources = ((("sql_server",), _sql(read)), (("entra_connect", "sfb", "sql_native_client"), _uninstall(read)),
               (("exchange",), _exchange(read)))
    for kinds, found in sources:
        if found is None:
            unread.update(kinds)
        else:
            products.extend(found)
    wsus = read.key_present(WSUS_KEY)
    return Components(os_info, _hotfixes(read), _dotnet(read, os_info.x64), _iis(read), _bindings(read),
                      _winrm(read), _rdp(read), wsus, tuple(products), frozenset(unread), tuple(read.notes))
