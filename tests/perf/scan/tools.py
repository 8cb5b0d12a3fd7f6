# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each scanner is run on a list of local ports, and how its output becomes per-version verdicts.

Every tool returns ``{port: {protocol key: True/False}}`` for the versions it reports; a version a tool does not
test is left out (nmap's ssl-enum-ciphers does not try SSL 2.0, for example).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
PARALLEL = 20  # what "xargs -P 20" gives a one-target-at-a-time tool
_SSLYZE_KEYS = {"ssl_2_0_cipher_suites": "ssl2_0", "ssl_3_0_cipher_suites": "ssl3_0", "tls_1_0_cipher_suites": "tls1_0",
                "tls_1_1_cipher_suites": "tls1_1", "tls_1_2_cipher_suites": "tls1_2", "tls_1_3_cipher_suites": "tls1_3"}
_TESTSSL_KEYS = {"SSLv2": "ssl2_0", "SSLv3": "ssl3_0", "TLS1": "tls1_0", "TLS1_1": "tls1_1", "TLS1_2": "tls1_2",
                 "TLS1_3": "tls1_3"}
_SSLSCAN_KEYS = {("ssl", "2"): "ssl2_0", ("ssl", "3"): "ssl3_0", ("tls", "1.0"): "tls1_0", ("tls", "1.1"): "tls1_1",
                 ("tls", "1.2"): "tls1_2", ("tls", "1.3"): "tls1_3"}
_NMAP_KEYS = {"SSLv3": "ssl3_0", "TLSv1.0": "tls1_0", "TLSv1.1": "tls1_1", "TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}
_NMAP_TESTS = ("ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3")

Verdicts = dict[int, dict[str, bool]]


@dataclass(frozen=True)
class Context:
    work: Path  # a scratch directory for this run
    ports: list[int]
    ca: Path
    python: str  # the venv's Python, with sslyze and Ansible
    collections: Path  # the directory holding ansible_collections/tlsguard/windows


@dataclass(frozen=True)
class Tool:
    name: str
    depth: str  # 'protocols' or 'full': what information the run produces
    command: Callable[[Context], list[list[str]]]  # one or more command lines
    verdicts: Callable[[Context], Verdicts] | None  # None: a baseline that scans nothing
    parallel: int = 1  # how many of the command lines run at once


def run(tool: Tool, ctx: Context) -> None:
    commands = tool.command(ctx)

    def one(numbered: tuple[int, list[str]]) -> None:
        number, cmd = numbered
        env = {"ANSIBLE_COLLECTIONS_PATH": str(ctx.collections), "PATH": f"{Path(ctx.python).parent}:/usr/bin:/bin",
               "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "0", "HOME": str(Path.home()),
               "NO_PROXY": "127.0.0.1,localhost",
               # ansible-playbook prints its results as JSON, so no extra task is needed to get them out.
               "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
        with open(ctx.work / f"stdout-{number}.txt", "w", encoding="utf-8") as stdout:
            done = subprocess.run(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False,
                                  timeout=3600)
        if done.returncode not in (0, 1):  # sslscan and testssl use 1 for findings
            sys.stderr.write(f"{shlex.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}\n")

    with ThreadPoolExecutor(max_workers=tool.parallel) as pool:
        list(pool.map(one, enumerate(commands)))


def shown(tool: Tool, ctx: Context) -> str:
    """The command line(s) as documented: the first one, and how many like it ran."""
    commands = tool.command(ctx)
    more = f"  (x{len(commands)}, {tool.parallel} at a time)" if len(commands) > 1 else ""
    return shlex.join(commands[0]).replace(str(ctx.work), "$WORK") + more


# --- tls_scan ------------------------------------------------------------------------------------------------

def _targets_file(ctx: Context) -> Path:
    path = ctx.work / "tls_scan_targets.json"
    path.write_text(json.dumps({"bench_targets": [f"localhost:{p}" for p in ctx.ports], "bench_ca": str(ctx.ca)}))
    return path


def _playbook(depth: str) -> Callable[[Context], list[list[str]]]:
    def command(ctx: Context) -> list[list[str]]:
        play = ctx.work / f"tls_scan_{depth}.yml"
        ca = "\n        ca_file: \"{{ bench_ca }}\"" if depth == "full" else ""
        play.write_text(f"""- hosts: localhost
  gather_facts: false
  tasks:
    - tlsguard.windows.tls_scan:
        targets: "{{{{ bench_targets }}}}"
        depth: {depth}{ca}
""")
        playbook = str(Path(ctx.python).with_name("ansible-playbook"))
        return [[playbook, "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={ctx.python}",
                 "-e", f"@{_targets_file(ctx)}", str(play)]]
    return command


def _engine(depth: str) -> Callable[[Context], list[list[str]]]:
    def command(ctx: Context) -> list[list[str]]:
        script = Path(__file__).with_name("run_engine.py")
        ca = ["--ca-file", str(ctx.ca)] if depth == "full" else []
        return [[ctx.python, str(script), "--depth", depth, "--out", str(ctx.work / "tls_scan.json"),
                 "--collections", str(ctx.collections), *ca, *[f"localhost:{p}" for p in ctx.ports]]]
    return command


def _ansible_baseline(ctx: Context) -> list[list[str]]:
    play = ctx.work / "baseline.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                    "    - ansible.builtin.debug:\n        msg: nothing scanned\n")
    playbook = str(Path(ctx.python).with_name("ansible-playbook"))
    return [[playbook, "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={ctx.python}", str(play)]]


def _tls_scan_verdicts(ctx: Context) -> Verdicts:
    engine_out = ctx.work / "tls_scan.json"
    if engine_out.exists():
        result = json.loads(engine_out.read_text())
    else:  # ansible-playbook's JSON callback output (after any progress lines): the task's result for localhost
        text = (ctx.work / "stdout-0.txt").read_text()
        play = json.loads(text if text.startswith("{") else text[text.index("\n{") + 1:])
        result = play["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return {e["port"]: {k: v == "accepted" for k, v in e["protocols"].items() if v != "unknown"}
            for e in result["endpoints"]}


# --- sslyze CLI ----------------------------------------------------------------------------------------------

def _sslyze(extra: list[str]) -> Callable[[Context], list[list[str]]]:
    def command(ctx: Context) -> list[list[str]]:
        targets = ctx.work / "sslyze_targets.txt"
        targets.write_text("".join(f"localhost:{p}\n" for p in ctx.ports))
        return [[ctx.python, "-m", "sslyze", "--sslv2", "--sslv3", "--tlsv1", "--tlsv1_1", "--tlsv1_2", "--tlsv1_3",
                 *[a.replace("{ca}", str(ctx.ca)) for a in extra], "--mozilla_config=disable", "--quiet",
                 f"--json_out={ctx.work / 'sslyze.json'}", f"--targets_in={targets}"]]
    return command


def _sslyze_verdicts(ctx: Context) -> Verdicts:
    result = json.loads((ctx.work / "sslyze.json").read_text())
    out: Verdicts = {}
    for server in result["server_scan_results"]:
        scan = server.get("scan_result") or {}
        out[server["server_location"]["port"]] = {
            key: bool(scan[field]["result"]["accepted_cipher_suites"])
            for field, key in _SSLYZE_KEYS.items() if scan.get(field, {}).get("status") == "COMPLETED"}
    return out


# --- sslscan -------------------------------------------------------------------------------------------------

_SSLSCAN = ["sslscan", "--no-colour", "--no-ciphersuites", "--no-compression", "--no-fallback", "--no-groups",
            "--no-heartbleed", "--no-renegotiation", "--no-check-certificate"]


def _sslscan_serial(ctx: Context) -> list[list[str]]:
    targets = ctx.work / "sslscan_targets.txt"
    targets.write_text("".join(f"{HOST}:{p}\n" for p in ctx.ports))
    return [[*_SSLSCAN, f"--xml={ctx.work / 'sslscan-all.xml'}", f"--targets={targets}"]]


def _sslscan_parallel(ctx: Context) -> list[list[str]]:
    return [[*_SSLSCAN, f"--xml={ctx.work / f'sslscan-{p}.xml'}", f"{HOST}:{p}"] for p in ctx.ports]


def _sslscan_verdicts(ctx: Context) -> Verdicts:
    out: Verdicts = {}
    for path in ctx.work.glob("sslscan-*.xml"):
        for test in ET.parse(path).getroot().iter("ssltest"):
            out[int(test.get("port", "0"))] = {
                _SSLSCAN_KEYS[(p.get("type"), p.get("version"))]: p.get("enabled") == "1"
                for p in test.iter("protocol") if (p.get("type"), p.get("version")) in _SSLSCAN_KEYS}
    return out


# --- nmap ----------------------------------------------------------------------------------------------------

def _nmap(ctx: Context) -> list[list[str]]:
    return [["nmap", "-Pn", "-n", "-p", ",".join(map(str, ctx.ports)), "--script", "ssl-enum-ciphers",
             "-oX", str(ctx.work / "nmap.xml"), HOST]]


def _nmap_verdicts(ctx: Context) -> Verdicts:
    out: Verdicts = {}
    for port in ET.parse(ctx.work / "nmap.xml").getroot().iter("port"):
        script = port.find("script[@id='ssl-enum-ciphers']")
        offered = {_NMAP_KEYS[t.get("key", "")] for t in script.findall("table")
                   if t.get("key") in _NMAP_KEYS} if script is not None else set()
        out[int(port.get("portid", "0"))] = {key: key in offered for key in _NMAP_TESTS}
    return out


# --- testssl.sh ----------------------------------------------------------------------------------------------

_TESTSSL = ["testssl", "--quiet", "--color", "0", "--nodns", "none", "--warnings", "off"]


def _testssl(ctx: Context) -> list[list[str]]:
    if len(ctx.ports) == 1:
        return [[*_TESTSSL, "-p", "--jsonfile", str(ctx.work / "testssl.json"), f"{HOST}:{ctx.ports[0]}"]]
    commands = ctx.work / "testssl_targets.txt"
    commands.write_text("".join(f"-p {HOST}:{p}\n" for p in ctx.ports))
    return [[*_TESTSSL, "--parallel", "--jsonfile", str(ctx.work / "testssl.json"), "--file", str(commands)]]


def _testssl_verdicts(ctx: Context) -> Verdicts:
    out: Verdicts = {}
    for entry in json.loads((ctx.work / "testssl.json").read_text()):
        if entry.get("id") in _TESTSSL_KEYS:
            finding = entry["finding"]
            if finding.startswith(("offered", "not offered")):
                out.setdefault(int(entry["port"]), {})[_TESTSSL_KEYS[entry["id"]]] = finding.startswith("offered")
    return out


TOOLS = (
    Tool("ansible-playbook alone (one debug task, no scan)", "-", _ansible_baseline, None),
    Tool("tls_scan depth=protocols (ansible-playbook)", "protocols", _playbook("protocols"), _tls_scan_verdicts),
    Tool("tls_scan depth=protocols (engine, one python process)", "protocols", _engine("protocols"),
         _tls_scan_verdicts),
    Tool("sslscan 2.0.7 --no-ciphersuites, --targets (serial)", "protocols", _sslscan_serial, _sslscan_verdicts),
    Tool("sslscan 2.0.7 --no-ciphersuites, 20 processes at once", "protocols", _sslscan_parallel, _sslscan_verdicts,
         parallel=PARALLEL),
    Tool("nmap 7.93 --script ssl-enum-ciphers", "protocols", _nmap, _nmap_verdicts),
    Tool("testssl.sh 3.0.8 -p (--parallel for many)", "protocols", _testssl, _testssl_verdicts),
    Tool("sslyze 6.3.1 CLI, 6 protocol commands", "protocols", _sslyze([]), _sslyze_verdicts),
    Tool("tls_scan depth=full (ansible-playbook)", "full", _playbook("full"), _tls_scan_verdicts),
    Tool("tls_scan depth=full (engine, one python process)", "full", _engine("full"), _tls_scan_verdicts),
    Tool("sslyze 6.3.1 CLI, same information as depth=full", "full",
         _sslyze(["--elliptic_curves", "--certinfo", "--certinfo_ca_file={ca}", "--fallback", "--reneg"]),
         _sslyze_verdicts),
)
