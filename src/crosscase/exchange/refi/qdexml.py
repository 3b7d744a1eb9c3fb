"""XML helpers for REFI-QDA files: safe parsing, local names, GUIDs, schemas.

Files from other programs use several namespaces (``urn:QDA-XML:project:1.0``,
``urn:QDA-XML:codebook:1.0``, ``codebook:0:4``, ``project:0:10``) or none, so
every lookup here goes by local name and ignores the namespace. Parsing
refuses any document type declaration: a QDE or QDC file never needs one, and
refusing it rules out entity expansion and external entities altogether.
"""

from __future__ import annotations

import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from crosscase.domain.errors import ImportRefused

if TYPE_CHECKING:
    from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def parse_xml(data: bytes, label: str) -> Element:
    """Parse untrusted XML; refuse DTDs, entities and external references."""
    import defusedxml
    from defusedxml.ElementTree import fromstring

    if not data.strip():
        raise ImportRefused(f"{label}: is empty, not XML")
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DTDForbidden:
        raise ImportRefused(
            f"{label}: has a document type declaration (DTD), which REFI-QDA files never need; "
            "refused for safety"
        ) from None
    except defusedxml.EntitiesForbidden:
        raise ImportRefused(f"{label}: declares XML entities; refused for safety") from None
    except defusedxml.ExternalReferenceForbidden:
        raise ImportRefused(
            f"{label}: refers to external files or URLs; refused for safety"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise ImportRefused(f"{label}: unsafe XML refused ({exc})") from None
    except ParseError as exc:
        raise ImportRefused(f"{label}: is not well-formed XML ({exc})") from None
    except (ValueError, UnicodeError) as exc:
        raise ImportRefused(f"{label}: is not readable XML ({exc})") from None
    return root


# -- lookups by local name ------------------------------------------------------


def local(tag: object) -> str:
    """An element's or attribute's name without its namespace, lower case."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def kids(el: Element, name: str) -> list[Element]:
    """Direct children called ``name`` (any namespace, any case)."""
    want = name.lower()
    return [c for c in el if local(c.tag) == want]


def kid(el: Element, name: str) -> Element | None:
    want = name.lower()
    for c in el:
        if local(c.tag) == want:
            return c
    return None


def kid_text(el: Element, name: str) -> str | None:
    c = kid(el, name)
    if c is None:
        return None
    return "".join(c.itertext())


def attr(el: Element, name: str) -> str | None:
    """An attribute by name, any namespace prefix, any case."""
    if name in el.attrib:
        return el.attrib[name]
    want = name.lower()
    for key, value in el.attrib.items():
        if local(key) == want:
            return value
    return None


# -- GUIDs ------------------------------------------------------------------------


def guid_key(raw: str | None) -> str | None:
    """A GUID as a lookup key: no braces, lower case; other ids pass stripped."""
    if raw is None:
        return None
    s = raw.strip()
    if not s:
        return None
    m = _GUID.fullmatch(s)
    if m:
        return m.group(1).lower()
    return s.strip("{}").lower()


def valid_guid(raw: str | None) -> str | None:
    """The canonical form (lower case, no braces) of a real GUID, else None."""
    if raw is None:
        return None
    m = _GUID.fullmatch(raw.strip())
    return m.group(1).lower() if m else None


def new_guid() -> str:
    return str(uuid.uuid4())


# -- writing ------------------------------------------------------------------------


def xml_safe(text: str) -> tuple[str, bool]:
    """``text`` with characters XML cannot hold replaced; True if any were."""
    if _NOT_XML.search(text) is None:
        return text, False
    return _NOT_XML.sub("\ufffd", text), True


@lru_cache(maxsize=2)
def schema(name: str) -> etree.XMLSchema:
    """The bundled XML schema (``Project`` or ``Codebook``) for validation."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.parse(str(SCHEMAS / f"{name}.xsd"), parser)
    return etree.XMLSchema(doc)


def schema_errors(xml: bytes, name: str) -> list[str]:
    """Validation errors of ``xml`` against the bundled schema, empty if valid."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = etree.fromstring(xml, parser)
    xsd = schema(name)
    if xsd.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]
