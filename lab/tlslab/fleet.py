# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Describe a fleet (a count with an OS mix, or a fleet file), create its state, and write the Ansible inventory
that reaches it: WinRM over HTTP with Basic auth to 127.0.0.1, routed to each host by ``ansible_winrm_path``."""

from __future__ import annotations

import json
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .history import MAX_DAYS as MAX_HISTORY_DAYS
from .history import LegacyClient, seed
from .host import Host, Timing
from .osprofiles import profile
from .pki import ensure_ca
from .presets import PRESETS, preset
from .smtplog import SmtpClient
from .tlsservice import KINDS

DEFAULT_PORT = 55985
DEFAULT_TLS_PORT_BASE = 56000


@dataclass
class HostSpec:
    name: str
    os: str
    listeners: tuple[str, ...] = ("https",)
    components: dict = field(default_factory=dict)
    faults: dict = field(default_factory=dict)
    presets: tuple[str, ...] = ()
    usage_history_days: int = 0                         # SYNTHETIC clean history (history.py)
    legacy_clients: tuple[LegacyClient, ...] = ()       # SYNTHETIC legacy clients replayed at creation
    smtp_clients: tuple[SmtpClient, ...] = ()           # SYNTHETIC SMTP receive sessions (an Exchange host)

    def __post_init__(self) -> None:
        for name in self.presets:
            preset(name)  # an unknown name fails here, before any state is written


@dataclass
class LabConfig:
    port: int = DEFAULT_PORT
    user: str = "lab"
    password: str = "lab-password"
    tls_port_base: int = DEFAULT_TLS_PORT_BASE
    timing: Timing = field(default_factory=Timing)
    hosts: list[str] = field(default_factory=list)
    ports: dict[str, dict[str, int]] = field(default_factory=dict)

    def save(self, state: Path) -> None:
        data = dict(self.__dict__, timing=self.timing.__dict__)
        (state / "lab.json").write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, state: Path) -> LabConfig:
        data = json.loads((state / "lab.json").read_text())
        data["timing"] = Timing(**data["timing"])
        return cls(**data)


def free_port() -> int:
    """A port nobody listens on right now (tls_port_base 0 asks for one per listener, as tests do)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _host_name(os_key: str, index: int) -> str:
    prefix = os_key.split("_")[0] if os_key.startswith("win") else f"srv{os_key}"
    return f"{prefix}-{index:02d}"


def from_count(count: int, mix: list[str], listeners: tuple[str, ...]) -> list[HostSpec]:
    keys = [profile(m).key for m in mix]
    return [HostSpec(_host_name(keys[i % len(keys)], i + 1), keys[i % len(keys)], listeners) for i in range(count)]


def _host_vars(name: str, variables: dict | None, source: Path) -> HostSpec:
    variables = variables or {}
    os_name = variables.get("lab_os", variables.get("os"))
    if os_name is None:
        raise ValueError(f"{source}: host {name} has no lab_os")
    listeners = variables.get("lab_listeners", variables.get("listeners", ["https"]))
    unknown = set(listeners) - set(KINDS)
    if unknown:
        raise ValueError(f"{source}: host {name}: unknown listener(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(KINDS)})")
    presets = variables.get("lab_presets", variables.get("presets")) or []
    if not isinstance(presets, list) or not all(isinstance(p, str) for p in presets):
        raise ValueError(f"{source}: host {name}: lab_presets must be a list of preset names")
    unknown_presets = [p for p in presets if p not in PRESETS]
    if unknown_presets:
        raise ValueError(f"{source}: host {name}: unknown preset(s) {', '.join(unknown_presets)} "
                         f"(known: {', '.join(PRESETS)})")
    days = variables.get("lab_usage_history_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_HISTORY_DAYS:
        raise ValueError(f"{source}: host {name}: lab_usage_history_days must be a whole number from 0 to "
                         f"{MAX_HISTORY_DAYS}")
    clients = variables.get("lab_legacy_clients") or []
    if not isinstance(clients, list):
        raise ValueError(f"{source}: host {name}: lab_legacy_clients must be a list")
    legacy = tuple(LegacyClient.from_vars(c, f"{source}: host {name}: lab_legacy_clients[{i}]")
                   for i, c in enumerate(clients))
    senders = variables.get("lab_smtp_clients")
    if senders is not None and not isinstance(senders, list):
        raise ValueError(f"{source}: host {name}: lab_smtp_clients must be a list")
    smtp = tuple(SmtpClient.from_vars(c, f"{source}: host {name}: lab_smtp_clients[{i}]")
                 for i, c in enumerate(senders or []))
    components = dict(variables.get("lab_components", variables.get("components")) or {})
    if senders is not None:
        components.setdefault("exchange", "2019")   # SMTP receive logs: the host runs Exchange
    return HostSpec(name, profile(os_name).key, tuple(listeners), components,
                    dict(variables.get("lab_faults", variables.get("faults")) or {}), tuple(presets), days, legacy,
                    smtp)


def from_file(path: Path) -> list[HostSpec]:
    """A fleet file: ``hosts: {name: {os, listeners, faults, components, presets}}`` or an Ansible YAML inventory
    whose host variables are ``lab_os``, ``lab_listeners``, ``lab_faults``, ``lab_components`` and
    ``lab_presets``."""
    data = yaml.safe_load(path.read_text()) or {}
    found: dict[str, dict] = {}

    def walk(group: dict) -> None:
        for name, variables in (group.get("hosts") or {}).items():
            found.setdefault(name, {}).update(variables or {})
        for child in (group.get("children") or {}).values():
            walk(child or {})

    walk(data.get("all") or data)
    if not found:
        raise ValueError(f"{path}: no hosts found")
    return [_host_vars(name, variables, path) for name, variables in found.items()]


def create(state: Path, specs: list[HostSpec], config: LabConfig) -> list[Host]:
    if state.exists():
        shutil.rmtree(state)
    (state / "hosts").mkdir(parents=True)
    ensure_ca(state / "pki")
    hosts = []
    next_port = config.tls_port_base
    for spec in specs:
        config.ports[spec.name] = {}
        for kind in spec.listeners:
            config.ports[spec.name][kind] = next_port or free_port()
            next_port += 1 if next_port else 0
        host = Host.create(spec.name, profile(spec.os), state / "hosts" / spec.name, spec.listeners,
                           spec.components, spec.faults, spec.presets)
        if spec.usage_history_days or spec.legacy_clients or spec.smtp_clients:
            seed(host, spec.usage_history_days, spec.legacy_clients, smtp=spec.smtp_clients)
        hosts.append(host)
    config.hosts = [s.name for s in specs]
    config.save(state)
    write_inventory(state, hosts, config)
    return hosts


def load(state: Path, config: LabConfig) -> dict[str, Host]:
    return {name: Host.load(state / "hosts" / name, profile) for name in config.hosts}


def write_inventory(state: Path, hosts: list[Host], config: LabConfig) -> Path:
    groups: dict[str, dict] = {}
    for host in hosts:
        endpoints = []
        for kind, port in config.ports.get(host.name, {}).items():
            endpoint = {"name": f"{host.name}-{kind}", "host": host.dns_name, "ip": "127.0.0.1", "port": port,
                        "sni": host.dns_name}
            if kind == "smtp":
                endpoint["starttls"] = "smtp"
            endpoints.append(endpoint)
        groups.setdefault(f"lab_{host.profile.key}", {"hosts": {}})["hosts"][host.name] = {
            "ansible_winrm_path": f"/wsman/{host.name}",
            "lab_os": host.profile.key,
            "tls_endpoints": endpoints,
        }
    inventory = {"all": {"children": {"windows": {
        "vars": {
            "ansible_connection": "winrm", "ansible_host": "127.0.0.1", "ansible_port": config.port,
            "ansible_winrm_scheme": "http", "ansible_winrm_transport": "basic",
            "ansible_user": config.user, "ansible_password": config.password,
            "ansible_winrm_server_cert_validation": "ignore",
            "lab_state_dir": str(state), "lab_ca_file": str(state / "pki" / "ca.crt"),
        },
        "children": groups,
    }}}}
    path = state / "inventory.yml"
    header = "# Written by tlslab: an emulated fleet (tlslab), not Windows.\n"
    path.write_text(header + yaml.safe_dump(inventory, sort_keys=False))
    return path
