# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every example block of README.md, run as written (tests/harness/readme_examples.py finds them by name).

Shell blocks run in bash from a newcomer's shell: no virtualenv on PATH, no ANSIBLE_COLLECTIONS_PATH, only what the
block itself sets up. Playbooks run with the real ansible-playbook against lab hosts (emulated, not Windows); the
scan example gets the lab's endpoints in place of the README's corp.example names and nothing else changed.
Blocks that need a real Windows host, Galaxy or GitHub are checked for what can be checked here: the files they
name exist and say what the README says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from tlslab import fleet
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import check_policy_arguments
from ansible_collections.tlsguard.windows.tests.harness.readme_examples import Example, examples
from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
EXPECTED = {"quick-start", "demo-output", "install", "lab-run", "lab-shell", "fleet-playbook", "overrides", "scan",
            "reg-export", "regfile-adhoc", "integration-targets"}
LAB_HOSTS = [fleet.HostSpec("web2019", "2019", ("https",)), fleet.HostSpec("web2022", "2022", ("https",))]
CHECK_MSG = re.compile(r"^check mode: [0-9]+ registry value\(s\) would change on (\S+) \(([a-z_]+ [0-9]+(, )?)+\); "
                       r"a reboot would be needed$")
YOUR_PLAYBOOK = """- name: A newcomer's first playbook
  hosts: windows
  gather_facts: false
  tasks:
    - name: Audit
      tlsguard.windows.tls_info:
        profile: enforce
      register: audit
    - name: A stock host is not compliant yet
      ansible.builtin.assert:
        that: not audit.compliant
"""


@pytest.fixture(scope="module")
def readme() -> dict[str, Example]:
    return examples(README)


def example(readme: dict[str, Example], name: str) -> str:
    assert name in readme, f"README.md no longer has the example '{name}' (<!-- example: {name} --> above a block)"
    return readme[name].text


def newcomer_env(**extra: str) -> dict[str, str]:
    """This environment without the virtualenv and without the collection path the test session sets."""
    env = {k: v for k, v in os.environ.items() if k not in ("ANSIBLE_COLLECTIONS_PATH", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and shutil.which("ansible", path=p) is None)
    env.update(NO_PROXY="127.0.0.1,localhost", ANSIBLE_NOCOLOR="1", **extra)
    return env


def bash(text: str, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", text], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


def recap(stdout: str) -> dict[str, str]:
    return {line.split()[0]: line for line in stdout.splitlines() if " : ok=" in line}


def test_every_block_is_named_and_every_name_has_a_test(readme):
    assert set(readme) == EXPECTED


# ---------------------------------------------------------------- blocks that run without a lab
def test_quick_start_names_targets_make_has(readme):
    targets = re.findall(r"^make ([a-z-]+)", example(readme, "quick-start"), re.M)
    assert targets == ["demo", "test"]
    for target in targets:  # `make demo` itself is tests/functional/test_rollout_on_lab.py, `make test` the suite
        dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False)
        assert dry.returncode == 0, dry.stderr


def test_demo_output_lists_the_demo_fleet(readme):
    rows = example(readme, "demo-output").splitlines()
    assert rows[0].split() == ["host", "stage", "status", "why"]
    assert sorted(row.split()[0] for row in rows[1:]) == sorted(s.name for s in fleet.from_file(
        ROOT / "examples" / "demo" / "fleet.yml"))


def test_install_names_files_the_collection_ships(readme):
    text = example(readme, "install")
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert f"tlsguard-windows-{version}.tar.gz" in text
    assert "ansible.windows" in (ROOT / "requirements.yml").read_text()
    [pip_file] = re.findall(r"pip install -r \S+/ansible_collections/tlsguard/windows/(\S+)", text)
    packages = (ROOT / pip_file).read_text().lower()
    for package in ("pywinrm", "sslyze", "jmespath"):
        assert package in packages and package in text


def test_install_from_a_tarball_runs_as_written(readme, tmp_path):
    """The tarball and pip lines, for a user who has Ansible (this venv) and a home of their own; the Galaxy and git
    lines need the network (the same install, from another source)."""
    lines = [line.split("#")[0].strip() for line in example(readme, "install").splitlines()]
    [tarball_line] = [line for line in lines if line.endswith(".tar.gz")]
    [pip_line] = [line for line in lines if line.startswith("pip install")]
    tree, out, home = tmp_path / "tree", tmp_path / "out", tmp_path / "home"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    out.mkdir()
    home.mkdir()
    env = newcomer_env(HOME=str(home))
    galaxy = ROOT / ".venv" / "bin" / "ansible-galaxy"
    subprocess.run([str(galaxy), "collection", "build", "--output-path", str(out)], cwd=tree, check=True,
                   capture_output=True, env=env)
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    done = bash(f"{tarball_line}\n{pip_line}\nansible-doc -l tlsguard.windows", out, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    installed = home / ".ansible" / "collections" / "ansible_collections" / "tlsguard" / "windows"
    assert (installed / "MANIFEST.json").is_file()
    assert "tlsguard.windows.tls_config" in done.stdout


def test_regfile_adhoc_runs_as_written_in_a_fresh_shell(readme):
    text = example(readme, "regfile-adhoc")
    done = bash(text, ROOT, newcomer_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.startswith("localhost | SUCCESS => {")
    result = json.loads(done.stdout.split("=>", 1)[1])
    assert result["compliant"] is False and result["findings"]
    # The activation lines are what makes it work: without them a fresh shell has no ansible.
    bare = bash(text.splitlines()[-1], ROOT, newcomer_env())
    assert bare.returncode != 0


def test_reg_export_is_the_key_the_shipped_exports_hold(readme):
    [key] = re.findall(r'reg export "([^"]+)"', example(readme, "reg-export"))
    header = key.replace("HKLM", "[HKEY_LOCAL_MACHINE", 1)
    export = (ROOT / "examples" / "exports" / "web01-2019-iiscrypto.reg").read_bytes()
    text = export.decode("utf-16") if export.startswith(b"\xff\xfe") else export.decode("utf-8", "replace")
    assert header in text


def test_the_quoted_override_mistake_is_the_real_message():
    readme_text = README.read_text()
    [quoted] = re.findall(r"`(overrides\.protocols\.tls1_9: [^`]+)`", readme_text)
    with pytest.raises(ValidationError) as raised:
        check_policy_arguments("enforce", {"protocols": {"tls1_9": "disabled"}})
    assert str(raised.value).startswith(quoted)


# ---------------------------------------------------------------- a user's own playbook against a lab
def test_lab_run_runs_your_playbook(readme, tmp_path):
    playbook = tmp_path / "your.yml"
    playbook.write_text(YOUR_PLAYBOOK)
    text = example(readme, "lab-run")
    assert "PLAYBOOK=your.yml" in text
    done = bash(text.replace("your.yml", str(playbook)), ROOT, newcomer_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    hosts = recap(done.stdout)
    assert len(hosts) == 3 and all("failed=0" in line for line in hosts.values()), hosts


def test_lab_shell_runs_your_playbook_without_the_makefile(readme, tmp_path):
    """In a folder laid out like a checkout after `make setup`: .venv, and .build holding the collection link."""
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    link = tmp_path / ".build" / "ansible_collections" / "tlsguard" / "windows"
    link.parent.mkdir(parents=True)
    link.symlink_to(ROOT)
    (tmp_path / "your.yml").write_text(YOUR_PLAYBOOK)
    state = tmp_path / ".build" / "lab"
    try:  # the lab on free ports, so it never meets another one on this machine
        done = bash(example(readme, "lab-shell"), tmp_path, newcomer_env(TLSLAB_PORT="0", TLSLAB_TLS_PORT_BASE="0"))
    finally:
        if (state / "lab.pid").exists():
            subprocess.run([str(ROOT / ".venv" / "bin" / "tlslab"), "--state", str(state), "stop"], check=False,
                           env=ansible_env(), capture_output=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    hosts = recap(done.stdout)
    assert len(hosts) == 3 and all("failed=0" in line for line in hosts.values()), hosts
    assert not (state / "lab.pid").exists()  # tlslab stop ran


# ---------------------------------------------------------------- playbooks against a lab
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("readme") / "lab", LAB_HOSTS)
    yield handle
    handle.stop()


def play(lab, folder: Path, name: str, text: str, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yml"
    path.write_text(text)
    env = {"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}
    done = lab.playbook(path, *args, env=env)
    assert done.stdout.startswith("{"), done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(done.stdout)


def task_hosts(report: dict, name: str) -> dict[str, dict]:
    [task] = [t for t in report["plays"][0]["tasks"] if t["task"]["name"] == name]
    return task["hosts"]


@pytest.fixture(scope="module")
def fleet_runs(readme, lab, tmp_path_factory):
    """The README's fleet playbook: --check without --diff, then for real, then once more."""
    folder = tmp_path_factory.mktemp("fleet")
    text = example(readme, "fleet-playbook")
    return [play(lab, folder / "check", "fleet", text, "--check"), play(lab, folder / "apply", "fleet", text),
            play(lab, folder / "again", "fleet", text)]


def test_fleet_playbook_check_mode_says_what_would_change(fleet_runs):
    done, report = fleet_runs[0]
    assert done.returncode == 0, done.stdout[-3000:]
    for task in ("Enable TLS 1.2 (and 1.3 where the build supports it)", "Switch off SSL 2/3 and TLS 1.0/1.1"):
        for host, result in task_hosts(report, task).items():
            match = CHECK_MSG.match(result["msg"])
            assert match and match.group(1) == host and result["changed"], result["msg"]
            assert "diff" not in result


def test_fleet_playbook_applies_then_changes_and_reboots_nothing(fleet_runs):
    (applied, first), (again, second) = fleet_runs[1], fleet_runs[2]
    assert applied.returncode == 0 and again.returncode == 0, applied.stdout[-3000:] + again.stdout[-3000:]
    assert all(stats["changed"] > 0 for stats in first["stats"].values()), first["stats"]
    assert all(stats["changed"] == 0 for stats in second["stats"].values()), second["stats"]
    assert all(r.get("skipped") for r in task_hosts(second, "Reboot when needed").values())


def test_overrides_example_plans_in_check_mode(readme, lab, fleet_runs, tmp_path):
    overrides = yaml.safe_load(example(readme, "overrides"))
    task = {"name": "README overrides", "tlsguard.windows.tls_config": {"profile": "enforce", **overrides},
            "check_mode": True}
    text = yaml.safe_dump([{"name": "overrides", "hosts": "web2022", "gather_facts": False, "tasks": [task]}])
    done, report = play(lab, tmp_path, "overrides", text)
    assert done.returncode == 0, done.stdout[-3000:]
    result = task_hosts(report, "README overrides")["web2022"]
    assert result["changed"] and "TLS 1.3\\\\Server" in json.dumps(result["changes"]), result


def lab_endpoints(lab) -> list[dict]:
    groups = yaml.safe_load(lab.inventory.read_text())["all"]["children"]["windows"]["children"]
    return [{"host": e["ip"], "port": e["port"], "sni": e["sni"]}
            for group in groups.values() for host in group["hosts"].values() for e in host["tls_endpoints"]]


def scan_play(readme, targets: list[dict]) -> str:
    [task] = yaml.safe_load(example(readme, "scan"))
    task["tlsguard.windows.tls_scan"]["targets"] = targets  # the lab's endpoints; every other line as written
    return yaml.safe_dump([{"name": "scan", "hosts": "windows", "gather_facts": False, "tasks": [task]}])


def test_scan_example_passes_on_the_enforced_lab(readme, lab, fleet_runs, tmp_path):
    targets = lab_endpoints(lab)
    assert len(targets) == len(LAB_HOSTS)
    done, report = play(lab, tmp_path, "scan", scan_play(readme, targets))
    assert done.returncode == 0, done.stdout[-3000:]
    [result] = [r for r in task_hosts(report, "Prove stage 3 from the outside").values() if "summary" in r]
    assert result["summary"]["compliant"] == len(targets), result["summary"]


def test_scan_example_fails_when_an_endpoint_is_down(readme, lab, tmp_path):
    done, report = play(lab, tmp_path, "scan", scan_play(readme, [{"host": "127.0.0.1", "port": fleet.free_port()}]))
    assert done.returncode != 0
    [result] = [r for r in task_hosts(report, "Prove stage 3 from the outside").values() if "summary" in r]
    assert result["failed"] and result["summary"]["undetermined"] == 1, result["summary"]


def test_integration_targets_runner_line_runs_on_the_lab(readme, tmp_path):
    """The targets expect a host as Windows Update leaves it, so a lab of their own, not the enforced one."""
    text = example(readme, "integration-targets")
    assert (ROOT / "tests" / "integration" / "inventory.winrm.template").is_file()  # what the cp line copies
    [line] = [x for x in text.splitlines() if x.startswith(".venv/bin/python tests/harness/runner.py")]
    stock = start_lab(tmp_path / "lab", [fleet.HostSpec("srv2019", "2019", ())])
    try:
        done = bash(line.split("#")[0].replace("your-inventory.yml", str(stock.inventory)), ROOT, newcomer_env())
    finally:
        stock.stop()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    hosts = recap(done.stdout)
    assert list(hosts) == ["srv2019"] and "failed=0" in hosts["srv2019"], hosts
