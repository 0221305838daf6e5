"""Main-content extraction with trafilatura, and its output as Blocks.

trafilatura works on the tree we parsed (it copies before it prunes), so the
original stays intact for the fallback. Its output body is a small XML
vocabulary - ``p``, ``head``, ``list``/``item``, ``quote``, ``code``,
``table``/``row``/``cell``, ``lb`` - which maps onto one Block per
paragraph, heading, list item, quotation paragraph or table row, with the
HTML tag kept so that Markdown output can render headings and lists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree, html

from .._model import Block

# trafilatura logs every discarded page at WARNING; that is our business, not the user's.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# Elements that start a new block wherever they appear inside another one.
_BREAKS = frozenset(["lb", "p", "head", "quote", "code", "item", "row", "list", "table", "div"])
_WORDLIKE = re.compile(r"\w")
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_TAG_OF = {"p": "p", "quote": "blockquote", "code": "pre", "item": "li", "row": "tr", "div": "p"}


def run_trafilatura(root: html.HtmlElement, url: str | None) -> Any:
    """trafilatura's Document (body tree only), or None when it gives up.

    Balanced mode with its readability/jusText comparison: measured on the
    benchmark sets, ``fast`` and ``favor_precision`` cost more recall on
    non-article pages than they gain in precision, and the chrome they would
    remove is what the classifier on top removes anyway.
    """
    from trafilatura import bare_extraction

    return bare_extraction(
        root,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        # "xml" only changes what bare_extraction renders afterwards: it keeps the body
        # tree and skips the plain-text rendering ("python") that we would throw away
        output_format="xml",
        # <ref> elements in the output tell how much of each block is links
        include_links=True,
    )


def _solid(text: str) -> int:
    """Characters that are not whitespace (what link density is measured in)."""
    return len(text) - sum(text.count(c) for c in " \n\t")


class _Text:
    """Text gathered from part of the output tree, and how much of it sat in ``<ref>`` links."""

    __slots__ = ("link", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.link = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link += _solid(text)

    def text(self, sep: str = "") -> str:
        return sep.join(self.parts)


def _pieces(
    el: etree._Element, breaks: frozenset[str] = frozenset(), skip: frozenset[str] = frozenset()
) -> Iterator[tuple[str | None, bool]]:
    """The text under ``el`` in document order, each piece with whether it sits in a ``<ref>``.

    ``None`` marks where an element tagged ``breaks`` starts or ends; subtrees
    tagged ``skip`` are left out (their tails are not).
    """
    depth = 1 if el.tag == "ref" else 0
    skipping: etree._Element | None = None
    for event, node in etree.iterwalk(el, events=("start", "end")):
        text: str | None = None
        if skipping is not None:
            if event == "end" and node is skipping:
                skipping = None
                text = node.tail
        elif node is el:
            text = node.text if event == "start" else None
        elif node.tag in skip:
            skipping = node
        else:
            if node.tag in breaks:
                yield None, False
            if event == "start":
                depth += node.tag == "ref"
                text = node.text
            else:
                depth -= node.tag == "ref"
                text = node.tail
        if text:
            yield text, depth > 0


def _gather(el: etree._Element, acc: _Text, skip: frozenset[str] = frozenset()) -> None:
    for text, in_link in _pieces(el, skip=skip):
        acc.add(text, in_link)


def _text(el: etree._Element, sep: str = " ") -> str:
    return sep.join(t for t in el.itertext() if isinstance(t, str))


def _segments(el: etree._Element) -> Iterator[_Text]:
    """The element's text split wherever a nested block element or <lb> starts or ends."""
    buf = _Text()
    for text, in_link in _pieces(el, breaks=_BREAKS):
        if text is None:
            yield buf
            buf = _Text()
        else:
            buf.add(text, in_link)
    yield buf


def _emit(blocks: list[Block], text: str, tag: str, gap: bool, link: int = 0) -> None:
    # HTML whitespace, line breaks included, is one space (trafilatura leaves link text untrimmed)
    text = " ".join(text.split())
    # zero-width joiners and lone punctuation are layout, not paragraphs
    if _WORDLIKE.search(text):
        links = min(1.0, link / max(1, _solid(text)))
        blocks.append(Block(index=len(blocks), text=text, tag=tag, gap_before=gap, links=links))


def _emit_gathered(blocks: list[Block], acc: _Text, tag: str, gap: bool, sep: str = "") -> None:
    _emit(blocks, acc.text(sep), tag, gap, acc.link)


def _heading_tag(el: etree._Element) -> str:
    rend = (el.get("rend") or "").lower()
    return rend if rend in _HEADINGS else "h2"


def _item_text(item: etree._Element) -> _Text:
    """An item's own text, without nested lists (their items become blocks of their own)."""
    acc = _Text()
    _gather(item, acc, skip=frozenset(["list"]))
    return acc


def _emit_list(blocks: list[Block], lst: etree._Element) -> None:
    # iterative: trafilatura output is shallow, but a hostile page may nest lists deeply
    stack: list[Iterator[etree._Element]] = [iter(lst)]
    first = True
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if item.tag != "item":
            _emit_element(blocks, item)
            continue
        _emit_gathered(blocks, _item_text(item), "li", first, " ")
        first = False
        nested = [c for c in item if c.tag == "list"]
        if nested:
            stack.append(iter([n for lst_ in nested for n in lst_]))


def _emit_table(blocks: list[Block], table: etree._Element) -> None:
    for row in table.iter("row"):
        acc = _Text()
        for cell in row:
            if cell.tag == "cell":
                one = _Text()
                _gather(cell, one)
                text = " ".join(one.text(" ").split())
                if text:
                    acc.add(text, False)
                    acc.link += one.link
        _emit_gathered(blocks, acc, "tr", False, " | ")


def _emit_element(blocks: list[Block], el: etree._Element) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "list":
        _emit_list(blocks, el)
    elif tag == "table":
        _emit_table(blocks, el)
    elif tag == "head":
        acc = _Text()
        _gather(el, acc)
        _emit_gathered(blocks, acc, _heading_tag(el), True, " ")
    elif tag == "code":
        text = _text(el, "").strip("\n")
        if text.strip():
            blocks.append(Block(index=len(blocks), text=text, tag="pre", gap_before=True))
    elif tag in ("p", "quote"):
        for i, seg in enumerate(_segments(el)):
            _emit_gathered(blocks, seg, _TAG_OF[tag], i == 0)
    elif tag in ("graphic", "lb"):
        pass
    else:  # div, center, a bare ref and other wrappers: their children are the blocks
        in_link = tag == "ref"
        _emit(blocks, el.text or "", "p", True, _solid(el.text or "") if in_link else 0)
        for child in el:
            _emit_element(blocks, child)
            _emit(blocks, child.tail or "", "p", False, _solid(child.tail or "") if in_link else 0)


def body_to_blocks(body: etree._Element | None) -> list[Block]:
    """One Block per paragraph, heading, list item, quotation line or table row."""
    blocks: list[Block] = []
    if body is None:
        return blocks
    _emit(blocks, body.text or "", "p", True)
    for child in body:
        _emit_element(blocks, child)
        _emit(blocks, child.tail or "", "p", False)
    return blocks
