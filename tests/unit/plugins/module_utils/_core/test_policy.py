"""One test per validation message of the policy schema: each names the option and says what is wrong."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.policy import Policy, parse_policy


def problems(data):
    with pytest.raises(ValidationError) as err:
        parse_policy(data, "overrides")
    return [str(p) for p in err.value.problems]


def test_unknown_section_suggests_the_right_name():
    assert problems({"protocol": {}}) == [
        "overrides.protocol: unknown policy section 'protocol'; did you mean 'protocols'? (valid: cipher_suites, "
        "ciphers, dotnet, ecc_curves, event_logging, hashes, key_exchange, protocols, winhttp, wininet)"]


def test_unknown_protocol_suggests():
    [message] = problems({"protocols": {"tls1_9": "disabled"}})
    assert message.startswith("overrides.protocols.tls1_9: unknown protocol 'tls1_9'; did you mean 'tls1_")


def test_unknown_state_suggests():
    [message] = problems({"protocols": {"tls1_0": "disable"}})
    assert message.startswith("overrides.protocols.tls1_0: unknown state 'disable'; did you mean 'disabled'?")


def test_unknown_side():
    [message] = problems({"protocols": {"tls1_0": {"servr": "disabled"}}})
    assert message.startswith("overrides.protocols.tls1_0.servr: unknown side 'servr'; did you mean 'server'?")


def test_section_must_be_a_mapping():
    assert problems({"ciphers": ["rc4"]}) == ["overrides.ciphers: expected a mapping, got list ['rc4']"]


def test_unknown_group_name():
    [message] = problems({"ciphers": {"rc5": "disabled"}})
    assert message.startswith("overrides.ciphers.rc5: unknown name 'rc5'; did you mean 'rc4'?")


def test_dh_bits_must_be_a_supported_size():
    assert problems({"key_exchange": {"dh_server_min_bits": 1000}}) == [
        "overrides.key_exchange.dh_server_min_bits: expected one of 1024, 2048, 3072, 4096, os_default or "
        "unmanaged, got 1000"]


def test_winhttp_must_be_a_list():
    assert problems({"winhttp": "tls1_2"}) == [
        "overrides.winhttp: expected a list of protocols, os_default or unmanaged, got 'tls1_2'"]


def test_winhttp_empty_list_is_refused():
    [message] = problems({"wininet": []})
    assert message.startswith("overrides.wininet: an empty protocol list would switch every protocol off")


def test_winhttp_unknown_protocol_names_the_index():
    [message] = problems({"winhttp": ["tls1_2", "tls13"]})
    assert message.startswith("overrides.winhttp[1]: unknown protocol 'tls13'")


def test_winhttp_has_no_dtls():
    assert problems({"winhttp": ["dtls1_2"]}) == [
        "overrides.winhttp: dtls1_2 cannot be set here (WinHTTP/WinINet have no DTLS bits)"]


def test_cipher_suites_must_be_a_list():
    [message] = problems({"cipher_suites": 5})
    assert message.startswith("overrides.cipher_suites: expected a non-empty list of cipher suite names")


def test_unknown_cipher_suite_suggests():
    [message] = problems({"cipher_suites": ["TLS_AES_256_GCM_SHA348"]})
    assert message == ("overrides.cipher_suites[0]: unknown Windows cipher suite 'TLS_AES_256_GCM_SHA348'; "
                       "did you mean 'TLS_AES_256_GCM_SHA384'?")


def test_cipher_suite_twice_is_a_conflict():
    assert problems({"cipher_suites": ["TLS_AES_256_GCM_SHA384", "tls_aes_256_gcm_sha384"]}) == [
        "overrides.cipher_suites[1]: cipher suite TLS_AES_256_GCM_SHA384 is listed twice (conflicting order)"]


def test_event_logging_range():
    [message] = problems({"event_logging": 8})
    assert message.startswith("overrides.event_logging: expected 0..7")


@pytest.mark.parametrize("section, value", [("event_logging", "\N{SUPERSCRIPT TWO}"),
                                            ("event_logging", "\N{ARABIC-INDIC DIGIT SEVEN}"),
                                            ("key_exchange", {"dh_server_min_bits": "\N{SUPERSCRIPT TWO}048"}),
                                            ("key_exchange", {"dh_server_min_bits": "2048" * 1000})])
def test_non_ascii_digits_are_not_numbers(section, value):
    [message] = problems({section: value})
    assert message.startswith(f"overrides.{section}") and "expected" in message


def test_two_spellings_of_one_protocol_are_a_conflict_not_last_wins():
    assert problems({"protocols": {"tls1_2": "enabled", "TLS 1.2": "disabled"}}) == [
        "overrides.protocols.TLS 1.2: 'tls1_2' and 'TLS 1.2' both name TLS 1.2; keep one"]


def test_ecc_curves_are_named_from_the_catalogue():
    assert parse_policy({"ecc_curves": ["nistp384", "NistP256"]}).ecc_curves == ("NistP384", "NistP256")
    [message] = problems({"ecc_curves": ["NistP384", "x25519"]})
    assert message.startswith("overrides.ecc_curves[1]: unknown ECC curve 'x25519'")
    assert problems({"ecc_curves": ["NistP384", "nistp384"]}) == [
        "overrides.ecc_curves[1]: curve NistP384 is listed twice (conflicting order)"]


def test_a_user_list_for_winhttp_is_exact_even_over_an_additive_profile_list():
    base = Policy(winhttp=("tls1_2",), additive=frozenset({"winhttp", "wininet"}))
    assert parse_policy({"winhttp": ["tls1_2"]}, base=base).additive == frozenset({"wininet"})


def test_top_level_must_be_a_mapping():
    with pytest.raises(ValidationError, match="overrides: expected a mapping, got list"):
        parse_policy(["tls1_2"], "overrides")


def test_all_problems_are_reported_at_once():
    assert len(problems({"protocols": {"tls1_9": "x"}, "ciphers": {"rc5": "off"}, "nope": 1})) == 3


def test_booleans_and_strings_are_states_and_sides_merge():
    policy = parse_policy({"protocols": {"tls1_0": False, "tls1_3": {"server": "disabled"}},
                           "dotnet": True, "event_logging": "7"})
    assert policy.protocols["tls1_0"] == {"client": "disabled", "server": "disabled"}
    assert policy.protocols["tls1_3"] == {"client": "unmanaged", "server": "disabled"}
    assert policy.dotnet == {"strong_crypto": "enabled", "system_default_tls_versions": "enabled"}
    assert policy.event_logging == 7


def test_overrides_go_on_top_of_a_base_and_json_round_trips():
    base = parse_policy({"protocols": {"tls1_2": "enabled"}, "cipher_suites": "TLS_AES_256_GCM_SHA384"})
    policy = parse_policy({"protocols": {"tls1_2": {"client": "os_default"}}}, base=base)
    assert policy.protocols["tls1_2"] == {"client": "os_default", "server": "enabled"}
    assert policy.cipher_suites == ("TLS_AES_256_GCM_SHA384",)
    assert parse_policy(policy.to_json()) == policy
    assert parse_policy(None) == Policy()
