from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.effective import evaluate
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import protocol_ref
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import Snapshot, dword, sz
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.strategies import (
    builds,
    policies,
    reg_values,
)

W2019 = WindowsBuild(17763)


@st.composite
def scenario(draw):
    build = draw(builds)
    policy = draw(policies(build))
    refs = sorted({d.ref for d in compile_policy(policy, build).desired}, key=str)
    present = draw(st.lists(st.sampled_from(refs), unique=True)) if refs else []
    current = Snapshot({r: draw(reg_values()) for r in present})
    return build, compile_policy(policy, build, current), current


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_applying_a_plan_then_planning_again_yields_nothing(case):
    compiled, current = case[1:]
    first = plan(compiled, current)
    assert not plan(compiled, first.after(current)).changes
    assert first.changed == bool(first.changes)
    assert len({c.ref for c in first.changes}) == len(first.changes)  # one change per value


@settings(max_examples=200)
@given(builds.flatmap(lambda b: st.tuples(st.just(b), policies(b))))
def test_after_the_plan_every_managed_supported_protocol_has_the_wanted_state(case):
    build, policy = case
    after = plan(compile_policy(policy, build), Snapshot()).after(Snapshot())
    states = evaluate(after, build)
    for key, sides in policy.protocols.items():
        for side, wanted in sides.items():
            got = states[key][side].state
            if got == "not_supported":
                continue
            if wanted in ("enabled", "disabled"):
                assert got == wanted
            elif wanted == "os_default":
                assert got.startswith("os_default_")


def test_typed_comparison_makes_a_reg_sz_one_a_change():
    compiled = compile_policy(resolve_policy("enforce", None, W2019)[0], W2019)
    where = protocol_ref("tls1_2", "server", "Enabled")
    changes = {c.ref: c for c in plan(compiled, Snapshot({where: sz("1")})).changes}
    assert changes[where].before == sz("1") and changes[where].after == dword(1)


def test_order_turns_things_on_before_turning_things_off_and_deletes_last():
    policy = resolve_policy("enforce", None, W2019)[0]
    unsafe = Snapshot({protocol_ref("tls1_3", "server", "Enabled"): dword(1)})  # enforce removes it on 2019
    ops = plan(compile_policy(policy, W2019), unsafe).changes
    first_off = next(i for i, c in enumerate(ops) if c.ref.name == "Enabled" and c.after and c.after.data == 0)
    last_on = max(i for i, c in enumerate(ops) if c.ref.name == "Enabled" and c.after and c.after.data == 1)
    assert last_on < first_off
    assert [(c.op, c.ref) for c in ops[-1:]] == [("delete", protocol_ref("tls1_3", "server", "Enabled"))]


def test_reboot_reasons_follow_categories():
    ciphers_only = resolve_policy(None, {"ciphers": {"rc4": "disabled"}}, W2019)[0]
    result = plan(compile_policy(ciphers_only, W2019), Snapshot())
    assert result.changed and not result.reboot_required
    protocols = resolve_policy(None, {"protocols": {"tls1_0": "disabled"}}, W2019)[0]
    result = plan(compile_policy(protocols, W2019), Snapshot())
    assert result.reboot_required and "SCHANNEL protocol" in result.reboot_reasons[0]


def test_diff_is_reg_like_and_shows_before_and_after():
    policy = resolve_policy(None, {"protocols": {"tls1_0": {"server": "disabled"}}}, W2019)[0]
    where = protocol_ref("tls1_0", "server", "Enabled")
    diff = plan(compile_policy(policy, W2019), Snapshot({where: dword(1)})).diff()
    key = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server]"
    assert diff["before"] == f'{key}\n"Enabled"=dword:00000001\n'
    assert diff["after"] == f'{key}\n"DisabledByDefault"=dword:00000001\n"Enabled"=dword:00000000\n'


def test_host_ops_wire_shape():
    policy = resolve_policy(None, {"protocols": {"tls1_0": {"server": "os_default"}}}, W2019)[0]
    where = protocol_ref("tls1_0", "server", "Enabled")
    [op] = plan(compile_policy(policy, W2019), Snapshot({where: dword(1)})).host_ops()
    assert op == {"hive": "HKLM", "key": where.key, "name": "Enabled", "op": "delete"}


def test_a_change_shows_its_value_in_the_one_registry_shape():
    policy = resolve_policy(None, {"protocols": {"tls1_0": {"server": "disabled"}}}, W2019)[0]
    where = protocol_ref("tls1_0", "server", "Enabled")
    change = next(c for c in plan(compile_policy(policy, W2019), Snapshot({where: dword(0xFFFFFFFF)})).changes
                  if c.ref == where)
    assert change.to_json() == {"hive": "HKLM", "key": where.key, "name": "Enabled", "op": "set",
                                "category": "protocols", "before": {"type": "REG_DWORD", "data": 0xFFFFFFFF},
                                "after": {"type": "REG_DWORD", "data": 0}}
