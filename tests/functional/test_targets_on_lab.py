"""The host modules' integration targets (tests/integration/targets, ansible-test layout) against one lab host of
every OS profile. The same targets run against real Windows with ansible-test windows-integration."""

from __future__ import annotations

import pytest
from tlslab import fleet
from tlslab.osprofiles import PROFILES
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import run_target

# Windows 7/2008 R2 and 2012 as Windows Update leaves them have KB3140245; without it tls_config refuses enforce.
PATCHED = {"2008r2": ("with_kb3140245",), "2012": ("with_kb3140245",)}


@pytest.fixture(scope="module")
def every_profile(tmp_path_factory):
    lab = start_lab(tmp_path_factory.mktemp("targets") / "lab",
                    [fleet.HostSpec(f"host-{key.replace('_', '')}", key, (), presets=PATCHED.get(key, ()))
                     for key in PROFILES])
    yield lab
    lab.stop()


@pytest.mark.parametrize("target", ["tls_info", "tls_config", "tls_restore"])
def test_target_on_every_os_profile(every_profile, target, tmp_path):
    result = run_target(target, hosts="windows", inventory=str(every_profile.inventory), workdir=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    recap = [line for line in result.stdout.splitlines() if " : ok=" in line]
    assert len(recap) == len(PROFILES) and all("failed=0" in line for line in recap), "\n".join(recap)
