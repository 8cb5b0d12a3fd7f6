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
"""

    # The overrides schema (policy.parse_policy); tls_regfile documents its own profile but shares this.
    # The argument spec keeps overrides a free dict on purpose: the core checks it and reports every problem with a
    # did-you-mean; these suboptions document what it accepts (tests/unit/plugins/modules/test_docs_match_argspecs.py
    # holds them to the core's own tables).
    OVERRIDES = r"""
options:
  overrides:
    description:
      - Settings applied on top of O(profile), in the collection's policy schema. Every section and key may be left
        out; what is left out stays as the profile has it, and a section the profile does not mention is
        V(unmanaged) (never touched).
      - States are V(enabled), V(disabled), V(os_default) (remove the value so the build's default applies) and
        V(unmanaged); V(true) and V(false) mean V(enabled) and V(disabled).
      - "Every mistake is reported at once, with the option path and a suggestion, for example
        C(overrides.protocols.tls1_9: unknown protocol 'tls1_9'; did you mean 'tls1_3'?)."
    type: dict
    suboptions:
      protocols:
        description:
          - "SCHANNEL protocols, by name. Each takes a state for both sides, or a mapping with a C(client) and/or a
            C(server) state, for example C({tls1_0: disabled, tls1_3: {server: disabled}})."
          - Names may also be written as Windows writes them (C(TLS 1.2)); two spellings of one protocol in the
            same mapping are an error.
        type: dict
        suboptions:
          ssl2_0:
            description: SSL 2.0 (a state, or C(client)/C(server) states).
            type: raw
          ssl3_0:
            description: SSL 3.0 (a state, or C(client)/C(server) states).
            type: raw
          tls1_0:
            description: TLS 1.0 (a state, or C(client)/C(server) states).
            type: raw
          tls1_1:
            description: TLS 1.1 (a state, or C(client)/C(server) states).
            type: raw
          tls1_2:
            description: TLS 1.2 (a state, or C(client)/C(server) states).
            type: raw
          tls1_3:
            description: TLS 1.3 (a state, or C(client)/C(server) states). Builds before 20348 do not have it.
            type: raw
          dtls1_0:
            description: DTLS 1.0 (a state, or C(client)/C(server) states).
            type: raw
          dtls1_2:
            description: DTLS 1.2 (a state, or C(client)/C(server) states).
            type: raw
      dotnet:
        description:
          - The .NET Framework values C(SchUseStrongCrypto) and C(SystemDefaultTlsVersions), written at all four
            paths (v2.0.50727 and v4.0.30319, 64- and 32-bit).
          - One state for both, or a mapping with a C(strong_crypto) and/or a C(system_default_tls_versions) state.
        type: raw
      winhttp:
        description:
          - WinHTTP C(DefaultSecureProtocols) - a list of the protocols WinHTTP clients may use, for example
            V([tls1_2, tls1_3]), or V(os_default) or V(unmanaged). DTLS cannot be listed; an empty list is refused
            (use V(os_default)).
          - A list written here is exact. Without one, the V(enable) profile only ever narrows what a host already
            has.
        type: raw
      wininet:
        description:
          - WinINet C(SecureProtocols) (Internet Settings) - the same forms as O(overrides.winhttp).
        type: raw
      ciphers:
        description: SCHANNEL bulk ciphers, each a state (the C(Enabled) value of every subkey of the group).
        type: dict
        suboptions:
          "null":
            description: C(NULL).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          des:
            description: C(DES 56/56).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          rc2:
            description: C(RC2 40/128), C(RC2 56/128), C(RC2 128/128).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          rc4:
            description: C(RC4 40/128), C(RC4 56/128), C(RC4 64/128), C(RC4 128/128).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          triple_des:
            description: C(Triple DES 168).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          aes:
            description: C(AES 128/128), C(AES 256/256). M(tlsguard.windows.tls_config) refuses to disable AES
              unless its C(force) names the guard C(aes_disabled).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
      hashes:
        description: SCHANNEL hashes, each a state.
        type: dict
        suboptions:
          md5:
            description: C(MD5).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          sha1:
            description: C(SHA).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          sha256:
            description: C(SHA256).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          sha384:
            description: C(SHA384).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          sha512:
            description: C(SHA512).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
      key_exchange:
        description: SCHANNEL key exchange algorithms (states) and the Diffie-Hellman minimum key sizes.
        type: dict
        suboptions:
          pkcs:
            description: C(PKCS) (RSA key exchange).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          diffie_hellman:
            description: C(Diffie-Hellman).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          ecdh:
            description: C(ECDH).
            type: str
            choices: [enabled, disabled, os_default, unmanaged]
          dh_server_min_bits:
            description: C(Diffie-Hellman\ServerMinKeyBitLength) - V(1024), V(2048), V(3072) or V(4096), or
              V(os_default) or V(unmanaged).
            type: raw
          dh_client_min_bits:
            description: C(Diffie-Hellman\ClientMinKeyBitLength) - the same values as
              O(overrides.key_exchange.dh_server_min_bits).
            type: raw
      cipher_suites:
        description:
          - The cipher suite order (the C(Functions) policy value), as a list of suite names in order or as one
            comma-separated string, or V(os_default) or V(unmanaged).
          - Suites the build does not have are left out of its order with a warning; an unknown name, or a suite
            listed twice, is an error.
        type: raw
      ecc_curves:
        description: The ECC curve order (C(EccCurves)), as a list of curve names (for example V([curve25519,
          NistP384, NistP256])), or V(os_default) or V(unmanaged).
        type: raw
      event_logging:
        description: SCHANNEL C(EventLogging), a bitmask from V(0) to V(7) (1 errors, 2 warnings, 4 information and
          successful handshakes), or V(os_default) or V(unmanaged).
        type: raw
"""
