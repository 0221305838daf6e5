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

What the page holds outside the main content is named where it can be:
the classifier's chrome labelling (the lexicon categories: navigation,
share, legal, related, ...) runs on it, a run of short lines is a menu
(``navigation``), and what follows the copyright line is the ``footer``. A
named block keeps the category and says both where it was and why, in its
reason (``html:outside-main-content+generic:navigation:line``); the rest
stays ``boilerplate`` with the plain reason.

Blocks are compared by their words (case and spacing aside), whole words
only, so a page line that the extractor split into two blocks is still held,
and a page line of one or two words ("Home", "Share") only by an identical
block, not by the same word somewhere in the article.
"""

from __future__ import annotations

import bisect
from typing import Final

from ._classify import _FOOTER, Chrome, ChromeMatcher, label_chrome
from ._features import count_words, ends_like_sentence
from ._model import Block, Result

OUTSIDE_CATEGORY = "boilerplate"
OUTSIDE_REASON = "html:outside-main-content"
NAMED_SEPARATOR: Final = "+"  # between OUTSIDE_REASON and the rule that named the block
SHORT_WORDS = 2  # page blocks of fewer words are only held by an identical block
# A run of at least LIST_MIN_RUN page lines left out, each without closing punctuation
# and of at most LIST_MAX_WORDS words, is a list of links: a menu (a section list, a
# footer's link columns) when half its lines have at most MENU_MAX_WORDS words, else a
# list of other items' headlines. Measured on aeb with list_all_removed: the runs
# name about half of what the lexicon leaves unnamed.
LIST_MIN_RUN: Final = 3
LIST_MAX_WORDS: Final = 20
MENU_MAX_WORDS: Final = 4
MENU: Final = Chrome("navigation", "generic:navigation:menu-run")
LINK_LIST: Final = Chrome("related", "generic:related:link-list")
SYMBOLS: Final = Chrome("navigation", "generic:navigation:symbols")  # "›‹", "/", "|": arrows and separators
FOOTER: Final = Chrome("footer", "generic:footer:after-copyright")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _held(key: str, held: str, whole: set[str]) -> bool:
    # a word or two ("Home", "Share") must be a whole block of the result: as a phrase
    # inside the article it says nothing about the menu entry
    if key.count(" ") < SHORT_WORDS:
        return key in whole
    return f" {key} " in held


def add_outside_blocks(result: Result, page: list[Block], matcher: ChromeMatcher | None = None) -> None:
    """Insert the blocks of ``page`` (the whole page, rendered) that ``result`` does not hold, dropped, in page order.

    With ``matcher``, each is named as ``name_outside`` says.
    """
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
    labels = name_outside([b for _, b in outside], matcher) if matcher is not None else [None] * len(outside)
    for (_, b), label in zip(outside, labels, strict=True):
        if label is None:
            b.drop(OUTSIDE_CATEGORY, OUTSIDE_REASON)
        else:
            b.drop(label.category, f"{OUTSIDE_REASON}{NAMED_SEPARATOR}{label.rule}")
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


def name_outside(blocks: list[Block], matcher: ChromeMatcher) -> list[Chrome | None]:
    """A chrome label (or None) for each page block left out, in page order.

    The classifier's labelling first; then a run of short lines is a list of
    links, a line without words a separator, and anything after a copyright
    line is the footer.
    """
    for b in blocks:
        b.words = count_words(b.text)[1]
    labels = label_chrome(blocks, matcher, second_copies=False)
    _name_link_lists(blocks, labels)
    footer = next((i for i, b in enumerate(blocks) if _FOOTER.match(b.text)), len(blocks))
    for i in range(footer + 1, len(blocks)):
        if labels[i] is None:
            labels[i] = FOOTER
    return labels


def _name_link_lists(blocks: list[Block], labels: list[Chrome | None]) -> None:
    run: list[int] = []
    for i, b in enumerate([*blocks, None]):
        if b is not None and labels[i] is None and b.words == 0:
            labels[i] = SYMBOLS
            continue
        if b is not None and labels[i] is None and b.words <= LIST_MAX_WORDS and not ends_like_sentence(b.text):
            run.append(i)
            continue
        if len(run) >= LIST_MIN_RUN:
            menu = 2 * sum(blocks[j].words <= MENU_MAX_WORDS for j in run) >= len(run)
            for j in run:
                labels[j] = MENU if menu else LINK_LIST
        run = []
