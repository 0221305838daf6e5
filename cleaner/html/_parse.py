"""Parse HTML once, safely, and measure the tree.

lxml's HTML parser never loads DTDs, external entities or anything over the
network, and it does not expand entities declared in an internal subset
(``<!DOCTYPE x [<!ENTITY ...>]>``), so XXE and billion-laughs payloads stay
inert text. Without ``huge_tree`` libxml2 caps nesting at 256 levels and
single text nodes at 10 MB, and stops building the tree where a page
exceeds either (or an attribute value of 10 MB). Real pages do hit the depth
cap (broken CMS output, hundreds of unclosed ``<font>`` tags), so when a page
hits a limit the markup is flattened (``flatten``: tags beyond ``MAX_DEPTH``
open levels are dropped, block tags among them become ``<br>``), attribute
values longer than ``MAX_ATTRIBUTE_CHARS`` are emptied, and it is parsed
again: the text below the cap and after it is kept. Only
what a limit still cuts after that is lost, and ``Parsed.limit`` says why so
that the result can be marked truncated. (``huge_tree`` would lift the caps for
every page, hostile ones included, and hand trafilatura's recursive walks a
tree 100,000 levels deep.) What libxml2 does not cap is the number
of elements: ``measure`` counts them so callers can route oversized pages to
the cheap, linear full-page text path instead of the extractor.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree, html

from .._html_text import BLOCK_TAGS

# Pages above either bound skip the main-content extractor: its cost grows
# faster than linearly with tree size, and the classifier's cost grows with
# the text it is given (about 0.4 ms per block), so a pathological page goes
# to the linear full-page text path, cut to a size no article reaches.
MAX_EXTRACT_TEXT = 1_000_000
MAX_EXTRACT_ELEMENTS = 100_000
# C0 control bytes other than whitespace: libxml2 turns them into U+FFFD. In
# UTF-8 they never occur inside a multi-byte sequence, so deleting them from
# the encoded bytes is safe (and far cheaper than a regex over the text).
# Form feed and vertical tab separate words (``Monday.\fSecond``): they become spaces.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13)) + b"\x7f"
_SPACE_BYTES = bytes.maketrans(b"\x0b\x0c", b"  ")
# Open elements kept when flattening a page that hit libxml2's depth cap (256): well
# under the cap, so that the <html>, <body> and the wrappers the parser adds still fit.
MAX_DEPTH = 200
# Any start or end tag; comments, doctypes and processing instructions do not match.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
# Elements that never have content, so they open no level.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "frame",
        "keygen",
    ]
)
# Tags that start a new line of text: beyond MAX_DEPTH they become <br> so that paragraphs stay apart.
_BLOCK = BLOCK_TAGS | frozenset({"center", "tbody", "tfoot", "thead"})
# Tags kept as they are, uncounted, beyond the limit: with the inline tags around them dropped a
# paragraph or heading cannot hold another one (the parser closes it first), so they add one
# level at most, and the extractor looks for them.
_LEAF_BLOCK = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6"])
# libxml2 stops at an attribute value of 10 MB (a data: URI, a serialised app state) like at a
# text node of that size; no attribute value cleaner reads comes near this, so longer ones are emptied.
MAX_ATTRIBUTE_CHARS = 64 * 1024
_LONG_ATTRIBUTE = re.compile(
    # inside a start tag only: a text node may hold '="' too
    rf"""(<[A-Za-z][^<>\s]*\s[^<>]*?=\s*)"""
    rf"""(?:"[^"]{{{MAX_ATTRIBUTE_CHARS},}}"|'[^']{{{MAX_ATTRIBUTE_CHARS},}}'|[^\s>"']{{{MAX_ATTRIBUTE_CHARS},}})"""
)


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
        data = _as_bytes(markup)
        root, limit = _parse(data)
        if limit is not None:
            # what the page hit may be undone (deep nesting, a huge attribute); a huge text node stays
            data = _as_bytes(_LONG_ATTRIBUTE.sub(r'\1""', flatten(markup)))
            root, limit = _parse(data)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    return Parsed(root=root, too_large=_too_large(root, data), limit=limit)


def _as_bytes(markup: str) -> bytes:
    # "surrogatepass" would hand libxml2 invalid UTF-8; "replace" makes a lone surrogate a "?"
    return markup.encode("utf-8", "replace").translate(_SPACE_BYTES, _CONTROL_BYTES)


def _parse(data: bytes) -> tuple[html.HtmlElement | None, str | None]:
    parser = _parser()
    root = html.document_fromstring(data, parser=parser)
    return root, _resource_limit(parser)


def flatten(markup: str) -> str:
    """``markup`` with no more than ``MAX_DEPTH`` levels of open elements.

    One linear pass over the tags, counting open levels the simple way (a
    start tag opens one, an end tag closes one). Beyond the limit a start tag
    is dropped, or made ``<br>`` when it starts a block, and so is the end tag
    that closes it (a run of them makes one ``<br>``). The count is no HTML tree builder (implied end tags are
    not modelled), but it only runs on pages the real parser gave up on, and
    it never drops text. Paragraphs and headings beyond the limit are kept as they are.
    """
    out: list[str] = []
    depth = 0
    dropped = 0  # start tags dropped and not closed yet
    broke = False  # a <br> was put in, with no text since
    last = 0
    for m in _TAG.finditer(markup):
        closing, name = m.group(1), m.group(2).lower()
        if name in _VOID or m.group(0).endswith("/>") or (name in _LEAF_BLOCK and depth >= MAX_DEPTH):
            continue
        replacement: str | None = None
        if closing:
            if dropped:
                dropped -= 1
                replacement = "<br>" if name in _BLOCK else ""
            else:
                depth = max(0, depth - 1)
        elif depth >= MAX_DEPTH:
            dropped += 1
            replacement = "<br>" if name in _BLOCK else ""
        else:
            depth += 1
        if replacement is not None:
            between = markup[last : m.start()]
            if replacement and broke and not between.strip():
                replacement = ""  # one line break for a run of empty blocks, not thousands of <br>
            elif between.strip() or replacement:
                broke = bool(replacement)
            out.append(between)
            out.append(replacement)
            last = m.end()
    out.append(markup[last:])
    return "".join(out)


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
