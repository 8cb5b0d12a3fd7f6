from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import HOTFIXES
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import HostReplyError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import parse_reply, read_request
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import OS_KEY


def reply(**extra):
    values = [{"hive": "HKLM", "key": OS_KEY, "name": "CurrentBuildNumber", "type": "REG_SZ", "data": "7601"},
              {"hive": "HKLM", "key": OS_KEY, "name": "InstallationType", "type": "REG_SZ", "data": "Server"}]
    return {"registry_values": values, "facts": {"x64": True}, **extra}


def test_the_read_asks_for_every_update_that_matters_in_the_same_round_trip():
    request = read_request()
    assert request["hotfixes"] == list(HOTFIXES) == ["KB4019276", "KB3140245"]
    assert request["facts"] is True and request["read_keys"]
    assert "hotfixes" not in read_request(hotfixes=())


def test_installed_and_missing_updates_come_from_the_reply():
    state = parse_reply(reply(hotfixes={"queried": ["KB3140245", "kb4019276"], "installed": ["kb3140245"],
                                        "error": None}))
    assert state.build.hotfixes.state("KB3140245") == "installed"
    assert state.build.hotfixes.state("KB4019276") == "missing"
    assert state.os_json()["hotfixes"] == {"KB4019276": "missing", "KB3140245": "installed"}


@pytest.mark.parametrize("answer", [None, {"queried": ["KB3140245"], "installed": [], "error": "CIM query failed"}])
def test_no_answer_or_a_failed_query_is_unknown_never_missing(answer):
    state = parse_reply(reply(hotfixes=answer) if answer else reply())
    assert state.build.hotfixes.state("KB3140245") == "unknown"
    assert state.build.winhttp_registry_honoured() == "unknown"


@pytest.mark.parametrize("answer, message", [
    ("KB3140245", "host reply: 'hotfixes' should be a dict, got str"),
    ({"queried": "KB3140245", "installed": []}, "host reply: 'hotfixes.queried' should be a list of update ids"),
    ({"queried": [], "installed": [3140245]}, "host reply: 'hotfixes.installed' should be a list of update ids"),
    ({"queried": [], "installed": [], "error": 5}, "host reply: 'hotfixes.error' should be a string or null"),
])
def test_a_malformed_hotfix_answer_is_one_clear_message(answer, message):
    with pytest.raises(HostReplyError) as err:
        parse_reply(reply(hotfixes=answer))
    assert str(err.value) == message
