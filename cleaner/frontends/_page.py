"""What a front-end hands the pipeline: a Page of blocks, and its lazily rendered alternatives.

A front-end only segments: it never classifies, assembles or decides between
its renderings. The pipeline runs the stages on ``Page.blocks``, then lets the
first alternative that applies decide whether a full-page rendering replaces
them (``Alternative``), then finishes with what the markup declared
(``Page.metadata``, ``Page.article``) and the site rules' tree metadata
(``Page.tree``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._decode import repair_text
from .._model import Block, Metadata
from .._segment import split_blocks


@dataclass(frozen=True, slots=True)
class Settings:
    """The Cleaner settings a front-end reads."""

    # a full-page rendering's text is cut here, at a line break (None: no cut)
    max_page_text_chars: int | None = None


@dataclass(slots=True)
class Rendering:
    """Blocks of a full-page rendering, and whether a size limit cut its text."""

    blocks: list[Block]
    truncated: bool = False


@dataclass(slots=True)
class Alternative:
    """A fallback the pipeline may take instead of the primary blocks.

    The pipeline asks ``needed`` with the words the primary blocks kept; the
    first alternative that answers a number is rendered (``render``, then
    ``wider`` when the rendering keeps fewer words than that and ``wider``
    keeps more), cleaned with the main-text search on, and replaces the
    primary result when it keeps at least that many words, or whatever it
    keeps when ``replaces_empty`` and the primary kept nothing. Every block of
    a result taken from it has ``;fallback:<why>`` appended to its reason.
    """

    why: str  # "short-extraction", "no-extraction", "not-an-article", "too-large"
    render: Callable[[], Rendering]  # lazy: the full page is rendered only when asked
    # given the primary's kept words: words this alternative must keep to win; None: it does not apply
    needed: Callable[[int], int | None]
    wider: Callable[[], Rendering] | None = None  # e.g. the rendering that includes the page's landmarks
    replaces_empty: bool = False


@dataclass(frozen=True, slots=True)
class Reading:
    """The full page as the text engine reads it, and what of it is link text (both lazy)."""

    render: Callable[[], Rendering]
    # the share of a text's characters that the page's links hold, for a line opening with a link
    # (a teaser, a headline of another story); 0 otherwise
    link_share: Callable[[str], float]
    # whether the page is an article the opinion may be given on (asked last: it costs a look at the tree)
    applies: Callable[[], bool]
    # an estimate, without rendering, of the words in the page's paragraphs of prose (0: unknown)
    prose_words: Callable[[], float] = lambda: 0.0


@dataclass(slots=True)
class Page:
    """One document as a front-end segmented it."""

    blocks: list[Block]  # the primary blocks
    # False when an extractor already cut the page to the article: the classifier then only drops chrome
    use_region: bool = True
    # what the markup declares (head, meta tags, JSON-LD), merged over the text's metadata;
    # its language is the declared one. None: no markup, the text's metadata stands alone
    metadata: Metadata | None = None
    article: bool = False  # the page declares an article: a leading headline and dek move to metadata
    tree: Any = None  # the parsed tree, for site rules' XPath metadata
    alternatives: list[Alternative] = field(default_factory=list)
    # the whole page as blocks, for list_all_removed (None: nothing to add)
    outside: Callable[[], list[Block]] | None = None
    # the full page for the text engine's second opinion on the primary blocks (``_second_opinion``);
    # None: the primary blocks stand alone
    reading: Reading | None = None
    # why the front-end saw only part of the document; the result is then marked truncated
    limit: str | None = None


# The fallback policy both HTML engines share: a result keeping fewer than SHORT_RESULT_WORDS
# words loses to a full page keeping FALLBACK_GAIN times as many, and a page that declares
# neither an article nor a product (og:type, article:published_time, JSON-LD) takes the
# full page when that keeps NOT_ARTICLE_GAIN times the words.
SHORT_RESULT_WORDS = 60
FALLBACK_GAIN = 2.0
NOT_ARTICLE_GAIN = 1.5
# A page that declares no article but shows one (``html._kind.shows_article``) takes the full page
# only at this gain: what the full page adds there is mostly other stories' headlines. Measured on
# dragnet (2012 news and blogs, gold with comments): the swap fires on 94 pages instead of 155; of
# the 61 it left, 32 better and 29 worse (F1 0.8089 -> 0.8100 with the second opinion). Above 4x,
# pages whose full page adds a long comment thread (in dragnet's gold) lose.
SHOWN_ARTICLE_GAIN = 4.0


def short_result_needs(words: int) -> int | None:
    """The words a full-page alternative must keep to replace a result of ``words``; None when that is not short."""
    if words >= SHORT_RESULT_WORDS:
        return None
    return math.ceil(FALLBACK_GAIN * words) if words else 1


def text_rendering(text: str, settings: Settings) -> Rendering:
    """A full-page text rendering as line blocks (the text front-end's segmentation), cut to the settings' limit."""
    text, truncated = cut_at_line(text, settings.max_page_text_chars)
    return Rendering(split_blocks(repair_text(text)), truncated)


def cut_at_line(text: str, limit: int | None) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters, at the last line break before it; and whether it was cut."""
    if limit is None or len(text) <= limit:
        return text, False
    # no line break before the limit (one giant line): cut mid-line rather than keep it all
    return text[: text.rfind("\n", 0, limit) + 1 or limit], True
