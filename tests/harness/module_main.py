# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a controller module's ``main()`` in this process the way AnsiballZ does, and capture its JSON answer.

AnsiballZ hands the task's arguments to ``AnsibleModule`` through ``ansible.module_utils.basic._ANSIBLE_ARGS``
(with the JSON profile in ``_ANSIBLE_PROFILE``) and the module answers by printing one JSON document and exiting
(0 for ``exit_json``, 1 for ``fail_json``). A traceback that escapes ``main()`` is returned as such, so a test
can tell it apart from a clean failure.
"""

from __future__ import annotations

import contextlib
import io
import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from ansible.module_utils import _internal, basic
from ansible.module_utils.common import warnings


@dataclass(frozen=True)
class ModuleRun:
    rc: int
    result: dict = field(default_factory=dict)
    traceback: str | None = None

    @property
    def failed(self) -> bool:
        return self.rc != 0 or bool(self.result.get("failed"))

    @property
    def warnings(self) -> list[str]:
        """The warning texts (ansible-core 2.19 returns each as a structured event)."""
        return [w["event"]["msg"] if isinstance(w, dict) else w for w in self.result.get("warnings", [])]


def run_main(main: Callable[[], None], args: dict, check_mode: bool = False, diff: bool = False) -> ModuleRun:
    payload = {"ANSIBLE_MODULE_ARGS": {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff,
                                       "_ansible_verbosity": 0, "_ansible_no_log": False}}
    basic._ANSIBLE_ARGS = json.dumps(payload).encode()
    basic._ANSIBLE_PROFILE = "legacy"  # the JSON profile AnsiballZ names for modules that declare none
    out = io.StringIO()
    rc = 0
    # A module process is never the controller, and starts without warnings; this process may have imported
    # controller code (then warnings would go to the display) and run modules before.
    controller, _internal.is_controller = _internal.is_controller, False
    for pending in ("_global_warnings", "_global_deprecations"):
        getattr(warnings, pending, {}).clear()
    try:
        with contextlib.redirect_stdout(out):
            main()
    except SystemExit as done:
        rc = int(done.code or 0)
    except Exception:  # any exception escaping main() is what the caller wants to see
        return ModuleRun(rc=-1, traceback=traceback.format_exc())
    finally:
        basic._ANSIBLE_ARGS = basic._ANSIBLE_PROFILE = None
        _internal.is_controller = controller
    text = out.getvalue()
    try:
        return ModuleRun(rc=rc, result=json.loads(text))
    except json.JSONDecodeError:
        return ModuleRun(rc=-1, traceback=f"no JSON on stdout: {text[:2000]!r}")
