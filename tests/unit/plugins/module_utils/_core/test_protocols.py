from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core import protocols as p
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError


@pytest.mark.parametrize("spelling", ["tls1_2", "TLS 1.2", "tls 1.2", "TLSv1.2", "tls1.2", "TLS1_2"])
def test_every_common_spelling_resolves(spelling):
    assert p.protocol(spelling).key == "tls1_2"


def test_unknown_protocol_names_the_option_and_suggests():
    with pytest.raises(ValidationError) as err:
        p.protocol("tls1_9", "overrides.protocols.tls1_9")
    assert str(err.value).startswith("overrides.protocols.tls1_9: unknown protocol 'tls1_9'")
    assert "did you mean" in str(err.value)


@pytest.mark.parametrize("key, server, client, winhttp", [
    ("ssl2_0", 0x4, 0x8, 0x8), ("ssl3_0", 0x10, 0x20, 0x20), ("tls1_0", 0x40, 0x80, 0x80),
    ("tls1_1", 0x100, 0x200, 0x200), ("tls1_2", 0x400, 0x800, 0x800), ("tls1_3", 0x1000, 0x2000, 0x2000),
    ("dtls1_0", 0x10000, 0x20000, None), ("dtls1_2", 0x40000, 0x80000, None),
])
def test_published_bit_values(key, server, client, winhttp):
    proto = p.BY_KEY[key]
    assert (proto.sp_prot_server, proto.sp_prot_client, proto.secure_protocols_bit) == (server, client, winhttp)


@pytest.mark.parametrize("mask, keys", [
    (0x800, ("tls1_2",)), (0xA80, ("tls1_0", "tls1_1", "tls1_2")), (0x2800, ("tls1_2", "tls1_3")),
    (0xAA0, ("ssl3_0", "tls1_0", "tls1_1", "tls1_2")), (0xA0, ("ssl3_0", "tls1_0")),
])
def test_secure_protocols_masks_both_ways(mask, keys):
    assert p.protocols_from_mask(mask) == (keys, 0)
    assert p.mask_from_protocols(keys) == mask


def test_unexplained_bits_are_returned_not_dropped():
    assert p.protocols_from_mask(0x801) == (("tls1_2",), 0x1)


def test_sp_prot_server_mask():
    assert p.protocols_from_mask(0x440, "sp_prot_server") == (("tls1_0", "tls1_2"), 0)
    assert p.mask_from_protocols(("tls1_3", "dtls1_2"), "sp_prot_client") == 0x82000


def test_dtls_has_no_winhttp_bit():
    with pytest.raises(ValidationError, match=r"DTLS 1\.2 has no bit"):
        p.mask_from_protocols(("dtls1_2",))


@pytest.mark.parametrize("field, key", [("400", "tls1_2"), ("40", "tls1_0"), ("0x100", "tls1_1"),
                                        ("10", "ssl3_0"), ("1000", "tls1_3"), ("-", None)])
def test_iis_crypt_protocol(field, key):
    assert p.from_iis_crypt_protocol(field) == key


def test_protocol_keys_reports_every_bad_name():
    with pytest.raises(ValidationError) as err:
        p.protocol_keys(["tls1_2", "tls2", "ssl9"], "winhttp")
    assert [pr.option for pr in err.value.problems] == ["winhttp[1]", "winhttp[2]"]


@pytest.mark.parametrize("field, key", [("0X400", "tls1_2"), ("0x0040", "tls1_0"), ("80", "tls1_0"), ("401", None),
                                        ("0x", None), ("", None), ("zz", None), ("1" * 40, None), ("-5", None)])
def test_iis_crypt_protocol_is_total(field, key):
    assert p.from_iis_crypt_protocol(field) == key


@given(st.one_of(st.text(max_size=40), st.binary(max_size=40), st.integers(), st.none()))
def test_iis_crypt_protocol_never_raises(value):
    assert p.from_iis_crypt_protocol(value) in (None, *p.BY_KEY)


@pytest.mark.parametrize("name, found", [
    ("SP_PROT_TLS1_0_SERVER", ("tls1_0", "server")), ("SP_PROT_TLS1_SERVER", ("tls1_0", "server")),
    ("SP_PROT-TLS1_1_CLIENT", ("tls1_1", "client")), ("sp_prot_tls1_2_server", ("tls1_2", "server")),
    ("SP_PROT_SSL3_SERVER", ("ssl3_0", "server")), ("SP_PROT_TLS1_3_CLIENT", ("tls1_3", "client")),
    ("SP_PROT_TLS9_9_SERVER", None), ("TLS1_0_SERVER", None), (None, None),
])
def test_sp_prot_names_as_exchange_writes_them(name, found):
    assert p.from_sp_prot_name(name) == found


def test_find_protocol_does_not_raise():
    assert p.find_protocol("TLS 1.0").key == "tls1_0"
    assert p.find_protocol("Unknown (0x7)") is None
