"""The accurate HTML front-end: one safe parse, trafilatura's main content as blocks.

Flow, all on the one tree parsed here:

1. safe parse (``html._parse``); the site's rules prune the tree first
   (``prune_tree``: their article XPath and strip lists must act before
   extraction);
2. what the page declares: its kind (``html._kind``: an article, a product,
   or neither) and metadata (``html._meta``: meta tags, JSON-LD, htmldate);
3. trafilatura's main-content cascade, its body turned into blocks that keep
   the element kind (``html._extract``), text repaired, a trailing list of
   links after the prose dropped (``html._links``): the primary blocks, which
   the classifier only has to rid of chrome (``use_region=False``);
4. the alternatives, rendered only if the pipeline asks: the full page as
   text (landmarks left out, or kept when that keeps clearly more) when
   trafilatura found too little; the same when the page declares neither an
   article nor a product and could hold clearly more prose than was
   extracted (far more when the page shows an article: ``html._kind.shows_article``);
   the full page alone when the page is too large for trafilatura;
5. the reading: the same full-page rendering, for the text engine's second
   opinion on link lines at the ends of the primary blocks.

This module decides nothing: the pipeline runs the stages, picks between the
blocks and the alternatives, and finishes with the metadata.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

from .._decode import repair_text
from .._html_text import tree_to_text
from .._model import Block
from ..html._kind import ARTICLE, dated_path, shows_article, shows_post
from ..html._links import AnchorIndex, drop_trailing_links
from ._markup import read_markup, whole_page
from ._page import (
    NOT_ARTICLE_GAIN,
    SHOWN_ARTICLE_GAIN,
    Alternative,
    Page,
    Reading,
    Rendering,
    Settings,
    short_result_needs,
    text_rendering,
)

if TYPE_CHECKING:
    from ..rules import SiteRules

# The full-page rendering is only made when the page's text, at this many
# characters a word, could reach that gain at all. Words average about six
# characters with their space; 8 skips a quarter more renderings and, measured
# on wcxb-dev, misses 6 of the 114 pages where the full page keeps 1.5x the words.
CHARS_PER_WORD = 8.0
_TEXT_CHARS = etree.XPath("string-length(normalize-space(.))")


def load() -> None:
    """Import trafilatura and htmldate now (a second or so), not on the first page."""
    import htmldate  # noqa: F401
    import trafilatura  # noqa: F401
    from trafilatura import external

    if external.JT_STOPLIST is None:
        # trafilatura's jusText rescue loads every language's stopwords on the first page that needs
        # it (0.5-3 s): under a per-document timeout that first page would time out
        external.jt_stoplist_init()

    from ..html import _author, _extract  # noqa: F401


def segment(markup: str, *, url: str | None, rules: SiteRules | None, settings: Settings) -> Page:
    """The page's main content as blocks, with what it declares and its full-page alternatives."""
    page = read_markup(markup, url=url, rules=rules, thorough=True)
    if page is None:
        return Page([])
    root, kind, metadata, article, limit = page.root, page.kind, page.metadata, page.article, page.limit
    if page.too_large:
        # trafilatura's cost grows faster than the page: the full page alone, and no second
        # full rendering for list_all_removed
        too_large = _full_page(root, settings, "too-large", lambda _words: 1)
        return Page([], metadata=metadata, article=article, tree=root, alternatives=[too_large], limit=limit)
    blocks = _extracted_blocks(root, url)
    # A page its URL files under a date, or whose markup holds a post's body or the comments box
    # under one, is a post: trafilatura's extraction stands even when short, and the full page never
    # replaces it as a non-article's would. Each test asked at most once, and only if needed.
    own_url = metadata.url if metadata is not None else None
    dated = dated_path(url) or dated_path(own_url)
    post = functools.cache(lambda: dated or shows_post(root))  # about 1 ms
    shown = functools.cache(lambda: dated or shows_article(root))  # about 2 ms
    why = "short-extraction" if blocks else "no-extraction"
    alternatives = [_full_page(root, settings, why, _short_needs(post))]
    if kind is None and not dated:
        alternatives.append(_not_an_article(root, settings, shown, post))
    return Page(
        blocks,
        use_region=False,  # trafilatura already cut the page to the article: the classifier only drops chrome
        metadata=metadata,
        article=article,
        tree=root,
        alternatives=alternatives,
        outside=whole_page(root),
        reading=_reading(root, settings, kind, shown),
        limit=limit,
    )


def _extracted_blocks(root: Any, url: str | None) -> list[Block]:
    """trafilatura's main content as blocks, text repaired, a trailing run of link lines dropped."""
    from ..html._extract import body_to_blocks

    blocks = body_to_blocks(_extract_body(root, url))
    for b in blocks:
        # only the extracted text is repaired, not the whole markup (cheaper)
        b.text = repair_text(b.text)
    drop_trailing_links(blocks, root)
    return blocks


def _extract_body(root: Any, url: str | None) -> Any:
    from ..html._extract import run_trafilatura

    try:
        doc = run_trafilatura(root, url)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return None if doc is None else doc.body


def _full_page(root: Any, settings: Settings, why: str, needed: Callable[[int], int | None]) -> Alternative:
    """The full page as text without its landmarks; with them (``wider``) when that keeps too few words.

    The site's header, menus, footer and asides are left out first: they are
    not the page's content, and the text engine's region search goes astray on
    a long menu. Where trafilatura found (almost) nothing, the content may well
    sit in an ``<aside>`` or a ``<header>``: a second rendering is cheaper than
    losing it.
    """
    return Alternative(
        why,
        render=lambda: _rendering(root, settings, skip_landmarks=True),
        needed=needed,
        wider=lambda: _rendering(root, settings, skip_landmarks=False),
        replaces_empty=True,
    )


def _short_needs(post: Callable[[], bool]) -> Callable[[int], int | None]:
    """``short_result_needs``, except for a post's short extraction: a short post is short (measured on
    dragnet's 2012 blogs and news: the full page replaced 44 short extractions, 29 for the worse and
    2 for the better; on wcxb-dev it helps listings and collections, which hold no post markup)."""

    def needed(words: int) -> int | None:
        gain = short_result_needs(words)
        return None if gain is not None and words and post() else gain

    return needed


def _not_an_article(
    root: Any,
    settings: Settings,
    shown: Callable[[], bool] | None = None,
    post: Callable[[], bool] | None = None,
) -> Alternative:
    """trafilatura looks for one article; a service or listing page spreads its content over
    several boxes, which the full-page engine (list mode, secondary runs) keeps. Not offered for a
    product page (around its description the full page is cards of other products), nor for a page
    whose markup holds a post's body or the comments box under one (``html._kind.shows_post``); a
    page that shows an article where it declares none (``html._kind.shows_article``) must gain far more."""

    def needed(words: int) -> int | None:
        # the cheap estimate first: most pages could never reach the gain, and rendering costs
        gain = NOT_ARTICLE_GAIN * words
        if _visible_words(root) < gain or (post() if post is not None else shows_post(root)):
            return None  # a post's body or its comments box in the markup: a post, never the full page
        if shown() if shown is not None else shows_article(root):
            gain = SHOWN_ARTICLE_GAIN * words
        return math.ceil(gain)

    return Alternative("not-an-article", render=lambda: _rendering(root, settings, skip_landmarks=True), needed=needed)


def _reading(root: Any, settings: Settings, kind: str | None, shown: Callable[[], bool]) -> Reading | None:
    """The second opinion, for articles only (declared, or shown where nothing is declared): on a
    service, listing or product page the link lines at the ends of the extraction are its content
    (measured on wcxb-dev: challenged there, service pages lost 0.23 and listings 0.11, summed)."""
    if kind is not None and kind != ARTICLE:
        return None
    applies = _always if kind == ARTICLE else shown
    return Reading(
        lambda: _rendering(root, settings, skip_landmarks=True), _link_share(root), applies, lambda: _prose_words(root)
    )


def _always() -> bool:
    return True


def _link_share(root: Any) -> Callable[[str], float]:
    """``AnchorIndex.teaser_share`` over the page's links, the index built on the first question."""
    index: list[AnchorIndex] = []

    def share(text: str) -> float:
        if not index:
            index.append(AnchorIndex(root))
        return index[0].teaser_share(text)

    return share


def _rendering(root: Any, settings: Settings, *, skip_landmarks: bool) -> Rendering:
    return text_rendering(tree_to_text(root, skip_landmarks=skip_landmarks), settings)


# A <p> this long (in characters) is a paragraph of prose, not a caption or a teaser.
PROSE_PARAGRAPH_CHARS = 150


def _prose_words(root: Any) -> float:
    """A cheap estimate (no rendering) of the words in the page's paragraphs of prose."""
    chars = 0
    for p in root.iter("p"):
        n = len(p.text_content())
        if n >= PROSE_PARAGRAPH_CHARS:
            chars += n
    return chars / CHARS_PER_WORD


def _visible_words(root: Any) -> float:
    """A cheap estimate (in C, no rendering) of the words a full-page rendering could keep."""
    body = root.find("body")
    if body is None:
        return 0.0
    chars = _TEXT_CHARS(body)
    # inline scripts and styles are text nodes too, but never page text
    code = sum(len(" ".join((el.text or "").split())) for el in body.iter("script", "style", "template", "noscript"))
    return max(0.0, (chars if isinstance(chars, float) else 0.0) - code) / CHARS_PER_WORD
