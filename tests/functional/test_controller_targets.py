"""Controller-only integration targets, run with the real ansible-playbook."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.tests.harness.runner import run_target


@pytest.mark.parametrize("target", ["tls_regfile", "tls_rollout_record"])
def test_target(target):
    result = run_target(target)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "failed=0" in result.stdout
