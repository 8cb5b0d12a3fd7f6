# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit findings: what is risky, broken or without effect in a host view. Value-level drift from a profile is not
a finding; compliance.py keeps it in its own list.

A full host read is judged on everything; a ``.reg`` export is partial, so only what it contains is judged (no
"enabled by the OS default" protocol findings for a file without Protocols values, no .NET findings for a file
without .NET values).
"""

from __future__ import annotations

from dataclasses import dataclass

from .guards import GUARDS
from .locations import CIPHERS, DH_VALUES, HASHES, SUITE_POLICY_KEY, SUITE_VALUE, WEAK_CIPHERS, WEAK_HASHES
from .names import unrecognised
from .protocols import BY_KEY, LEGACY_TLS_KEYS, SIDES, TLS_KEYS
from .registry import RegRef, RegValue, entry_json
from .settings import CLIENT_MIN_DEFAULT_BITS, DH_SERVER_DEFAULT_BITS, Dword, ProtocolMask
from .suites import SUITE_ORDER_MAX_CHARS, SUITES
from .view import HostView

SEVERITIES = ("high", "medium", "low", "info")
_CIPHER_GROUP = {name: group for group, names in CIPHERS.items() for name in names}
_HASH_GROUP = {name: group for group, names in HASHES.items() for name in names}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    protocol: str | None = None
    side: str | None = None
    ref: RegRef | None = None  # the value (or, with about_key, the key) the finding is about
    about_key: bool = False
    value: RegValue | None = None

    def to_json(self) -> dict:
        out: dict = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.protocol:
            out["protocol"] = self.protocol
        if self.side:
            out["side"] = self.side
        if self.ref is not None:
            if self.about_key:
                out.update(hive=self.ref.hive, key=self.ref.key)
            else:
                out.update({k: v for k, v in entry_json(self.ref, self.value).items() if v is not None or k == "name"})
        return out


def _protocol_findings(view: HostView) -> list[Finding]:
    judged_defaults = view.has("protocols")  # an export without Protocols values says nothing about them
    out = []
    for key in TLS_KEYS:
        label = BY_KEY[key].label
        for side in SIDES:
            st = view.protocols[key][side]
            where = f"{label}\\{side.capitalize()}"
            by_default = st.source == "os_default"
            if key in LEGACY_TLS_KEYS and st.on and (judged_defaults or not by_default):
                severity = "high" if key.startswith("ssl") else "medium"
                origin = "by the OS default" if by_default else "in the registry"
                out.append(Finding("legacy_protocol_enabled", severity, f"{where} is enabled {origin}", key, side))
            if key in LEGACY_TLS_KEYS and st.state == "disabled_by_default":
                out.append(Finding("legacy_soft_disabled", "medium", f"{where} is only DisabledByDefault; "
                                   "applications that ask for it explicitly still get it (set Enabled=0)", key, side))
            if key == "tls1_2" and not st.on and (judged_defaults or not by_default):
                out.append(Finding("tls12_not_enabled", "high", f"{where} is {st.state}", key, side))
            out.extend(_note_findings(view, key, side, where))
        client, server = view.protocols[key]["client"], view.protocols[key]["server"]
        from_file = judged_defaults or "os_default" not in (client.source, server.source)
        if "not_supported" not in (client.state, server.state) and client.on != server.on and from_file:
            out.append(Finding("client_server_mismatch", "low", f"{label} is {client.state} for clients but "
                               f"{server.state} for servers", key))
    return out


def _note_findings(view: HostView, key: str, side: str, where: str) -> list[Finding]:
    st = view.protocols[key][side]
    out = []
    for note in st.notes:
        code, _colon, detail = note.partition(":")
        if code == "noncanonical_value":
            out.append(Finding("noncanonical_value", "low", f"{where} Enabled is {st.enabled_value:#x}; any "
                               "non-zero value enables it, the canonical value is 1", key, side))
        elif code == "wrong_type":
            out.append(Finding("wrong_type", "medium", f"{where} {detail} is not a REG_DWORD; Schannel ignores "
                               "it, so the OS default applies", key, side))
        elif code == "disabled_by_default_also_set":
            out.append(Finding("mixed_signals", "low", f"{where} has Enabled={st.enabled_value} and "
                               "DisabledByDefault=1; current Windows treats it as enabled", key, side))
        elif code == "default_unconfirmed" and view.has("protocols"):
            out.append(Finding("default_unconfirmed", "info", f"{where} has no value, so its state is the OS "
                               f"default; {view.build.defaults.note}", key, side))
        elif code == "needs_update" and (st.enabled_value or view.complete):
            state = view.build.hotfixes.state(detail)
            out.append(Finding("needs_update", "medium" if st.enabled_value else "info",
                               f"{where}: {view.build.product} has {BY_KEY[key].label} only with {detail}, which "
                               f"is {state}", key, side))
    return out


def _suite_findings(view: HostView) -> list[Finding]:
    out = []
    order = view.suites
    where = RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE)
    policy = view.values.get(where)
    if policy is not None and policy.type != "REG_SZ":
        out.append(Finding("suite_order_wrong_type", "high", f"the policy cipher suite order is {policy.type}; "
                           "Windows only reads a REG_SZ there, so the order has no effect", ref=where, value=policy))
    elif policy is not None and len(policy.as_str()) > SUITE_ORDER_MAX_CHARS:
        out.append(Finding("suite_order_too_long", "medium", f"the policy cipher suite order has "
                           f"{len(policy.as_str()):,} characters; Windows reads at most "
                           f"{SUITE_ORDER_MAX_CHARS:,}", ref=where))
    if order.unknown:
        out.append(Finding("unknown_suite_names", "low", f"the {order.source} order names suites Windows does not "
                           f"know: {', '.join(order.unknown)}"))
    if order.not_on_build:
        out.append(Finding("suites_not_on_build", "medium", f"the {order.source} order names "
                           f"{len(order.not_on_build)} suites {view.build.product} does not have, which it ignores: "
                           f"{', '.join(order.not_on_build)}"))
    if order.configured:
        weak = [n for n in view.usable_suites if SUITES[n].weak]
        if weak:
            out.append(Finding("weak_suites_in_order", "medium", f"the {order.source} order enables weak suites "
                               f"(NULL, RC4, DES, 3DES or export): {', '.join(weak)}"))
        if any(view.any_on(k) for k in ("tls1_0", "tls1_1", "tls1_2")):
            no_fs = [n for n in view.usable_suites if not SUITES[n].tls13 and not SUITES[n].forward_secret]
            if no_fs:
                out.append(Finding("suites_without_forward_secrecy", "low", f"{len(no_fs)} suites in the "
                                   f"{order.source} order lack forward secrecy: {', '.join(no_fs)}"))
    return out


def _switch_findings(view: HostView) -> list[Finding]:
    out = []
    settings = view.settings
    for switch in settings.ciphers:
        group = _CIPHER_GROUP[switch.name]
        if switch.state == "enabled" and group in WEAK_CIPHERS:
            out.append(Finding("weak_cipher_enabled", "medium", f"cipher {switch.name} is explicitly enabled",
                               ref=switch.setting.ref, value=view.values.get(switch.setting.ref)))
        elif switch.state == "disabled" and group == "aes":
            out.append(Finding("aes_cipher_disabled", "medium", f"cipher {switch.name} is disabled, so every suite "
                               "using it is unusable", ref=switch.setting.ref))
    for switch in settings.hashes:
        if switch.state == "enabled" and _HASH_GROUP[switch.name] in WEAK_HASHES:
            out.append(Finding("weak_hash_enabled", "low", f"hash {switch.name} is explicitly enabled",
                               ref=switch.setting.ref))
    for switch in settings.key_exchange:
        if switch.state == "disabled":
            effect = {"PKCS": "no RSA key exchange and, per KB245030, no RSA authentication: servers with RSA "
                              "certificates cannot complete handshakes",
                      "Diffie-Hellman": "no DHE suites", "ECDH": "no ECDHE suites for TLS 1.0-1.2"}[switch.name]
            out.append(Finding("key_exchange_disabled", "high" if switch.name == "PKCS" else "medium",
                               f"key exchange {switch.name} is disabled: {effect}", ref=switch.setting.ref))
    return out


def _size_findings(view: HostView) -> list[Finding]:
    out = []
    settings = view.settings
    server = settings.dh_server_min_bits
    if server.value is not None and server.value < DH_SERVER_DEFAULT_BITS:
        out.append(Finding("dh_server_bits_low", "medium", f"{DH_VALUES['dh_server_min_bits']} is {server.value}; "
                           f"a server DHE group below {DH_SERVER_DEFAULT_BITS} bits is weak", ref=server.ref))
    for label, setting in (("DH", settings.dh_client_min_bits), ("RSA", settings.pkcs_client_min_bits)):
        if setting.value is not None and setting.value < 2048:
            out.append(Finding("client_min_bits_low", "low", f"clients accept {label} keys of {setting.value} bits "
                               f"(default minimum {CLIENT_MIN_DEFAULT_BITS}); 2048 or more is the current guidance",
                               ref=setting.ref))
    if settings.curves.unknown:
        out.append(Finding("unknown_curve_names", "low", f"the {settings.curves.source} ECC curve order names curves "
                           f"Windows does not know: {', '.join(settings.curves.unknown)}"))
    return out


def _wrong_types(view: HostView) -> list[Finding]:
    out = []
    for setting in view.settings.dwords():
        if setting.wrong is not None:
            out.append(Finding("wrong_type", "medium", f"{setting.ref.key}\\{setting.ref.name} is "
                               f"{setting.wrong.display()}, not a REG_DWORD; Windows ignores it, so the default "
                               "applies", ref=setting.ref, value=setting.wrong))
    return out


def _client_findings(view: HostView) -> list[Finding]:
    out = []
    settings = view.settings
    for key, per_key in settings.dotnet.items():
        for setting in per_key.values():
            if setting.value == 1 or setting.wrong or (setting.value is None and not view.complete):
                continue  # a wrong type has its own finding; an export is not blamed for what it leaves out
            state = setting.wrong.display() if setting.wrong else "absent" if setting.value is None else setting.value
            out.append(Finding(f"dotnet_{_dotnet_code(setting)}", "medium", f"{setting.ref.name} is {state} under "
                               f"{key}; .NET apps may use old protocol defaults", ref=setting.ref))
    for key, mask in settings.winhttp.items():
        out.extend(_mask_findings(view, mask, "winhttp"))
        if mask.setting.value is not None and settings.winhttp_honoured != "installed":
            out.append(Finding("winhttp_value_ignored", "medium", f"{mask.setting.ref.name} under {key} is ignored "
                               f"until KB3140245 is installed (state: {settings.winhttp_honoured}); WinHTTP offers "
                               "SSL 3.0 and TLS 1.0 only", ref=mask.setting.ref))
        elif mask.setting.value is None and view.complete and view.build.build < 9600:
            out.append(Finding("winhttp_default_legacy", "medium", f"{mask.setting.ref.name} is absent under {key}; "
                               f"on {view.build.product} WinHTTP then offers only SSL 3.0 and TLS 1.0",
                               ref=mask.setting.ref))
    for mask in settings.wininet.values():
        out.extend(_mask_findings(view, mask, "wininet"))
    if settings.fips.value:
        out.append(Finding("fips_policy_enabled", "info", "the FIPS algorithm policy is on; it limits suites and "
                           "interacts with protocol choice", ref=settings.fips.ref))
    return out


def _dotnet_code(setting: Dword) -> str:
    return "strong_crypto" if setting.ref.name == "SchUseStrongCrypto" else "system_default_tls_versions"


def _mask_findings(view: HostView, mask: ProtocolMask, kind: str) -> list[Finding]:
    protocols = mask.protocols
    where = mask.setting.ref
    if protocols is None:
        return []
    legacy = [k for k in protocols if k in LEGACY_TLS_KEYS]
    shown = f"{where.name}={mask.setting.value:#x} under {where.hive}\\{where.key}"
    if legacy:
        return [Finding(f"{kind}_legacy", "low", f"{shown} includes {', '.join(BY_KEY[k].label for k in legacy)}",
                        ref=where)]
    if "tls1_2" not in protocols:
        return [Finding(f"{kind}_no_tls12", "medium", f"{shown} does not include TLS 1.2", ref=where)]
    return []


def audit(view: HostView) -> list[Finding]:
    """Every finding for a view, most severe first."""
    found = _protocol_findings(view) + _suite_findings(view) + _switch_findings(view) + _size_findings(view)
    found += _wrong_types(view) + _client_findings(view)
    for name, condition in GUARDS.items():
        message = condition(view)
        if message is not None:
            found.append(Finding(name, "high", message))
    names, more = unrecognised(view.values)
    found += [Finding("unrecognised_setting", "low", u.message, ref=u.ref, about_key=u.about_key) for u in names]
    if more:
        found.append(Finding("unrecognised_setting", "low", f"{more:,} more names under SCHANNEL that Windows does "
                             "not read (not listed one by one)"))
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))
