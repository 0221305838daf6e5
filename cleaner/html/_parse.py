"""Parse HTML once, safely, and measure the tree.

lxml's HTML parser never loads DTDs, external entities or anything over the
network, and it does not expand entities declared in an internal subset
(``<!DOCTYPE x [<!ENTITY ...>]>``), so XXE and billion-laughs payloads stay
inert text. Without ``huge_tree`` libxml2 caps nesting at 256 levels and
single text nodes at 10 MB, and stops building the tree where a page
exceeds either: what follows is lost, and ``Parsed.limit`` says why so that
the result can be marked truncated. (``huge_tree`` would lift the caps for
every page, hostile ones included.) What libxml2 does not cap is the number
of elements: ``measure`` counts them so callers can route oversized pages to
the cheap, linear full-page text path instead of the extractor.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree, html

# Pages above either bound skip the main-content extractor: its cost grows
# faster than linearly with tree size, and the classifier's cost grows with
# the text it is given (about 0.4 ms per block), so a pathological page goes
# to the linear full-page text path, cut to a size no article reaches.
MAX_EXTRACT_TEXT = 1_000_000
MAX_EXTRACT_ELEMENTS = 100_000
# C0 control bytes other than whitespace: libxml2 turns them into U+FFFD. In
# UTF-8 they never occur inside a multi-byte sequence, so deleting them from
# the encoded bytes is safe (and far cheaper than a regex over the text).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


@dataclass(slots=True)
class Parsed:
    root: html.HtmlElement
    too_large: bool
    # libxml2's message when it stopped at one of its resource limits (the rest of the page is lost)
    limit: str | None = None


# Every element is an ``HtmlElement``, chosen in C. lxml.html's own lookup
# (which gives form controls their own classes) is a Python call each time an
# element proxy is made; trafilatura walks the tree many times, and on the
# benchmark pages those calls were a tenth of its running time. Nothing here
# or in trafilatura uses the form classes.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=html.HtmlElement,
    comment=html.HtmlComment,
    pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity,
)


def _parser() -> html.HTMLParser:
    parser = html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        recover=True,
        collect_ids=False,
    )
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    return parser


def parse_markup(markup: str) -> Parsed | None:
    """Parse decoded HTML; None when there is no document to speak of."""
    if not markup.strip():
        return None
    try:
        # bytes with an explicit parser encoding: lxml refuses str that carries
        # an XML encoding declaration, and the text is already decoded
        data = markup.encode("utf-8", "replace").translate(None, _CONTROL_BYTES)
        parser = _parser()
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    return Parsed(root=root, too_large=_too_large(root, data), limit=_resource_limit(parser))


def _resource_limit(parser: html.HTMLParser) -> str | None:
    """The message of the resource limit libxml2 stopped at, if any (depth, text node size)."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            return str(entry.message).strip()
    return None


def _too_large(root: html.HtmlElement, data: bytes) -> bool:
    if len(data) <= MAX_EXTRACT_TEXT and data.count(b"<") <= MAX_EXTRACT_ELEMENTS:
        # the usual page: no element without a "<", no more text than bytes, so no need to count
        return False
    # XPath counts in C; iterating lxml.html elements in Python builds a proxy per node
    elements = _number(root.xpath("count(//*)"))
    text_chars = _number(root.xpath("string-length(string(/*))"))
    # inline scripts and styles (JSON state blobs of a megabyte are common) are not page text
    text_chars -= sum(len(el.text or "") for el in root.iter("script", "style", "template"))
    return text_chars > MAX_EXTRACT_TEXT or elements > MAX_EXTRACT_ELEMENTS


def _number(value: object) -> int:
    return int(value) if isinstance(value, float | int) else 0


def head_only(root: html.HtmlElement) -> html.HtmlElement:
    """A small document holding a copy of ``<head>`` alone (for metadata of huge pages)."""
    doc = html.Element("html")
    head = root.find("head")
    if head is not None:
        doc.append(copy.deepcopy(head))
    doc.append(html.Element("body"))
    return doc
