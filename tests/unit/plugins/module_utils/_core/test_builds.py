from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core import builds as b
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError

# Microsoft Learn, "Protocols in TLS/SSL (Schannel SSP)" (MicrosoftDocs/win32 protocols-in-tls-ssl--schannel-ssp-.md,
# ms.date 03/20/2025). Each row names builds it covers; cells are client/server when they differ; n/a is "Not
# supported". The test parses this text independently of the code's own table.
PUBLISHED = """
| builds            | SSL 2.0             | SSL 3.0  | TLS 1.0 | TLS 1.1  | TLS 1.2  | TLS 1.3 | DTLS 1.0 | DTLS 1.2 |
| 6002              | Disabled / Enabled  | Enabled  | Enabled | n/a      | n/a      | n/a     | n/a      | n/a      |
| 6002+KB4019276    | Disabled / Enabled  | Enabled  | Enabled | Disabled | Disabled | n/a     | n/a      | n/a      |
| 7601              | Disabled / Enabled  | Enabled  | Enabled | Disabled | Disabled | n/a     | Enabled  | n/a      |
| 9200              | Disabled / Disabled | Enabled  | Enabled | Enabled  | Enabled  | n/a     | Enabled  | n/a      |
| 9600              | Disabled / Disabled | Enabled  | Enabled | Enabled  | Enabled  | n/a     | Enabled  | n/a      |
| 10240 10586       | Disabled / Disabled | Enabled  | Enabled | Enabled  | Enabled  | n/a     | Enabled  | n/a      |
| 14393 17763 19045 | n/a                 | Disabled | Enabled | Enabled  | Enabled  | n/a     | Enabled  | Enabled  |
| 20348             | n/a                 | Disabled | Enabled | Enabled  | Enabled  | Enabled | Enabled  | Enabled  |
| 22000 22621 22631 | n/a                 | Disabled | Enabled | Enabled  | Enabled  | Enabled | Enabled  | Enabled  |
| 26100             | n/a                 | Disabled | Enabled | Enabled  | Enabled  | Enabled | Enabled  | Enabled  |
"""
KEYS = ["ssl2_0", "ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3", "dtls1_0", "dtls1_2"]
WORD = {"Enabled": b.ENABLED, "Disabled": b.DISABLED, "n/a": b.NOT_SUPPORTED}


def _rows():
    for line in PUBLISHED.strip().splitlines()[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for token in cells[0].split():
            build, _plus, kb = token.partition("+")
            for key, cell in zip(KEYS, cells[1:], strict=True):
                client, _slash, server = cell.partition(" / ")
                yield int(build), bool(kb), key, WORD[client], WORD[server or client]


@pytest.mark.parametrize("build, kb, key, client, server", list(_rows()))
def test_default_table_matches_the_published_one(build, kb, key, client, server):
    installed = ("KB4019276",) if kb else ()
    os_build = b.WindowsBuild(build, server=True, hotfixes=b.Hotfixes(("KB4019276",), installed))
    assert (os_build.default_state(key, "client"), os_build.default_state(key, "server")) == (client, server)


@pytest.mark.parametrize("build, supported", [(17763, False), (19045, False), (20347, False), (20348, True),
                                              (22000, True), (26100, True)])
def test_tls13_support_boundary(build, supported):
    assert b.WindowsBuild(build).supports_tls13 is supported
    assert b.WindowsBuild(build).supports("tls1_3") is supported


@pytest.mark.parametrize("text, build, ubr", [("17763", 17763, None), (17763, 17763, None),
                                              ("10.0.17763", 17763, None), ("10.0.20348.2113", 20348, 2113),
                                              (" 6.1.7601 ", 7601, None)])
def test_parse_build_forms(text, build, ubr):
    parsed = b.parse_build(text)
    assert (parsed.build, parsed.ubr) == (build, ubr)


@pytest.mark.parametrize("text, message", [
    ("2019", "older than Windows Vista (6000); SCHANNEL settings for it are not modelled; did you mean 17763 "
             "(Windows Server 2019)?"),
    (2016, "did you mean 14393 (Windows Server 2016)?"),
    ("Server 2012 R2", "'Server 2012 R2' is not a Windows build; did you mean 9600 (Windows Server 2012 R2)?"),
    ("win11 24H2", "did you mean 26100 (Windows 11 24H2)?"),
    ("win2019x", "'win2019x' is not a Windows build (examples: 17763"),
    ("999999", "build 999999 is outside the Windows builds modelled (6000, Windows Vista, to 65535)"),
    (999999, "build 999999 is outside the Windows builds modelled"),
    pytest.param("1" * 5000, "is not a Windows build (examples", id="5000-digits"),
    ("10.0." + "7" * 30, "build number of 30 digits is outside"),
    pytest.param(10 ** 5000, "build number beyond 2**64 is outside", id="5000-digit-int"),
    ("10.0.17763.99999999999", "UBR 99999999999 is not a revision number (0 to 4294967295)"),
    ("1776\N{SUPERSCRIPT THREE}", "is not a Windows build"),
    ("\N{FULLWIDTH DIGIT ONE}7763", "is not a Windows build"),
    (True, "expected a Windows build number"),
    (17763.0, "expected a Windows build number such as 17763, got float"),
])
def test_parse_build_errors_name_the_option(text, message):
    with pytest.raises(ValidationError) as err:
        b.parse_build(text)
    assert str(err.value).startswith("os_build: ") and message in str(err.value)
    assert len(str(err.value)) < 300  # a 5,000-digit input is not echoed back whole


def test_product_names():
    assert b.WindowsBuild(17763, server=True).product == "Windows Server 2019"
    assert b.WindowsBuild(17763, server=False).product == "Windows 10 1809"
    assert b.WindowsBuild(17763).product == "Windows 10 1809 / Windows Server 2019"
    assert b.WindowsBuild(20349).product == "Windows Server 2022 (build 20349)"
    assert b.WindowsBuild(9600, ubr=20000).version == "6.3.9600.20000"
    assert b.WindowsBuild(7601).version == "6.1.7601"
    assert b.WindowsBuild(18362, server=True).product == "Windows Server 1903"
    assert b.WindowsBuild(18363, server=True).product == "Windows Server 1909"
    assert b.WindowsBuild(25398).product == "Windows Server 23H2"


def test_the_24h2_2025_defaults_say_the_sources_disagree_and_21h2_to_23h2_carry_no_note():
    row = b.WindowsBuild(26100).defaults
    assert row.unconfirmed == ("tls1_0", "tls1_1") and "verify on the host" in row.note
    assert b.WindowsBuild(22631).defaults.note == "" and b.WindowsBuild(22631).defaults.unconfirmed == ()


def test_hotfix_states_never_turn_a_failed_or_missing_read_into_missing():
    assert b.Hotfixes().state("KB3140245") == "unknown"
    assert b.Hotfixes(("KB3140245",), ("KB3140245",)).state("KB3140245") == "installed"
    assert b.Hotfixes(("KB3140245",), ()).state("KB3140245") == "missing"
    assert b.Hotfixes(("KB3140245",), (), "RPC server unavailable").state("KB3140245") == "unknown"
    assert b.Hotfixes(("KB4019276",), ()).state("KB3140245") == "unknown"  # not asked


@pytest.mark.parametrize("build, hotfixes, state", [
    (7600, b.Hotfixes(("KB3140245",), ("KB3140245",)), "missing"),  # the update needs SP1
    (7601, b.Hotfixes(), "unknown"),
    (7601, b.Hotfixes(("KB3140245",), ("KB3140245",)), "installed"),
    (9200, b.Hotfixes(("KB3140245",), ()), "missing"),
    (9600, b.Hotfixes(), "installed"),
])
def test_winhttp_reads_default_secure_protocols_only_with_kb3140245_on_7_and_2012(build, hotfixes, state):
    assert b.WindowsBuild(build, hotfixes=hotfixes).winhttp_registry_honoured() == state


@pytest.mark.parametrize("build, ubr, protocols, assumed", [
    (7601, None, ("ssl3_0", "tls1_0"), False),
    (9200, None, ("ssl3_0", "tls1_0"), False),
    (9600, None, ("ssl3_0", "tls1_0", "tls1_1", "tls1_2"), False),
    (17763, 3406, ("ssl3_0", "tls1_0", "tls1_1", "tls1_2"), False),  # before the 2022-09-20 update
    (17763, 3469, ("ssl3_0", "tls1_2"), False),  # KB5017811
    (17763, None, ("ssl3_0", "tls1_2"), True),
    (19041, 9999, ("ssl3_0", "tls1_0", "tls1_1", "tls1_2"), False),  # 2004 is not in KB5017811's list
    (19044, 2075, ("ssl3_0", "tls1_2"), False),
    (19045, 5737, ("ssl3_0", "tls1_2"), False),
    (20348, 2966, ("ssl3_0", "tls1_0", "tls1_1", "tls1_2"), False),
    (22000, 1, ("tls1_2", "tls1_3"), False),
    (26100, None, ("tls1_2", "tls1_3"), False),
])
def test_client_defaults_per_build_and_ubr(build, ubr, protocols, assumed):
    defaults = b.WindowsBuild(build, ubr=ubr).client_defaults()
    assert (defaults.protocols, defaults.assumed) == (protocols, assumed)


@pytest.mark.parametrize("release, version", [(None, None), (378388, None), (378389, "4.5"), (394802, "4.6.2"),
                                              (461814, "4.7.2"), (528040, "4.8"), (528449, "4.8"),
                                              (533320, "4.8.1"), (533509, "4.8.1")])
def test_dotnet_release_to_version(release, version):
    assert b.dotnet_version(release) == version
