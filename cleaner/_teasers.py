"""Teaser runs: the headlines and one-line summaries of other items after an article.

A list of other stories reads like prose (each summary is a fluent sentence),
so the region search happily runs on from the article into it. What gives it
away is its structure and its words: a run of short, title-like lines, each
followed by at most one short summary (dates, bylines and "Read more" lines,
already labelled chrome, in between), whose summaries are about something
else - most of their words are not in the article above them. A section of
the article itself (a subheading and its paragraph) shares the article's
words, and its paragraphs are longer.

Pure: reads blocks, prose classes and which blocks are labelled chrome, and
answers with the indices of the run; the classifier labels them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ._features import WORD, ends_like_sentence
from ._model import Block

# A headline: a short line without closing punctuation.
HEAD_MIN_WORDS: Final = 3
HEAD_MAX_WORDS: Final = 20
# A summary: one or two sentences of prose.
SUMMARY_MAX_WORDS: Final = 80  # excerpt widgets cut summaries at about 60 words
# Fewer headlines than this are a pair of subheadings, not a list.
MIN_UNITS: Final = 3
# A list has at least this many summaries, or this many headlines alone.
MIN_SUMMARIES: Final = 2
MIN_HEADS_ALONE: Final = 5
# A list's items carry stamps: at least every other headline's item is followed by a
# date, a byline or a "Read more" line. A service page's list of features (a heading
# and a line about it) has none, and is content (wcxb-dev service and collection pages
# lost 0.2 F1 on such lists without this).
STAMP_CATEGORIES: Final = frozenset(("date", "byline", "related"))
# ... or the run opens under a heading that names it ("Related articles", "More in Sport",
# "Tags: ..."), within this many blocks before its first headline.
HEADING_CATEGORIES: Final = frozenset(("related", "tags"))
HEADING_WINDOW: Final = 3
# Words this long stand for content words (stopwords are mostly shorter), in any language
# written with spaces.
CONTENT_MIN_CHARS: Final = 4
# At most this share of an item's content words (the first item's, and the mean over the
# run) may be in the article above it: teasers of other items share little, the article's
# own sections much.
MAX_SHARED: Final = 0.4
# The article above the run must keep at least this many words of prose, and at least
# as many as the run holds: teasers are an appendix; a guide whose items are short
# sections (gift lists, group tables) is the article itself.
MIN_PROSE_BEFORE: Final = 50


@dataclass(frozen=True, slots=True)
class TeaserRun:
    start: int  # index of the run's first headline
    indices: tuple[int, ...]  # the run's headlines and summaries


def _shape(b: Block, klass: str) -> str:
    """'H' (headline-like), 'S' (summary-like) or 'O' (anything else)."""
    if HEAD_MIN_WORDS <= b.words <= HEAD_MAX_WORDS and klass != "good" and not ends_like_sentence(b.text):
        return "H"
    # a summary may be cut short ("... on Sunday"): no closing punctuation asked
    if b.words <= SUMMARY_MAX_WORDS and klass in ("good", "near"):
        return "S"
    return "O"


def _content_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) >= CONTENT_MIN_CHARS}


def teaser_tail(
    blocks: list[Block], classes: list[str], categories: list[str | None], region: tuple[int, int]
) -> TeaserRun | None:
    """The teaser run that ends ``region``, if there is one.

    The run is the longest list-shaped end of the region (headlines, each with
    at most one summary); it is a teaser run when it is an appendix to an
    article, marked as a list, and about other things - or there is none: a
    page that is a list from top to bottom is a listing, not an article with
    teasers. ``categories`` holds the chrome category of every labelled block
    (None: not labelled).
    """
    lo, hi = region
    seq = [(i, _shape(blocks[i], classes[i])) for i in range(lo, hi) if categories[i] is None]
    k = len(seq)
    while k > 0 and seq[k - 1][1] != "O" and not (seq[k - 1][1] == "S" and k < len(seq) and seq[k][1] == "S"):
        k -= 1
    while k < len(seq) and seq[k][1] != "H":
        k += 1
    run = seq[k:]
    heads = sum(1 for _, shape in run if shape == "H")
    summaries = len(run) - heads
    if heads < MIN_UNITS or (summaries < MIN_SUMMARIES and heads < MIN_HEADS_ALONE):
        return None
    start = run[0][0]
    prose = [i for i in range(lo, start) if classes[i] == "good" and categories[i] is None]
    if sum(blocks[i].words for i in prose) < max(MIN_PROSE_BEFORE, sum(blocks[i].words for i, _ in run)):
        return None
    if not _marked(run, heads, categories, lo if k == 0 else seq[k - 1][0], hi):
        return None
    article: set[str] = set()
    for i in prose:
        article |= _content_words(blocks[i].text)
    shares = [len(w & article) / len(w) for w in (_content_words(blocks[i].text) for i, _ in run) if w]
    if not shares or shares[0] > MAX_SHARED or sum(shares) / len(shares) > MAX_SHARED:
        return None
    return TeaserRun(start, tuple(i for i, _ in run))


def _marked(run: list[tuple[int, str]], heads: int, categories: list[str | None], before: int, end: int) -> bool:
    """Whether the run is marked as a list: stamps after half its items, or a heading naming it just before."""
    ends = [i for i, _ in run[1:]] + [end]
    stamped = sum(
        any(categories[j] in STAMP_CATEGORIES for j in range(i + 1, nxt)) for (i, _), nxt in zip(run, ends, strict=True)
    )
    start = run[0][0]
    return stamped * 2 >= heads or any(
        categories[j] in HEADING_CATEGORIES for j in range(max(before + 1, start - HEADING_WINDOW), start)
    )
