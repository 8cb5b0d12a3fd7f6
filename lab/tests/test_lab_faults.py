"""Fault switches as Ansible sees them (the protocol-level ones are in test_lab_wsman.py)."""

from __future__ import annotations

from tlslab import fleet


def test_faults_through_ansible(lab_factory, playbooks):
    lab = lab_factory([fleet.HostSpec("failing", "2019", (), faults={"fail_write": 2}),
                       fleet.HostSpec("nonadmin", "2016", (), faults={"non_admin": True}),
                       fleet.HostSpec("gone", "2022", (), faults={"no_return": True})])
    result = lab.playbook(playbooks / "faults.yml")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    recap = {line.split()[0]: line for line in result.stdout.splitlines() if " : ok=" in line}
    assert all("failed=0" in line for line in recap.values())
    assert ["ignored=1" in recap["failing"], "ignored=2" in recap["nonadmin"], "ignored=1" in recap["gone"]] == [
        True, True, True]
    assert lab.host("gone").down_until == float("inf")
