"""Link lists trailing an extraction: related stories, "more from", tag clouds.

trafilatura's output keeps ``<ref>`` links, so each HTML block knows what
share of its characters are link text. After the article's prose, a run of
blocks that are mostly links is a teaser list, whatever its wording; inside
the prose, or on a page that has little prose (a listing, a link hub), link
lists are content and stay, and so does a list longer than the text above it.
"""

from __future__ import annotations

import re

from .._model import Block

LINK_HEAVY = 0.5  # share of a block's characters in links that makes it a link line
LINK_ITEM = 0.25  # a list item: a linked headline and a one-line teaser
LINK_RUN_MIN = 3  # link lines in the trailing run
RUN_SHORT_WORDS = 6  # a non-link line this short (a "More stories" heading) does not end the run
PROSE_BEFORE_MIN = 80  # words of non-link text before the run: an article, not a link page


# a list under one of these headings is the article's apparatus, which stays
_APPARATUS = re.compile(
    r"^\W*(references?|sources?|see also|further reading|bibliography|notes|footnotes|external links|citations|works cited)\b",
    re.IGNORECASE,
)


def _link_line(b: Block) -> bool:
    return b.links >= LINK_HEAVY or (b.tag == "li" and b.links >= LINK_ITEM)


def drop_trailing_links(blocks: list[Block]) -> None:
    """Drop a trailing run of link lines after the article's prose."""
    start = len(blocks)
    links = 0
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.decision is not None and not b.kept:
            continue
        if _link_line(b):
            links += 1
        elif len(b.text.split()) > RUN_SHORT_WORDS:
            break
        start = i
    if links < LINK_RUN_MIN:
        return
    # short lines ahead of the list stay, except the one right above it (its heading)
    while start + 1 < len(blocks) and not _link_line(blocks[start]) and not _link_line(blocks[start + 1]):
        start += 1
    # (the run's own headings, and the line just above it)
    if any(not _link_line(b) and _APPARATUS.match(b.text) for b in blocks[max(0, start - 1) :]):
        return
    prose = sum(len(b.text.split()) for b in blocks[:start] if not _link_line(b))
    listed = sum(len(b.text.split()) for b in blocks[start:])
    # a list longer than the text above it is what the page is for (an index, a glossary)
    if prose < max(PROSE_BEFORE_MIN, listed):
        return
    for b in blocks[start:]:
        if b.decision is None:
            b.drop("related", "generic:related:trailing-link-list")
