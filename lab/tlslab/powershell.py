# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What arrives as a command line: unwrap ``-EncodedCommand`` (Ansible nests it up to twice) and answer errors
as CLIXML, which Ansible decodes into plain stderr text. Nothing decoded here is ever executed."""

from __future__ import annotations

import base64
import binascii
import re

_ENCODED_FLAGS = ("-encodedcommand", "-enc", "-ec", "-e")
_LAUNCHER = re.compile(r"(?i)^\s*(?:&\s*)?[\"']?[^\s\"']*powershell(?:\.exe)?[\"']?\s")
MAX_DEPTH = 3


def decode_command(command_line: str) -> str | None:
    """The script behind ``-EncodedCommand``, unwrapping nested launches; None if there is none."""
    script = _decode_once(command_line)
    depth = 0
    while script is not None and depth < MAX_DEPTH and _LAUNCHER.match(script):
        inner = _decode_once(script)
        if inner is None:
            break
        script, depth = inner, depth + 1
    return script


def _decode_once(command_line: str) -> str | None:
    tokens = command_line.split()
    for index, token in enumerate(tokens[:-1]):
        if token.lower() in _ENCODED_FLAGS:
            try:
                return base64.b64decode(tokens[index + 1], validate=True).decode("utf-16-le")
            except (binascii.Error, UnicodeDecodeError):
                return None
    return None


def clixml_error(message: str) -> bytes:
    """stderr as Windows PowerShell writes an error record (Ansible strips it back to text)."""
    text = (message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "_x000D_").replace("\n", "_x000A_"))
    return ('#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
            f'<S S="Error">{text}_x000D__x000A_</S></Objs>').encode()
