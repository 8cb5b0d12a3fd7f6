"""Hundreds of hosts in one lab, driven by one ansible-playbook run."""

from __future__ import annotations

from tlslab import fleet

HOSTS = 220


def test_220_hosts_answer_one_play(lab_factory, playbooks):
    specs = fleet.from_count(HOSTS, ["2012r2", "2016", "2019", "2022", "2025", "win10", "win11"], ())
    lab = lab_factory(specs)
    result = lab.playbook(playbooks / "ping.yml", "-f", "25")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = [line for line in result.stdout.splitlines() if " : ok=" in line]
    assert len(summary) == HOSTS and all("ok=2 " in line and "failed=0" in line for line in summary)
