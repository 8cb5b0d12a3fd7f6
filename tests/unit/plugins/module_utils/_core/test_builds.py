from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core import builds as b
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError

# Microsoft Learn, "Protocols in TLS/SSL (Schannel SSP)" (ms.date 03/20/2025), as transcribed in
# research/windows-tls-registry.md section 1.4. Each row names builds it covers; cells are client/server when they
# differ; n/a is "Not supported". The test parses this text independently of the code's own table.
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
    os_build = b.WindowsBuild(build, kb4019276=kb)
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


@pytest.mark.parametrize("text, message", [("2019", "older than Windows Vista"), ("win2019", "is not a Windows build"),
                                           (True, "expected a Windows build number")])
def test_parse_build_errors_name_the_option(text, message):
    with pytest.raises(ValidationError) as err:
        b.parse_build(text)
    assert str(err.value).startswith("os_build: ") and message in str(err.value)


def test_product_names():
    assert b.WindowsBuild(17763, server=True).product == "Windows Server 2019"
    assert b.WindowsBuild(17763, server=False).product == "Windows 10 1809"
    assert b.WindowsBuild(17763).product == "Windows 10 1809 / Windows Server 2019"
    assert b.WindowsBuild(20349).product == "Windows Server 2022 (build 20349)"
    assert b.WindowsBuild(9600, ubr=20000).version == "6.3.9600.20000"
    assert b.WindowsBuild(7601).version == "6.1.7601"


@pytest.mark.parametrize("release, version", [(None, None), (378388, None), (378389, "4.5"), (394802, "4.6.2"),
                                              (461814, "4.7.2"), (528040, "4.8"), (528449, "4.8"),
                                              (533320, "4.8.1"), (533509, "4.8.1")])
def test_dotnet_release_to_version(release, version):
    assert b.dotnet_version(release) == version
