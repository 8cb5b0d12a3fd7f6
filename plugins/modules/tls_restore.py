# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tls_restore
short_description: Put a tlsguard backup back on a Windows host exactly
version_added: 1.0.0
description:
  - Restores every value a M(tlsguard.windows.tls_config) (or earlier M(tlsguard.windows.tls_restore)) run backed
    up, exactly as it was - type and data for values that existed, deletion for values that did not - and removes
    the keys that change created when they are empty again.
  - The backup comes from the host by O(backup_id), from the controller's copy (O(backup_file)) or directly
    (O(backup), for example a registered RV(tlsguard.windows.tls_config#module:backup)).
  - Compares with the host first; only values that differ are written, so restoring twice changes nothing. The
    restore is itself backed up first and transactional, like M(tlsguard.windows.tls_config).
  - Does not reboot; see RV(reboot_required).
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - tlsguard.windows.host_action
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsguard.windows.backup
options:
  backup_id:
    description: Id of a backup in O(backup_dir) on the host.
    type: str
  backup_file:
    description: A backup file on the controller (the copies tls_config keeps in O(controller_backup_dir)).
    type: path
  backup:
    description: A backup document, as tls_config returns it.
    type: dict
attributes:
  check_mode:
    support: full
    details: The backup is read and compared; nothing is written.
  diff_mode:
    support: full
seealso:
  - module: tlsguard.windows.tls_config
"""

EXAMPLES = r"""
- name: Change, keep the result
  tlsguard.windows.tls_config:
    profile: enforce
  register: stage3

- name: Roll back from what tls_config returned
  tlsguard.windows.tls_restore:
    backup: "{{ stage3.backup }}"
  when: stage3.backup is defined

- name: Roll back from a backup kept on the host
  tlsguard.windows.tls_restore:
    backup_id: 20261126T180000.123456Z-web01
"""

RETURN = r"""
changes:
  description: The registry changes the restore makes (or would make in check mode).
  returned: always
  type: list
  elements: dict
  sample: [{op: delete, path: "HKEY_LOCAL_MACHINE\\SYSTEM\\...\\TLS 1.0\\Server", name: Enabled, category: protocols,
            before: {type: REG_DWORD, data: 0}, after: null}]
restored_from:
  description: Where the backup came from.
  returned: always
  type: str
  sample: backup 20261126T180000.123456Z-web01 on the host
restored_id:
  description: Id of the backup that was put back.
  returned: always
  type: str
  sample: 20261126T180000.123456Z-web01
reboot_required:
  description: Whether the restored settings take effect only after a reboot.
  returned: always
  type: bool
  sample: true
reboot_reasons:
  description: Why, per kind of setting changed.
  returned: always
  type: list
  elements: str
  sample: []
backup:
  description: The backup of the state before the restore (a restore can be undone too).
  returned: when changes were applied
  type: dict
  sample: {id: 20261126T190000Z-web01, status: applied, entries: [], created_keys: []}
os:
  description: The host's OS as read from the registry.
  returned: always
  type: dict
  sample: {build: 17763, product: "Windows Server 2019"}
warnings:
  description: For example a backup whose change had not finished.
  returned: always
  type: list
  elements: str
  sample: []
round_trips:
  description: WinRM round trips the task needed (1 when nothing differs, 2 otherwise).
  returned: always
  type: int
  sample: 2
"""
