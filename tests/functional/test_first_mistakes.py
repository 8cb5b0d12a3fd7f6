# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first mistakes people make, through the real ansible command: a host module against a host that is not
Windows (the controller itself, over connection local or ssh) says so and names the connection settings, before anything
runs there; a product year as os_build gets the build number suggested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE = str(Path(sys.executable).parent / "ansible")
# Every module that runs on the host, with the arguments it needs to get as far as the host.
HOST_MODULES = [("tls_info", ""), ("tls_config", "profile=enforce"), ("tls_restore", "backup_id=x"),
                ("tls_readiness", ""), ("tls_usage", ""), ("tls_evidence", "")]


def adhoc(tmp_path: Path, module: str, args: str, *options: str) -> tuple[subprocess.CompletedProcess, dict]:
    env = ansible_env({"ANSIBLE_HOME": str(tmp_path / "ansible_home"), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")})
    done = subprocess.run([ANSIBLE, "localhost", *options, "-m", f"tlsguard.windows.{module}",
                           "-a", args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "=>" in done.stdout, done.stdout + done.stderr
    return done, json.loads(done.stdout.split("=>", 1)[1])


@pytest.mark.parametrize(("module", "args"), HOST_MODULES, ids=[m for m, _a in HOST_MODULES])
def test_a_host_module_on_a_host_that_is_not_windows(tmp_path, module, args):
    done, result = adhoc(tmp_path, module, args, "-i", "localhost,", "-c", "local")
    assert done.returncode == 2 and "localhost | FAILED!" in done.stdout and result["round_trips"] == 0, result
    assert result["msg"].startswith(f"{module} runs on Windows hosts only, with PowerShell 5.1 or later; localhost "
                                    "is reached with connection 'local' and a 'sh' shell."), result["msg"]
    for setting in ("ansible_connection: winrm", "ansible_port: 5986", "ansible_winrm_transport", "inventory.example"):
        assert setting in result["msg"]
    assert "interpreter" not in done.stdout + done.stderr  # not ansible-core's "module interpreter ... not found"


@pytest.mark.parametrize(("year", "build"), [("2019", "17763"), ("2016", "14393"), ("2022", "20348")])
def test_a_product_year_as_os_build_suggests_the_build(tmp_path, year, build):
    export = "src=examples/exports/web01-2019-iiscrypto.reg profile=enforce"
    done, result = adhoc(tmp_path, "tls_regfile", f"{export} os_build={year}")  # implicit localhost, as in the README
    assert done.returncode == 2 and "localhost | FAILED!" in done.stdout, result
    assert f"os_build: build {year} is older than Windows Vista" in result["msg"]
    assert f"did you mean {build} (Windows Server {year})?" in result["msg"], result["msg"]


def test_ssh_to_a_host_with_a_posix_shell_is_refused_before_connecting(tmp_path):
    """Nothing listens for ssh on this machine: the message comes from the shell plugin, not from a connection."""
    done, result = adhoc(tmp_path, "tls_config", "profile=enforce", "-i", "localhost,", "-c", "ssh")
    assert done.returncode == 2 and "unreachable" not in result, result
    assert "localhost is reached with connection 'ssh' and a 'sh' shell" in result["msg"], result["msg"]
