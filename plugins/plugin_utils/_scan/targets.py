# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scan targets: ``host[:port]`` strings and ``{host, port, ip, sni, starttls, name}`` dicts.

Decides, per target, the port (443 unless given), the STARTTLS protocol (given, or by the port's well-known
service) and the SNI name: a DNS name is sent as itself, an IP literal is never sent (RFC 6066 §3 allows only
host names), so a target given as an address gets SNI only from its own ``sni`` key.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (
    Problem,
    ValidationError,
    unknown,
)

DEFAULT_PORT = 443
STARTTLS_PROTOCOLS = ("smtp", "imap", "pop3", "ftp", "ldap", "rdp", "xmpp", "xmpp_server", "postgres")
STARTTLS_CHOICES = ("auto", "none", *STARTTLS_PROTOCOLS)
# Well-known plaintext ports that upgrade with STARTTLS; the same table as sslyze 6's from_default_port.
STARTTLS_BY_PORT = {25: "smtp", 587: "smtp", 110: "pop3", 109: "pop3", 143: "imap", 220: "imap", 21: "ftp",
                    389: "ldap", 3268: "ldap", 3389: "rdp", 5222: "xmpp", 5269: "xmpp_server", 5432: "postgres"}
TARGET_KEYS = ("host", "port", "ip", "sni", "starttls", "name")

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*\.?$")


@dataclass(frozen=True)
class Target:
    """One endpoint to scan, with every decision about how to reach it made."""

    index: int
    target: str  # host:port as shown to the user ([v6]:port for IPv6)
    name: str
    host: str  # DNS name in ASCII (IDNA) form, or an IP literal
    port: int
    ip: str | None  # the address to connect to; None means resolve host
    sni: str | None  # the name sent as SNI; None sends no SNI
    starttls: str | None


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _hostname(text: str) -> str | None:
    """The ASCII form of a DNS name, or None when it is not one."""
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_name.lower() if len(ascii_name) <= 253 and _HOSTNAME.match(ascii_name) else None


def _port(value: object, option: str) -> int:
    # ASCII digits only: '²'.isdigit() is True but int() refuses it, and int() reads fullwidth digits (D9).
    text = str(value).strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else 0
    if isinstance(value, bool) or not 1 <= number <= 65535:
        shown = text if len(text) <= 20 else f"{text[:20]}... ({len(text)} characters)"
        raise ValidationError([Problem(option, f"port '{shown}' is not a number from 1 to 65535")])
    return number


def _host(value: object, option: str) -> str:
    text = str(value).strip() if value is not None else ""
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if is_ip(text):
        return str(ipaddress.ip_address(text))
    name = _hostname(text) if text else None
    if name is None:
        hint = "; give the port in 'port'" if text.count(":") == 1 else ""
        raise ValidationError([Problem(option, f"'{value}' is not a host name or IP address{hint}")])
    return name


def _split(text: str, option: str) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 address."""
    text = text.strip()
    if "://" in text or "/" in text:
        raise ValidationError([Problem(option, f"'{text}' is not host[:port] (give a host name or address, "
                                               "not a URL)")])
    if text.startswith("["):
        close = text.find("]")
        rest = text[close + 1:] if close > 0 else "?"
        if close < 0 or (rest and not rest.startswith(":")):
            raise ValidationError([Problem(option, f"'{text}' is not host[:port]; write IPv6 as [address]:port")])
        return _host(text[:close + 1], option), _port(rest[1:], option) if rest else DEFAULT_PORT
    if text.count(":") > 1:
        return _host(text, option), DEFAULT_PORT
    host, sep, port = text.partition(":")
    return _host(host, option), _port(port, option) if sep else DEFAULT_PORT


def _starttls(value: object, option: str) -> str:
    text = str(value).strip().lower()
    if text not in STARTTLS_CHOICES:
        raise ValidationError([Problem(option, unknown("STARTTLS protocol", value, STARTTLS_CHOICES))])
    return text


def _resolve_starttls(choice: str, port: int) -> str | None:
    if choice == "auto":
        return STARTTLS_BY_PORT.get(port)
    return None if choice == "none" else choice


def _from_dict(item: Mapping, option: str) -> dict:
    problems = [Problem(f"{option}.{key}", unknown("key", key, TARGET_KEYS)) for key in item if key not in TARGET_KEYS]
    if "host" not in item:
        problems.append(Problem(f"{option}.host", "is required"))
    if problems:
        raise ValidationError(problems)
    fields: dict = {"host": _host(item["host"], f"{option}.host")}
    fields["port"] = _port(item["port"], f"{option}.port") if item.get("port") is not None else DEFAULT_PORT
    if item.get("ip") is not None:
        if not is_ip(str(item["ip"]).strip()):
            raise ValidationError([Problem(f"{option}.ip", f"'{item['ip']}' is not an IP address")])
        fields["ip"] = str(ipaddress.ip_address(str(item["ip"]).strip()))
    if item.get("sni") is not None:
        sni = str(item["sni"]).strip()
        if is_ip(sni.strip("[]")):
            raise ValidationError([Problem(f"{option}.sni", f"'{sni}' is an IP address; SNI carries host names only "
                                                            "(RFC 6066), leave sni out to send none")])
        name = _hostname(sni)
        if name is None:
            raise ValidationError([Problem(f"{option}.sni", f"'{sni}' is not a host name")])
        fields["sni"] = name
    if item.get("starttls") is not None:
        fields["starttls"] = _starttls(item["starttls"], f"{option}.starttls")
    if item.get("name") is not None:
        fields["name"] = str(item["name"])
    return fields


def _one(item: object, index: int, default_starttls: str, option: str) -> Target:
    where = f"{option}[{index}]"
    if isinstance(item, str):
        host, port = _split(item, where)
        fields: dict = {"host": host, "port": port}
    elif isinstance(item, Mapping):
        fields = _from_dict(item, where)
    else:
        kind = next((t.__name__ for t in (bool, int, float, list, tuple) if isinstance(item, t)), type(item).__name__)
        raise ValidationError([Problem(where, f"must be 'host[:port]' or a dict with host, port, ip, sni, starttls, "
                                              f"name; got {kind} {item!r}")])
    host, port = fields["host"], fields["port"]
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    host_is_ip = is_ip(host)
    return Target(
        index=index,
        target=shown,
        name=fields.get("name", shown),
        host=host,
        port=port,
        ip=fields.get("ip", host if host_is_ip else None),
        sni=fields.get("sni", None if host_is_ip else host),
        starttls=_resolve_starttls(fields.get("starttls", default_starttls), port),
    )


def parse_targets(items: Sequence[object], default_starttls: str = "auto", option: str = "targets") -> list[Target]:
    """Every target, or one ValidationError naming each bad entry by its index."""
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise ValidationError([Problem(option, "must be a list of targets")])
    if not items:
        raise ValidationError([Problem(option, "is empty; give at least one host[:port]")])
    default = _starttls(default_starttls, "starttls")
    targets: list[Target] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            targets.append(_one(item, index, default, option))
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        raise ValidationError(problems)
    return targets
