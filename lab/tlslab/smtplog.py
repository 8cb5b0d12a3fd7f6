# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SYNTHETIC Exchange SMTP receive protocol logs: sessions written the way the Default Frontend receive connector
logs them (research/legacy-tls-monitoring.md, "SMTP protocol logs"): a CSV line per event, the client's EHLO,
STARTTLS and the "TLS protocol SP_PROT_..._SERVER negotiation succeeded" line, in hourly RECV files below
%ExchangeInstallPath%. No SMTP handshake happens; the lab host only has the logs an Exchange server would have."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from .host import EXCHANGE_INSTALL_PATH, Host

FOLDER = EXCHANGE_INSTALL_PATH + r"TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive"
FIELDS = "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context"
SP_PROT = {"ssl3_0": "SSL3", "tls1_0": "TLS1_0", "tls1_1": "TLS1_1", "tls1_2": "TLS1_2"}
CIPHER = ("bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with "
          "strength 160 bits and key exchange algorithm CALG_ECDHE with strength 256 bits")


@dataclass(frozen=True)
class SmtpClient:
    protocol: str
    client_ip: str
    ehlo: str

    @classmethod
    def from_vars(cls, data: object, where: str) -> SmtpClient:
        if not isinstance(data, dict) or data.get("protocol") not in SP_PROT:
            raise ValueError(f"{where}: should be a dict with protocol {', '.join(SP_PROT)}, client_ip and ehlo")
        return cls(data["protocol"], str(data.get("client_ip") or "10.0.0.1"),
                   str(data.get("ehlo") or "client.example"))


def log_path(when: datetime) -> str:
    return rf"{FOLDER}\RECV{when:%Y%m%d%H}-1.LOG"


def header(when: datetime) -> str:
    return ("#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n"
            f"#Date: {when:%Y-%m-%dT%H:%M:%S}.000Z\r\n#Fields: {FIELDS}\r\n")


def session(host: Host, when: datetime, number: int, client: SmtpClient) -> str:
    """One receive session: connect, EHLO, STARTTLS, the negotiated protocol, EHLO again, disconnect."""
    connector = f"{host.name.upper()}\\Default Frontend {host.name.upper()}"
    session_id = f"08DC{int(when.timestamp()):X}{number:04X}"
    local, remote = "127.0.0.1:25", f"{client.client_ip}:{40000 + number % 20000}"
    negotiated = f'"TLS protocol SP_PROT_{SP_PROT[client.protocol]}_SERVER negotiation succeeded using {CIPHER}"'
    events = (("+", "", ""), ("<", f"EHLO {client.ehlo}", ""),
              (">", f'"250-{host.dns_name} Hello [{client.client_ip}]"', ""), ("<", "STARTTLS", ""),
              (">", "220 2.0.0 SMTP server ready", ""), ("*", "", negotiated), ("<", f"EHLO {client.ehlo}", ""),
              ("-", "", "Remote(SocketError)"))
    stamp = f"{when:%Y-%m-%dT%H:%M:%S}"
    return "".join(f"{stamp}.{index * 100:03d}Z,{connector},{session_id},{index},{local},{remote},{event},{data},"
                   f"{context}\r\n" for index, (event, data, context) in enumerate(events))


def append_session(host: Host, when: datetime, number: int, client: SmtpClient, past: bool = False) -> None:
    """Append a session to the hour's RECV file (created with its header); ``past`` dates the file at the end of
    its hour, as Exchange leaves a file of an hour gone by."""
    path = log_path(when)
    if host.read_file(path) is None:
        host.write_file(path, header(when).encode())
    host.append_file(path, session(host, when, number, client).encode())
    if past:
        end = when.replace(minute=59, second=59).timestamp()
        os.utime(host.local_path(path), (end, end))
