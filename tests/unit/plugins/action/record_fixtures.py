# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Re-record fixtures/*.json: tls_host replies from the lab's twin for hosts in the hard states the action plugin
tests need. Run after changing the host module's contract: ``make record-fixtures``"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tlslab.host import ADMINISTRATORS, SYSTEM, Host
from tlslab.osprofiles import SCHANNEL, profile
from tlslab.twins import tls_host

from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.hostread import readiness_request

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROTOCOLS = SCHANNEL + r"\Protocols"
NETFX4 = r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
HALF_APPLIED = [(PROTOCOLS + r"\TLS 1.2\Client", "Enabled", "REG_DWORD", 1),
                (PROTOCOLS + r"\TLS 1.2\Client", "DisabledByDefault", "REG_DWORD", 0),
                (PROTOCOLS + r"\TLS 1.2\Server", "Enabled", "REG_DWORD", 1),
                (PROTOCOLS + r"\SSL 2.0\Client", "Enabled", "REG_DWORD", 0)]
CASES = {
    "reg_sz_where_dword": ("2019", [(PROTOCOLS + r"\TLS 1.2\Server", "Enabled", "REG_SZ", "1")]),
    "dword_ffffffff": ("2019", [(PROTOCOLS + r"\TLS 1.0\Server", "Enabled", "REG_DWORD", 0xFFFFFFFF),
                                (PROTOCOLS + r"\TLS 1.0\Server", "DisabledByDefault", "REG_DWORD", 0)]),
    "stock_2008r2": ("2008r2", []),
    "dotnet_one_view": ("2019", [(NETFX4, "SchUseStrongCrypto", "REG_DWORD", 1),
                                 (NETFX4, "SystemDefaultTlsVersions", "REG_DWORD", 1)]),
    "tls13_on_2019": ("2019", [(PROTOCOLS + r"\TLS 1.3\Server", "Enabled", "REG_DWORD", 1),
                               (PROTOCOLS + r"\TLS 1.3\Server", "DisabledByDefault", "REG_DWORD", 0)]),
    "half_applied": ("2019", HALF_APPLIED),
}
# A 2008 R2 patched as Windows Update leaves it has KB3140245 (WinHTTP reads DefaultSecureProtocols).
PRESETS = {"stock_2008r2": ("with_kb3140245",)}
HALF_APPLIED_BACKUP = "20261120T010000.000000Z-web01"
BACKUP_DIR = r"C:\ProgramData\tlsguard\backups"


def record(folder: Path, name: str) -> None:
    os_key, values = CASES[name]
    host = Host.create("web01", profile(os_key), folder / name, presets=PRESETS.get(name, ()))
    for key, value_name, reg_type, data in values:
        host.registry.set_value(key, value_name, reg_type, data)
    request = dict(readiness_request(), backup_dir=BACKUP_DIR, check_backup_dir=True)
    if name == "half_applied":  # an enforce run that stopped after these writes, its backup still 'pending'
        path = rf"{BACKUP_DIR}\{HALF_APPLIED_BACKUP}.json"
        entries = [{"hive": "HKLM", "key": key[5:], "name": value_name, "existed": False}
                   for key, value_name, _type, _data in values]
        document = {"id": HALF_APPLIED_BACKUP, "path": path, "hostname": "WEB01", "status": "pending",
                    "created_keys": [], "entries": entries}
        host.write_file(path, json.dumps(document, indent=4).encode())
        for folder in (r"C:\ProgramData\tlsguard", BACKUP_DIR):  # as tls_host creates them: admin-only
            host.set_security(folder, ADMINISTRATORS, [SYSTEM, ADMINISTRATORS])
        request["read_backup"] = HALF_APPLIED_BACKUP
    reply = tls_host.run(host, request)
    reply.pop("changed")
    (FIXTURES / f"{name}.json").write_text(json.dumps(reply, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        for case in CASES:
            record(Path(scratch), case)
