# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the modules, built from the core's own registries (profiles, guards) so a new profile or guard
is one edit. In module_utils because controller modules (through AnsiballZ) and action plugins both use them;
tests/unit/plugins/modules/test_docs_match_argspecs.py holds every module's documentation to its spec."""

from __future__ import annotations

from .profiles import PROFILES

DEFAULT_BACKUP_DIR = r"%ProgramData%\tlsguard\backups"

POLICY_ARGS: dict[str, dict] = {
    "profile": {"type": "str", "choices": list(PROFILES)},
    "overrides": {"type": "dict"},
}
BACKUP_ARGS: dict[str, dict] = {
    "backup_dir": {"type": "str", "default": DEFAULT_BACKUP_DIR},
    "controller_backup_dir": {"type": "path", "default": "~/.ansible/tlsguard/backups"},
}

TLS_INFO_ARGS: dict[str, dict] = dict(POLICY_ARGS)
TLS_CONFIG_ARGS: dict[str, dict] = {**POLICY_ARGS, **BACKUP_ARGS,
                                    "force": {"type": "list", "elements": "str", "default": []}}
TLS_RESTORE_ARGS: dict[str, dict] = {**BACKUP_ARGS, "backup_id": {"type": "str"}, "backup_file": {"type": "path"},
                                     "backup": {"type": "dict"}, "force": TLS_CONFIG_ARGS["force"],
                                     "from_other_host": {"type": "str"},
                                     "outside_locations": {"type": "list", "elements": "str", "default": []}}
# {rule, reason} items are checked by readiness.waivers.parse_waivers: every problem at once, with did-you-means.
WAIVER_ARGS: dict[str, dict] = {"waivers": {"type": "list", "elements": "dict", "default": []}}
TLS_READINESS_ARGS: dict[str, dict] = {"profile": POLICY_ARGS["profile"], **WAIVER_ARGS}
TLS_CONFIG_ARGS.update(WAIVER_ARGS)
# tls_usage: the gate rule (usage/gate.py), the controller store folder and the sources read (docs/usage.md).
USAGE_SOURCES = ["schannel", "iis", "smtp"]
TLS_USAGE_ARGS: dict[str, dict] = {
    "days": {"type": "int", "default": 30},
    "exceptions": {"type": "list", "elements": "dict", "default": []},
    "require_smtp": {"type": "bool", "default": False},
    "store": {"type": "path", "default": "~/.ansible/tlsguard/usage"},
    "sources": {"type": "list", "elements": "str", "choices": USAGE_SOURCES, "default": USAGE_SOURCES},
    "top": {"type": "int", "default": 50},
}
# tls_rollout_record: the staged-rollout roles' bookkeeping on the controller (roles/tls_rollout/tasks/_record.yml).
TLS_ROLLOUT_RECORD_ARGS: dict[str, dict] = {
    "state_dir": {"type": "path", "required": True},
    "record": {"type": "dict"},
    "evidence": {"type": "dict"},
}
# tls_evidence: which evidence to turn on (turnon/), and whether a host without IIS custom log fields is an error.
TLS_EVIDENCE_ARGS: dict[str, dict] = {**BACKUP_ARGS, "event_logging": {"type": "bool", "default": True},
                                      "iis_log_fields": {"type": "bool", "default": True},
                                      "require_iis": {"type": "bool", "default": False}}
