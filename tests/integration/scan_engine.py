"""tls_scan's engine for the tests that call it directly, importable from a plain checkout.

The collection is imported as ``ansible_collections.tlsguard.windows``; a checkout is linked there by the runner.
"""

from __future__ import annotations

import importlib
import sys

from .runner import collection_parent

if str(collection_parent()) not in sys.path:
    sys.path.insert(0, str(collection_parent()))

_PACKAGE = "ansible_collections.tlsguard.windows.plugins.plugin_utils._scan"
_engine = importlib.import_module(f"{_PACKAGE}.engine")
_targets = importlib.import_module(f"{_PACKAGE}.targets")

ScanOptions = _engine.ScanOptions
scan = _engine.scan
parse_targets = _targets.parse_targets
