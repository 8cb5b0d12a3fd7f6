# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tls_info
short_description: Read every TLS-related setting of a Windows host and say what it means
version_added: 1.0.0
description:
  - Reads, in one WinRM round trip, the SCHANNEL protocols, ciphers, hashes, key exchange algorithms and
    C(EventLogging), the FIPS policy, the .NET C(SchUseStrongCrypto)/C(SystemDefaultTlsVersions) values at all four
    paths, WinHTTP C(DefaultSecureProtocols) (64- and 32-bit), WinINet C(SecureProtocols) (machine and policy), the
    cipher suite order (policy and local), the OS build and the .NET release.
  - Returns the raw values, the effective state of every protocol on the client and server side (absent values
    resolved against Microsoft's published defaults for the build), the suite order in effect, decoded settings,
    and findings; with O(profile) also C(drift) findings and RV(compliant).
  - Read-only; runs the same in check mode, so nightly check-mode jobs report real state.
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - tlsguard.windows.host_action
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsguard.windows.policy
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
seealso:
  - module: tlsguard.windows.tls_config
  - module: tlsguard.windows.tls_regfile
"""

EXAMPLES = r"""
- name: Audit a host
  tlsguard.windows.tls_info:
  register: tls

- name: Name the hosts that still accept TLS 1.0 as servers
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} accepts TLS 1.0"
  when: tls.effective.tls1_0.server in ['enabled', 'os_default_enabled']

- name: Compare with stage 3
  tlsguard.windows.tls_info:
    profile: enforce
  register: tls_drift

- name: Fail when a host drifted from stage 3
  ansible.builtin.assert:
    that: tls_drift.compliant
"""

RETURN = r"""
os:
  description: The host's OS as read from the registry, and what the collection knows about its build.
  returned: always
  type: dict
  sample: {build: 17763, ubr: 6893, version: "10.0.17763.6893", product: "Windows Server 2019", server: true,
           supports_tls13: false, defaults_row: "Windows 10 1607-22H2 / Server 2016 / Server 2019",
           product_name: "Windows Server 2019 Standard", dotnet_release: 528049, dotnet_version: "4.8"}
facts:
  description: Host name, 64-bit OS, whether the connection user is an administrator, last boot, PowerShell version.
  returned: always
  type: dict
  sample: {hostname: WEB01, x64: true, is_admin: true, last_boot: "2026-11-26T08:00:00Z",
           powershell_version: "5.1.17763.6893"}
effective:
  description:
    - Effective state per protocol (C(ssl2_0), C(ssl3_0), C(tls1_0), C(tls1_1), C(tls1_2), C(tls1_3)) and side.
    - C(enabled)/C(disabled) come from C(Enabled); C(disabled_by_default) is C(Enabled) absent with
      C(DisabledByDefault=1); C(os_default_enabled)/C(os_default_disabled) mean neither value is set and the
      published default of the build applies; C(not_supported) means the build lacks the protocol.
  returned: always
  type: dict
  sample: {tls1_0: {client: os_default_enabled, server: disabled}, tls1_2: {client: enabled, server: enabled}}
effective_details:
  description: Per protocol (DTLS included) and side, the state with its source, notes and raw values.
  returned: always
  type: dict
  sample: {tls1_2: {server: {state: enabled, source: registry, notes: [noncanonical_value],
                             enabled_value: 4294967295, disabled_by_default_value: 0}}}
cipher_suites:
  description: The suite order in effect (C(policy), C(local) or C(os_default)) and its suites without forward secrecy.
  returned: always
  type: dict
  sample: {source: os_default, order: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], unknown: [],
           without_forward_secrecy: [TLS_RSA_WITH_AES_256_GCM_SHA384]}
settings:
  description:
    - Decoded values of everything besides the protocols. C(null) means the value is absent.
    - C(dotnet) per path, C(winhttp) per path and C(wininet) (C(policy), C(machine)) as C(value) and C(protocols),
      C(ciphers)/C(hashes)/C(key_exchange) as C(enabled), C(disabled) or C(os_default), C(dh_min_bits),
      C(event_logging) and C(fips_policy).
  returned: always
  type: dict
  sample: {dotnet: {'SOFTWARE\Microsoft\.NETFramework\v4.0.30319': {SchUseStrongCrypto: 1,
                                                                     SystemDefaultTlsVersions: null}},
           event_logging: {value: null, effective: 1, logs_successful_handshakes: false}, fips_policy: false}
findings:
  description:
    - Problems found, most severe first. C(code) names the kind (for example C(legacy_protocol_enabled),
      C(tls13_unsupported), C(wrong_type), C(dotnet_strong_crypto), C(drift)); C(severity) is C(high),
      C(medium), C(low) or C(info).
  returned: always
  type: list
  elements: dict
  sample: [{code: legacy_protocol_enabled, severity: medium, message: "TLS 1.0\\Server is enabled by the OS default",
            protocol: tls1_0, side: server}]
compliant:
  description: Whether the host holds every value O(profile) (with O(overrides)) wants.
  returned: when O(profile) or O(overrides) is given
  type: bool
  sample: false
policy_warnings:
  description: How the profile was adapted to the host's build.
  returned: when O(profile) or O(overrides) is given
  type: list
  elements: str
  sample: []
raw:
  description: Every TLS-related registry value read (DWORDs unsigned), sorted by path.
  returned: always
  type: list
  elements: dict
  sample: [{hive: HKLM, key: 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL', name: EventLogging,
            type: REG_DWORD, data: 1}]
round_trips:
  description: WinRM round trips the task needed (always 1).
  returned: always
  type: int
  sample: 1
"""
