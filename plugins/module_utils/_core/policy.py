# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy schema: what a user (or a named profile) wants, parsed and checked.

A policy is a mapping; every part may be left out (= ``unmanaged``, the tool does not touch it)::

    protocols:      {tls1_0: disabled, tls1_3: {client: enabled, server: disabled}}
    dotnet:         enabled | {strong_crypto: enabled, system_default_tls_versions: enabled}
    winhttp:        [tls1_2, tls1_3] | os_default | unmanaged
    wininet:        [tls1_2] | os_default | unmanaged
    ciphers:        {rc4: disabled, triple_des: disabled, ...}
    hashes:         {md5: disabled}
    key_exchange:   {dh_server_min_bits: 2048, pkcs: enabled}
    cipher_suites:  [TLS_AES_256_GCM_SHA384, ...] | os_default | unmanaged
    ecc_curves:     [NistP384, NistP256] | os_default | unmanaged
    event_logging:  7 | os_default | unmanaged

States are ``enabled``, ``disabled``, ``os_default`` (remove the value, the OS decides) and ``unmanaged``.
Numbers are ASCII digits only (``"²"`` or other Unicode digits are not numbers here). Two spellings of one protocol
in the same mapping (``tls1_2`` and ``"TLS 1.2"``) are a conflict.

``additive`` is not part of the user form: a profile (stage 1, ``enable``) marks its WinHTTP/WinINet lists as
"at most these, and TLS 1.2", so applying it never adds a protocol to a value the host already narrowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import Problem, ValidationError, unknown
from .locations import CIPHERS, DH_VALUES, DOTNET_VALUES, ECC_CURVES, HASHES, KEY_EXCHANGES
from .protocols import BY_KEY, PROTOCOLS, SIDES, protocol, protocol_keys
from .suites import canonical

ENABLED, DISABLED, OS_DEFAULT, UNMANAGED = "enabled", "disabled", "os_default", "unmanaged"
STATES = (ENABLED, DISABLED, OS_DEFAULT, UNMANAGED)
REMOVAL = (OS_DEFAULT, UNMANAGED)
SECTIONS = ("protocols", "dotnet", "winhttp", "wininet", "ciphers", "hashes", "key_exchange", "cipher_suites",
            "ecc_curves", "event_logging")
CLIENT_LISTS = ("winhttp", "wininet")
_CURVES_UPPER = {c.upper(): c for c in ECC_CURVES}
EVENT_LOGGING_MAX = 7
DH_BITS = (1024, 2048, 3072, 4096)


def _unmanaged_sides() -> dict[str, dict[str, str]]:
    return {p.key: {"client": UNMANAGED, "server": UNMANAGED} for p in PROTOCOLS}


@dataclass(frozen=True)
class Policy:
    """A fully resolved policy: every setting present, each a state, number or tuple of names."""

    protocols: dict[str, dict[str, str]] = field(default_factory=_unmanaged_sides)
    dotnet: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DOTNET_VALUES, UNMANAGED))
    winhttp: str | tuple[str, ...] = UNMANAGED
    wininet: str | tuple[str, ...] = UNMANAGED
    ciphers: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CIPHERS, UNMANAGED))
    hashes: dict[str, str] = field(default_factory=lambda: dict.fromkeys(HASHES, UNMANAGED))
    key_exchange: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEY_EXCHANGES, UNMANAGED))
    dh_min_bits: dict[str, str | int] = field(default_factory=lambda: dict.fromkeys(DH_VALUES, UNMANAGED))
    cipher_suites: str | tuple[str, ...] = UNMANAGED
    ecc_curves: str | tuple[str, ...] = UNMANAGED
    event_logging: str | int = UNMANAGED
    additive: frozenset[str] = frozenset()

    def manages_anything(self) -> bool:
        nested = [*(s for sides in self.protocols.values() for s in sides.values()), *self.dotnet.values(),
                  *self.ciphers.values(), *self.hashes.values(), *self.key_exchange.values(),
                  *self.dh_min_bits.values()]
        flat = [self.winhttp, self.wininet, self.cipher_suites, self.ecc_curves, self.event_logging]
        return any(v != UNMANAGED for v in nested + flat)

    def to_json(self) -> dict:
        """The policy in the same shape a user writes (round-trips through ``parse_policy``)."""
        key_exchange: dict[str, object] = dict(self.key_exchange)
        key_exchange.update(self.dh_min_bits)
        return {
            "protocols": {k: dict(v) for k, v in self.protocols.items()},
            "dotnet": dict(self.dotnet),
            "winhttp": _listish(self.winhttp),
            "wininet": _listish(self.wininet),
            "ciphers": dict(self.ciphers),
            "hashes": dict(self.hashes),
            "key_exchange": key_exchange,
            "cipher_suites": _listish(self.cipher_suites),
            "ecc_curves": _listish(self.ecc_curves),
            "event_logging": self.event_logging,
        }


def _listish(value: str | tuple[str, ...]) -> str | list[str]:
    return list(value) if isinstance(value, tuple) else value


def _state(value: object, option: str, problems: list[Problem], allowed: tuple[str, ...] = STATES) -> str | None:
    if value is True:
        return ENABLED
    if value is False:
        return DISABLED
    text = str(value).strip().lower() if value is not None else ""
    if text in allowed:
        return text
    problems.append(Problem(option, unknown("state", value, allowed)))
    return None


def ascii_int(value: object) -> int | None:
    """An int from an int or a string of ASCII digits; None otherwise (``"²".isdigit()`` is True, int() fails)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 10:
            return int(text)
    return None


def _mapping(value: object, option: str, problems: list[Problem]) -> Mapping | None:
    if isinstance(value, Mapping):
        return value
    problems.append(Problem(option, f"expected a mapping, got {type(value).__name__} {value!r}"))
    return None


def _protocols(data: object, option: str, problems: list[Problem], out: dict) -> None:
    mapping = _mapping(data, option, problems)
    spelled: dict[str, object] = {}
    for name, setting in (mapping or {}).items():
        where = f"{option}.{name}"
        try:
            key = protocol(name, where).key
        except ValidationError as err:
            problems.extend(err.problems)
            continue
        if key in spelled:
            problems.append(Problem(where, f"'{spelled[key]}' and '{name}' both name {BY_KEY[key].label}; keep one"))
            continue
        spelled[key] = name
        if isinstance(setting, Mapping):
            for side, value in setting.items():
                if side not in SIDES:
                    problems.append(Problem(f"{where}.{side}", unknown("side", side, SIDES)))
                    continue
                state = _state(value, f"{where}.{side}", problems)
                if state:
                    out[key][side] = state
        else:
            state = _state(setting, where, problems)
            if state:
                out[key] = {"client": state, "server": state}


def _groups(data: object, option: str, problems: list[Problem], out: dict, groups: Mapping,
            numbers: Mapping[str, str] | None = None, number_out: dict | None = None) -> None:
    mapping = _mapping(data, option, problems)
    for name, value in (mapping or {}).items():
        where = f"{option}.{name}"
        if numbers is not None and number_out is not None and name in numbers:
            number_out[name] = _dh_bits(value, where, problems)
        elif name in groups:
            state = _state(value, where, problems)
            if state:
                out[name] = state
        else:
            problems.append(Problem(where, unknown("name", name, list(groups) + list(numbers or ()))))


def _dh_bits(value: object, option: str, problems: list[Problem]) -> str | int:
    if isinstance(value, str) and value.strip().lower() in REMOVAL:
        return value.strip().lower()
    if ascii_int(value) in DH_BITS:
        return ascii_int(value) or UNMANAGED
    problems.append(Problem(option, f"expected one of {', '.join(map(str, DH_BITS))}, os_default or unmanaged, "
                                    f"got {value!r}"))
    return UNMANAGED


def _protocol_list(value: object, option: str, problems: list[Problem]) -> str | tuple[str, ...]:
    if isinstance(value, str) and value.strip().lower() in REMOVAL:
        return value.strip().lower()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        problems.append(Problem(option, f"expected a list of protocols, os_default or unmanaged, got {value!r}"))
        return UNMANAGED
    if not value:
        problems.append(Problem(option, "an empty protocol list would switch every protocol off for these "
                                        "clients; use os_default to remove the value instead"))
        return UNMANAGED
    try:
        keys = protocol_keys(value, option)
    except ValidationError as err:
        problems.extend(err.problems)
        return UNMANAGED
    dtls = [k for k in keys if BY_KEY[k].dtls]
    if dtls:
        problems.append(Problem(option, f"{', '.join(dtls)} cannot be set here (WinHTTP/WinINet have no DTLS bits)"))
        return UNMANAGED
    return keys


def _suite_list(value: object, option: str, problems: list[Problem]) -> str | tuple[str, ...]:
    if isinstance(value, str) and value.strip().lower() in REMOVAL:
        return value.strip().lower()
    if isinstance(value, str):
        value = [s for s in value.split(",") if s.strip()]  # the registry's own comma-separated form
    if not isinstance(value, (list, tuple)) or not value:
        problems.append(Problem(option, f"expected a non-empty list of cipher suite names, os_default or unmanaged, "
                                        f"got {value!r}"))
        return UNMANAGED
    names: list[str] = []
    for index, raw in enumerate(value):
        try:
            name = canonical(str(raw), f"{option}[{index}]")
        except ValidationError as err:
            problems.extend(err.problems)
            continue
        if name in names:
            problems.append(Problem(f"{option}[{index}]", f"cipher suite {name} is listed twice (conflicting order)"))
            continue
        names.append(name)
    return tuple(names)


def _curve_list(value: object, option: str, problems: list[Problem]) -> str | tuple[str, ...]:
    if isinstance(value, str) and value.strip().lower() in REMOVAL:
        return value.strip().lower()
    if not isinstance(value, (list, tuple)) or not value:
        problems.append(Problem(option, f"expected a non-empty list of ECC curve names, os_default or unmanaged, "
                                        f"got {value!r}"))
        return UNMANAGED
    names: list[str] = []
    for index, raw in enumerate(value):
        name = _CURVES_UPPER.get(str(raw).strip().upper())
        if name is None:
            problems.append(Problem(f"{option}[{index}]", unknown("ECC curve", raw, ECC_CURVES)))
        elif name in names:
            problems.append(Problem(f"{option}[{index}]", f"curve {name} is listed twice (conflicting order)"))
        else:
            names.append(name)
    return tuple(names)


def _event_logging(value: object, option: str, problems: list[Problem]) -> str | int:
    if isinstance(value, str) and value.strip().lower() in REMOVAL:
        return value.strip().lower()
    number = ascii_int(value)
    if number is not None and 0 <= number <= EVENT_LOGGING_MAX:
        return number
    problems.append(Problem(option, f"expected 0..{EVENT_LOGGING_MAX} (a bitmask: 1 errors, 2 warnings, "
                                    f"4 information and success), os_default or unmanaged, got {value!r}"))
    return UNMANAGED


def parse_policy(data: Mapping | None, option: str = "policy", base: Policy | None = None) -> Policy:
    """Parse a user-form policy on top of ``base`` (default: everything unmanaged); report all problems."""
    base = base or Policy()
    problems: list[Problem] = []
    if data is None:
        return base
    if not isinstance(data, Mapping):
        raise ValidationError([Problem(option, f"expected a mapping, got {type(data).__name__}")])
    protocols = {k: dict(v) for k, v in base.protocols.items()}
    dotnet, ciphers, hashes = dict(base.dotnet), dict(base.ciphers), dict(base.hashes)
    key_exchange, dh_min_bits = dict(base.key_exchange), dict(base.dh_min_bits)
    lists: dict[str, str | tuple[str, ...]] = {"winhttp": base.winhttp, "wininet": base.wininet,
                                               "cipher_suites": base.cipher_suites, "ecc_curves": base.ecc_curves}
    event_logging = base.event_logging
    additive = set(base.additive)
    for section, setting in data.items():
        where = f"{option}.{section}"
        if section == "protocols":
            _protocols(setting, where, problems, protocols)
        elif section == "dotnet":
            if isinstance(setting, Mapping):
                _groups(setting, where, problems, dotnet, DOTNET_VALUES)
            else:
                state = _state(setting, where, problems)
                if state:
                    dotnet = dict.fromkeys(DOTNET_VALUES, state)
        elif section in ("winhttp", "wininet"):
            lists[section] = _protocol_list(setting, where, problems)
            additive.discard(section)  # a list the user writes is exact
        elif section == "ciphers":
            _groups(setting, where, problems, ciphers, CIPHERS)
        elif section == "hashes":
            _groups(setting, where, problems, hashes, HASHES)
        elif section == "key_exchange":
            _groups(setting, where, problems, key_exchange, KEY_EXCHANGES, DH_VALUES, dh_min_bits)
        elif section == "cipher_suites":
            lists["cipher_suites"] = _suite_list(setting, where, problems)
        elif section == "ecc_curves":
            lists["ecc_curves"] = _curve_list(setting, where, problems)
        elif section == "event_logging":
            event_logging = _event_logging(setting, where, problems)
        else:
            problems.append(Problem(where, unknown("policy section", section, SECTIONS)))
    if problems:
        raise ValidationError(problems)
    return Policy(protocols=protocols, dotnet=dotnet, winhttp=lists["winhttp"], wininet=lists["wininet"],
                  ciphers=ciphers, hashes=hashes, key_exchange=key_exchange, dh_min_bits=dh_min_bits,
                  cipher_suites=lists["cipher_suites"], ecc_curves=lists["ecc_curves"], event_logging=event_logging,
                  additive=frozenset(additive))
