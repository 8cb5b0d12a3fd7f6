"""tls_scan's documented results against the results the scanner builds (its options are checked with every other
module's in tests/unit/plugins/modules/test_docs_match_argspecs.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.model import FullScan
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import PROTOCOL_KEYS, Probe
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.results import (
    endpoint_result,
    judged,
    scan_result,
    with_full,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets

DOCS = yaml.safe_load((Path(__file__).resolve().parents[4] / "plugins" / "modules" / "tls_scan.yml").read_text())


def test_every_result_key_is_documented_and_nothing_else():
    returned = DOCS["RETURN"]
    target = parse_targets(["web01.example"])[0]
    probed = endpoint_result(target, "10.0.0.1", {"tls1_2": Probe("accepted", "x")}, 0.1)
    nothing_measured = FullScan(dict.fromkeys(PROTOCOL_KEYS), None, None, None, None, {})
    result = scan_result([judged(with_full(probed, nothing_measured, 0.2), "enforce")], "enforce", "full", 0.1)
    [endpoint] = result["endpoints"]
    assert set(returned) == {"msg", "endpoints", "summary", "legacy_accepted"}
    assert set(returned["endpoints"]["contains"]) == set(endpoint)
    assert set(returned["summary"]["contains"]) == set(result["summary"])
    for section in ("endpoints", "summary"):
        for key, doc in returned[section]["contains"].items():
            assert "sample" in doc, f"{section}.{key} has no sample"
