"""XML inside received files, parsed safely: defusedxml with no DTD at all (a DTD is what
entity bombs and external entities need, and no real invoice part carries one), elements
found by local name so namespaced and plain files read alike."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from storage.importing.report import RowError


def parse_xml(data: bytes) -> ET.Element:
    """The root element; ``RowError`` for unsafe or broken XML."""
    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise RowError("import.einvoice.unsafe_xml") from None
    except ET.ParseError as exc:
        raise RowError("import.einvoice.bad_xml", detail=str(exc)[:80]) from None


def local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def named(root: ET.Element, name: str) -> Iterator[ET.Element]:
    return (e for e in root.iter() if local(e.tag) == name)


def text_of(root: ET.Element, *names: str) -> str:
    """The text of the first element with one of ``names`` that has any, else ``""``."""
    wanted = set(names)
    for element in root.iter():
        if local(element.tag) in wanted and element.text and element.text.strip():
            return element.text.strip()
    return ""


def all_text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()
