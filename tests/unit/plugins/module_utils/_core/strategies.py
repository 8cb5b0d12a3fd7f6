"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import (
    CIPHERS,
    DOTNET_VALUES,
    ECC_CURVES,
    HASHES,
    KEY_EXCHANGES,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.policy import STATES, parse_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.protocols import PROTOCOLS, TLS_KEYS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegValue
from ansible_collections.tlsguard.windows.plugins.module_utils._core.suites import SUITES

MODELLED_BUILDS = (6002, 7601, 9200, 9600, 10586, 14393, 17763, 19045, 20348, 22631, 26100)

builds = st.sampled_from(MODELLED_BUILDS).map(WindowsBuild)
states = st.sampled_from(STATES)
removal = st.sampled_from(("os_default", "unmanaged"))


def reg_values(dword_bias: bool = True):
    dwords = st.integers(0, 0xFFFFFFFF).map(lambda v: RegValue("REG_DWORD", v))
    small = st.sampled_from((0, 1, 0xFFFFFFFF)).map(lambda v: RegValue("REG_DWORD", v))
    text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=12)
    return st.one_of(
        small, dwords,
        text.map(lambda v: RegValue("REG_SZ", v)),
        text.map(lambda v: RegValue("REG_EXPAND_SZ", v)),
        st.lists(text.filter(bool), max_size=3).map(lambda v: RegValue("REG_MULTI_SZ", tuple(v))),
        st.binary(max_size=12).map(lambda v: RegValue("REG_BINARY", v)),
        st.integers(0, 2**64 - 1).map(lambda v: RegValue("REG_QWORD", v)),
    )


@st.composite
def policies(draw, build: WindowsBuild | None = None):
    """Any valid policy; with ``build``, its suite list names suites that build has (else compiling refuses)."""
    names = sorted(n for n, suite in SUITES.items() if build is None or suite.exists(build.build))
    data = {
        "protocols": {p.key: draw(st.one_of(states, st.fixed_dictionaries({"client": states, "server": states})))
                      for p in PROTOCOLS},
        "dotnet": {k: draw(states) for k in DOTNET_VALUES},
        "winhttp": draw(st.one_of(removal, st.lists(st.sampled_from(TLS_KEYS), min_size=1, unique=True))),
        "wininet": draw(st.one_of(removal, st.lists(st.sampled_from(TLS_KEYS), min_size=1, unique=True))),
        "ciphers": {k: draw(states) for k in CIPHERS},
        "hashes": {k: draw(states) for k in HASHES},
        "key_exchange": {**{k: draw(states) for k in KEY_EXCHANGES},
                         "dh_server_min_bits": draw(st.sampled_from((2048, 3072, "os_default", "unmanaged")))},
        "cipher_suites": draw(st.one_of(removal, st.lists(st.sampled_from(names), min_size=1, max_size=8,
                                                          unique=True))),
        "ecc_curves": draw(st.one_of(removal, st.lists(st.sampled_from(ECC_CURVES), min_size=1, max_size=4,
                                                       unique=True))),
        "event_logging": draw(st.one_of(removal, st.integers(0, 7))),
    }
    return parse_policy(data)
