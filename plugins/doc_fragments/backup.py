# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  backup_dir:
    description:
      - Directory on the Windows host where a backup of every value is written before any change
        (C(<backup_dir>\<id>.json)); environment variables are expanded.
    type: str
    default: '%ProgramData%\tlsguard\backups'
  controller_backup_dir:
    description:
      - Directory on the controller where a copy of each backup is kept, in a subdirectory per inventory host.
      - Set to an empty string to keep no copy (the backup is still returned in RV(backup)).
    type: path
    default: ~/.ansible/tlsguard/backups
"""
