# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SYNTHETIC usage history for demos of tls_usage's gate: N past days of TLS 1.2 IIS log lines (one log file per
day, dated that day) and SCHANNEL 36880 events, on Exchange hosts a TLS 1.2 SMTP receive session per day too,
plus legacy clients replayed as if seen today. None of it comes from a handshake; the records have the same format
as those real lab handshakes leave (records.py) and as Exchange writes (smtplog.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import iis, records, smtplog
from .host import Host, filetime
from .osprofiles import SCHANNEL
from .smtplog import SmtpClient

SUITE = (0xC030, "ECDHE-RSA-AES256-GCM-SHA384")
LEGACY_SUITE = (0xC014, "ECDHE-RSA-AES256-SHA")
CLEAN_SMTP = SmtpClient("tls1_2", "10.0.0.25", "mx.partner.example")
MAX_DAYS = 400


@dataclass(frozen=True)
class LegacyClient:
    protocol: str
    client_ip: str
    user_agent: str = ""

    @classmethod
    def from_vars(cls, data: object, where: str) -> LegacyClient:
        if not isinstance(data, dict) or data.get("protocol") not in ("tls1_0", "tls1_1"):
            raise ValueError(f"{where}: should be a dict with protocol tls1_0 or tls1_1, client_ip and user_agent")
        return cls(data["protocol"], str(data.get("client_ip") or "10.0.0.1"), str(data.get("user_agent") or ""))


def _append(host: Host, when: datetime, client_ip: str, user_agent: str, handshake: records.Handshake) -> None:
    request = records.Request(443, "GET", "/", client_ip, user_agent, host.dns_name, 200, {})
    iis.log_request(host, when, request, handshake)
    host.log_event(lambda rid: records.event_36880(handshake, rid, host.dns_name, when))


def seed(host: Host, days: int, legacy: tuple[LegacyClient, ...], now: datetime | None = None,
         smtp: tuple[SmtpClient, ...] = ()) -> None:
    """Write the history oldest first (record ids grow with time, as on Windows); each day's file is dated its
    day, so the host module sees a log folder that has been written daily. The host's EventLogging becomes 7, its
    last boot is put before the history and the SCHANNEL key's last-write time before that boot; its IIS gets the
    crypt-* custom fields (iis.turn_on_evidence)."""
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"lab_usage_history_days: should be from 0 to {MAX_DAYS}")
    now = now or datetime.now(UTC)
    # The history needs SCHANNEL to have logged successful handshakes (EventLogging 0x4) since a boot before it.
    host.registry.set_value(SCHANNEL, "EventLogging", "REG_DWORD", 7)
    booted = (now - timedelta(days=days + 1)).timestamp()
    host.registry.set_written(SCHANNEL, booted - 60)   # set before that boot, so it is in effect since
    host.boot_filetime = filetime(booted)
    host.save()
    iis.turn_on_evidence(host)   # and IIS logged the crypt-* fields
    clean = records.Handshake("tls1_2", SUITE[0], SUITE[1], f"CN={host.dns_name}")
    for back in range(days, 0, -1):
        day = (now - timedelta(days=back)).replace(microsecond=0)
        for hour in (0, 6, 12, 18, 23):
            when = day.replace(hour=hour, minute=0, second=0)
            _append(host, when, "10.0.0.10", "Mozilla/5.0", clean)
        end = day.replace(hour=23, minute=59, second=59).timestamp()
        path = iis.log_path(host, day)
        if path is not None:
            os.utime(host.local_path(path), (end, end))
        if host.components.get("exchange"):
            smtplog.append_session(host, day.replace(hour=12, minute=0, second=0), back, CLEAN_SMTP, past=True)
    for client in legacy:
        when = now.replace(microsecond=0)
        shake = records.Handshake(client.protocol, LEGACY_SUITE[0], LEGACY_SUITE[1], f"CN={host.dns_name}")
        _append(host, when, client.client_ip, client.user_agent, shake)
    for number, sender in enumerate(smtp, start=1):
        smtplog.append_session(host, now.replace(microsecond=0), number, sender)
