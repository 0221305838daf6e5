"""The pipeline, stage by stage:

    decode -> segment into blocks -> site rules -> generic classifier
           -> assemble -> metadata

``Cleaner`` holds everything that is expensive to build (compiled lexicons,
loaded site rules) so that a pipeline calling it millions of times pays for
it once. Every stage is a plain function of the blocks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

from ._classify import ChromeMatcher, classify
from ._dates import load_url_dates
from ._decode import GZIP_MAGIC, BinaryInputError, DecompressedTooLargeError, decode_bytes, gunzip, repair_text
from ._features import compute_features
from ._lexicon import Lexicon, default_lexicon
from ._metadata import domain_of, load_public_suffixes, text_metadata, tidy_metadata
from ._model import (
    STATUS_BINARY,
    STATUS_EMPTY,
    STATUS_INVALID,
    STATUS_OK,
    STATUS_TOO_LARGE,
    Block,
    Metadata,
    Mode,
    Result,
)
from ._segment import split_blocks
from .rules import RuleBook, SiteRules

# Inputs above this many bytes are refused with status "too_large" (None: no limit).
DEFAULT_MAX_BYTES: int | None = 50 * 1024 * 1024
# HTML mode's full-page text rendering (the fallback path) is cut here, at a line break:
# longer than any article, short enough that classifying it stays quick (about 0.4 ms a block).
DEFAULT_MAX_PAGE_TEXT_CHARS: int | None = 500_000
_MODES: tuple[str, ...] = get_args(Mode)
_MODE_NAMES: dict[str, Mode] = {"auto": "auto", "html": "html", "text": "text"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Control and bidi formatting characters have no place in a URL given back in the metadata.
_URL_NOISE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|div|p|article|title)\b", re.IGNORECASE)


def assemble(blocks: list[Block]) -> str:
    """Kept blocks in order, paragraphs separated by one blank line."""
    return "\n\n".join(b.text for b in blocks if b.kept)


def looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip()
    return head.startswith("<") and _HTML_SNIFF.search(head) is not None


class Cleaner:
    """A configured cleaner; build once, call :meth:`clean` many times.

    Args:
        mode: "auto" (sniff each input), "html" or "text".
        site_rules: apply per-site rule files (bundled, ``rules_dirs``, and
            the ``CLEANER_RULES`` environment variable); False measures the
            generic engine alone.
        rules_dirs: extra folders of ``*.toml`` rule files, highest precedence first.
        site: force this site's rules instead of detecting the site.
        max_bytes: inputs larger than this are refused with status "too_large"
            (gzip input: its decompressed size; None: no limit).
        lexicon: chrome lexicon to use (defaults to the bundled ones).
        list_all_removed: in HTML mode, also list the page text the main-content
            extractor left out (dropped blocks, reason ``html:outside-main-content``),
            so that ``removed`` covers the whole page; costs a full-page rendering.
        max_page_text_chars: in HTML mode, the full-page text rendering that the
            fallback path cleans is cut to this many characters (at a line
            break); the result then has ``truncated=True``. None: no cut (a
            huge page then takes time in proportion to its text).

    Limits, and what happens beyond each:

    * ``max_bytes`` (default 50 MB): status ``too_large``, no text.
    * HTML pages with more than ``html._parse.MAX_EXTRACT_TEXT`` characters of
      text (1,000,000) or ``MAX_EXTRACT_ELEMENTS`` elements (100,000) skip the
      main-content extractor, whose cost grows faster than their size: they go
      to the fallback path (plain-text engine over a full-page rendering), and
      their blocks' reasons end in ``;fallback:too-large``. Metadata then
      comes from ``<head>`` alone.
    * ``max_page_text_chars`` (default 500,000): the fallback's text is cut,
      and ``Result.truncated`` is True; the status stays ``ok``.
    * libxml2's own caps (256 levels of nesting, 10 MB in one text node or
      attribute value): a page that hits one is flattened (tags beyond 200
      levels dropped) and its huge attribute values emptied, then parsed again;
      only a text node over 10 MB is still cut, and ``Result.truncated`` is True.

    Bad input never raises: ``None`` gives status ``empty``, a value that is not
    ``str`` or bytes-like gives ``invalid``, both with ``error`` saying why.
    """

    def __init__(
        self,
        *,
        mode: Mode = "auto",
        site_rules: bool = True,
        rules_dirs: Sequence[str | Path] = (),
        site: str | None = None,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        lexicon: Lexicon | None = None,
        list_all_removed: bool = False,
        max_page_text_chars: int | None = DEFAULT_MAX_PAGE_TEXT_CHARS,
    ) -> None:
        mode = _as_mode(mode) or mode
        if mode not in _MODES:
            raise ValueError(f"mode must be 'auto', 'html' or 'text', not {mode!r}")
        # kept so that a pickled Cleaner (Spark, multiprocessing) is rebuilt rather than copied:
        # compiled pattern sets and scan databases do not pickle
        self._config: dict[str, Any] = {
            "mode": mode,
            "site_rules": site_rules,
            "rules_dirs": tuple(str(d) for d in rules_dirs),
            "site": site,
            "max_bytes": max_bytes,
            "lexicon": lexicon,
            "list_all_removed": list_all_removed,
            "max_page_text_chars": max_page_text_chars,
        }
        self.mode: Mode = mode
        self.max_bytes = max_bytes
        self.site = site
        self.list_all_removed = list_all_removed
        self.max_page_text_chars = max_page_text_chars
        self.lexicon = lexicon or default_lexicon()
        self.matcher = ChromeMatcher(self.lexicon)
        load_public_suffixes()
        if mode != "text":
            from .html import load_extractors  # configured once: the first HTML page should not pay the imports

            load_extractors()
        else:
            load_url_dates()
        missing = [str(d) for d in rules_dirs if not Path(d).is_dir()]
        if site_rules and missing:  # as --rules and CLEANER_RULES: a typo must not silently mean "no rules"
            raise ValueError(f"rules_dirs: not a folder: {', '.join(missing)}")
        self.rulebook: RuleBook | None = RuleBook.load(rules_dirs) if site_rules else None
        if self.rulebook is not None and site:
            self.rulebook.require(site)  # an unknown forced site is a setup error, not a per-page one

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return functools.partial(Cleaner, **self._config), ()

    def clean(
        self,
        data: str | bytes | bytearray | memoryview | None,
        *,
        url: str | None = None,
        mode: Mode | None = None,
        charset: str | None = None,
        site: str | None = None,
    ) -> Result:
        """Clean one document (HTML or a plain-text dump; bytes may be gzip-compressed).

        Never raises on bad input: a wrong-typed ``data`` gives a Result with
        status "empty" (None) or "invalid"; a ``url`` or ``charset`` that is not
        a string is ignored (bytes are decoded), and so is an unknown charset label.
        ``mode`` is read case-insensitively; an unknown one gives status "invalid".
        A URL that does not parse ("http://[/") is not used for cleaning but is
        given back in the metadata; lone surrogates in str input become U+FFFD.
        """
        url = _as_url(url)
        if mode and _as_mode(mode) is None:  # None (or "") means the Cleaner's own mode
            return _failed(STATUS_INVALID, f"mode must be one of {', '.join(_MODES)}, not {mode!r}", url, self.mode)
        mode = _as_mode(mode) or self.mode
        try:
            text = self._decode(_as_document(data), mode, _as_label(charset))
        except _Refused as refused:
            return _failed(refused.status, str(refused), url, mode)
        if url is not None and not _parses(url):
            # "http://[/" breaks urlsplit in every stage that reads the host or path (site rules,
            # trafilatura, dates): clean without it, and give it back in the metadata as it came
            result = self._clean_text(text, None, mode, site)
            result.metadata.url = url
        else:
            result = self._clean_text(text, url, mode, site)
        tidy_metadata(result.metadata)  # whatever the page, a rule or an extractor put there
        return result

    def _clean_text(self, text: str, url: str | None, mode: Mode, site: str | None) -> Result:
        """Clean decoded ``text`` (stages 2 onwards)."""
        if mode == "auto":
            mode = "html" if looks_like_html(text) else "text"
        if mode == "html":
            from .html import clean_html  # lazy: trafilatura is only needed for HTML

            # clean_html repairs the extracted text, not the whole markup (cheaper)
            return clean_html(self, text, url=url, site=site or self.site)
        text = repair_text(text)
        rules = self.resolve_site(url, text, site or self.site)
        return self.clean_blocks(split_blocks(text), url=url, mode="text", rules=rules)

    def _decode(self, data: str | bytes, mode: Mode, charset: str | None) -> str:
        """The document as text; raises _Refused when it is too large or not text."""
        size = len(data)
        if self.max_bytes is not None and size > self.max_bytes:
            raise _Refused(STATUS_TOO_LARGE, f"input is {size} bytes, above max_bytes={self.max_bytes}")
        if isinstance(data, str):
            # a lone surrogate (from surrogateescape, or JSON "\\ud800") cannot be encoded, and every
            # stage that hands text to C (libxml2, regex sets) encodes it
            return _LONE_SURROGATE.sub("\ufffd", data) if _has_surrogate(data) else data
        try:
            if data.startswith(GZIP_MAGIC):
                data = gunzip(data, self.max_bytes)
            if mode == "text":
                return decode_bytes(data, charset).text
            from .html._decode import decode_html  # <meta charset> beats detection

            return decode_html(data, charset)
        except DecompressedTooLargeError as exc:
            raise _Refused(STATUS_TOO_LARGE, str(exc)) from None
        except BinaryInputError as exc:
            raise _Refused(STATUS_BINARY, str(exc)) from None

    def resolve_site(self, url: str | None, text: str, site: str | None = None) -> SiteRules | None:
        """The site rules for this page (forced, by URL host, or by fingerprint)."""
        if self.rulebook is None:
            return None
        return self.rulebook.resolve(url=url, text=text, site=site)

    def clean_blocks(
        self,
        blocks: list[Block],
        *,
        url: str | None,
        mode: str,
        rules: SiteRules | None = None,
        use_region: bool = True,
    ) -> Result:
        """Site rules, generic classifier, assembly and metadata over ``blocks``.

        ``use_region=False`` skips the main-text search (for blocks that an
        extractor already cut to the article) and only drops chrome.
        """
        if not blocks:
            return _failed(STATUS_EMPTY, "no text in input", url, mode)
        language = compute_features(blocks, self.lexicon)
        stopwords = self.lexicon.stopwords.get(language or "")
        if rules is not None:
            rules.apply_text(blocks)
        classify(blocks, self.matcher, has_stopwords=bool(stopwords), use_region=use_region)
        meta = text_metadata(blocks, url, language)
        if rules is not None:
            rules.apply_metadata(blocks, meta)
        body = assemble(blocks)
        if not body:
            return Result(
                text="", metadata=meta, blocks=blocks, mode=mode, status=STATUS_EMPTY, error=no_article(blocks, mode)
            )
        return Result(text=body, metadata=meta, blocks=blocks, mode=mode, status=STATUS_OK)


class _Refused(Exception):
    """A document refused before cleaning: its status and the reason."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


def no_article(blocks: list[Block], mode: str) -> str:
    """Why a result that had text to look at came back empty."""
    words = sum(b.words for b in blocks)
    # HTML mode's blocks are the extracted (or full-page) text, not the markup
    where = "input" if mode == "text" else "the page's text"
    return f"no article-like text found ({words} {'word' if words == 1 else 'words'} in {where})"


def _has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point (what ``_LONE_SURROGATE.search`` answers):
    UTF-8 encodes every other character, and encoding is many times faster than the search."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _as_document(data: object) -> str | bytes:
    """``data`` as str or bytes; raises _Refused for None and for types that hold no document."""
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    if data is None:
        raise _Refused(STATUS_EMPTY, "no input (None)")
    raise _Refused(STATUS_INVALID, f"input must be str or bytes, not {type(data).__name__}")


def _as_url(url: object) -> str | None:
    """A usable URL string, or None: a missing value (None, a NaN from a data frame) or
    a number is no URL, and bytes are decoded (a WARC header, a raw log line)."""
    if isinstance(url, bytes | bytearray):
        url = bytes(url).decode("utf-8", errors="replace")
    if not isinstance(url, str):
        return None
    if _URL_NOISE.search(url) or _LONE_SURROGATE.search(url):
        url = _LONE_SURROGATE.sub("\ufffd", _URL_NOISE.sub("", url))
    return url.strip() or None


def _parses(url: str) -> bool:
    try:
        urlsplit(url if "//" in url else "//" + url)
    except ValueError:  # an unclosed IPv6 bracket ("http://[/"), a bad port is only checked later
        return False
    return True


def _as_mode(mode: object) -> Mode | None:
    """``mode`` as one of _MODES, case and spaces ignored ("HTML"); None when it is none of them."""
    if not isinstance(mode, str):
        return None
    name = mode.strip().lower()
    return _MODE_NAMES.get(name)


def _as_label(charset: object) -> str | None:
    """A charset label to try, or None; an unknown label is dropped later, by the decoder."""
    if isinstance(charset, bytes | bytearray):
        charset = bytes(charset).decode("ascii", errors="replace")
    return charset if isinstance(charset, str) and charset.strip() else None


def _failed(status: str, message: str, url: str | None, mode: str) -> Result:
    meta = Metadata(url=url, domain=domain_of(url))
    return Result(text="", metadata=meta, blocks=[], mode=mode, status=status, error=message)


@functools.lru_cache(maxsize=4)
def _shared_cleaner(list_all_removed: bool) -> Cleaner:
    """One Cleaner per distinct setting: building one compiles lexicons and loads rules."""
    return Cleaner(list_all_removed=list_all_removed)


def clean(
    data: str | bytes | bytearray | memoryview | None,
    *,
    url: str | None = None,
    mode: Mode = "auto",
    charset: str | None = None,
    site: str | None = None,
    list_all_removed: bool = False,
) -> Result:
    """Clean one document with default settings (a shared Cleaner); see :class:`Cleaner`."""
    cleaner = _shared_cleaner(bool(list_all_removed))
    return cleaner.clean(data, url=url, mode=mode, charset=charset, site=site)
