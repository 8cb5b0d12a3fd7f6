#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Figures for the real-world .reg corpus: how many exports come out compliant and how many findings they get.

    make corpus-regfile                       # every file of the corpus on builds 9600, 17763 and 20348
    make corpus-regfile ARGS="--profile enable --builds 20348"

Each file is one ``tls_regfile`` task (its ``main()`` run in this process as AnsiballZ runs it), so the figures
compare across versions of the module. The corpus is not part of the repository: it is read from
``$TLSGUARD_REGFILE_CORPUS`` or ``../shared/corpus/regfiles`` next to the checkout (see its README).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from ansible_collections.tlsguard.windows.plugins.modules import tls_regfile
from ansible_collections.tlsguard.windows.tests.harness.module_main import run_main

ROOT = Path(__file__).resolve().parents[2]
BUILDS = ("9600", "17763", "20348")


def corpus_dir() -> Path | None:
    """The corpus folder, or None where this machine does not have it."""
    configured = os.environ.get("TLSGUARD_REGFILE_CORPUS")
    shared = ("shared", "corpus", "regfiles")
    candidates = [Path(configured)] if configured else [ROOT.parent.joinpath(*shared),
                                                        ROOT.parents[1].joinpath(*shared)]
    return next((path for path in candidates if path.is_dir()), None)


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".reg" and p.is_file())


def figures(files: list[Path], builds: tuple[str, ...], profile: str) -> dict:
    per_build = {}
    for build in builds:
        counts: Counter = Counter()
        for path in files:
            run = run_main(tls_regfile.main, {"src": str(path), "os_build": build, "profile": profile})
            counts["files"] += 1
            if run.traceback:
                counts["tracebacks"] += 1
                continue
            counts["compliant"] += bool(run.result.get("compliant"))
            counts["findings"] += len(run.result.get("findings", []))
            counts["errors"] += len(run.result.get("errors", []))
            counts["failed"] += run.failed
        per_build[build] = counts
    return per_build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--profile", default="enforce")
    parser.add_argument("--builds", nargs="+", default=list(BUILDS))
    args = parser.parse_args(argv)
    folder = corpus_dir()
    if folder is None:
        print("corpus not found: set TLSGUARD_REGFILE_CORPUS to the folder of real .reg files", file=sys.stderr)
        return 2
    files = corpus_files(folder)
    per_build = figures(files, tuple(args.builds), args.profile)
    print(f"{len(files)} files from {folder}, profile {args.profile}")
    print(f"{'build':>6} {'compliant':>9} {'findings':>8} {'errors':>6} {'failed':>6} {'tracebacks':>10}")
    total: Counter = Counter()
    for build, counts in per_build.items():
        total.update(counts)
        print(f"{build:>6} {counts['compliant']:>9} {counts['findings']:>8} {counts['errors']:>6} "
              f"{counts['failed']:>6} {counts['tracebacks']:>10}")
    print(f"{'all':>6} {total['compliant']:>9} {total['findings']:>8} {total['errors']:>6} {total['failed']:>6} "
          f"{total['tracebacks']:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
