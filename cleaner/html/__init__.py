"""HTML mode: parse once, trafilatura for the main content, cleaner's chrome
detection on top, HTML metadata first.

Stages, all on the one tree parsed here:

1. safe parse (``_parse``); site rules may prune the tree (``prune_tree``);
2. metadata from the HTML (trafilatura's ``extract_metadata`` and htmldate);
3. trafilatura's main-content cascade, its body turned into Blocks that keep
   the element kind (``_extract``);
4. cleaner's generic classifier and site text rules over those blocks, which
   drop the chrome trafilatura kept (captions, related links, appeals,
   newsletter boxes, share lines, bylines);
5. fallback: when trafilatura finds nothing or too little, the full page is
   rendered as text and cleaned by the plain-text engine, and every block's
   reason says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._decode import repair_text
from .._html_text import tree_to_text
from .._model import STATUS_EMPTY, Metadata, Result
from .._segment import split_blocks
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
FALLBACK_SUFFIX = ";fallback"
# The full-page text handed to the fallback is cut here (at a line break):
# longer than any article, short enough that classifying it stays quick.
MAX_FALLBACK_TEXT = 500_000

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
    root = parsed.root
    rules = cleaner.resolve_site(url, markup, site)
    prune = getattr(rules, "prune_tree", None)
    if callable(prune):
        prune(root)
    # on a pathological page only <head> is searched: htmldate alone would take seconds
    html_meta = html_metadata(head_only(root) if parsed.too_large else root, url)
    if parsed.too_large:
        return _finish(_fallback(cleaner, parsed, url, rules, "too-large"), html_meta, rules, root)
    body = _extract_body(root, url)
    result = _from_extraction(cleaner, body, url, rules)
    words = _kept_words(result)
    if words < SHORT_EXTRACTION_WORDS:
        alt = _fallback(cleaner, parsed, url, rules, "short-extraction" if result.blocks else "no-extraction")
        if not words or _kept_words(alt) >= FALLBACK_GAIN * max(words, 1):
            result = alt
    return _finish(result, html_meta, rules, root)


def _extract_body(root: Any, url: str | None) -> Any:
    from ._extract import run_trafilatura

    try:
        doc = run_trafilatura(root, url)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return None if doc is None else doc.body


def _from_extraction(cleaner: Cleaner, body: Any, url: str | None, rules: SiteRules | None) -> Result:
    from ._extract import body_to_blocks

    blocks = body_to_blocks(body)
    for b in blocks:
        b.text = repair_text(b.text)
    # use_region=False: trafilatura already cut the page to the article; the classifier only drops chrome
    return cleaner.clean_blocks(blocks, url=url, mode="html", rules=rules, use_region=False)


def _fallback(cleaner: Cleaner, parsed: Parsed, url: str | None, rules: SiteRules | None, why: str) -> Result:
    """The plain-text engine over a full-page rendering, every reason marked."""
    text = tree_to_text(parsed.root)
    if len(text) > MAX_FALLBACK_TEXT:
        text = text[: text.rfind("\n", 0, MAX_FALLBACK_TEXT) + 1 or MAX_FALLBACK_TEXT]
    blocks = split_blocks(repair_text(text))
    result = cleaner.clean_blocks(blocks, url=url, mode="html", rules=rules, use_region=True)
    for b in result.blocks:
        b.reason = f"{b.reason}{FALLBACK_SUFFIX}:{why}"
    return result


def _kept_words(result: Result) -> int:
    return sum(b.words for b in result.blocks if b.kept)


def _finish(result: Result, html_meta: Metadata, rules: SiteRules | None = None, root: Any = None) -> Result:
    result.metadata = merge(html_meta, result.metadata)
    if rules is not None:
        # site rules have the last word, with their XPaths run on this same tree
        rules.apply_metadata(result.blocks, result.metadata, root)
    if not result.text and result.status != STATUS_EMPTY:
        result.status = STATUS_EMPTY
    return result
