"""Target parsing: every accepted spelling, the port/STARTTLS/SNI decisions, and one message per mistake."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets


def one(item, default="auto"):
    [target] = parse_targets([item], default)
    return target


def problems(items, default="auto"):
    with pytest.raises(ValidationError) as err:
        parse_targets(items, default)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize("text, host, port, shown", [
    ("web01.corp.example", "web01.corp.example", 443, "web01.corp.example:443"),
    ("WEB01.Corp.Example:8443", "web01.corp.example", 8443, "web01.corp.example:8443"),
    ("10.1.2.3:636", "10.1.2.3", 636, "10.1.2.3:636"),
    ("[2001:db8::1]:993", "2001:db8::1", 993, "[2001:db8::1]:993"),
    ("[2001:DB8::1]", "2001:db8::1", 443, "[2001:db8::1]:443"),
    ("2001:db8::1", "2001:db8::1", 443, "[2001:db8::1]:443"),
    ("bücher.example", "xn--bcher-kva.example", 443, "xn--bcher-kva.example:443"),
])
def test_string_forms(text, host, port, shown):
    target = one(text)
    assert (target.host, target.port, target.target, target.name) == (host, port, shown, shown)


def test_a_dns_name_is_its_own_sni_and_is_resolved_later():
    target = one("web01.corp.example")
    assert (target.sni, target.ip) == ("web01.corp.example", None)


def test_an_ip_literal_is_never_sent_as_sni():
    target = one("10.1.2.3")
    assert (target.sni, target.ip) == (None, "10.1.2.3")


def test_an_ip_target_sends_the_sni_it_is_given():
    target = one({"host": "10.1.2.3", "sni": "DC01.corp.example", "name": "dc01"})
    assert (target.sni, target.ip, target.name) == ("dc01.corp.example", "10.1.2.3", "dc01")


def test_ip_key_connects_there_and_keeps_the_name_for_sni():
    target = one({"host": "web01.corp.example", "ip": "10.1.2.3", "port": "8443"})
    assert (target.host, target.ip, target.sni, target.port) == ("web01.corp.example", "10.1.2.3",
                                                                 "web01.corp.example", 8443)


@pytest.mark.parametrize("port, expected", [(25, "smtp"), (587, "smtp"), (143, "imap"), (110, "pop3"), (21, "ftp"),
                                            (389, "ldap"), (3389, "rdp"), (5222, "xmpp"), (5432, "postgres"),
                                            (443, None), (636, None), (5986, None)])
def test_starttls_follows_the_port_by_default(port, expected):
    assert one(f"mail.example:{port}").starttls == expected


def test_starttls_none_and_explicit_override_the_port():
    assert one("mail.example:25", "none").starttls is None
    assert one({"host": "mail.example", "port": 2525, "starttls": "SMTP"}).starttls == "smtp"
    assert one({"host": "mail.example", "port": 25, "starttls": "none"}, "smtp").starttls is None


def test_every_mistake_is_reported_with_its_index_at_once():
    assert problems(["ok.example", "bad:port", {"hots": "x"}, {"host": "a", "starttls": "smpt"}, 42,
                     "https://x.example/", {"host": "a", "port": 0}, {"host": "a", "sni": "10.0.0.1"},
                     {"host": "a", "ip": "not-an-ip"}, "under score_.example"]) == [
        "targets[1]: port 'port' is not a number from 1 to 65535",
        "targets[2].hots: unknown key 'hots'; did you mean 'host'? (valid: host, ip, name, port, sni, starttls)",
        "targets[2].host: is required",
        "targets[3].starttls: unknown STARTTLS protocol 'smpt'; did you mean 'smtp'? (valid: auto, ftp, imap, ldap, "
        "none, pop3, postgres, rdp, smtp, xmpp, xmpp_server)",
        "targets[4]: must be 'host[:port]' or a dict with host, port, ip, sni, starttls, name; got int 42",
        "targets[5]: 'https://x.example/' is not host[:port] (give a host name or address, not a URL)",
        "targets[6].port: port '0' is not a number from 1 to 65535",
        "targets[7].sni: '10.0.0.1' is an IP address; SNI carries host names only (RFC 6066), leave sni out to "
        "send none",
        "targets[8].ip: 'not-an-ip' is not an IP address",
        "targets[9]: 'under score_.example' is not a host name or IP address",
    ]


@pytest.mark.parametrize("items, message", [
    ([], "targets: is empty; give at least one host[:port]"),
    ("web01", "targets: must be a list of targets"),
    (["[2001:db8::1"], "targets[0]: '[2001:db8::1' is not host[:port]; write IPv6 as [address]:port"),
    ([{"host": "web01:8443"}], "targets[0].host: 'web01:8443' is not a host name or IP address; give the port in "
                               "'port'"),
    ([True], "targets[0]: must be 'host[:port]' or a dict with host, port, ip, sni, starttls, name; got bool True"),
    ([{"host": "a", "port": True}], "targets[0].port: port 'True' is not a number from 1 to 65535"),
    # Unicode digits never reach int() (campaign D9: '²' raised a ValueError), nor do 5,000 digits.
    (["127.0.0.1:\u00b2"], "targets[0]: port '\u00b2' is not a number from 1 to 65535"),
    ([{"host": "a", "port": "\u00b2"}], "targets[0].port: port '\u00b2' is not a number from 1 to 65535"),
    (["a:\uff11\uff12"], "targets[0]: port '\uff11\uff12' is not a number from 1 to 65535"),
    (["a:" + "9" * 5000], f"targets[0]: port '{'9' * 20}... (5000 characters)' is not a number from 1 to 65535"),
])
def test_edge_messages(items, message):
    assert problems(items) == [message]


def test_a_bad_default_starttls_names_the_option():
    assert problems(["a.example"], "smpt")[0].startswith("starttls: unknown STARTTLS protocol 'smpt'")


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)


@given(st.lists(labels, min_size=1, max_size=4).map(".".join), st.integers(1, 65535))
def test_host_and_port_round_trip(host, port):
    target = one(f"{host}:{port}")
    assert (target.host, target.port, target.target) == (host, port, f"{host}:{port}")
    assert one(target.target) == target


@given(st.ip_addresses(), st.integers(1, 65535))
def test_addresses_round_trip_and_never_become_sni(address, port):
    shown = f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"
    target = one(shown)
    assert (target.host, target.ip, target.port, target.sni, target.target) == (str(address), str(address), port,
                                                                                None, shown)
