"""What the page says it is: an article, a product, or nothing in particular.

Publishers declare the kind of page in ``og:type``, ``article:*`` meta tags
and schema.org JSON-LD, for search engines and link previews. HTML mode uses
it to decide how much to trust the extractor's single main-content box: an
article's headline and dek go to metadata, a product page keeps the
extractor's description rather than the full page of product cards around
it, and any other page may take the full-page result.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

ARTICLE = "article"
PRODUCT = "product"

_OG_TYPE = etree.XPath("//meta[@property='og:type' or @name='og:type']/@content")
_ARTICLE_META = etree.XPath("boolean(//meta[@property='article:published_time' or @name='article:published_time'])")
_LD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']/text()")
_LD_TYPE = re.compile(
    r'"@type"\s*:\s*\[?\s*"(?:(?P<article>(?:News|Blog|Scholarly|Tech|Opinion|Analysis|Report)?(?:Article|Posting))'
    r'|(?P<product>Product|ProductGroup|IndividualProduct))"'
)


def page_kind(root: Any) -> str | None:
    """ARTICLE, PRODUCT or None, from the page's own declarations (article wins a tie)."""
    og_types = _OG_TYPE(root)
    og = " ".join(str(t) for t in og_types).lower() if isinstance(og_types, list) else ""
    if "article" in og or _ARTICLE_META(root) is True:
        return ARTICLE
    found: set[str | None] = set()
    scripts = _LD_SCRIPTS(root)
    for text in scripts if isinstance(scripts, list) else ():
        for m in _LD_TYPE.finditer(str(text)):
            found.add(m.lastgroup)
    if ARTICLE in found:
        return ARTICLE
    if PRODUCT in found or "product" in og:
        return PRODUCT
    return None


# What the page shows, where it declares nothing: older and smaller news sites declare no
# article, and on their pages the full page (headline lists, other stories) must not win as
# easily as on a service or listing page. An article shows a headline that its <title>
# repeats, with a dateline or byline next to it; a forum thread or a listing shows many dates.
_HEADINGS = etree.XPath("(//body//h1 | //body//h2 | //body//h3)[position() <= 30]")
_TITLE = etree.XPath("string((//title)[1])")
_FOLLOWING = etree.XPath("following::*[position() <= 40]")
_DATE_MARKS = etree.XPath(
    "count(//time | //*[contains(@class, 'date') or contains(@class, 'Date') or contains(@class, 'byline')"
    " or contains(@class, 'posted') or contains(@itemprop, 'date')])"
)
_WORDS = re.compile(r"\w+")
# The headline's words in the title, and its share of the title's words: "Storm hits coast" in
# "Storm hits coast - The Daily", and not the site's name in every title of the site.
HEADLINE_IN_TITLE = 0.8
HEADLINE_COVERS_TITLE = 0.5
# A dateline sits within this many words of text after the headline (or just above it).
DATELINE_REACH_WORDS = 80
# More date or byline marks than this on a page: posts of a thread, items of a listing.
MAX_DATE_MARKS = 8
_DATELINE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"(?:^|\s)(?i:by|posted by|written by|von|par|por|door|di)\s+[A-Z]")
_DATED_ATTRS = re.compile(r"byline|author|dateline|posted|published|pubdate|timestamp|date|time", re.IGNORECASE)


# A path that files the page under its year and month ("/2012/08/slug", "/2012/08/09/slug",
# "/2012-08-09-slug") is a blog's or a newspaper's record of one post: an article, declared or not.
# Listing, service and product pages are not filed by date.
_DATED_PATH = re.compile(r"/(?:199\d|20\d\d)(?:/(?:0?[1-9]|1[0-2])/|-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b)")


def dated_path(url: str | None) -> bool:
    """Whether the URL's path files the page under a year and month."""
    if not url:
        return False
    try:
        path = urlsplit(url).path
    except ValueError:  # "http://[/" and friends
        return False
    return _DATED_PATH.search(path) is not None


# The markup of a blog post or a news story: its body's container, named as such by the big
# publishing systems (WordPress's "entry-content", Blogger's "post-body", "article-body",
# "story-body"), or the comments box under it (WordPress's id="comments"). A listing or a service
# page holds several boxes of content and neither.
# (//body)[1]: libxml2 nests each repeated <body> in the last, and "//body//" would meet every element
# once per body (see html/_meta.py)
_COMMENTS_BOX = etree.XPath("boolean((//body)[1]//*[@id='comments'])")
_CLASSES = etree.XPath("(//body)[1]//*/@class", smart_strings=False)
_POST_CLASS = re.compile(r"entry-content|post-body|post-content|article-body|story-body")


def shows_post(root: Any) -> bool:
    """Whether the page's markup holds one post's body, or the comments box under one."""
    # the class names joined and searched once: five contains() per element in XPath cost 2.5x as much
    if _COMMENTS_BOX(root) is True:
        return True
    classes = _CLASSES(root)
    return isinstance(classes, list) and _POST_CLASS.search(" ".join(map(str, classes))) is not None


def shows_article(root: Any) -> bool:
    """Whether the page shows an article: a headline its title repeats, dated or signed next to it,
    on a page without the many dates of a thread or a listing."""
    headline = _headline(root)
    if headline is None or not _dated(headline):
        return False
    marks = _DATE_MARKS(root)
    return isinstance(marks, float) and marks <= MAX_DATE_MARKS


def _headline(root: Any) -> Any:
    """The first h1-h3 whose words the page's <title> repeats, and that are most of the title."""
    title = set(_WORDS.findall(str(_TITLE(root)).lower()))
    for heading in xpath_elements(_HEADINGS(root)) if title else ():
        words = _WORDS.findall(heading.text_content().lower())
        if not 2 <= len(words) <= 40:
            continue
        inside = sum(w in title for w in words) / len(words)
        if inside >= HEADLINE_IN_TITLE and len(title.intersection(words)) >= HEADLINE_COVERS_TITLE * len(title):
            return heading
    return None


def _dated(headline: Any) -> bool:
    """A date, a byline or their markup right after the headline, or in the few elements above it."""
    words = 0
    for el in xpath_elements(_FOLLOWING(headline)):
        if _marks_date(el, f"{el.text or ''} {el.tail or ''}"):
            return True
        words += len(f"{el.text or ''} {el.tail or ''}".split())
        if words > DATELINE_REACH_WORDS:
            break
    above = [el for _, el in zip(range(3), headline.itersiblings(preceding=True), strict=False)]
    return any(_marks_date(el, el.text_content()[:200]) for el in above)


def _marks_date(el: Any, text: str) -> bool:
    if not isinstance(el.tag, str):
        return False  # a comment or a processing instruction
    attrs = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
    return el.tag == "time" or bool(_DATED_ATTRS.search(attrs)) or bool(_DATELINE.search(text) or _BYLINE.search(text))


def xpath_elements(found: object) -> list[Any]:
    """An XPath's answer as the elements it is (typed: lxml types every answer as any XPath result)."""
    return list(found) if isinstance(found, list) else []


# A forum thread or a Q&A page, as the page declares it (schema.org, in JSON-LD or microdata). On such
# a page the replies are the content, not reader comments under it. "Question" alone is not enough:
# FAQ blocks on articles and service pages declare Questions too.
_THREAD_TYPE = re.compile(r"DiscussionForumPosting|QAPage")
_LD_THREAD = re.compile(
    r'"@type"\s*:\s*\[?[^\]{}]{0,200}?"(?:https?://schema\.org/)?(?:DiscussionForumPosting|QAPage)"'
)
_ITEMTYPES = etree.XPath("//*[@itemtype]/@itemtype")


def declares_thread(root: Any) -> bool:
    """Whether the page declares itself a forum thread or a question with its answers."""
    if root is None:
        return False
    itemtypes = _ITEMTYPES(root)
    if any(_THREAD_TYPE.search(str(t)) for t in (itemtypes if isinstance(itemtypes, list) else ())):
        return True
    scripts = _LD_SCRIPTS(root)
    return any(_LD_THREAD.search(str(text)) for text in (scripts if isinstance(scripts, list) else ()))
