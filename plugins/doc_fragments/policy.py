# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  profile:
    description:
      - Named profile. V(enable) is stage 1 (TLS 1.2 on, TLS 1.3 where the build supports it, legacy protocols
        untouched, .NET strong crypto, WinHTTP/WinINet defaults, SCHANNEL event logging), V(enforce) is stage 3
        (SSL 2/3 and TLS 1.0/1.1 off on both sides, weak ciphers off), V(bsi) follows BSI TR-02102-2 (forward-secret
        AEAD suites only), V(mozilla_intermediate) follows Mozilla's intermediate guideline and V(os_default)
        removes every value the collection manages.
      - Profiles adapt to the host's build (TLS 1.3 only from build 20348, suite names per Windows version).
    type: str
    choices: [enable, enforce, bsi, mozilla_intermediate, os_default]
  overrides:
    description:
      - "Settings applied on top of O(profile), in the collection's policy schema, for example
        C({protocols: {tls1_3: {server: disabled}}, cipher_suites: unmanaged})."
      - Sections are C(protocols), C(dotnet), C(winhttp), C(wininet), C(ciphers), C(hashes), C(key_exchange),
        C(cipher_suites) and C(event_logging); states are C(enabled), C(disabled), C(os_default) (remove the value)
        and C(unmanaged). See the collection README for every key.
      - Mistakes are reported with the option path and a suggestion, for example
        C(overrides.protocols.tls1_9 - unknown protocol 'tls1_9'; did you mean 'tls1_2'?).
    type: dict
"""
