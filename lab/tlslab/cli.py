# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``tlslab``: start, stop, inspect and poke an emulated Windows fleet.

    tlslab start --hosts 4 --mix 2012r2,2019,2022   # prints the inventory path
    tlslab start --fleet fleet.yml                   # hosts, OS, listeners, faults from a file (or inventory)
    tlslab status | stop | reset
    tlslab fault srv2019-02 fail_write=2 latency_ms=50   (0 clears a fault)
    tlslab traffic srv2019-02 --protocols tls1_0,tls1_2 --count 3 --client-ip 10.20.7.44
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import fleet, traffic
from .host import FAULTS, Timing
from .osprofiles import PROFILES
from .tlsservice import KINDS

DEFAULT_STATE = Path(os.environ.get("TLSLAB_STATE", Path(".build") / "lab"))
# Port 0 means a free one (WinRM) or a free one per listener (TLS): for a lab next to another on the same machine.
DEFAULT_PORT = int(os.environ.get("TLSLAB_PORT", fleet.DEFAULT_PORT))
DEFAULT_TLS_PORT_BASE = int(os.environ.get("TLSLAB_TLS_PORT_BASE", fleet.DEFAULT_TLS_PORT_BASE))


class LabError(Exception):
    """A problem to report in one line."""


def _control(state: Path, action: str, payload: dict | None = None, timeout: float = 10.0) -> dict:
    config = fleet.LabConfig.load(state)
    token = base64.b64encode(f"{config.user}:{config.password}".encode()).decode()
    request = urllib.request.Request(f"http://127.0.0.1:{config.port}/lab/{action}",
                                     data=json.dumps(payload or {}).encode(), method="POST",
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        raise LabError(f"lab answered {err.code}: {err.read().decode(errors='replace')}") from None
    except OSError as err:
        raise LabError(f"the lab at 127.0.0.1:{config.port} is not running ({err})") from None


def _pid(state: Path) -> int | None:
    try:
        pid = int((state / "lab.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def cmd_start(args: argparse.Namespace) -> int:
    state = args.state
    if _pid(state):
        raise LabError(f"a lab is already running from {state} (pid {_pid(state)}); run stop first")
    if args.hosts or args.fleet:
        specs = (fleet.from_file(args.fleet) if args.fleet else
                 fleet.from_count(args.hosts, args.mix.split(","), tuple(k for k in args.listeners.split(",") if k)))
        config = fleet.LabConfig(port=args.port or fleet.free_port(), tls_port_base=args.tls_port_base,
                                 timing=Timing(args.pre_down, args.downtime))
        fleet.create(state, specs, config)
    elif not (state / "lab.json").is_file():
        raise LabError(f"no lab state in {state}: give --hosts N (and --mix) or --fleet FILE")
    log = (state / "lab.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", "tlslab", "--state", str(state), "serve"], stdout=log,
                               stderr=log, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise LabError(f"the lab exited at start; see {state / 'lab.log'}")
        try:
            status = _control(state, "status", timeout=2)
            break
        except LabError:
            time.sleep(0.2)
    else:
        raise LabError(f"the lab did not answer within 60 s; see {state / 'lab.log'}")
    print(f"tlslab (an emulator, not Windows): {len(status['hosts'])} hosts on 127.0.0.1:{status['port']}, "
          f"pid {process.pid}", file=sys.stderr)
    print(state / "inventory.yml")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .runtime import RunningLab  # imported here: the other commands do not need the server

    running = RunningLab(args.state)
    running.start()
    (args.state / "lab.pid").write_text(str(os.getpid()))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_sig: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_sig: stopping.append(True))
    print(f"serving {len(running.hosts)} hosts on 127.0.0.1:{running.port}", flush=True)
    while not stopping:
        time.sleep(0.2)
    running.stop()
    (args.state / "lab.pid").unlink(missing_ok=True)
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    pid = _pid(args.state)
    if pid is None:
        print("no lab running", file=sys.stderr)
        return 0
    os.kill(pid, signal.SIGTERM)
    for _attempt in range(100):
        if _pid(args.state) is None:
            return 0
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    (args.state / "lab.pid").unlink(missing_ok=True)
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    cmd_stop(args)
    if (args.state / "lab.json").is_file():
        import shutil

        shutil.rmtree(args.state)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    print(json.dumps(_control(args.state, "status", {"hosts": args.host or None}), indent=1))
    return 0


def cmd_fault(args: argparse.Namespace) -> int:
    changes = {}
    for item in args.settings:
        name, sep, value = item.partition("=")
        if not sep or name not in FAULTS:
            raise LabError(f"fault settings look like name=value with name one of {', '.join(FAULTS)}; got {item!r}")
        changes[name] = json.loads(value) if value.lstrip("-").isdigit() or value in ("true", "false") else value
    print(json.dumps(_control(args.state, "faults", {"hosts": [args.host], "set": changes})["hosts"], indent=1))
    return 0


def cmd_reboot(args: argparse.Namespace) -> int:
    print(json.dumps(_control(args.state, "reboot", {"hosts": args.host or None})))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    print(json.dumps(_control(args.state, "history", {"hosts": args.host or None, "days": args.days})))
    return 0


def cmd_traffic(args: argparse.Namespace) -> int:
    config = fleet.LabConfig.load(args.state)
    ports = config.ports.get(args.host)
    if ports is None:
        raise LabError(f"unknown host {args.host!r}")
    if args.listener not in ports:
        raise LabError(f"host {args.host} has no {args.listener} listener (it has: {', '.join(ports) or 'none'})")
    results = []
    for protocol in args.protocols.split(","):
        for _count in range(args.count):
            attempt = traffic.handshake(ports[args.listener], f"{args.host}.lab.test", protocol.strip(),
                                        args.state / "pki" / "ca.crt", args.client_ip, args.user_agent,
                                        starttls=args.listener == "smtp")
            results.append(attempt.to_json())
    print(json.dumps(results, indent=1))
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="tlslab", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    main.add_argument("--state", type=Path, default=DEFAULT_STATE, help="state directory (default: %(default)s)")
    sub = main.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="create (with --hosts/--fleet) or reopen a lab and run it in the background")
    start.add_argument("--hosts", type=int, help="number of hosts")
    start.add_argument("--mix", default="2019", help=f"OS profiles, round robin ({', '.join(PROFILES)})")
    start.add_argument("--fleet", type=Path, help="fleet file or Ansible YAML inventory with lab_os per host")
    start.add_argument("--listeners", default="https", help=f"TLS listeners per host ({', '.join(KINDS)}; '' none)")
    start.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help="WinRM port (default: %(default)s, or $TLSLAB_PORT; 0: a free one)")
    start.add_argument("--tls-port-base", type=int, default=DEFAULT_TLS_PORT_BASE,
                       help="first TLS listener port (default: %(default)s, or $TLSLAB_TLS_PORT_BASE; 0: free ones)")
    start.add_argument("--pre-down", type=float, default=0.5, help="seconds from shutdown.exe to offline")
    start.add_argument("--downtime", type=float, default=2.0, help="seconds a rebooting host is offline")
    sub.add_parser("serve", help="run in the foreground (what start runs)")
    sub.add_parser("stop", help="stop the running lab (by its process id)")
    sub.add_parser("reset", help="stop and delete the state")
    status = sub.add_parser("status", help="hosts, boot times, faults, TLS offers, lab CPU seconds")
    status.add_argument("host", nargs="*")
    fault = sub.add_parser("fault", help=f"set faults on a host ({', '.join(FAULTS)})")
    fault.add_argument("host")
    fault.add_argument("settings", nargs="+", metavar="name=value")
    reboot = sub.add_parser("reboot", help="reboot hosts out of band")
    reboot.add_argument("host", nargs="*")
    history = sub.add_parser("history", help="pretend N days passed: SYNTHETIC clean IIS/SCHANNEL history since a "
                             "boot N+1 days ago (compresses stage 2's observation window)")
    history.add_argument("host", nargs="*")
    history.add_argument("--days", type=int, required=True)
    traffic_cmd = sub.add_parser("traffic", help="make real client handshakes that the host records")
    traffic_cmd.add_argument("host")
    traffic_cmd.add_argument("--listener", default="https", choices=KINDS)
    traffic_cmd.add_argument("--protocols", default="tls1_0,tls1_2")
    traffic_cmd.add_argument("--count", type=int, default=1)
    traffic_cmd.add_argument("--client-ip", default="")
    traffic_cmd.add_argument("--user-agent", default="")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.state = args.state.resolve()
    try:
        return globals()[f"cmd_{args.command}"](args)
    except (LabError, ValueError) as err:
        print(f"lab: {err}", file=sys.stderr)
        return 2
