# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the staged-rollout roles use to pick decisions out of results (the logic lives in _core/rollout.py)."""

from __future__ import annotations

from collections.abc import Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.rollout import (
    safe_name,
    scan_problems,
    value_name,
    window_open,
)


def _answered(function: Callable) -> Callable:
    """Bad input becomes a filter error with the option named, never a traceback."""

    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TlsGuardError as err:
            raise AnsibleFilterError(f"{function.__name__}: {err}") from None

    wrapper.__name__ = function.__name__
    return wrapper


def tls_window_open(window, now):
    return window_open(window, str(now))


def tls_scan_problems(scan, require=("tls1_2",), reject=("ssl2_0", "ssl3_0", "tls1_0", "tls1_1")):
    return scan_problems(scan, require, reject)


def tls_safe_name(name):
    return safe_name(name)


def tls_value_name(change):
    return value_name(change)


class FilterModule:
    def filters(self) -> dict:
        functions = (tls_window_open, tls_scan_problems, tls_safe_name, tls_value_name)
        return {f.__name__: _answered(f) for f in functions}
