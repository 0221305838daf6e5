"""A second opinion on an extractor's main content: the text engine's reading of the whole page.

trafilatura cuts the page to one box and keeps what is in it: on a news page
that box often holds teasers, a list of other headlines or the reader
comments around the article. The text engine reads the same page rendered as
text, with its region search on (what HTML mode's fallback path cleans), and
places those outside the article. Here it challenges the extraction: a run of
kept link lines (a linked headline, a teaser) at the start or the end of the
extraction whose text the reading dropped as outside its main region, after
the article's end, or as chrome, is dropped too, its reason saying so
(``second-opinion:outside-text-region``). Short lines between them (a "More
stories" heading) go with them.

Only the edges are challenged, and only link lines: the region search alone
also leaves out an article's own lists (tour dates, a table of results) and
its dek, and inside the article a short line it left out (a caption, a
subhead) is the article's own. Measured on aeb, dropping every disputed edge
block, links or not, lost 26 pages for 17 (F1 0.969 -> 0.963). A long prose
paragraph keeps its place whatever the reading says, and a reading that lost
most of the extraction's words (its region search went astray) is not
listened to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ._model import Block

PREFIX: Final = "second-opinion"
# A reading must keep at least this share of the extraction's kept words: below it the text engine
# found another part of the page (a long comment thread, a menu) and its opinion is not worth hearing.
MIN_AGREEMENT: Final = 0.5
# A paragraph this long, of fluent prose, is article text wherever the region search put it.
LONG_PROSE_WORDS: Final = 40
# A kept block is disputed when the reading dropped at least this share of its characters.
DISPUTED_SHARE: Final = 0.5
# A link line: this share of its characters is link text, and it opens with a link (as ``html._links``).
LINK_LINE_SHARE: Final = 0.5
# A line this short that is no link ("More stories", a date) goes with the link lines around it.
SHORT_LINE_WORDS: Final = 6

_TOKENS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the reading did with one extracted block's text."""

    dropped_share: float  # share of the block's matched characters the reading dropped
    why: str  # why the reading dropped it: "outside-text-region", "after-article-end" or "chrome"
    category: str  # the reading's category for it ("boilerplate", "comments", "navigation", ...)


class _Index:
    """The text engine's blocks of the whole page, searchable by the text of an extracted block."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        texts = [_norm(b.text) for b in blocks]
        self.starts: list[int] = []  # where each block's text starts in ``joined``
        at = 1
        for t in texts:
            self.starts.append(at)
            at += len(t) + 1
        # joined by spaces, a paragraph of the extraction may span several lines of the rendering;
        # padded, a search for " text " only matches whole words
        self.joined = " " + " ".join(texts) + " "

    def locate(self, blocks: list[Block]) -> list[tuple[int, int] | None]:
        """``span`` of each block: a whole reading block's text is looked up, anything else searched
        for, up to MAX_TEXT_SEARCHES searches (past them a block counts as not held)."""
        whole: dict[str, int] = {}
        for i, b in enumerate(self.blocks):
            whole.setdefault(_norm(b.text), i)
        out: list[tuple[int, int] | None] = []
        searches = 0
        for b in blocks:
            at = whole.get(_norm(b.text))
            if at is not None:
                out.append((at, at))
                continue
            searches += 1
            out.append(self.span(b) if searches <= MAX_TEXT_SEARCHES else None)
        return out

    def span(self, block: Block) -> tuple[int, int] | None:
        """Indices of the first and last reading block that ``block``'s text spans; None when not held."""
        text = _norm(block.text)
        at = self.joined.find(f" {text} ") + 1 if text else 0
        if not at:
            return None
        return bisect_right(self.starts, at) - 1, bisect_right(self.starts, at + len(text) - 1) - 1

    def verdict(self, block: Block) -> Verdict | None:
        """The reading's verdict on ``block``'s text; None when the rendering does not hold it."""
        span = self.span(block)
        if span is None:
            return None
        spanned = self.blocks[span[0] : span[1] + 1]
        dropped = [b for b in spanned if not b.kept]
        total = sum(len(b.text) for b in spanned) or 1
        share = sum(len(b.text) for b in dropped) / total
        first_dropped = dropped[0] if dropped else None
        if first_dropped is None:
            return Verdict(0.0, "", "")
        return Verdict(share, _why(first_dropped), first_dropped.category)


def may_challenge(extraction: list[Block], link_share: Callable[[str], float]) -> bool:
    """Whether either end of the extraction holds a link line that a disputed run could reach: only
    then is the full page rendered and read (about 10 ms a page, a fifth of HTML mode's time)."""
    kept = [b for b in extraction if b.kept]
    return any(_reachable_link(edge[:-1], link_share) for edge in (kept, kept[::-1]))


def _reachable_link(kept: list[Block], link_share: Callable[[str], float]) -> bool:
    for b in kept:
        if _strong(b):
            return False
        if link_share(b.text) >= LINK_LINE_SHARE:
            return True
        if b.words > SHORT_LINE_WORDS:
            return False
    return False


def challenge(extraction: list[Block], reading: list[Block], link_share: Callable[[str], float]) -> int:
    """Drop the disputed runs of link lines at both ends of ``extraction``'s kept blocks; how many were
    dropped. ``link_share``: the share of a text that the page's links hold (``Reading.link_share``)."""
    kept = [b for b in extraction if b.kept]
    words = sum(b.words for b in kept)
    if not kept or sum(b.words for b in reading if b.kept) < MIN_AGREEMENT * words:
        return 0
    search = _Index(reading)
    front = _disputed_run(kept, search, link_share)
    back = _disputed_run(kept[len(front) :][::-1], search, link_share)
    for b, verdict in (*front, *back):
        b.drop(verdict.category, f"{PREFIX}:{verdict.why}")
    return len(front) + len(back)


def _disputed_run(kept: list[Block], search: _Index, link_share: Callable[[str], float]) -> list[tuple[Block, Verdict]]:
    """The disputed link lines (and short lines among them) at the front of ``kept``, up to the first
    block that holds and back to the last link line; never all of them."""
    run: list[tuple[Block, Verdict]] = []
    links = 0  # the run's length up to its last link line
    for b in kept[:-1]:
        if _strong(b) or (b.words > SHORT_LINE_WORDS and link_share(b.text) < LINK_LINE_SHARE):
            break
        verdict = search.verdict(b)
        if verdict is None or verdict.dropped_share < DISPUTED_SHARE:
            break
        run.append((b, verdict))
        if b.words > SHORT_LINE_WORDS or link_share(b.text) >= LINK_LINE_SHARE:
            links = len(run)
    return run[:links]


def _strong(block: Block) -> bool:
    """A long paragraph of fluent prose: article text, whatever the reading says."""
    return block.words >= LONG_PROSE_WORDS and "prose:good" in block.reason


def _why(block: Block) -> str:
    if "outside-main-text" in block.reason:
        return "outside-text-region"
    if "after-article-end" in block.reason:
        return "after-article-end"
    return "chrome"


def _norm(text: str) -> str:
    return " ".join(_TOKENS.findall(text.lower()))


# --- completing the extraction ---------------------------------------------------------------
# trafilatura keeps one box: an article that an advertisement or a pull quote splits into two
# boxes loses its second half, and a paragraph in a box of its own inside the article is skipped.
# The reading holds the whole article as one region. Its fluent prose that the extraction lacks is
# added where the extraction stands: between two of its paragraphs, or running on after its last
# one (past short interruptions such as an "Advertisement" line), never before its first one (a
# dek or a teaser) and never past the first line that is not fluent prose (a "More stories"
# heading, a list of headlines). Measured on aeb, wcxb-dev and dragnet (see bench/notes.md).
#
# The reading must hold this share of the extraction's kept words: it read the same article.
MIN_HELD: Final = 0.8
# An extracted paragraph this long, of fluent prose, anchors the extraction's place in the reading.
ANCHOR_WORDS: Final = 8
# The words the additions must sum to: fewer is a stray line, not a missing part of the article.
MIN_COMPLETION_WORDS: Final = 80
# A dropped line this short of these categories interrupts the article without ending it.
INTERRUPTION_WORDS: Final = 5
INTERRUPTIONS: Final = frozenset(("advertisement", "caption", "share"))
COMPLETED: Final = f"{PREFIX}:completed"
# Text searches (over the whole reading) a completion may make: a paragraph the extraction splits
# otherwise than the rendering is searched for; past this, a page's cost would grow as its size squared.
MAX_TEXT_SEARCHES: Final = 200


def may_complete(extraction: list[Block], prose_words: Callable[[], float]) -> bool:
    """Whether the page's paragraphs of prose (estimated without rendering) hold enough words beyond the
    extraction's for a completion to be found: only then is the page rendered and read for it."""
    kept = sum(b.words for b in extraction if b.kept)
    return prose_words() >= kept + MIN_COMPLETION_WORDS


def complete(extraction: list[Block], reading: list[Block]) -> list[Block] | None:
    """``extraction`` with the reading's fluent prose it lacks inserted in place; None if it lacks none."""
    kept = [b for b in extraction if b.kept]
    words = sum(b.words for b in kept)
    spans = _Index(reading).locate(kept)
    if not kept or sum(b.words for b, s in zip(kept, spans, strict=True) if s) < MIN_HELD * words:
        return None
    anchors = [s[0] for b, s in zip(kept, spans, strict=True) if s and b.words >= ANCHOR_WORDS and _fluent(b)]
    if not anchors:
        return None
    missing = _lacked(kept, reading, _candidates(reading, min(anchors), max(anchors)))
    if sum(reading[i].words for i in missing) < MIN_COMPLETION_WORDS:
        return None
    return _merge(extraction, dict(zip(map(id, kept), spans, strict=True)), [(i, _added(reading[i])) for i in missing])


def _lacked(kept: list[Block], reading: list[Block], candidates: list[int]) -> list[int]:
    """The candidates whose text the extraction does not hold (a line of one of its paragraphs it does)."""
    texts = [_norm(b.text) for b in kept]
    whole = set(texts)
    have = " " + " ".join(texts) + " "
    out: list[int] = []
    searches = 0
    for i in candidates:
        text = _norm(reading[i].text)
        if text in whole:
            continue
        searches += 1
        # past the search budget, a candidate counts as held: a hostile page must not cost its size squared
        if searches <= MAX_TEXT_SEARCHES and f" {text} " not in have:
            out.append(i)
    return out


def _candidates(reading: list[Block], first: int, last: int) -> list[int]:
    """Indices of the reading's fluent prose between the anchors, and running on after the last one."""
    inside = [i for i in range(first + 1, last) if reading[i].kept and _fluent(reading[i])]
    after: list[int] = []
    for i in range(last + 1, len(reading)):
        b = reading[i]
        if not b.kept:
            if b.words <= INTERRUPTION_WORDS and b.category in INTERRUPTIONS:
                continue
            break
        if not _fluent(b):
            break
        after.append(i)
    return inside + after


def _merge(
    extraction: list[Block], spans: dict[int, tuple[int, int] | None], added: list[tuple[int, Block]]
) -> list[Block]:
    """The extraction's blocks with each added block placed after the last block the reading put before it."""
    out: list[Block] = []
    pending = list(added)  # in reading order
    for b in extraction:
        span = spans.get(id(b))
        if span is not None:
            while pending and pending[0][0] < span[0]:
                out.append(pending.pop(0)[1])
        out.append(b)
    out.extend(block for _, block in pending)
    for i, b in enumerate(out):
        b.index = i
    return out


def _added(block: Block) -> Block:
    added = Block(0, block.text, tag=block.tag, words=block.words, stop_ratio=block.stop_ratio)
    added.keep("body", COMPLETED)
    return added


def _fluent(block: Block) -> bool:
    return "prose:good" in block.reason
