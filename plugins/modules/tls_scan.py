#!/usr/bin/python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This file holds documentation only: tls_scan is an action plugin (plugins/action/tls_scan.py) that runs
# entirely on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tls_scan
short_description: Verify TLS endpoints from the outside with sslyze - protocols, suites, forward secrecy, verdicts
version_added: 1.0.0
description:
  - Connects to each target from the controller and reports which SSL/TLS versions it accepts and, at
    O(depth=full), every accepted cipher suite with its key exchange and forward secrecy, the supported groups,
    the certificate chain and its validation, TLS_FALLBACK_SCSV and secure renegotiation.
  - Judges every endpoint against a profile of the collection (O(policy)), with the same names as
    M(tlsguard.windows.tls_regfile) uses, so the registry intent and the scan verdict speak the same language.
  - Runs entirely on the controller (it is an action plugin); the play's host is not contacted, so use it in a
    play on C(localhost) or with C(run_once). It needs the Python package C(sslyze) (>=6.3,<7) next to
    Ansible on the controller or in the execution environment.
  - O(depth=protocols) makes one handshake per version (six per endpoint) with a hello that offers every suite
    the bundled OpenSSL can express; sslyze's own protocol commands try each suite in its own handshake (about
    400 per endpoint). O(depth=full) runs sslyze's scan commands, enumerating suites only for the versions the
    first pass found accepted or could not decide.
  - One endpoint that is down, slow or not TLS never fails the task; it gets a RV(endpoints[].status) and an
    RV(endpoints[].error). Only invalid options and a missing sslyze fail it.
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
options:
  targets:
    description:
      - The endpoints to scan. Each is a string C(host), C(host:port), C([IPv6]:port), or a dict with the keys
        C(host) (required; a DNS name or an IP address), C(port) (default 443), C(ip) (connect to this address
        instead of resolving C(host); C(host) then still names the SNI and the certificate check), C(sni) (the
        name to send as SNI; needed to send one when C(host) is an address), C(starttls) (as O(starttls)) and
        C(name) (a label for results and progress lines; defaults to C(host:port)).
      - An IP address is never sent as SNI (RFC 6066 allows host names only, and strict servers refuse such
        hellos); a target given as an address sends no SNI unless C(sni) names one.
      - A mistake is reported with its position, for example C(targets[3].port), and fails the task before
        anything is scanned.
    type: list
    elements: raw
    required: true
  depth:
    description:
      - V(protocols) answers, per version, accepted, rejected or unknown; fast (six handshakes per endpoint).
      - V(full) adds RV(endpoints[].cipher_suites), RV(endpoints[].curves), RV(endpoints[].certificate),
        RV(endpoints[].fallback_scsv) and RV(endpoints[].secure_renegotiation). O(policy=bsi) and
        O(policy=mozilla_intermediate) need it for a definite verdict.
    type: str
    choices: [protocols, full]
    default: protocols
  policy:
    description:
      - The profile each endpoint is judged against. V(enable) (stage 1) wants TLS 1.2 accepted. V(enforce)
        (stage 3) also wants SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 rejected. V(bsi) adds that every TLS 1.2
        suite is forward-secret and AEAD (TLS 1.3 suites always are). V(mozilla_intermediate) adds Mozilla's
        intermediate criteria (guidelines 5.7) that a scan can see, see the notes.
      - C(os_default) is a registry profile with no expectation to scan against, so it is not offered here.
    type: str
    choices: [enable, enforce, bsi, mozilla_intermediate]
    default: enforce
  starttls:
    description:
      - How to reach TLS on targets that do not set their own C(starttls). V(auto) upgrades with STARTTLS on the
        well-known plaintext ports (SMTP 25/587, POP3 109/110, IMAP 143/220, FTP 21, LDAP 389/3268, RDP 3389,
        XMPP 5222, XMPP server 5269, PostgreSQL 5432) and speaks TLS directly elsewhere; V(none) always speaks TLS
        directly; a protocol name always upgrades with that protocol.
    type: str
    choices: [auto, none, smtp, imap, pop3, ftp, ldap, rdp, xmpp, xmpp_server, postgres]
    default: auto
  timeout:
    description:
      - Seconds to wait for a connection, and for each reply during a handshake (0.1 to 600).
      - An endpoint that answers none of its first hellos within this time is reported as C(timeout) without
        waiting for the other versions.
    type: float
    default: 5.0
  retries:
    description:
      - How many more times a version's handshake is tried after a timeout or an unexpected error (0 to 10).
        A refused connection or a TLS alert is an answer and is not retried.
      - At O(depth=full), sslyze's scan commands also retry a connection that timed out this many times.
    type: int
    default: 1
  concurrency:
    description:
      - The most connections open at once over all endpoints (1 to 500).
      - The default equals sslyze's own (10 servers at a time with 5 connections each).
    type: int
    default: 50
  per_endpoint_concurrency:
    description:
      - The most connections open at once to any one endpoint (1 to 50); this is what the server, and any
        intrusion detection in front of it, sees. Mail servers may rate-limit; 2 is what sslyze's
        C(--slow_connection) uses.
    type: int
    default: 5
  ca_file:
    description:
      - A PEM file of CA certificates to validate server certificates with, in addition to the trust stores
        sslyze bundles (Mozilla, Microsoft, Apple, Android, Java). Needed to trust an internal PKI.
      - A relative path is looked up like a role's C(files/), then from the current directory.
      - Used only at O(depth=full).
    type: path
  progress_interval:
    description:
      - Seconds between progress lines (C(tls_scan 12/50 endpoints scanned in 20 s)) during a long scan; V(0)
        prints none. With C(-v) or more, a line is printed for every endpoint as it finishes instead.
    type: float
    default: 10.0
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: A scan changes nothing, so it runs in check mode too.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
    details: Runs on the controller; the scanned endpoints can be any TLS server, Windows or not.
notes:
  - "Status: C(ok) (the endpoint speaks TLS: it accepted a version or answered with a TLS alert), C(unreachable)
    (connection refused, no route, name not resolved), C(timeout) (no answer in time), C(not_tls) (every hello
    was closed or answered with something that is not TLS, or STARTTLS was not offered), C(error) (anything
    else). Only an C(ok) endpoint gets protocol states other than C(unknown) and a definite verdict."
  - "Verdict: C(compliant) is V(false) when any rule is violated, V(null) when a rule could not be decided (a
    version C(unknown), suite rules at O(depth=protocols), an endpoint that is not C(ok)), V(true) otherwise."
  - "O(policy=mozilla_intermediate) checks TLS 1.2/1.3 only (TLS 1.3 is allowed, not required, so Windows Server
    2019 can comply), the 9 TLS 1.2 and 3 TLS 1.3 suites of the profile, the groups X25519, P-256 and P-384, DH
    keys of 2048 bits and ECDH keys of 256 bits at least, a trusted certificate chain, an RSA (2048 bits at least)
    or ECDSA (P-256/P-384) key, a SHA-256/384/512 signature, a lifespan of 366 days at most,
    TLS_FALLBACK_SCSV and secure renegotiation. sslyze's built-in checker also tests Heartbleed, ROBOT, CCS
    injection, compression and Extended Master Secret; those are not part of this verdict."
  - The certificate is validated against the name sent as SNI, or against the IP address when none is sent.
  - The protocol probe uses sslyze's C(SslConnection), which is not part of sslyze's documented API; the
    collection pins the sslyze versions it was tested with and warns on others.
seealso:
  - module: tlsguard.windows.tls_regfile
  - name: sslyze
    description: The TLS scanning library this module uses.
    link: https://github.com/nabla-c0d3/sslyze
"""

EXAMPLES = r"""
- name: After stage 3, prove that no endpoint accepts legacy TLS
  tlsguard.windows.tls_scan:
    targets: "{{ groups['windows'] | map('regex_replace', '$', ':443') | list }}"
    policy: enforce
  run_once: true
  register: scan

- name: Fail the play when an endpoint still accepts TLS 1.0 or 1.1
  ansible.builtin.assert:
    that: scan.summary.non_compliant == 0
    fail_msg: "Not compliant: {{ scan.summary.non_compliant_endpoints | join(', ') }}"

- name: Full BSI check of an internal web farm, mail over STARTTLS, and an address with its certificate name
  tlsguard.windows.tls_scan:
    depth: full
    policy: bsi
    ca_file: files/corp-root-ca.pem
    targets:
      - web01.corp.example
      - web02.corp.example:8443
      - {host: mail01.corp.example, port: 587}
      - {host: 10.1.2.3, port: 636, sni: dc01.corp.example, name: dc01-ldaps}
  run_once: true
  register: bsi

- name: List the TLS 1.2 suites without forward secrecy, per endpoint
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.cipher_suites.tls1_2 | rejectattr('forward_secret') | map(attribute='name') }}"
  loop: "{{ bsi.endpoints | selectattr('status', 'eq', 'ok') }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
msg:
  description: One line on what was scanned and how it compares with O(policy).
  returned: always
  type: str
  sample: "4 endpoint(s) scanned at depth protocols: 2 compliant with enforce, 1 not, 1 undetermined"
endpoints:
  description: One entry per target, in the order of O(targets).
  returned: always
  type: list
  elements: dict
  contains:
    target:
      description: The target as C(host:port).
      type: str
      sample: web01.corp.example:443
    name:
      description: The target's C(name), or C(target) when none was given.
      type: str
      sample: web01.corp.example:443
    host:
      description: The host name (in its ASCII form) or IP address that was given.
      type: str
      sample: web01.corp.example
    ip:
      description: The address connected to; null when the name could not be resolved.
      type: str
      sample: 10.1.2.3
    port:
      description: The TCP port.
      type: int
      sample: 443
    sni:
      description: The name sent as SNI; null when none was sent (a target given as an IP address without C(sni)).
      type: str
      sample: web01.corp.example
    starttls:
      description: The plaintext protocol upgraded with STARTTLS before the handshake, or null.
      type: str
      sample: smtp
    status:
      description: C(ok), C(unreachable), C(timeout), C(not_tls) or C(error); see the notes.
      type: str
      sample: ok
    error:
      description: Why the status is not C(ok); null when it is.
      type: str
      sample: connection refused
    protocols:
      description:
        - For C(ssl2_0), C(ssl3_0), C(tls1_0), C(tls1_1), C(tls1_2) and C(tls1_3), one of C(accepted),
          C(rejected) or C(unknown) (could not be tested; see RV(endpoints[].probe)).
      type: dict
      sample: {ssl2_0: rejected, ssl3_0: rejected, tls1_0: accepted, tls1_1: accepted, tls1_2: accepted,
               tls1_3: rejected}
    probe:
      description:
        - Per version, what its handshake said - the suite the server chose (OpenSSL name), the alert or error
          it ended with, or why it was not tried.
      type: dict
      sample: {tls1_0: ECDHE-RSA-AES256-SHA, tls1_2: ECDHE-RSA-AES256-GCM-SHA384,
               tls1_3: "TLS alert: protocol version", ssl2_0: "Server interrupted the TLS handshake"}
    duration:
      description: Seconds from the endpoint's first handshake to its last.
      type: float
      sample: 0.412
    cipher_suites:
      description:
        - Per version, the accepted suites; an empty list for a version that is not accepted, null when the
          enumeration failed.
        - Each suite has C(name) (IANA), C(openssl_name), C(key_exchange) (C(ECDHE), C(DHE), C(RSA), C(ECDH),
          C(DH), C(PSK), C(SRP) or C(unknown)), C(forward_secret), C(aead), C(anonymous), C(key_size) and
          C(ephemeral_key) (C(type) C(ECDH) or C(DH), C(size) in bits, C(curve); null without one).
      returned: when O(depth=full)
      type: dict
      sample: {tls1_2: [{name: TLS_RSA_WITH_AES_256_GCM_SHA384, openssl_name: AES256-GCM-SHA384,
                         key_exchange: RSA, forward_secret: false, aead: true, anonymous: false, key_size: 256,
                         ephemeral_key: null}],
               tls1_3: [{name: TLS_AES_256_GCM_SHA384, openssl_name: TLS_AES_256_GCM_SHA384, key_exchange: ECDHE,
                         forward_secret: true, aead: true, anonymous: false, key_size: 256,
                         ephemeral_key: {type: ECDH, size: 253, curve: X25519}}],
               tls1_0: [], tls1_1: [], ssl2_0: [], ssl3_0: []}
    curves:
      description: The groups the server accepts for ECDHE (SECG names); null when not measured.
      returned: when O(depth=full)
      type: list
      elements: str
      sample: [X25519, secp256r1, secp384r1]
    fallback_scsv:
      description: Whether the server refuses a downgraded hello that carries TLS_FALLBACK_SCSV; null when not measured.
      returned: when O(depth=full)
      type: bool
      sample: true
    secure_renegotiation:
      description: Whether the server supports secure renegotiation (RFC 5746); null when not measured.
      returned: when O(depth=full)
      type: bool
      sample: true
    certificate:
      description:
        - The leaf certificate a default client gets, and its validation against the bundled trust stores and
          O(ca_file). C(trusted) is true when any of them validates the chain for C(validated_for).
          C(deployments) counts the distinct leaf certificates the server sends to different clients.
      returned: when O(depth=full)
      type: dict
      sample: {subject: CN=web01.corp.example, issuer: "CN=Corp Issuing CA,O=Corp", serial: 4d1344b1,
               not_before: "2026-01-01T00:00:00+00:00", not_after: "2026-12-31T00:00:00+00:00", lifespan_days: 364,
               sha256: d876dbd132cf, names: [web01.corp.example], key_type: rsa, key_size: 2048, key_curve: null,
               signature_algorithm: sha256WithRSAEncryption, chain_length: 2, validated_for: web01.corp.example,
               trusted: true, trusted_by: [Supplied CA file], validation_error: null, deployments: 1}
    scan_errors:
      description: The full-depth measurements that failed, with why (their values above are null).
      returned: when O(depth=full)
      type: dict
      sample: {secure_renegotiation: "CONNECTIVITY_ISSUE: ServerRejectedTlsHandshake: Server rejected the connection"}
    verdict:
      description:
        - The endpoint against O(policy). C(compliant) is true, false or null (undetermined). Each entry of
          C(violations) and C(undetermined) has a C(code) and a C(message), and C(protocol), C(suites) or
          C(curves) where they apply.
        - "Violation codes: C(legacy_protocol_accepted), C(tls1_2_not_accepted), C(suite_without_forward_secrecy),
          C(suite_not_aead), C(suite_not_allowed), C(weak_key_exchange), C(curve_not_allowed),
          C(certificate_not_trusted), C(certificate_key_type), C(certificate_key_too_small),
          C(certificate_curve_not_allowed), C(certificate_signature_not_allowed), C(certificate_lifespan_too_long),
          C(no_fallback_scsv), C(no_secure_renegotiation)."
      type: dict
      sample: {policy: enforce, compliant: false,
               violations: [{code: legacy_protocol_accepted, message: TLS 1.0 is accepted, protocol: tls1_0}],
               undetermined: []}
summary:
  description: Counts over all endpoints.
  returned: always
  type: dict
  contains:
    total:
      description: Number of endpoints.
      type: int
      sample: 4
    policy:
      description: The O(policy) used.
      type: str
      sample: enforce
    depth:
      description: The O(depth) used.
      type: str
      sample: protocols
    status:
      description: How many endpoints have each status.
      type: dict
      sample: {ok: 3, unreachable: 1, timeout: 0, not_tls: 0, error: 0}
    compliant:
      description: Endpoints whose verdict is compliant.
      type: int
      sample: 2
    non_compliant:
      description: Endpoints with at least one violation.
      type: int
      sample: 1
    undetermined:
      description: Endpoints whose verdict is undetermined (including every endpoint that is not C(ok)).
      type: int
      sample: 1
    non_compliant_endpoints:
      description: The names of the endpoints with violations.
      type: list
      elements: str
      sample: [app02.corp.example:443]
    accepts_legacy:
      description: The endpoints that accept SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1, and which of them.
      type: list
      elements: dict
      sample: [{name: app02.corp.example:443, target: app02.corp.example:443, protocols: [tls1_0, tls1_1]}]
    duration:
      description: Seconds the whole scan took.
      type: float
      sample: 1.87
"""
