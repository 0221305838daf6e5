"""Document metadata from the HTML itself.

HTML carries metadata in machine-readable places - ``<meta>`` tags (Open
Graph, Dublin Core, article:*), JSON-LD, ``<title>``/``<h1>``, ``<time>`` -
which beat what the text stage can infer from lines, so they are preferred
and the text stage only fills the gaps.

Only the cheap parts of trafilatura's metadata extraction run here: meta
tags, JSON-LD, title, canonical URL, site name, and htmldate without its
"extensive" text search (which hands every date-like string to dateparser
and costs more than the whole content extraction on some pages). The
expensive whole-tree searches (author by CSS class over a pruned deep copy,
categories and tags by link patterns) are replaced by one pass over the
tree for author markup; dates and bylines the page only prints as text come
from the text stage.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from lxml import html

from .._decode import repair_text
from .._metadata import domain_of
from .._model import Metadata

LOGGER = logging.getLogger(__name__)

_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Title separators between a headline and the site's name ("Headline | Site").
_TITLE_SPLIT = re.compile(r"\s+[|–—·•:»-]\s+")
_NON_WORD = re.compile(r"[\W_]+")
# Author markup (schema.org, rel=author, common class names); one XPath pass.
_AUTHOR_XPATH = (
    "//*[@rel='author' or @itemprop='author' or @class='author' or @class='byline' "
    "or contains(@class,'author-name') or contains(@class,'byline__name') or contains(@class,'author__name')]"
)
_AUTHOR_MAX_CHARS = 80
_BY_PREFIX = re.compile(r"^(?:by|written by|posted by|author:?)\s+", re.IGNORECASE)
_IN_COMMENTS = re.compile(r"comment|reply|respon|review|sidebar|related|widget", re.IGNORECASE)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return repair_text(value) if value else None


def _clean_list(values: Any) -> list[str]:
    out: list[str] = []
    for v in values if isinstance(values, list) else []:
        c = _clean(v)
        if c and c not in out:
            out.append(c)
    return out


def page_language(root: html.HtmlElement) -> str | None:
    """The primary language subtag of ``<html lang>``, lower-cased."""
    m = _LANG.match((root.get("lang") or root.get("xml:lang") or "").strip())
    return m.group(1).lower() if m else None


def _squash(text: str) -> str:
    return _NON_WORD.sub("", text).lower()


def strip_site_name(title: str, site: str | None, domain: str | None) -> str:
    """'Headline | Site Name' -> 'Headline' when the other part names the site.

    Only a part equal to the site name (or the domain's first label) is
    removed, so headlines that merely contain a separator stay whole.
    """
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return title
    names = {_squash(n) for n in (site or "", (domain or "").split(".")[0], domain or "") if n}
    names.discard("")
    if not names:
        return title
    keep = [p for p in parts if _squash(p) not in names]
    if not keep or len(keep) == len(parts):
        return title
    # a site name in the middle splits the headline: only trim the ends
    while parts and _squash(parts[-1]) in names:
        parts.pop()
    while parts and _squash(parts[0]) in names:
        parts.pop(0)
    return " – ".join(parts) if len(parts) > 1 else parts[0] if parts else title


def _author_from_markup(root: html.HtmlElement) -> str | None:
    for el in root.xpath(_AUTHOR_XPATH):
        if any(_IN_COMMENTS.search((a.get("class") or "") + " " + (a.get("id") or "")) for a in el.iterancestors()):
            continue
        text = _BY_PREFIX.sub("", _SPACES.sub(" ", el.text_content()).strip())
        if 2 < len(text) <= _AUTHOR_MAX_CHARS and " " in text:
            return text
    return None


def _date(root: html.HtmlElement, url: str | None) -> str | None:
    from htmldate import find_date

    today = datetime.now().astimezone().strftime("%Y-%m-%d")
    found = find_date(root, url=url, original_date=True, extensive_search=False, max_date=today)
    return found if isinstance(found, str) else None


def _trafilatura_doc(root: html.HtmlElement, url: str | None) -> Any:
    from trafilatura import metadata as tm

    doc = tm.examine_meta(root)
    if doc.author and " " not in doc.author:
        doc.author = None  # single tokens are handles or site names, as trafilatura judges
    try:
        doc = tm.extract_meta_json(root, doc)
    except Exception:  # trafilatura's JSON-LD reader trips on odd documents; keep what we have
        LOGGER.debug("JSON-LD metadata failed", exc_info=True)
    if not doc.title:
        doc.title = tm.extract_title(root)
    if not doc.url:
        doc.url = tm.extract_url(root, url)
    if not doc.sitename:
        doc.sitename = tm.extract_sitename(root)
    return doc


def html_metadata(root: html.HtmlElement, url: str | None) -> Metadata:
    """Metadata from the markup: meta tags, JSON-LD, title elements, dates."""
    meta = Metadata(url=url, domain=domain_of(url), language=page_language(root))
    try:
        doc = _trafilatura_doc(root, url)
    except Exception:  # metadata is a bonus: a third-party bug must not lose the text
        LOGGER.debug("metadata extraction failed", exc_info=True)
        return meta
    meta.site = _clean(doc.sitename)
    if meta.site:
        meta.site = meta.site.lstrip("@")
    if not meta.url:
        meta.url = _clean(doc.url)
        meta.domain = domain_of(meta.url)
    title = _clean(doc.title)
    meta.title = strip_site_name(title, meta.site, meta.domain) if title else None
    meta.author = _clean(doc.author) or _author_from_markup(root)
    meta.description = _clean(doc.description)
    meta.categories = _clean_list(doc.categories)
    meta.tags = _clean_list(doc.tags)
    try:
        meta.date = _date(root, meta.url)
    except Exception:
        LOGGER.debug("date extraction failed", exc_info=True)
    return meta


def merge(html_meta: Metadata, text_meta: Metadata) -> Metadata:
    """HTML metadata first; the text stage fills what is still missing."""
    html_meta.merge_missing(text_meta)
    return html_meta
