from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import Hotfixes, WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.effective import evaluate, side_state, summary
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import protocol_ref
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegValue, dword, sz

W2019, W2022, W2008R2 = WindowsBuild(17763), WindowsBuild(20348), WindowsBuild(7601)


def values(key, side, enabled=None, dbd=None):
    out = {}
    if enabled is not None:
        out[protocol_ref(key, side, "Enabled")] = enabled if isinstance(enabled, RegValue) else dword(enabled)
    if dbd is not None:
        out[protocol_ref(key, side, "DisabledByDefault")] = dbd if isinstance(dbd, RegValue) else dword(dbd)
    return out


@pytest.mark.parametrize("enabled, dbd, state, notes", [
    (0, None, "disabled", ()),
    (0, 0, "disabled", ()),
    (1, None, "enabled", ()),
    (1, 1, "enabled", ("disabled_by_default_also_set",)),
    (0xFFFFFFFF, 0, "enabled", ("noncanonical_value",)),
    (None, 1, "disabled_by_default", ()),
    (None, 0, "os_default_enabled", ()),
    (None, None, "os_default_enabled", ()),
])
def test_rules_in_order(enabled, dbd, state, notes):
    st = side_state(values("tls1_0", "server", enabled, dbd), W2019, "tls1_0", "server")
    assert (st.state, st.notes) == (state, notes)


def test_absent_values_follow_the_build_table():
    assert side_state({}, W2008R2, "tls1_2", "server").state == "os_default_disabled"
    assert side_state({}, W2019, "ssl3_0", "client").state == "os_default_disabled"
    assert side_state({}, W2008R2, "ssl2_0", "server").state == "os_default_enabled"
    assert side_state({}, W2008R2, "ssl2_0", "client").state == "os_default_disabled"


def test_tls13_on_2019_is_not_supported_even_when_enabled_and_is_noted():
    st = side_state(values("tls1_3", "server", 1, 0), W2019, "tls1_3", "server")
    assert st.state == "not_supported" and st.notes == ("enabled_on_unsupported_build",)
    assert side_state(values("tls1_3", "server", 1, 0), W2022, "tls1_3", "server").state == "enabled"


def test_reg_sz_one_is_not_a_dword_and_counts_as_absent():
    st = side_state(values("tls1_0", "server", sz("1"), sz("0")), W2019, "tls1_0", "server")
    assert st.state == "os_default_enabled"
    assert st.notes == ("wrong_type:Enabled=sz:'1'", "wrong_type:DisabledByDefault=sz:'0'")


def test_sides_are_independent_and_summary_has_the_documented_shape():
    states = evaluate(values("tls1_0", "server", 0, 1), W2019)
    result = summary(states)
    assert list(result) == ["ssl2_0", "ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3", "dtls1_0", "dtls1_2"]
    assert result["tls1_0"] == {"client": "os_default_enabled", "server": "disabled"}
    assert result["ssl2_0"] == {"client": "not_supported", "server": "not_supported"}
    assert set(states) >= {"dtls1_0", "dtls1_2"}


def test_a_default_the_sources_disagree_on_is_noted_only_where_it_is_used():
    build = WindowsBuild(26100)
    assert side_state({}, build, "tls1_0", "server").notes == ("default_unconfirmed",)
    assert side_state(values("tls1_0", "server", 0), build, "tls1_0", "server").notes == ()
    assert side_state({}, build, "tls1_2", "server").notes == ()


def test_server_2008_sp2_has_tls12_only_with_kb4019276():
    unknown = WindowsBuild(6002, server=True)
    st = side_state(values("tls1_2", "server", 1), unknown, "tls1_2", "server")
    assert st.state == "not_supported" and st.notes == ("needs_update:KB4019276", "enabled_on_unsupported_build")
    patched = WindowsBuild(6002, server=True, hotfixes=Hotfixes(("KB4019276",), ("KB4019276",)))
    assert side_state(values("tls1_2", "server", 1), patched, "tls1_2", "server").state == "enabled"
    assert side_state({}, patched, "tls1_2", "server").state == "os_default_disabled"
    assert side_state({}, WindowsBuild(6001, server=True, hotfixes=patched.hotfixes), "tls1_2",
                      "server").state == "not_supported"  # the update needs SP2
