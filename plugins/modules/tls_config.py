# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tls_config
short_description: Bring a Windows host's TLS settings to a profile, with guards, diff, backup and rollback
version_added: 1.0.0
description:
  - Reads every TLS-related value in one round trip, plans the registry changes that O(profile) plus
    O(overrides) need on this host's build, and applies them in a second round trip, only when something changes.
  - Check mode runs the same read and plan and writes nothing, so C(changed) and the diff are what the real run
    will do. With C(--diff) the changes show as C(.reg)-like text per key and value.
  - Before the first write, every value the plan touches is backed up on the host (O(backup_dir)) and returned in
    RV(backup) (a copy is kept on the controller). The apply is transactional - on the first failing write
    everything already changed is restored and the task fails naming the value.
  - Refuses a plan that would lock the host out (no server or client protocol left, TLS 1.3 on a build without
    it, TLS 1.3 on without a TLS 1.3 suite, no suite for TLS 1.2, AES disabled) unless O(force) names the guard.
  - Does not reboot. RV(reboot_required) and RV(reboot_reasons) say whether and why; use
    M(ansible.windows.win_reboot).
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - tlsguard.windows.host_action
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsguard.windows.policy
  - tlsguard.windows.backup
options:
  force:
    description:
      - Lockout guards to override on purpose, by name. V(no_server_protocol), V(no_client_protocol),
        V(tls13_unsupported), V(tls13_without_suite), V(no_tls12_suite), V(aes_disabled).
      - A guard fires only when the plan makes the host unsafe; a host that is unsafe already gets a warning.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
    details: The read and the plan run; only the write is skipped.
  diff_mode:
    support: full
notes:
  - Protocols are written canonically (C(Enabled) 1 or 0 and C(DisabledByDefault) 0 or 1); cipher, hash and key
    exchange C(Enabled) as 0xFFFFFFFF or 0 (KB245030). A value of the wrong type is rewritten with the right one.
seealso:
  - module: tlsguard.windows.tls_info
  - module: tlsguard.windows.tls_restore
  - module: ansible.windows.win_reboot
"""

EXAMPLES = r"""
- name: Stage 1 - enable TLS 1.2 (and 1.3 where supported)
  tlsguard.windows.tls_config:
    profile: enable
  register: stage1

- name: Reboot when the change needs it
  ansible.windows.win_reboot:
  when: stage1.reboot_required

- name: Stage 3 - legacy protocols off, but keep TLS 1.3 off for the server side (WinRM certificate auth)
  tlsguard.windows.tls_config:
    profile: enforce
    overrides:
      protocols:
        tls1_3: {server: disabled}
"""

RETURN = r"""
changes:
  description: The registry changes, in apply order (things turned on first, deletions last).
  returned: always
  type: list
  elements: dict
  sample: [{op: set, path: "HKEY_LOCAL_MACHINE\\SYSTEM\\...\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
            name: Enabled, category: protocols, before: {type: REG_DWORD, data: 1}, after: {type: REG_DWORD, data: 0}}]
reboot_required:
  description: Whether the changes take effect only after a reboot.
  returned: always
  type: bool
  sample: true
reboot_reasons:
  description: Why, per kind of setting changed.
  returned: always
  type: list
  elements: str
  sample: ["SCHANNEL protocol changes apply to new credential handles; services cache them until restarted"]
backup:
  description:
    - The backup taken on the host before writing; C(entries) hold every touched value as it was, C(path) the file
      on the host, C(controller_path) the copy on the controller. Feed it to M(tlsguard.windows.tls_restore).
  returned: when changes were applied
  type: dict
  sample: {id: 20261126T180000.123456Z-web01,
           path: 'C:\ProgramData\tlsguard\backups\20261126T180000.123456Z-web01.json', status: applied,
           entries: [], created_keys: [],
           controller_path: /home/admin/.ansible/tlsguard/backups/web01/20261126T180000.123456Z-web01.json}
os:
  description: The host's OS as read from the registry (see M(tlsguard.windows.tls_info)).
  returned: always
  type: dict
  sample: {build: 20348, product: "Windows Server 2022", supports_tls13: true}
warnings:
  description: Adaptations of the profile to the build, guards forced or already tripped, backup copy problems.
  returned: always
  type: list
  elements: str
  sample: []
rolled_back:
  description: How many changes were undone after a write failed.
  returned: when a write failed
  type: int
  sample: 3
round_trips:
  description: WinRM round trips the task needed (1 when nothing changes, 2 otherwise).
  returned: always
  type: int
  sample: 2
"""
