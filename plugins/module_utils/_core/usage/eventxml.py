# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows event XML (``ToXml()``, ``wevtutil qe /f:xml``, exported files) to flat field dicts, TLS-blind.

A flat dict holds the system fields under ``@`` names (``@id``, ``@record``, ``@time``, ``@provider``,
``@computer``) and every payload field by name, whichever shape the payload has: ``UserData/<any>/<Name>``
children (how 36880 is stored) or ``EventData/Data Name=`` (how 36888 is stored). Unnamed ``Data`` elements
become ``@data0``, ``@data1``... in order. Values are text, cut at the field limit; a document with a DTD is
refused (no entity expansion), so hostile XML costs bounded time and memory.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

from .counting import RawCounter
from .notes import Notes
from .spec import DAY, MAX_FIELD_BYTES, CountSpec

MAX_EVENT_CHARS = 65536
MAX_FIELDS = 64
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_START = re.compile(r"<Event[\s>]")
_END = "</Event>"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def event_fields(xml: str, notes: Notes | None = None, where: str = "event") -> dict[str, str] | None:
    """The flat field dict of one ``<Event>`` document, or None (with a note) when it is not one."""
    def refuse(kind: str, why: str) -> None:
        if notes is not None:
            notes.add(kind, f"{where}: {why}; skipped", blocks_gate=True)

    if len(xml) > MAX_EVENT_CHARS:
        refuse("event_too_large", f"{len(xml):,} characters, more than the {MAX_EVENT_CHARS:,} an event may have")
        return None
    if _DTD.search(xml):
        refuse("event_dtd", "XML with a DTD is not an event record")
        return None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as err:
        refuse("event_not_xml", f"not well-formed XML ({err})")
        return None
    system = _child(root, "System") if _local(root.tag) == "Event" else None
    if system is None:
        refuse("event_not_event", "no <Event><System> element")
        return None
    fields: dict[str, str] = {}

    def put(name: str, value: str | None) -> None:
        if len(fields) < MAX_FIELDS + 5:
            fields[name] = (value or "").strip()[:MAX_FIELD_BYTES]

    for name, tag, attribute in (("@id", "EventID", None), ("@record", "EventRecordID", None),
                                 ("@time", "TimeCreated", "SystemTime"), ("@provider", "Provider", "Name"),
                                 ("@computer", "Computer", None)):
        element = _child(system, tag)
        if element is not None:
            put(name, element.get(attribute) if attribute else element.text)
    user = _child(root, "UserData")
    if user is not None and len(user):
        for element in list(user[0])[:MAX_FIELDS]:
            put(_local(element.tag), element.text)
    data = _child(root, "EventData")
    if data is not None:
        unnamed = 0
        for element in [c for c in data if _local(c.tag) == "Data"][:MAX_FIELDS]:
            data_name = element.get("Name")
            if data_name:
                put(data_name, element.text)
            else:
                put(f"@data{unnamed}", element.text)
                unnamed += 1
    return fields


def iter_event_xml(chunks: Iterable[bytes], notes: Notes, label: str = "events") -> Iterator[str]:
    """Split an exported file (``<Events>`` wrapper or bare concatenated events, UTF-8 or UTF-16 with BOM)
    into single ``<Event>`` documents, never holding more than one event (bounded) at a time."""
    decoder: codecs.IncrementalDecoder | None = None
    buffer = ""
    count = 0
    for chunk in chunks:
        if not chunk:
            continue
        if decoder is None:
            utf16 = chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")("replace")
        buffer += decoder.decode(chunk)
        while True:
            start = _START.search(buffer)
            if start is None:
                buffer = buffer[-16:]   # keep a possible partial "<Event" across chunks
                break
            end = buffer.find(_END, start.start())
            if end < 0:
                buffer = buffer[start.start():]
                if len(buffer) > MAX_EVENT_CHARS:
                    # No end anywhere after this start: only the last start can still become an event.
                    notes.add("event_too_large", f"{label}: event {count + 1} is longer than {MAX_EVENT_CHARS:,} "
                              "characters; skipped", blocks_gate=True)
                    last = buffer.rfind("<Event", 1)
                    buffer = buffer[last:] if last > 0 and len(buffer) - last <= MAX_EVENT_CHARS else buffer[-16:]
                break
            count += 1
            yield buffer[start.start():end + len(_END)]
            buffer = buffer[end + len(_END):]


def count_event(fields: dict[str, str], spec: CountSpec, counter: RawCounter) -> None:
    """Count one flat event by the spec's columns (``@day`` is the date of ``@time``), as the host does."""
    time = fields.get("@time")
    values: list[str | None] = []
    for column in spec.columns:
        if column.sources == (DAY,):
            values.append(time[:10] if time else None)
        else:
            values.append(next((fields[s] for s in column.sources if s in fields), None))
    counter.add(tuple(values), time)
