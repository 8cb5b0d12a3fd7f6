# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The slice of Ansible.Basic argument handling the twins need: defaults, unknown options, choices."""

from __future__ import annotations

from collections.abc import Mapping


class ModuleFailure(Exception):
    """What FailJson would report; ``extra`` goes into the result next to ``msg``."""

    def __init__(self, msg: str, **extra: object) -> None:
        super().__init__(msg)
        self.extra = extra


def split(complex_args: dict) -> tuple[dict, bool, bool]:
    """(module parameters, check mode, diff mode) from the complex_args Ansible sends."""
    params = {k: v for k, v in complex_args.items() if not k.startswith("_ansible_")}
    return params, bool(complex_args.get("_ansible_check_mode")), bool(complex_args.get("_ansible_diff"))


def validate(module: str, params: dict, spec: Mapping[str, tuple[object, tuple | None]]) -> dict:
    """``spec`` maps option -> (default, choices or None); returns params with defaults filled in."""
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise ModuleFailure(f"Unsupported parameters for ({module}) module: {', '.join(unknown)}. Supported "
                            f"parameters include: {', '.join(sorted(spec))}.")
    result = {}
    for name, (default, choices) in spec.items():
        value = params.get(name, default)
        if choices is not None and value is not None and value not in choices:
            raise ModuleFailure(f"value of {name} must be one of: {', '.join(map(str, choices))}, got: {value}")
        result[name] = value
    return result
