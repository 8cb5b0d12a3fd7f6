# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_host.ps1's backup folder and files on a lab host: the text rules for ``backup_dir``, the checks an existing
folder must pass (a real folder owned by and open only to SYSTEM and Administrators), creation admin-only, atomic
writes and BOM-aware reads. Folder ownership and ACLs are the lab host's ``fs_security`` records."""

from __future__ import annotations

import codecs
import json
import os
import re
import uuid
from collections.abc import Callable

from ..host import ADMINISTRATORS, CREATOR_OWNER, SYSTEM, Host
from .args import ModuleFailure

ADMIN_SIDS = (SYSTEM, ADMINISTRATORS)
EXAMPLE = r"such as C:\ProgramData\tlsguard\backups"
FIX = ("check the backups in it, then give it owner BUILTIN\\Administrators and access for SYSTEM and "
       "Administrators only (or remove it: tls_host creates it so)")
_BAD_CHARACTERS = re.compile(r'[\x00-\x1f<>"|?*]')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?", re.IGNORECASE | re.ASCII)


def resolve_backup_dir(raw: object, expand: Callable[[str], str]) -> str:
    """The same text rules as Resolve-BackupDir: a local absolute path, '.' and '..' resolved."""
    if raw is None:
        raise ModuleFailure(f"backup_dir: must be a local absolute path {EXAMPLE}, not null")
    path = expand(str(raw))
    if _BAD_CHARACTERS.search(path):
        raise ModuleFailure(f"backup_dir: '{path}' contains characters Windows does not allow in a path")
    if not re.match(r"[A-Za-z]:[\\/]", path):
        raise ModuleFailure(f"backup_dir: '{path}' is not a local absolute path ({EXAMPLE})")
    folders: list[str] = []
    for part in re.split(r"[\\/]", path[3:]):
        if part in ("", "."):
            continue
        if part == "..":
            if folders:
                folders.pop()
            continue
        if ":" in part:
            raise ModuleFailure(f"backup_dir: '{path}' contains characters Windows does not allow in a path")
        if part.endswith((".", " ")):
            raise ModuleFailure(f"backup_dir: '{path}': the folder name '{part}' ends with a dot or a space")
        if _RESERVED.fullmatch(part):
            raise ModuleFailure(f"backup_dir: '{path}': '{part}' is a reserved device name")
        folders.append(part)
    if not folders:
        raise ModuleFailure(f"backup_dir: '{path}' is a drive root; give a folder ({EXAMPLE})")
    return path[0].upper() + ":\\" + "\\".join(folders)


def folder_problem(host: Host, folder: str) -> str | None:
    """Get-FolderProblem: why the folder cannot be trusted, or None (a missing folder is fine)."""
    path = folder[:2]
    for part in folder[3:].split("\\"):
        path = f"{path}\\{part}"
        local = host.local_path(path)
        if local.is_file():
            return f"backup_dir: {path} is a file, not a folder"
        if not local.is_dir():
            return None
        if host.security(path)["reparse"]:
            return f"backup_dir: {path} is a junction or symbolic link; tls_host keeps backups only in a real folder"
    security = host.security(folder)
    if security["owner"] not in ADMIN_SIDS:
        return (f"backup_dir: {folder} is owned by {security['owner']}, not by Administrators or SYSTEM; a "
                f"non-administrator may have created it to read or plant backups: {FIX}")
    others = list(dict.fromkeys(s for s in security["allow"] if s not in ADMIN_SIDS and s != CREATOR_OWNER))
    if others:
        return (f"backup_dir: {folder} gives {', '.join(others)} access; only SYSTEM and Administrators may have "
                f"access, or a non-administrator could read or plant backups: {FIX}")
    return None


def ensure_folder(host: Host, folder: str) -> None:
    """Confirm-BackupFolder: every folder created on the way gets the protected admin-only DACL."""
    problem = folder_problem(host, folder)
    if problem is not None:
        raise ModuleFailure(f"{problem}; nothing was changed")
    path = folder[:2]
    for part in folder[3:].split("\\"):
        path = f"{path}\\{part}"
        local = host.local_path(path)
        if not local.is_dir():
            local.mkdir(parents=True)
            host.set_security(path, ADMINISTRATORS, list(ADMIN_SIDS))


def backup_path(folder: str, backup_id: str) -> str:
    return f"{folder}\\{backup_id}.json"


def write_backup(host: Host, folder: str, backup: dict) -> None:
    """Write-Backup: a new file in the same folder, then moved or swapped into place."""
    temp = host.local_path(f"{folder}\\{backup['id']}.{uuid.uuid4().hex}.tmp")
    temp.write_bytes(json.dumps(backup, indent=4).encode("utf-8"))
    os.replace(temp, host.local_path(backup["path"]))


def read_document(host: Host, folder: str, backup_id: str) -> str | None:
    """Read-BackupDocument: the text of the backup, None when there is none; .NET's ReadAllText decoding."""
    problem = folder_problem(host, folder)
    if problem is not None:
        raise ModuleFailure(problem)
    path = backup_path(folder, backup_id)
    data = host.read_file(path)
    if data is None:
        return None
    if host.security(path)["reparse"]:
        raise ModuleFailure(f"read_backup: {path} is a symbolic link; tls_host reads only real backup files")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    return data.decode("utf-8", "replace")
