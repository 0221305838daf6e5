"""The page text the front-end left out, listed as dropped blocks.

An HTML front-end's blocks are what its extractor kept (or a full-page
fallback's), so by default ``removed`` only names what cleaner's classifier
dropped from them. With ``Cleaner(list_all_removed=True)`` (``cleaner
explain`` always, ``cleaner clean --list-all-removed``) the rest of the page
is accounted for too: the front-end renders the whole page as blocks
(``Page.outside``), and every one of them that the result does not already
hold becomes a dropped block (``boilerplate``, ``html:outside-main-content``),
placed where it sits on the page. It costs a full-page rendering, hence off
by default.

Blocks are compared by their words (case and spacing aside), whole words
only, so a page line that the extractor split into two blocks is still held,
and a page line of one or two words ("Home", "Share") only by an identical
block, not by the same word somewhere in the article.
"""

from __future__ import annotations

import bisect

from ._model import Block, Result

OUTSIDE_CATEGORY = "boilerplate"
OUTSIDE_REASON = "html:outside-main-content"
SHORT_WORDS = 2  # page blocks of fewer words are only held by an identical block


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _held(key: str, held: str, whole: set[str]) -> bool:
    # a word or two ("Home", "Share") must be a whole block of the result: as a phrase
    # inside the article it says nothing about the menu entry
    if key.count(" ") < SHORT_WORDS:
        return key in whole
    return f" {key} " in held


def add_outside_blocks(result: Result, page: list[Block]) -> None:
    """Insert the blocks of ``page`` (the whole page, rendered) that ``result`` does not hold, dropped, in page order."""
    if not page:
        return
    held_keys = [_key(b.text) for b in result.blocks]
    held = " " + " ".join(held_keys) + " "
    whole = set(held_keys)
    keys = [_key(b.text) for b in page]
    starts: list[int] = []
    offset = 0
    for key in keys:
        starts.append(offset)
        offset += len(key) + 1
    page_text = " ".join(keys)

    outside = [(start, b) for start, key, b in zip(starts, keys, page, strict=True) if not _held(key, held, whole)]
    if not outside:
        return
    for _, b in outside:
        b.drop(OUTSIDE_CATEGORY, OUTSIDE_REASON)
    positions: list[int] = []
    position = 0
    for key in held_keys:
        # a block the page rendering does not hold (or holds only earlier, where the extractor
        # moved it from) stays right after the one before it: positions never go back
        position = max(position, page_text.find(key, position))
        positions.append(position)
    merged = list(result.blocks)
    for inserted, (start, b) in enumerate(outside):
        # outside blocks come in page order, so every earlier one was inserted before this one
        merged.insert(bisect.bisect_right(positions, start) + inserted, b)
    for i, b in enumerate(merged):
        b.index = i
    result.blocks = merged
