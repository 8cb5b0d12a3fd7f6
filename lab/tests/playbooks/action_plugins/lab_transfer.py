# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: push a file with the connection plugin's put_file and pull it back with fetch_file."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        self._connection.put_file(self._task.args["src"], self._task.args["remote"])
        self._connection.fetch_file(self._task.args["remote"], self._task.args["dest"])
        result["changed"] = True
        return result
