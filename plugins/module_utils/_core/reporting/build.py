# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inputs -> one FleetReport: collect, merge, judge every host."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .adapt_host import Baseline
from .collect import Collector, Source
from .judge import judge
from .merge import merge
from .model import Endpoint, FleetReport
from .shapes import iso

DEFAULT_TITLE = "TLS fleet report"


def build_report(sources: Iterable[Source], profile: str, now: float, overrides: Mapping | None = None,
                 title: str = DEFAULT_TITLE, hosts: Iterable[str] = ()) -> FleetReport:
    """``now`` (seconds since the epoch) is the report's time and the collection time of results without one;
    ``hosts`` are hosts that must have a row even when no input mentions them (shown as not collected)."""
    baseline = Baseline(profile, overrides)
    baseline.check()
    collector = Collector(baseline, now)
    for source in sources:
        collector.add(source)
    evidence, endpoints, duplicates = merge(collector.pieces, hosts)
    by_host: dict[str, list[Endpoint]] = {}
    for point in endpoints:
        if point.host is not None:
            by_host.setdefault(point.host, []).append(point)
    rows = tuple(judge(e, by_host.get(e.name, ()), profile) for e in evidence)
    return FleetReport(title, iso(now), profile, rows, tuple(endpoints), tuple(collector.pieces.inputs),
                       tuple(duplicates))
