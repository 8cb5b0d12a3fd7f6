# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_scan: verify TLS endpoints from the outside with sslyze, entirely on the controller.

An action plugin rather than a module: the targets are endpoints, not the play's host, so nothing is sent to
that host; the scan runs in the controller's Python (where sslyze is installed) without delegate_to; and the
plugin can print progress lines while a long scan runs, which a module cannot.
"""

from __future__ import annotations

import os
import time

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.engine import ScanOptions, scan
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.gate import (
    FAIL_ON_CHOICES,
    gate_failures,
    legacy_accepted,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.model import Endpoint
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import (
    PROTOCOL_KEYS,
    EndpointStatus,
    ProtocolState,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.probe import (
    sslyze_problem,
    sslyze_version_warning,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.sslyze_commands import ca_file_problem
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import STARTTLS_CHOICES, parse_targets
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.verdict import POLICIES

display = Display()
_DEFAULTS = ScanOptions()

ARGUMENT_SPEC = {
    "targets": {"type": "list", "elements": "raw", "required": True},
    "depth": {"type": "str", "choices": ["protocols", "full"], "default": _DEFAULTS.depth},
    "policy": {"type": "str", "choices": list(POLICIES), "default": _DEFAULTS.policy},
    "starttls": {"type": "str", "choices": list(STARTTLS_CHOICES), "default": "auto"},
    "timeout": {"type": "float", "default": _DEFAULTS.timeout},
    "retries": {"type": "int", "default": _DEFAULTS.retries},
    "concurrency": {"type": "int", "default": _DEFAULTS.concurrency},
    "per_endpoint_concurrency": {"type": "int", "default": _DEFAULTS.per_endpoint},
    "ca_file": {"type": "path"},
    "progress_interval": {"type": "float", "default": 10.0},
    "fail_on": {"type": "list", "elements": "str", "choices": list(FAIL_ON_CHOICES), "default": []},
    "protocols": {"type": "list", "elements": "str", "choices": list(PROTOCOL_KEYS), "default": list(PROTOCOL_KEYS)},
}
# (option, lowest, highest): limits that keep a typo from opening thousands of sockets or waiting for hours.
_RANGES = (("timeout", 0.1, 600), ("retries", 0, 10), ("concurrency", 1, 500), ("per_endpoint_concurrency", 1, 50),
           ("progress_interval", 0, 86400))


def _line(endpoint: Endpoint) -> str:
    accepted = [k for k, state in endpoint.protocols.items() if state is ProtocolState.ACCEPTED]
    verdict = {True: "compliant", False: "NOT compliant", None: "undetermined"}[endpoint.compliant]
    what = f"accepts {', '.join(accepted) or 'nothing'}" if endpoint.status is EndpointStatus.OK else endpoint.error
    return f"{endpoint.name}: {endpoint.status}, {what}; {verdict} ({endpoint.duration:.1f} s)"


class _Progress:
    """A line per endpoint with -v; otherwise a count every ``interval`` seconds, so long scans show life.

    On stderr: a JSON stdout callback (ansible.posix.json) owns stdout and must stay parseable (campaign D25).
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.started = self.last = time.monotonic()

    def __call__(self, endpoint: Endpoint, done: int, total: int) -> None:
        now = time.monotonic()
        if display.verbosity >= 1:
            display.display(f"tls_scan [{done}/{total}] {_line(endpoint)}", stderr=True)
        elif self.interval and now - self.last >= self.interval:
            self.last = now
            display.display(f"tls_scan: {done}/{total} endpoints scanned in {now - self.started:.0f} s", stderr=True)


class ScanRefused(Exception):
    """Why the scan cannot start; the message names the option."""


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # a scan changes nothing, so check mode scans too
    _supports_async = False

    def _ca_file(self, path: str | None) -> str | None:
        """The CA file as an existing path (found like a role's files/ when relative)."""
        if not path:
            return None
        if not os.path.isabs(path) and not os.path.exists(path):
            try:
                path = self._find_needle("files", path)
            except AnsibleError:
                raise ScanRefused(f"ca_file: {path} was not found") from None
        if not os.path.isfile(path):
            raise ScanRefused(f"ca_file: {path} was not found")
        problem = ca_file_problem(path)
        if problem:
            raise ScanRefused(f"ca_file: {problem}")
        return path

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            result.update(self._scan(args))
        except (ScanRefused, ValidationError) as err:  # the one place a refusal becomes a failed result
            return {**result, "failed": True, "msg": str(err)}
        return result

    def _scan(self, args: dict) -> dict:
        problems = [f"{name}: {args[name]} is not between {low} and {high}"
                    for name, low, high in _RANGES if not low <= args[name] <= high]
        if not args["protocols"]:
            problems.append("protocols: name at least one version to try")
        if problems:
            raise ScanRefused("; ".join(problems))
        targets = parse_targets(args["targets"], args["starttls"])
        missing = sslyze_problem()
        if missing:
            raise ScanRefused(missing)
        ca_file = self._ca_file(args["ca_file"])
        warnings = [w for w in (sslyze_version_warning(),) if w]
        if ca_file and args["depth"] != "full":
            warnings.append("ca_file is used only at depth=full (certificate validation); it was ignored")
        options = ScanOptions(depth=args["depth"], policy=args["policy"], timeout=args["timeout"],
                              retries=args["retries"], concurrency=args["concurrency"],
                              per_endpoint=args["per_endpoint_concurrency"], ca_file=ca_file,
                              protocols=tuple(args["protocols"]))
        report = scan(targets, options, _Progress(args["progress_interval"]))
        summary = report["summary"]
        result = {**report, "legacy_accepted": legacy_accepted(report["endpoints"]), "changed": False,
                  "msg": (f"{summary['total']} endpoint(s) scanned at depth {options.depth}: {summary['compliant']} "
                          f"compliant with {options.policy}, {summary['non_compliant']} not, "
                          f"{summary['undetermined']} undetermined")}
        if warnings:
            result["warnings"] = warnings
        failures = gate_failures(report["endpoints"], args["fail_on"])
        if failures:
            result["failed"] = True
            result["msg"] = (f"{len(failures)} endpoint(s) match fail_on ({', '.join(args['fail_on'])}): "
                             + "; ".join(failures))
        return result
