"""Stage 6: metadata from the blocks of a text page.

The headline is the first headline-shaped line just above the article, a
standfirst right under it is the description, and dates and bylines come
from the lines the classifier labelled as such.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Final
from urllib.parse import unquote, urlsplit

from ._dates import find_date, url_date
from ._model import KEEP, Block, Metadata

TITLE_WINDOW: Final = 8  # blocks above the article searched for the headline
TITLE_MIN_WORDS: Final = 3
TITLE_MAX_WORDS: Final = 30
# A line is the headline when the harmonic mean of its share of words in the URL's
# path and the path's share of words in it reaches this ("power-tools" and "Power Tools": 1).
SLUG_MATCH: Final = 0.5
SLUG_TITLE_MIN_WORDS: Final = 2  # a category page's headline may be two words
_SLUG_WORD: Final = re.compile(r"[^\W_]+")
# Path words that name the site's sections or file types, not the page.
_SLUG_NOISE: Final = frozenset(
    ["html", "htm", "php", "aspx", "asp", "www", "index", "blog", "news", "article", "articles", "post", "posts", "p"]
)
DESCRIPTION_MIN_WORDS: Final = 6
DESCRIPTION_MAX_WORDS: Final = 60
DATE_LINE_MAX_WORDS: Final = 12  # a dropped line longer than this is not a date line
# Drop categories that can never be a headline or standfirst.
_NOT_HEADLINE: Final = {
    "navigation", "media", "subscription", "appeal", "related", "podcast", "video", "lottery", "ticker",
    "weather", "gallery", "caption", "credit", "share", "tags", "date", "byline", "comments",
    "advertisement", "cookie", "legal", "loading", "notice", "commerce",
}  # fmt: skip
_NOT_HEADLINE_ENDINGS: Final = (".", ":", ";", ",")
_PLUS_ONE: Final = (1).__add__
_DATE_LABEL: Final = re.compile(r"^\W*(published|posted|date|first published|on)\b", re.IGNORECASE)
_UPDATED: Final = re.compile(r"\b(updated|modified)\b", re.IGNORECASE)
_BY: Final = re.compile(r"^(?:by|written by|reported by|author:|words by)\s+(.{2,80})$", re.IGNORECASE)
_BYLINE_CUT: Final = re.compile(
    r"\s*(?:[|,•·–—-]\s|\bpublished\b|\bupdated\b|\bposted\b|\bon\s+\w+day\b|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}).*$",
    re.IGNORECASE,
)
# Distinct hosts whose registered domain is remembered: a crawl revisits the same
# sites, and a public-suffix lookup costs more than the rest of the URL handling.
DOMAIN_CACHE_HOSTS: Final = 1 << 16


def domain_of(url: object) -> str | None:
    """The registered domain of ``url``'s host: the label under its public suffix.

    Public suffixes come from the Public Suffix List (the ``tld`` package's
    copy, private section included), so ``www.bbc.co.uk`` is ``bbc.co.uk``,
    ``alice.github.io`` and ``city.kawasaki.jp`` stay whole, and an IP address
    or ``localhost`` is its own domain. Never raises: garbage gives None.
    """
    host = _host(url)
    return registered_domain(host) if host else None


def _host(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    try:
        # hostname drops userinfo and port, and lower-cases
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        return None
    return (host or "").strip().rstrip(".") or None


@lru_cache(maxsize=DOMAIN_CACHE_HOSTS)
def registered_domain(host: str) -> str:
    """``host``'s registered domain (see domain_of); the host itself when it has none."""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return host  # localhost, an intranet name
    from tld import get_fld

    try:
        found = get_fld(host, fix_protocol=True, fail_silently=True)
    except ValueError:  # tld re-parses the host as a URL; a stray character can upset it
        found = None
    # a suffix the list does not know (.internal, .local): the last two labels
    return found if isinstance(found, str) else ".".join(labels[-2:])


_LEARNED = "site-model:"  # the reasons of blocks a SiteModel dropped (learn/_model.py)


def load_public_suffixes() -> None:
    """Read the Public Suffix List now (a tenth of a second), not on the first page."""
    registered_domain("example.com")


def _headline_shaped(b: Block, min_words: int = TITLE_MIN_WORDS) -> bool:
    return (
        min_words <= b.words <= TITLE_MAX_WORDS
        and not b.text.endswith(_NOT_HEADLINE_ENDINGS)
        and b.category not in _NOT_HEADLINE
        and not b.reason.startswith(_LEARNED)  # a line on many of the site's pages is not this page's headline
    )


def _slug_words(url: str | None) -> frozenset[str]:
    """The words of a URL's path ("/blog/plant-based-diet-guide" -> plant, based, diet, guide)."""
    if not url:
        return frozenset()
    try:
        path = unquote(urlsplit(url if "//" in url else "//" + url).path).lower()
    except ValueError:  # "http://[/": an unclosed IPv6 bracket
        return frozenset()
    return frozenset(w for w in _SLUG_WORD.findall(path) if not w.isdigit() and w not in _SLUG_NOISE)


def _slug_title(blocks: list[Block], body_start: int, slug: frozenset[str]) -> int | None:
    """The headline-shaped line that best matches the URL's words, nearest the article on a tie."""
    shaped = [
        b
        for b in blocks
        if SLUG_TITLE_MIN_WORDS <= b.words <= TITLE_MAX_WORDS
        and not b.text.endswith(_NOT_HEADLINE_ENDINGS)
        and b.category not in _NOT_HEADLINE
    ]
    lowers = [b.text.lower() for b in shaped]
    # A line that holds no slug word, not even inside a longer word, matches 0: one search
    # per slug word over all the lines finds the few that do.
    joined = "\n".join(lowers)
    starts = list(accumulate(map(_PLUS_ONE, map(len, lowers)), initial=0))  # where each line starts
    held: dict[int, int] = {}  # line -> how many slug words it holds as substrings
    for w in slug:
        at = joined.find(w)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            held[i] = held.get(i, 0) + 1
            at = joined.find(w, starts[i + 1])  # on from the next line
    # The match is the harmonic mean of two shares of at most 1, so below twice either: a line
    # holding under SLUG_MATCH / 2 of the slug's words (as tokens, so as substrings) cannot
    # reach SLUG_MATCH (the 1e-9 only keeps rounding from ever dropping a line that could).
    need = SLUG_MATCH / 2 * len(slug) - 1e-9
    best: tuple[float, int, int] | None = None  # (match, -distance to the article, index)
    for i in sorted(i for i, n in held.items() if n >= need):
        b = shaped[i]
        words = _SLUG_WORD.findall(lowers[i])
        if not words:
            continue
        in_slug = sum(w in slug for w in words) / len(words)
        in_line = sum(w in words for w in slug) / len(slug)
        match = 2 * in_slug * in_line / (in_slug + in_line) if in_slug + in_line else 0.0
        if match >= SLUG_MATCH:
            key = (match, -abs(b.index - body_start), b.index)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def find_title(blocks: list[Block], body_start: int, url: str | None = None) -> int | None:
    """Index of the headline block, or None.

    A page's URL usually spells its headline ("/plant-based-diet-beginners-guide"):
    the line that matches the URL's words best is the headline. Without such a line,
    the first headline-shaped line just above the article. Measured on the
    wcxb-dev text dumps (1,497 titled pages): title accuracy 0.221 -> 0.448.
    """
    slug = _slug_words(url)
    if slug:
        found = _slug_title(blocks, body_start, slug)
        if found is not None:
            return found
    lo = max(0, body_start - TITLE_WINDOW)
    window = [b for b in blocks[lo:body_start] if _headline_shaped(b)]
    if not window:
        return None
    # A line printed twice (page title and <h1>) is the strongest headline cue.
    repeated = [b for b in window if 2 <= b.repeats <= 3]
    pool = repeated or [b for b in window if b.words >= TITLE_MIN_WORDS + 1] or window
    return pool[0].index


def find_description(blocks: list[Block], title: int | None, body_start: int) -> int | None:
    if title is None:
        return None
    for b in blocks[title + 1 : body_start]:
        if b.category in ("date", "byline", "credit", "gallery", "share", "media") or b.text == blocks[title].text:
            continue
        if b.category in _NOT_HEADLINE:
            return None
        if DESCRIPTION_MIN_WORDS <= b.words <= DESCRIPTION_MAX_WORDS:
            return b.index
        return None
    return None


def find_page_date(blocks: list[Block], body_start: int) -> str | None:
    labelled: list[Block] = []
    updated: list[Block] = []
    early: list[Block] = []
    anywhere: list[Block] = []
    for b in blocks:
        if b.words > 40 and b.category != "caption":
            continue
        if b.category in ("date", "byline"):
            (updated if _UPDATED.search(b.text) else labelled).append(b)
        elif b.index < body_start:
            early.append(b)
        elif b.category == "caption" or (not b.kept and b.words <= DATE_LINE_MAX_WORDS):
            anywhere.append(b)
    for group in (labelled, updated, early, anywhere):
        for b in group:
            date = find_date(b.text)
            if date:
                return date
    return None


def find_author(blocks: list[Block]) -> str | None:
    for b in blocks:
        if b.category != "byline":
            continue
        m = _BY.match(b.text)
        if m:
            name = _BYLINE_CUT.sub("", m.group(1)).strip(" ,.")
            if 1 <= len(name.split()) <= 6:
                return name
    return None


def body_start(blocks: list[Block]) -> int:
    for b in blocks:
        if b.decision == KEEP:
            return b.index
    return len(blocks)


def text_metadata(blocks: list[Block], url: str | None, language: str | None) -> Metadata:
    """Metadata from labelled blocks; relabels the headline and standfirst."""
    start = body_start(blocks)
    meta = Metadata(url=url, domain=domain_of(url), language=language)
    title = find_title(blocks, start, url)
    if title is not None:
        meta.title = blocks[title].text
        for b in blocks:
            if b.text == meta.title and not b.kept:
                b.category, b.reason = "title", "generic:title:headline"
        desc = find_description(blocks, title, start)
        if desc is not None:
            meta.description = blocks[desc].text
            blocks[desc].category, blocks[desc].reason = "description", "generic:description:standfirst"
    meta.date = url_date(url) or find_page_date(blocks, start)
    meta.author = find_author(blocks)
    return meta


# What a metadata field never holds: control characters (C0, DEL, C1), bidi formatting
# characters, and markup tags (a <title> that held escaped HTML, a rule's XPath that hit an element).
_META_NOISE: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_META_SPACE: Final = re.compile(r"[\s\u2028\u2029]+")
# Only HTML's own element names: "<The Palace: Tale of Jang Noksu>" is how Korean pages quote a title.
_HTML_ELEMENTS: Final = (
    "a|abbr|address|article|aside|audio|b|bdi|bdo|blockquote|body|br|button|canvas|caption|center|cite|code|"
    "col|dd|del|details|dfn|div|dl|dt|em|embed|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|"
    "i|iframe|img|input|ins|kbd|label|li|link|main|mark|meta|nav|noscript|object|ol|option|p|picture|pre|q|"
    "s|samp|script|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|"
    "template|textarea|tfoot|th|thead|time|title|tr|u|ul|var|video|wbr"
)
MARKUP_TAG: Final = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_META_TEXT_FIELDS: Final = ("title", "author", "site", "domain", "description", "language", "url", "site_rule")


def tidy_field(value: str | None) -> str | None:
    """A metadata value without control or bidi characters or markup, its spaces collapsed; None when nothing is left."""
    if not value:
        return value or None
    if _META_NOISE.search(value) or "<" in value:
        value = MARKUP_TAG.sub(" ", _META_NOISE.sub("", value))
    return _META_SPACE.sub(" ", value).strip() or None


def tidy_metadata(meta: Metadata) -> None:
    """Every text field of ``meta`` through ``tidy_field``, in place (lists lose their empty items)."""
    for name in _META_TEXT_FIELDS:
        setattr(meta, name, tidy_field(getattr(meta, name)))
    meta.categories = [v for v in map(tidy_field, meta.categories) if v]
    meta.tags = [v for v in map(tidy_field, meta.tags) if v]
