"""Link lists trailing an extraction: related stories, "more from", teaser cards.

After the article's prose, a run of blocks that are mostly link text is a
teaser list, whatever its wording; inside the prose, or on a page with
little prose (a listing, a link hub), link lists are content and stay, and
so does a list longer than the text above it or one under a "References" or
"See also" heading.

How much of a block is link text is read off the page's own ``<a>``
elements: the extractor runs without link markup (trafilatura's link
output loses text next to links on some pages), and only the few short
blocks at the end of an extraction are ever looked up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from lxml import etree

from .._features import WORD
from .._model import Block

LINK_HEAVY = 0.5  # share of a block's characters in link text that makes it a link line
LINK_ITEM = 0.25  # a list item: a linked headline and a one-line teaser
LINK_RUN_MIN = 3  # link lines in the trailing run
RUN_SHORT_WORDS = 6  # a non-link line this short (a "More stories" heading) does not end the run
RUN_MAX_LINE_WORDS = 40  # longer blocks are prose, link or not
PROSE_BEFORE_MIN = 80  # words of non-link text before the run: an article, not a link page
# a list under one of these headings is the article's apparatus, which stays
_APPARATUS = re.compile(
    r"^\W*(references?|sources?|see also|further reading|bibliography|notes|footnotes|external links|citations|works cited)\b",
    re.IGNORECASE,
)
# text nodes inside links, in C; a link split by markup counts as several spans
_ANCHOR_TEXTS = etree.XPath("//a//text()", smart_strings=False)


def _tokens(text: str) -> list[str]:
    # words only: punctuation next to a link ("Read more: <a>...</a>.") is not part of it
    return WORD.findall(text.lower())


class AnchorIndex:
    """The page's link texts, to tell what share of a block's text is links."""

    def __init__(self, root: Any) -> None:
        self._by_first: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        texts = _ANCHOR_TEXTS(root)
        for text in texts if isinstance(texts, list) else ():
            toks = _tokens(str(text))
            if toks:
                self._by_first[toks[0]].add(tuple(toks))

    def _span(self, toks: list[str], i: int) -> int:
        """Length of the longest link text starting at token ``i`` (0 if none)."""
        spans = self._by_first.get(toks[i], ())
        return max((len(s) for s in spans if tuple(toks[i : i + len(s)]) == s), default=0)

    def share(self, text: str) -> float:
        """Characters of ``text`` inside (non-overlapping, longest-first) link texts, as a share."""
        toks = _tokens(text)
        total = sum(map(len, toks))
        linked = i = 0
        while i < len(toks):
            n = self._span(toks, i)
            linked += sum(map(len, toks[i : i + n]))
            i += n or 1
        return linked / total if total else 0.0

    def teaser_share(self, text: str) -> float:
        """``share``, for a block that opens with a link of two words or more (a linked headline), else 0.

        A lone linked word - the same word is a menu entry somewhere on most
        pages - says nothing about a line.
        """
        toks = _tokens(text)
        if not toks or self._span(toks, 0) < min(2, len(toks)):
            return 0.0
        return self.share(text)


def _short_tail(blocks: list[Block]) -> bool:
    """Enough short blocks at the end for a link run (checked before any link lookup)."""
    for n, b in enumerate(reversed(blocks)):
        if n >= LINK_RUN_MIN:
            return True
        if len(b.text.split()) > RUN_MAX_LINE_WORDS:
            return False
    return len(blocks) >= LINK_RUN_MIN


def drop_trailing_links(blocks: list[Block], root: Any) -> None:
    """Drop a trailing run of link lines after the article's prose."""
    if not _short_tail(blocks):
        return
    index: AnchorIndex | None = None
    shares: dict[int, float] = {}

    def link_line(i: int) -> bool:
        nonlocal index
        b = blocks[i]
        if i not in shares:
            if len(b.text.split()) > RUN_MAX_LINE_WORDS:
                shares[i] = 0.0
            else:
                index = index or AnchorIndex(root)
                shares[i] = index.teaser_share(b.text)
        return shares[i] >= LINK_HEAVY or (b.tag == "li" and shares[i] >= LINK_ITEM)

    start, links = len(blocks), 0
    for i in range(len(blocks) - 1, -1, -1):
        if link_line(i):
            links += 1
        elif len(blocks[i].text.split()) > RUN_SHORT_WORDS:
            break
        start = i
    if links < LINK_RUN_MIN:
        return
    # short lines ahead of the list stay, except the one right above it (its heading)
    while start + 1 < len(blocks) and not link_line(start) and not link_line(start + 1):
        start += 1
    # (the run's own headings, and the line just above it)
    if any(not link_line(i) and _APPARATUS.match(blocks[i].text) for i in range(max(0, start - 1), len(blocks))):
        return
    prose = sum(len(b.text.split()) for i, b in enumerate(blocks[:start]) if not link_line(i))
    listed = sum(len(b.text.split()) for b in blocks[start:])
    # a list longer than the text above it is what the page is for (an index, a glossary)
    if prose < max(PROSE_BEFORE_MIN, listed):
        return
    for b in blocks[start:]:
        if b.decision is None:
            b.drop("related", "generic:related:trailing-link-list")
