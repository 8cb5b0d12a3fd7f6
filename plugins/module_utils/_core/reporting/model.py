# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report as typed values: what was collected per host and per endpoint, where it came from, and the
verdicts drawn from it. ``document.py`` turns it into the versioned JSON document and back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..protocols import LEGACY_TLS_KEYS

SCHEMA = "tlsguard_fleet_report/v1"


class Kind(StrEnum):
    """The module a result came from."""

    INFO = "tls_info"
    CONFIG = "tls_config"
    RESTORE = "tls_restore"
    SCAN = "tls_scan"
    READINESS = "tls_readiness"
    USAGE = "tls_usage"


class Section(StrEnum):
    """The parts of a host row; each comes from one kind of result and is merged on its own."""

    STATE = "state"
    CHANGE = "change"
    READINESS = "readiness"
    USAGE = "usage"


SECTION_OF: dict[Kind, Section] = {Kind.INFO: Section.STATE, Kind.CONFIG: Section.CHANGE,
                                   Kind.RESTORE: Section.CHANGE, Kind.READINESS: Section.READINESS,
                                   Kind.USAGE: Section.USAGE}


class Stage(StrEnum):
    """How far the staged rollout got on a host (DESIGN: 1 enable, 2 monitor, 3 enforce)."""

    NOT_COLLECTED = "not_collected"
    NONE = "none"
    ENABLE = "enable"
    MONITOR = "monitor"
    ENFORCE = "enforce"


class Status(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    HELD = "held"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Origin:
    """Where a piece of evidence came from. ``collected_at`` None: in the run that built the report."""

    source: str
    collected_at: str | None = None


@dataclass(frozen=True)
class Issue:
    code: str
    message: str


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str


@dataclass(frozen=True)
class OsInfo:
    product: str | None
    build: int | None
    version: str | None


@dataclass(frozen=True)
class SideStates:
    protocol: str
    client: str
    server: str


@dataclass(frozen=True)
class HostState:
    """From tls_info: the registry state and what it means against the report's profile."""

    os: OsInfo
    effective: tuple[SideStates, ...]
    profile: str
    compliant: bool | None  # None: the result carried no raw values to judge
    drift: int | None  # values that differ from the profile
    enable_met: bool | None  # the stage 1 profile holds
    findings: tuple[Finding, ...]  # audit findings other than drift, most severe first
    last_boot: str | None
    origin: Origin


@dataclass(frozen=True)
class Change:
    """One applied tls_config or tls_restore run."""

    action: str
    at: str | None  # from the backup id
    backup_id: str | None
    values: int
    reboot_required: bool
    restored_id: str | None = None


@dataclass(frozen=True)
class ChangeRecord:
    last_change: Change | None
    pending: int | None  # values the latest check-mode run would change; 0 = in sync; None = unknown
    origin: Origin


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str


@dataclass(frozen=True)
class Blocker:
    rule: str
    component: str | None
    message: str
    fix: str | None


@dataclass(frozen=True)
class Readiness:
    verdict: str  # ready, needs_update, blocked or unknown, for the report's profile stage
    blockers: tuple[Blocker, ...]
    origin: Origin


@dataclass(frozen=True)
class Count:
    protocol: str
    count: int


@dataclass(frozen=True)
class LegacyClient:
    client: str
    forwarded_for: str | None
    user_agent: str | None
    source: str | None
    hits: int
    protocols: tuple[Count, ...]
    first_seen: str | None
    last_seen: str | None
    classification: str | None


@dataclass(frozen=True)
class DailyCount:
    date: str
    source: str
    counts: tuple[Count, ...]

    @property
    def legacy(self) -> int:
        return sum(c.count for c in self.counts if c.protocol in LEGACY_TLS_KEYS)


@dataclass(frozen=True)
class Usage:
    gate_passed: bool | None
    gate_reasons: tuple[str, ...]
    coverage_complete: bool | None
    legacy_handshakes: int
    last_seen_legacy: str | None
    clients: tuple[LegacyClient, ...]
    daily: tuple[DailyCount, ...]
    origin: Origin


@dataclass(frozen=True)
class Failure:
    """A host result that failed or was unreachable: the host is not judged on missing evidence."""

    kind: Kind | None
    message: str
    origin: Origin


@dataclass(frozen=True)
class HostEvidence:
    name: str
    state: HostState | None = None
    change: ChangeRecord | None = None
    readiness: Readiness | None = None
    usage: Usage | None = None
    waivers: tuple[Waiver, ...] = ()
    failures: tuple[Failure, ...] = ()
    stale: bool = False  # a change was applied after the state was read


@dataclass(frozen=True)
class Verdict:
    policy: str | None
    compliant: bool | None
    violations: tuple[Issue, ...]
    undetermined: tuple[Issue, ...]


@dataclass(frozen=True)
class Endpoint:
    name: str
    target: str
    address: str  # the host name or address the scan was given
    status: str
    error: str | None
    protocols: tuple[tuple[str, str], ...]  # (protocol key, accepted/rejected/unknown)
    verdict: Verdict
    host: str | None  # the inventory host it belongs to; None when no host matched
    origin: Origin

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.target)

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(key for key, state in self.protocols if state == "accepted")


@dataclass(frozen=True)
class Reason:
    """Why a host has its status: a stable code for counting and a sentence for people."""

    code: str
    text: str


@dataclass(frozen=True)
class HostRow:
    evidence: HostEvidence
    stage: Stage
    status: Status
    reasons: tuple[Reason, ...]
    endpoints: tuple[Endpoint, ...]

    @property
    def name(self) -> str:
        return self.evidence.name


ACROSS_INPUTS = "latest collected_at wins; at equal times the later input"
WITHIN_INPUT = "the later result in the same input wins"


@dataclass(frozen=True)
class Duplicate:
    """The same host section (or endpoint) in two places: which one was kept, and by which rule."""

    subject: str
    section: str
    kept: str
    dropped: str
    rule: str


@dataclass(frozen=True)
class InputInfo:
    source: str
    kind: str
    hosts: int
    endpoints: int


@dataclass(frozen=True)
class FleetReport:
    title: str
    generated_at: str
    profile: str
    hosts: tuple[HostRow, ...]
    endpoints: tuple[Endpoint, ...]  # every endpoint, attributed to a host or not
    inputs: tuple[InputInfo, ...]
    duplicates: tuple[Duplicate, ...]
