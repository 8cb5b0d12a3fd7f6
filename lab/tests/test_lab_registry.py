"""Per-key last-write times, as RegQueryInfoKey reports them: what changes them and that a lab restart keeps them."""

from __future__ import annotations

from tlslab.host import Host
from tlslab.osprofiles import PROFILES
from tlslab.registry import Registry

KEY = r"HKLM\SYSTEM\Test\Key"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_creating_a_key_setting_or_deleting_a_value_and_subkey_changes_write_the_key():
    clock = Clock()
    registry = Registry(clock=clock)
    registry.set_value(KEY, "A", "REG_DWORD", 1)
    assert registry.last_written(KEY) == 100.0 and registry.last_written(r"HKLM\SYSTEM\Test") == 100.0
    clock.now = 200.0
    registry.get_value(KEY, "A")
    assert registry.last_written(KEY) == 100.0                      # reading writes nothing
    registry.set_value(KEY, "A", "REG_DWORD", 2)
    assert registry.last_written(KEY) == 200.0 and registry.last_written(r"HKLM\SYSTEM\Test") == 100.0
    clock.now = 300.0
    registry.create_key(KEY + r"\Sub")
    assert registry.last_written(KEY) == 300.0 and registry.last_written(KEY + r"\Sub") == 300.0
    clock.now = 400.0
    assert not registry.delete_value(KEY, "missing")
    assert registry.last_written(KEY) == 300.0                      # nothing deleted, nothing written
    registry.delete_key(KEY + r"\Sub")
    assert registry.last_written(KEY) == 400.0 and registry.last_written(KEY + r"\Sub") is None


def test_write_times_survive_a_lab_restart_and_an_old_state_counts_as_written_before_the_boot(tmp_path):
    host = Host.create("web01", PROFILES["2019"], tmp_path / "web01")
    boot = host.boot_unix
    schannel = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
    assert host.registry.last_written(schannel) < boot              # installed before the first boot
    host.registry.set_value(schannel, "EventLogging", "REG_DWORD", 7)
    written = host.registry.last_written(schannel)
    assert written >= boot
    host.save()
    assert Host.load(tmp_path / "web01", PROFILES.__getitem__).registry.last_written(schannel) == written
    state = host.home / "host.json"
    state.write_text(state.read_text().replace('"registry_written"', '"ignored"'))
    assert Host.load(tmp_path / "web01", PROFILES.__getitem__).registry.last_written(schannel) == boot - 1
