"""inventory.example parses as the YAML inventory it claims to be (real ansible-inventory), with its rings, the
connection variants and every host's endpoints where the rollout role looks for them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_inventory_example_parses(tmp_path):
    inventory = tmp_path / "inventory.yml"
    shutil.copy(ROOT / "inventory.example", inventory)
    listed = subprocess.run([str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(inventory), "--list"],
                            capture_output=True, text=True, check=True)
    data = json.loads(listed.stdout)
    assert set(data["windows"]["children"]) == {"ring1_canary", "ring2_servers", "ring3_rest"}
    hostvars = data["_meta"]["hostvars"]
    assert len(hostvars) == 7
    transports = {v.get("ansible_winrm_transport") for v in hostvars.values() if v.get("ansible_connection") == "winrm"}
    assert transports == {"ntlm", "kerberos", "certificate"}
    assert any(v.get("ansible_connection") == "psrp" for v in hostvars.values())
    assert all(isinstance(v.get("tls_endpoints"), list) for v in hostvars.values())
    assert all(v["ansible_winrm_server_cert_validation"] == "validate" for v in hostvars.values())
    assert all(w["reason"] for v in hostvars.values() for w in v.get("tls_rollout_readiness_waivers", []))
