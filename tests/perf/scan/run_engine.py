# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_scan's engine without Ansible around it, as a one-shot command (what the action plugin runs inside).

``python run_engine.py --depth protocols --out result.json --collections DIR [--ca-file CA] host:port ...``; DIR holds
``ansible_collections/tlsguard/windows``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", choices=["protocols", "full"], default="protocols")
    parser.add_argument("--out", required=True)
    parser.add_argument("--collections", required=True)
    parser.add_argument("--ca-file")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    sys.path.insert(0, args.collections)
    package = "ansible_collections.tlsguard.windows.plugins.plugin_utils._scan"
    engine = importlib.import_module(f"{package}.engine")
    targets = importlib.import_module(f"{package}.targets")
    options = engine.ScanOptions(depth=args.depth, ca_file=args.ca_file)
    report = engine.scan(targets.parse_targets(args.targets), options)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(report, handle)


if __name__ == "__main__":
    main()
