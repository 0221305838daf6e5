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
from typing import Any

from ._classify import ChromeMatcher, classify
from ._dates import load_url_dates
from ._decode import BinaryInputError, decode_bytes, repair_text
from ._features import compute_features
from ._lexicon import Lexicon, default_lexicon
from ._metadata import domain_of, text_metadata
from ._model import (
    STATUS_BINARY,
    STATUS_EMPTY,
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
        max_bytes: inputs larger than this are refused with status "too_large".
        lexicon: chrome lexicon to use (defaults to the bundled ones).
        list_all_removed: in HTML mode, also list the page text the main-content
            extractor left out (dropped blocks, reason ``html:outside-main-content``),
            so that ``removed`` covers the whole page; costs a full-page rendering.
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
    ) -> None:
        if mode not in ("auto", "html", "text"):
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
        }
        self.mode: Mode = mode
        self.max_bytes = max_bytes
        self.site = site
        self.list_all_removed = list_all_removed
        self.lexicon = lexicon or default_lexicon()
        self.matcher = ChromeMatcher(self.lexicon)
        if mode != "text":
            from .html import load_extractors  # configured once: the first HTML page should not pay the imports

            load_extractors()
        else:
            load_url_dates()
        self.rulebook: RuleBook | None = RuleBook.load(rules_dirs) if site_rules else None
        if self.rulebook is not None and site:
            self.rulebook.require(site)  # an unknown forced site is a setup error, not a per-page one

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return functools.partial(Cleaner, **self._config), ()

    def clean(
        self,
        data: str | bytes,
        *,
        url: str | None = None,
        mode: Mode | None = None,
        charset: str | None = None,
        site: str | None = None,
    ) -> Result:
        """Clean one document (HTML or a plain-text dump)."""
        mode = mode or self.mode
        size = len(data)
        if self.max_bytes is not None and size > self.max_bytes:
            return _failed(STATUS_TOO_LARGE, f"input is {size} bytes, above max_bytes={self.max_bytes}", url, mode)
        if isinstance(data, bytes):
            try:
                if mode == "text":
                    text = decode_bytes(data, charset).text
                else:
                    from .html._decode import decode_html  # <meta charset> beats detection

                    text = decode_html(data, charset)
            except BinaryInputError as exc:
                return _failed(STATUS_BINARY, str(exc), url, mode)
        else:
            text = data
        if mode == "auto":
            mode = "html" if looks_like_html(text) else "text"
        if mode == "html":
            from .html import clean_html  # lazy: trafilatura is only needed for HTML

            # clean_html repairs the extracted text, not the whole markup (cheaper)
            return clean_html(self, text, url=url, site=site or self.site)
        text = repair_text(text)
        rules = self.resolve_site(url, text, site or self.site)
        return self.clean_blocks(split_blocks(text), url=url, mode="text", rules=rules)

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
        status = STATUS_OK if body else STATUS_EMPTY
        return Result(text=body, metadata=meta, blocks=blocks, mode=mode, status=status)


def _failed(status: str, message: str, url: str | None, mode: str) -> Result:
    meta = Metadata(url=url, domain=domain_of(url))
    return Result(text="", metadata=meta, blocks=[], mode=mode, status=status, error=message)


_DEFAULT: Cleaner | None = None


def clean(
    data: str | bytes,
    *,
    url: str | None = None,
    mode: Mode = "auto",
    charset: str | None = None,
    site: str | None = None,
) -> Result:
    """Clean one document with default settings (a shared Cleaner)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT.clean(data, url=url, mode=mode, charset=charset, site=site)
