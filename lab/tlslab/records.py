# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handshakes written down the way Windows does: SCHANNEL System events (36880 success in the UserData/EventXML
shape, 36888 fatal alert sent, 36874 no common cipher suite) and IIS W3C log lines, with the ``crypt-*`` custom
fields when the site logs them (iis.py). Formats: research/legacy-tls-monitoring.md §1.3-1.4 and §2.3-2.4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

PROVIDER = "<Provider Name='Schannel' Guid='{1f678132-5938-4686-9fdc-c8ff68f15c85}'/>"
LABELS = {"ssl3_0": "SSL 3.0", "tls1_0": "TLS 1.0", "tls1_1": "TLS 1.1", "tls1_2": "TLS 1.2", "tls1_3": "TLS 1.3"}
SP_PROT_SERVER = {"ssl3_0": 0x10, "tls1_0": 0x40, "tls1_1": 0x100, "tls1_2": 0x400, "tls1_3": 0x1000}
OPENSSL_VERSIONS = {"TLSv1": "tls1_0", "TLSv1.1": "tls1_1", "TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}
IIS_FIELDS = ("date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
              "cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes "
              "time-taken")   # the standard fields; custom ones (crypt-*) follow when a site has them (iis.py)
INFO_BIT, ERROR_BIT = 0x4, 0x1


@dataclass(frozen=True)
class Handshake:
    """A completed server handshake as the lab saw it."""

    protocol: str        # tls1_2 ...
    suite_id: int        # IANA code, e.g. 0xc030
    suite_name: str      # OpenSSL name, e.g. ECDHE-RSA-AES256-GCM-SHA384
    local_cert: str      # subject of the server certificate

    @property
    def key_exchange(self) -> str:
        if self.protocol == "tls1_3" or self.suite_name.startswith("ECDHE"):
            return "ECDHE"
        return "DHE" if self.suite_name.startswith("DHE") else "RSA"

    @property
    def exchange_strength(self) -> int:
        return {"ECDHE": 256, "DHE": 2048, "RSA": 2048}[self.key_exchange]

    def crypt_fields(self) -> tuple[str, str, str, str]:
        """IIS crypt-protocol, crypt-cipher, crypt-hash, crypt-keyexchange (ALG_ID hex, lowercase, no 0x)."""
        name = self.suite_name
        cipher = "6610" if "AES256" in name or "AES_256" in name else "660e" if "AES" in name else "6603"
        hashed = "800d" if name.endswith("SHA384") else "800c" if name.endswith("SHA256") else "8004"
        kex = {"ECDHE": "ae06", "DHE": "aa02", "RSA": "a400"}[self.key_exchange]
        return f"{SP_PROT_SERVER[self.protocol]:x}", cipher, hashed, kex


def _system(event_id: int, level: int, record_id: int, computer: str, when: datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    return (f"<System>{PROVIDER}<EventID>{event_id}</EventID><Version>0</Version><Level>{level}</Level>"
            "<Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
            f"<TimeCreated SystemTime='{stamp}'/><EventRecordID>{record_id}</EventRecordID><Correlation/>"
            "<Execution ProcessID='788' ThreadID='4120'/><Channel>System</Channel>"
            f"<Computer>{escape(computer)}</Computer><Security UserID='S-1-5-18'/></System>")


def event_36880(handshake: Handshake, record_id: int, computer: str, when: datetime) -> dict:
    body = ("<UserData><EventXML xmlns='LSA_NS'><Type>server</Type>"
            f"<Protocol>{LABELS[handshake.protocol]}</Protocol><CipherSuite>{handshake.suite_id:#x}</CipherSuite>"
            f"<ExchangeStrength>{handshake.exchange_strength}</ExchangeStrength><ContextHandle>0x0</ContextHandle>"
            f"<TargetName></TargetName><LocalCertSubjectName>{escape(handshake.local_cert)}</LocalCertSubjectName>"
            "<RemoteCertSubjectName></RemoteCertSubjectName></EventXML></UserData>")
    return _record(36880, 4, record_id, computer, when, body)


def event_alert(alert: int, record_id: int, computer: str, when: datetime) -> dict:
    """36888: a fatal alert was generated and sent (70 protocol_version, 40 handshake_failure)."""
    body = (f"<EventData><Data Name='AlertDesc'>{alert}</Data><Data Name='ErrorState'>"
            f"{1205 if alert == 40 else 306}</Data></EventData>")
    return _record(36888, 2, record_id, computer, when, body)


def event_no_cipher(protocol: str, record_id: int, computer: str, when: datetime) -> dict:
    body = f"<EventData><Data Name='Protocol'>{LABELS.get(protocol, protocol)}</Data></EventData>"
    return _record(36874, 2, record_id, computer, when, body)


def _record(event_id: int, level: int, record_id: int, computer: str, when: datetime, body: str) -> dict:
    xml = (f"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
           f"{_system(event_id, level, record_id, computer, when)}{body}</Event>")
    return {"log": "System", "provider": "Schannel", "id": event_id, "record_id": record_id,
            "time": when.isoformat().replace("+00:00", "Z"), "xml": xml}


@dataclass(frozen=True)
class Request:
    """An HTTP request as IIS logs it."""

    port: int
    method: str
    path: str
    client_ip: str
    user_agent: str
    host_header: str
    status: int
    headers: dict[str, str]   # lower-case names


def iis_header(when: datetime, fields: str) -> str:
    return ("#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
            f"#Date: {when:%Y-%m-%d %H:%M:%S}\r\n#Fields: {fields}\r\n")


def iis_line(when: datetime, computer: str, site: str, request: Request, custom: list[str]) -> str:
    stem, _sep, query = request.path.partition("?")
    fields = [f"{when:%Y-%m-%d}", f"{when:%H:%M:%S}", site, computer.upper(), "127.0.0.1", request.method,
              stem or "/", query or "-", str(request.port), "-", request.client_ip, "HTTP/1.1",
              (request.user_agent or "-").replace(" ", "+"), "-", request.host_header or "-", str(request.status), "0",
              "0", "180", "120", "15", *custom]
    return " ".join(fields) + "\r\n"


def now() -> datetime:
    return datetime.now(UTC)
