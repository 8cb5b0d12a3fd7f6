"""tls_scan's documentation (a docs-only module file) against the action plugin's argument spec and results.

validate-modules cannot compare them for an action-only module, so this does.
"""

from __future__ import annotations

import yaml

from ansible_collections.tlsguard.windows.plugins.action.tls_scan import ARGUMENT_SPEC
from ansible_collections.tlsguard.windows.plugins.modules import tls_scan as docs
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import Probe
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.results import (
    add_full,
    endpoint_result,
    finish,
    summarize,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets

FIELDS = ("type", "default", "choices", "required", "elements")


def test_every_option_is_documented_as_the_spec_defines_it():
    documented = yaml.safe_load(docs.DOCUMENTATION)["options"]
    assert set(documented) == set(ARGUMENT_SPEC)
    for name, spec in ARGUMENT_SPEC.items():
        doc = documented[name]
        assert {f: doc.get(f) for f in FIELDS if doc.get(f) not in (None, False)} == \
               {f: spec.get(f) for f in FIELDS if spec.get(f) not in (None, False)}, name


def test_every_result_key_is_documented_and_nothing_else():
    returned = yaml.safe_load(docs.RETURN)
    target = parse_targets(["web01.example"])[0]
    endpoint = endpoint_result(target, "10.0.0.1", {"tls1_2": Probe("accepted", "x")}, 0.1)
    add_full(endpoint, {})
    finish(endpoint, "enforce", full=True)
    summary = summarize([endpoint], "enforce", "full", 0.1)
    assert set(returned) == {"msg", "endpoints", "summary"}
    assert set(returned["endpoints"]["contains"]) == set(endpoint)
    assert set(returned["summary"]["contains"]) == set(summary)
    for section in ("endpoints", "summary"):
        for key, doc in returned[section]["contains"].items():
            assert "sample" in doc, f"{section}.{key} has no sample"
