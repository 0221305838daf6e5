"""HTML mode: parse once, trafilatura for the main content, cleaner's chrome
detection on top, HTML metadata first.

Stages, all on the one tree parsed here:

1. safe parse (``_parse``); site rules may prune the tree (``prune_tree``);
2. metadata from the HTML (trafilatura's ``extract_metadata`` and htmldate);
3. trafilatura's main-content cascade, its body turned into Blocks that keep
   the element kind (``_extract``);
4. a trailing list of links after the prose goes (``_links``), then
   cleaner's generic classifier and site text rules drop the chrome
   trafilatura kept (captions, appeals, newsletter boxes, share lines, bylines);
5. fallback: when trafilatura finds nothing or too little, or the page does
   not declare itself an article and the plain-text engine over a full-page
   rendering keeps clearly more, that result is used, and every block's
   reason says so;
6. an article's leading headline and dek become metadata, not body (``_lead``);
   the declared ``<html lang>`` stands unless the kept text clearly is
   another language (``_language``);
7. on request, the page text the extractor left out is listed as dropped
   blocks too (``_outside``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from lxml import etree

from .._decode import repair_text
from .._html_text import tree_to_text
from .._model import STATUS_EMPTY, Metadata, Result
from .._pipeline import assemble, no_article
from .._segment import split_blocks
from ._kind import ARTICLE, page_kind
from ._language import settle_language
from ._lead import drop_lead
from ._links import drop_trailing_links
from ._meta import html_metadata, merge
from ._parse import Parsed, head_only, parse_markup

if TYPE_CHECKING:
    from .._pipeline import Cleaner
    from ..rules import SiteRules

# Below this many words the extraction is checked against the full-page text
# engine, which wins when it keeps clearly more prose (menus do not count: the
# text engine drops them itself).
SHORT_EXTRACTION_WORDS = 60
FALLBACK_GAIN = 2.0
# A page that declares neither an article nor a product (og:type, article:published_time,
# JSON-LD) takes the full-page result when it keeps this many times the words.
NOT_ARTICLE_GAIN = 1.5
# The full-page rendering is only made when the page's text, at this many
# characters a word, could reach that gain at all. Words average about six
# characters with their space; 8 skips a quarter more renderings and, measured
# on wcxb-dev, misses 6 of the 114 pages where the full page keeps 1.5x the words.
CHARS_PER_WORD = 8.0
_TEXT_CHARS = etree.XPath("string-length(normalize-space(.))")
FALLBACK_SUFFIX = ";fallback"

__all__ = ["clean_html", "load_extractors"]


def load_extractors() -> None:
    """Import trafilatura and htmldate now (a second or so), not on the first page."""
    import htmldate  # noqa: F401
    import trafilatura  # noqa: F401

    from . import _author, _extract  # noqa: F401


def clean_html(cleaner: Cleaner, markup: str, *, url: str | None, site: str | None) -> Result:
    """Clean one decoded HTML document."""
    parsed = parse_markup(markup)
    if parsed is None:
        return cleaner.clean_blocks([], url=url, mode="html")
    result = _clean_parsed(cleaner, parsed, markup, url=url, site=site)
    if parsed.limit:
        # the parser dropped the rest of the page: never silently
        result.truncated = True
        if not result.ok:
            result.error = f"{result.error}; the HTML parser stopped early: {parsed.limit}"
    return result


def _clean_parsed(cleaner: Cleaner, parsed: Parsed, markup: str, *, url: str | None, site: str | None) -> Result:
    root = parsed.root
    rules = cleaner.resolve_site(url, markup, site)
    prune = getattr(rules, "prune_tree", None)
    if callable(prune):
        prune(root)
    kind = page_kind(root)
    # on a pathological page only <head> is searched: htmldate alone would take seconds
    html_meta = html_metadata(head_only(root) if parsed.too_large else root, url, article=kind == ARTICLE)
    if parsed.too_large:
        too_large = _fallback_with_landmarks(cleaner, parsed, url, rules, "too-large", needed=1)
        return _finish(cleaner, too_large, html_meta, rules, root, article=kind == ARTICLE)
    body = _extract_body(root, url)
    result = _from_extraction(cleaner, body, root, url, rules)
    words = _kept_words(result)
    if words < SHORT_EXTRACTION_WORDS:
        needed = math.ceil(FALLBACK_GAIN * words) if words else 1
        why = "short-extraction" if result.blocks else "no-extraction"
        alt = _fallback_with_landmarks(cleaner, parsed, url, rules, why, needed=needed)
        if not words or _kept_words(alt) >= needed:
            result = alt
    elif kind is None and _visible_words(root) >= NOT_ARTICLE_GAIN * words:
        # trafilatura looks for one article; a service or listing page spreads its content over
        # several boxes, which the full-page engine (list mode, secondary runs) keeps. A product
        # page is left alone: around its description the full page is cards of other products.
        alt = _fallback(cleaner, parsed, url, rules, "not-an-article")
        if _kept_words(alt) >= NOT_ARTICLE_GAIN * words:
            result = alt
    result = _finish(cleaner, result, html_meta, rules, root, article=kind == ARTICLE)
    if cleaner.list_all_removed:
        from ._outside import add_outside_blocks

        add_outside_blocks(result, root)
    return result


def _visible_words(root: Any) -> float:
    """A cheap estimate (in C, no rendering) of the words a full-page rendering could keep."""
    body = root.find("body")
    if body is None:
        return 0.0
    chars = _TEXT_CHARS(body)
    # inline scripts and styles are text nodes too, but never page text
    code = sum(len(" ".join((el.text or "").split())) for el in body.iter("script", "style", "template", "noscript"))
    return max(0.0, (chars if isinstance(chars, float) else 0.0) - code) / CHARS_PER_WORD


def _extract_body(root: Any, url: str | None) -> Any:
    from ._extract import run_trafilatura

    try:
        doc = run_trafilatura(root, url)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return None if doc is None else doc.body


def _from_extraction(cleaner: Cleaner, body: Any, root: Any, url: str | None, rules: SiteRules | None) -> Result:
    from ._extract import body_to_blocks

    blocks = body_to_blocks(body)
    for b in blocks:
        b.text = repair_text(b.text)
    drop_trailing_links(blocks, root)
    # use_region=False: trafilatura already cut the page to the article; the classifier only drops chrome
    return cleaner.clean_blocks(blocks, url=url, mode="html", rules=rules, use_region=False)


def _fallback_with_landmarks(
    cleaner: Cleaner, parsed: Parsed, url: str | None, rules: SiteRules | None, why: str, *, needed: int
) -> Result:
    """The fallback without the page's landmarks, else with them when that keeps fewer than ``needed`` words.

    Where trafilatura found (almost) nothing, the content may well sit in an
    ``<aside>`` or a ``<header>``: a second rendering is cheaper than losing it.
    """
    result = _fallback(cleaner, parsed, url, rules, why)
    if _kept_words(result) < needed:
        whole = _fallback(cleaner, parsed, url, rules, why, skip_landmarks=False)
        if _kept_words(whole) > _kept_words(result):
            return whole
    return result


def _fallback(
    cleaner: Cleaner, parsed: Parsed, url: str | None, rules: SiteRules | None, why: str, *, skip_landmarks: bool = True
) -> Result:
    """The plain-text engine over a full-page rendering, every reason marked.

    The site's header, menus, footer and asides are left out by default: they
    are not the page's content, and the text engine's region search goes astray
    on a long menu.
    """
    text = tree_to_text(parsed.root, skip_landmarks=skip_landmarks)
    text, truncated = cut_at_line(text, cleaner.max_page_text_chars)
    blocks = split_blocks(repair_text(text))
    result = cleaner.clean_blocks(blocks, url=url, mode="html", rules=rules, use_region=True)
    result.truncated = truncated
    for b in result.blocks:
        b.reason = f"{b.reason}{FALLBACK_SUFFIX}:{why}"
    return result


def cut_at_line(text: str, limit: int | None) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters, at the last line break before it; and whether it was cut."""
    if limit is None or len(text) <= limit:
        return text, False
    # no line break before the limit (one giant line): cut mid-line rather than keep it all
    return text[: text.rfind("\n", 0, limit) + 1 or limit], True


def _kept_words(result: Result) -> int:
    return sum(b.words for b in result.blocks if b.kept)


def _finish(
    cleaner: Cleaner, result: Result, html_meta: Metadata, rules: SiteRules | None, root: Any, *, article: bool
) -> Result:
    """Metadata merged, the language settled, an article's leading headline and dek moved to it, site rules last."""
    declared, detected = html_meta.language, result.metadata.language
    result.metadata = merge(html_meta, result.metadata)
    if declared:
        result.metadata.language = settle_language(declared, detected, result.blocks, cleaner.lexicon)
    if article and drop_lead(result.blocks, result.metadata):
        result.text = assemble(result.blocks)
    if rules is not None:
        # site rules have the last word, with their XPaths run on this same tree
        rules.apply_metadata(result.blocks, result.metadata, root)
    if not result.text:
        result.status = STATUS_EMPTY
        result.error = result.error or no_article(result.blocks, "html")
    return result
