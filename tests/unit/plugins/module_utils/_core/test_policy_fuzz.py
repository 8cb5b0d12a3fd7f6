"""Any overrides a playbook can hold (YAML scalars, lists, mappings, odd digits, huge numbers) give a policy or a
ValidationError naming the option: never another exception, never a message without the option."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.policy import SECTIONS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import PROFILES, resolve_policy

NAMES = st.sampled_from([*SECTIONS, "tls1_0", "TLS 1.2", "tls1_2", "client", "server", "rc4", "md5", "pkcs",
                         "dh_server_min_bits", "strong_crypto", "enabled", "disabled", "os_default", "unmanaged"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10 ** 30), 10 ** 30), st.floats(allow_nan=True),
                    st.text(max_size=12), NAMES,
                    st.sampled_from(["\N{SUPERSCRIPT TWO}", "2048", "\N{ARABIC-INDIC DIGIT THREE}072", "7", "0x800"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(NAMES, st.integers(0, 9)), inner,
                                                                       max_size=4)), max_leaves=12)
OVERRIDES = st.dictionaries(st.one_of(NAMES, st.text(max_size=8), st.integers(0, 9)), VALUES, max_size=4)
BUILDS = st.sampled_from([6002, 7601, 9600, 17763, 20348, 26100]).map(WindowsBuild)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), st.sampled_from(list(PROFILES))), OVERRIDES, BUILDS)
def test_overrides_give_a_policy_or_a_named_problem(profile, overrides, build):
    try:
        policy = resolve_policy(profile, overrides, build)[0]
        compile_policy(policy, build)
    except ValidationError as err:
        assert err.problems and all(p.option for p in err.problems), err
        assert all(p.option.split(".")[0].split("[")[0] in ("overrides", "cipher_suites", f"profile({profile})")
                   for p in err.problems), err
