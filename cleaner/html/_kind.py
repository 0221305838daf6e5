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
