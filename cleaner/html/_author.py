"""trafilatura's author search (``trafilatura.metadata.extract_author``), without its costs.

trafilatura deep-copies the tree, deletes comment sections, sidebars, dates
and figures from the copy, then runs three XPaths whose ``re:test`` calls go
back into Python for every element of the page. The same search here:

- every candidate and every discarded section is found through the attribute
  axis with ``contains()`` (in C), a superset of trafilatura's conditions;
- trafilatura's exact conditions (tags, equalities, regexes) then filter
  those few elements in Python;
- discarded sections are skipped instead of deleted, so nothing is copied.

Candidates are tried tier by tier, each in document order, and the first
whose text (without discarded parts) is 3..119 characters long wins, as in
trafilatura. A page without any candidate costs one XPath.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree, html

# Superset of the elements trafilatura's three AUTHOR_XPATHS can match: substrings of
# class and id values, other attributes, tags.
_CLASS_CUES = (
    "uthor", "yline", "byl", "BBL", "username", "channel-name", "zuozhe", "bianji", "xiaobian",
    "submitted-by", "posted-by", "journalist-name", "screenname", "writer",
)  # fmt: skip
_ID_CUES = ("uthor", "zuozhe", "bianji", "xiaobian")
_OTHER_CANDIDATES = (
    "//@rel[.='author']/.. | //@itemprop[contains(.,'author')]/.. | //@data-component[contains(.,'Byline')]/.."
    " | //rel[.='me']/.. | //author"
    # trafilatura asks for 'AuthorCard' and 'AuthorURL'; any 'Author' is a superset that also
    # serves _meta's own author XPath, so one query (one pass over the attribute) serves both
    " | //@data-testid[contains(.,'Author')]/.."
)
# Each contains() in a query runs on every class value of the page (14 of them cost
# more than the rest of the metadata); the values, fetched as plain strings and
# scanned with one regex, tell which cues occur at all.
_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
_ID_VALUES = etree.XPath("//@id", smart_strings=False)
_CLASS_CUE = re.compile("|".join(map(re.escape, _CLASS_CUES)))
_ID_CUE = re.compile("|".join(map(re.escape, _ID_CUES)))


@lru_cache(maxsize=256)
def _candidates_xpath(class_cues: frozenset[str], id_cues: frozenset[str]) -> etree.XPath:
    parts = [_OTHER_CANDIDATES]
    for attribute, cues in (("class", class_cues), ("id", id_cues)):
        if cues:
            tests = " or ".join(f"contains(.,'{cue}')" for cue in sorted(cues))
            parts.append(f"//@{attribute}[{tests}]/..")
    return etree.XPath(" | ".join(parts))


def _cues_in(values: object, cue: re.Pattern[str]) -> frozenset[str]:
    # findall does not overlap ("byline" yields "byl" only), but an element whose
    # value holds a skipped cue holds the one found there too, so it is still selected
    return frozenset(cue.findall("\n".join(values))) if isinstance(values, list) else frozenset()


# Superset of the sections trafilatura's AUTHOR_DISCARD_XPATHS delete.
_DISCARDS = etree.XPath(
    "//@id[contains(.,'omment') or contains(.,'ProductReviews')]/.."
    " | //@class[contains(.,'omment') or contains(.,'title') or contains(.,'date') or contains(.,'sidebar')"
    " or contains(.,'is-hidden') or contains(.,'quote') or contains(.,'embedly-instagram')"
    " or contains(.,'article-s') or contains(.,'print') or contains(.,'category') or contains(.,'meta-reviewer')]/.."
    " | //@data-component[contains(.,'Figure')]/.. | //time | //figure"
)
_DISCARD_TAGS = frozenset(["a", "div", "section", "span"])
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|article-(?:share|support)"
    r"|print|category|meta-date|meta-reviewer"
)
_TIER1_TAGS = frozenset(["a", "address", "div", "link", "p", "span", "strong"])
_TIER1_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_TIER2_TAGS = frozenset(["a", "div", "h3", "h4", "p", "span"])
_TIER2_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_TIER2_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_TIER3_ID = re.compile(r"[Aa]uthor")
_TIER3_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_MIN_CHARS, _MAX_CHARS = 2, 120  # exclusive bounds, as trafilatura's extract_metainfo(len_limit=120)


def _attr(el: etree._Element, name: str) -> str:
    return el.get(name) or ""


def _discarded(el: etree._Element) -> bool:
    if el.tag in ("time", "figure"):
        return True
    if el.tag not in _DISCARD_TAGS:
        return False
    ident, cls = _attr(el, "id"), _attr(el, "class")
    return (
        ident == "comments"
        or cls in ("comments", "title", "date")
        or bool(_DISCARD_ID.search(ident))
        or bool(_DISCARD_CLASS.search(cls))
        or "Figure" in _attr(el, "data-component")
    )


def _tier1(el: etree._Element) -> bool:
    if el.tag == "author":
        return True
    if el.tag not in _TIER1_TAGS:
        return False
    return (
        _attr(el, "rel") == "author"
        or _attr(el, "id") == "author"
        or _attr(el, "class") == "author"
        or _attr(el, "itemprop") == "author name"
        or any(c.tag == "rel" and (c.text or "") == "me" and len(c) == 0 for c in el)
        or _attr(el, "data-testid") in ("AuthorCard", "AuthorURL")
        or bool(_TIER1_CLASS.search(_attr(el, "class")))
    )


def _tier2(el: etree._Element) -> bool:
    if el.tag not in _TIER2_TAGS:
        return False
    cls = _attr(el, "class")
    return (
        cls in ("byline", "username", "byl", "BBL")
        or "author" in _attr(el, "itemprop")
        or bool(_TIER2_ID.search(_attr(el, "id")))
        or bool(_TIER2_CLASS.search(cls))
    )


def _tier3(el: etree._Element) -> bool:
    return (
        "Byline" in _attr(el, "data-component")
        or "author" in _attr(el, "itemprop")
        or bool(_TIER3_ID.search(_attr(el, "id")))
        or bool(_TIER3_CLASS.search(_attr(el, "class")))
    )


_TIERS: tuple[Callable[[etree._Element], bool], ...] = (_tier1, _tier2, _tier3)


def _text_without(el: etree._Element, gone: set[etree._Element]) -> str:
    """The element's text pieces joined with spaces, discarded sections left out (their tails kept)."""
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(el, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node in gone:
            if node.tail:
                parts.append(node.tail)
            continue
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return " ".join(" ".join(parts).split())


def author_candidates(root: html.HtmlElement) -> list[etree._Element]:
    """Every element either author search may pick, in document order."""
    query = _candidates_xpath(_cues_in(_CLASS_VALUES(root), _CLASS_CUE), _cues_in(_ID_VALUES(root), _ID_CUE))
    found = query(root)
    return [el for el in found if isinstance(el, etree._Element)] if isinstance(found, list) else []


def find_author(root: html.HtmlElement, candidates: list[etree._Element] | None = None) -> str | None:
    """The raw author string trafilatura's ``extract_author`` would find, or None."""
    if candidates is None:
        candidates = author_candidates(root)
    if not candidates:
        return None
    found = _DISCARDS(root)
    gone = {
        el for el in (found if isinstance(found, list) else []) if isinstance(el, etree._Element) and _discarded(el)
    }
    for tier in _TIERS:
        for el in candidates:
            if not tier(el):
                continue
            if el in gone or any(a in gone for a in el.iterancestors()):
                continue
            text = _text_without(el, gone)
            if _MIN_CHARS < len(text) < _MAX_CHARS:
                return text
    return None
