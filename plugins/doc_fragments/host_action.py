# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Attributes shared by the action plugins that run tlsguard.windows.tls_host on a Windows host.
    DOCUMENTATION = r"""
attributes:
  platform:
    support: full
    platforms: windows
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
"""
