# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WS-Management SOAP: parse the requests pywinrm sends, build the replies and faults it accepts.

Wire contract: research/winrm-emulator.md §1 (pywinrm 0.5 matches on element-name suffixes and on the
``Name="ShellId"`` attribute; Signal and Delete replies must echo the request's MessageID in RelatesTo).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
}
TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
SHELL = NS["rsp"]
ACTIONS = {
    TRANSFER + "Create": "create", TRANSFER + "Delete": "delete", SHELL + "/Command": "command",
    SHELL + "/Send": "send", SHELL + "/Receive": "receive", SHELL + "/Signal": "signal",
}
DONE = SHELL + "/CommandState/Done"
RUNNING = SHELL + "/CommandState/Running"
_TIMEOUT = re.compile(r"^PT(\d+(?:\.\d+)?)S$")


class BadRequest(ValueError):
    """The body is not a WS-Man request this lab understands."""


@dataclass
class Request:
    operation: str
    message_id: str
    shell_id: str | None
    operation_timeout: float
    options: dict[str, str] = field(default_factory=dict)
    body: ET.Element | None = None

    def find(self, path: str) -> ET.Element | None:
        return self.body.find(path, NS) if self.body is not None else None


def parse(raw: bytes) -> Request:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        raise BadRequest(f"not XML: {err}") from None
    header, body = root.find("s:Header", NS), root.find("s:Body", NS)
    if header is None or body is None:
        raise BadRequest("not a SOAP 1.2 envelope")
    action = header.findtext("a:Action", default="", namespaces=NS)
    operation = ACTIONS.get(action)
    if operation is None:
        raise BadRequest(f"unsupported action {action!r}")
    timeout = _TIMEOUT.match(header.findtext("w:OperationTimeout", default="PT20S", namespaces=NS) or "")
    selector = header.find("w:SelectorSet/w:Selector[@Name='ShellId']", NS)
    options = {o.get("Name", ""): (o.text or "") for o in header.findall("w:OptionSet/w:Option", NS)}
    return Request(
        operation=operation,
        message_id=header.findtext("a:MessageID", default="", namespaces=NS),
        shell_id=selector.text if selector is not None else None,
        operation_timeout=float(timeout.group(1)) if timeout else 20.0,
        options=options,
        body=body,
    )


def envelope(action: str, relates_to: str, body: str) -> bytes:
    return (f'<s:Envelope xml:lang="en-US" xmlns:s="{NS["s"]}" xmlns:a="{NS["a"]}" xmlns:w="{NS["w"]}" '
            f'xmlns:rsp="{NS["rsp"]}" xmlns:x="{NS["x"]}"><s:Header><a:Action>{action}</a:Action>'
            f"<a:MessageID>uuid:{str(uuid.uuid4()).upper()}</a:MessageID>"
            "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
            f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo></s:Header><s:Body>{body}</s:Body></s:Envelope>"
            ).encode()


def created(relates_to: str, shell_id: str, address: str) -> bytes:
    body = (f"<x:ResourceCreated><a:Address>{escape(address)}</a:Address><a:ReferenceParameters>"
            f"<w:ResourceURI>{SHELL}/cmd</w:ResourceURI><w:SelectorSet>"
            f'<w:Selector Name="ShellId">{shell_id}</w:Selector></w:SelectorSet></a:ReferenceParameters>'
            f"</x:ResourceCreated><rsp:Shell><rsp:ShellId>{shell_id}</rsp:ShellId>"
            "<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
            "</rsp:Shell>")
    return envelope(TRANSFER + "CreateResponse", relates_to, body)


def command_started(relates_to: str, command_id: str) -> bytes:
    return envelope(SHELL + "/CommandResponse", relates_to,
                    f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId></rsp:CommandResponse>")


def received(relates_to: str, command_id: str, stdout_b64: str, stderr_b64: str, exit_code: int | None) -> bytes:
    """A Receive reply; ``exit_code`` None means the command is still running (more output follows)."""
    parts = []
    if stdout_b64:
        parts.append(f'<rsp:Stream Name="stdout" CommandId="{command_id}">{stdout_b64}</rsp:Stream>')
    if stderr_b64:
        parts.append(f'<rsp:Stream Name="stderr" CommandId="{command_id}">{stderr_b64}</rsp:Stream>')
    if exit_code is None:
        parts.append(f'<rsp:CommandState CommandId="{command_id}" State="{RUNNING}"/>')
    else:
        parts.append(f'<rsp:Stream Name="stdout" CommandId="{command_id}" End="true"/>'
                     f'<rsp:Stream Name="stderr" CommandId="{command_id}" End="true"/>'
                     f'<rsp:CommandState CommandId="{command_id}" State="{DONE}">'
                     f"<rsp:ExitCode>{exit_code}</rsp:ExitCode></rsp:CommandState>")
    return envelope(SHELL + "/ReceiveResponse", relates_to,
                    f"<rsp:ReceiveResponse>{''.join(parts)}</rsp:ReceiveResponse>")


def empty(action: str, relates_to: str, element: str = "") -> bytes:
    return envelope(action, relates_to, f"<{element}/>" if element else "")


# WSManFault codes Windows uses (decimal), with the SOAP subcode that goes with them.
TIMED_OUT = (2150858793, "w:TimedOut",
             "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.")
UNKNOWN_SHELL = (2150858843, "w:InvalidSelectors",
                 "The request for the Windows Remote Shell with ShellId {id} failed because the shell was not found.")
UNKNOWN_COMMAND = (2150858882, "w:InvalidParameter", "The CommandId {id} is not valid for this shell.")
BAD_REQUEST = (2150858817, "w:SchemaValidationError", "The SOAP XML in the message does not match the schema: {id}")


def fault(relates_to: str, kind: tuple[int, str, str], detail: str = "") -> bytes:
    code, subcode, text = kind
    reason = escape(text.format(id=detail))
    body = (f"<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>{subcode}</s:Value></s:Subcode>"
            f'</s:Code><s:Reason><s:Text xml:lang="en-US">{reason}</s:Text></s:Reason><s:Detail>'
            f'<f:WSManFault xmlns:f="{NS["f"]}" Code="{code}" Machine="tlslab"><f:Message>{reason}</f:Message>'
            "</f:WSManFault></s:Detail></s:Fault>")
    return envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to, body)
