# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answers for ``ansible.windows.setup`` (fact gathering) and ``ansible.windows.win_ping``."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from .host import Host


def setup(host: Host, _args: dict) -> dict:
    profile = host.profile
    major, minor = profile.major_minor
    boot = datetime.fromtimestamp(host.boot_unix, tz=UTC)
    facts = {
        "ansible_os_family": "Windows",
        "ansible_system": "Win32NT",
        "ansible_os_name": profile.product,
        "ansible_os_product_type": "server" if profile.installation_type == "Server" else "workstation",
        "ansible_os_installation_type": profile.installation_type,
        "ansible_distribution": f"Microsoft {profile.product}",
        "ansible_distribution_version": profile.full_version,
        "ansible_distribution_major_version": str(major),
        "ansible_kernel": f"{major}.{minor}.{profile.build}.0",
        "ansible_architecture": "64-bit",
        "ansible_hostname": host.name.upper(),
        "ansible_fqdn": host.dns_name,
        "ansible_domain": "lab.test",
        "ansible_powershell_version": 5,
        "ansible_lastboot": boot.strftime("%Y-%m-%d %H:%M:%SZ"),
        "ansible_uptime_seconds": int(time.time() - host.boot_unix),
        "ansible_reboot_pending": host.reboot_pending,
        "ansible_windows_domain": "WORKGROUP",
        "ansible_windows_domain_member": False,
        "ansible_lab_emulated": True,
        "module_setup": True,
    }
    return {"changed": False, "ansible_facts": facts}


def ping(_host: Host, args: dict) -> dict:
    data = args.get("data", "pong")
    if data == "crash":
        return {"failed": True, "msg": "boom"}
    return {"changed": False, "ping": data}
