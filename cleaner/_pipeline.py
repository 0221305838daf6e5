"""The pipeline, stage by stage, one way:

    decode -> front-end (text dump | HTML engine) -> site rules
           -> generic classifier -> metadata -> assemble

1. decode (``_decode``): bytes to text; a text dump is also repaired whole
   here, so that site rules look for its fingerprints in the repaired text;
2. site rules: resolved for the document (forced, by URL host, or by
   fingerprint) before the front-end runs, since an HTML front-end prunes its
   tree with them;
3. front-end (``frontends``): the document as a ``Page`` of blocks, plus what
   its markup declares and lazily rendered alternatives;
4. on the page's blocks: site text rules, the generic classifier
   (``_classify``), the text's metadata (``_metadata``) and assembly;
5. alternatives: the first one that applies (full-page renderings when an
   extractor kept too little, or a page may hold more than one article's
   worth) is cleaned the same way, and replaces the result when it keeps
   enough more; where none did, the text engine's reading of the whole page
   challenges the link lines at the ends of the blocks (``_second_opinion``);
6. finishing, for pages with markup: the declared metadata merged over the
   text's, the declared language settled (``_language``), an article's
   leading headline and dek moved to metadata (``_lead``), the site rules'
   metadata with the page's tree; the reader comments (``_comments``: from
   the markup, or from the lines after a comments heading), in the text too
   on request; then, on request, the page text the
   front-end left out (``_outside``).

Front-ends never call back into this module. ``Cleaner`` holds everything
that is expensive to build (compiled lexicons, loaded site rules) so that a
pipeline calling it millions of times pays for it once. Every stage is a
plain function of the blocks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

from ._classify import chrome_matcher, classify
from ._comments import block_comments, place, thread_posts, tree_comments
from ._container import has_tree, label_link_text, refine_by_container
from ._dates import load_url_dates
from ._decode import (
    GZIP_MAGIC,
    BinaryInputError,
    DecompressedTooLargeError,
    decode_bytes,
    decode_html,
    gunzip,
    repair_text,
)
from ._features import compute_features
from ._language import settle_language
from ._lead import drop_lead
from ._lexicon import Lexicon, default_lexicon
from ._metadata import domain_of, load_public_suffixes, text_metadata, tidy_metadata
from ._model import (
    STATUS_BINARY,
    STATUS_EMPTY,
    STATUS_INVALID,
    STATUS_OK,
    STATUS_TIMEOUT,
    STATUS_TOO_LARGE,
    Block,
    Metadata,
    Mode,
    Result,
)
from ._outside import add_outside_blocks
from ._prefilter import ensure_cached
from ._second_opinion import PREFIX, challenge, complete, may_challenge, may_complete
from ._segment import split_lines
from ._timeout import call_with_timeout
from .frontends import (
    DEFAULT_ENGINE,
    TEXT,
    Alternative,
    Page,
    Rendering,
    Settings,
    check_engine,
    frontend,
    page_lines,
    page_url,
)
from .html._kind import declares_thread
from .learn._model import SiteModel, SiteProfile, site_key
from .rules import RuleBook, SiteRules

# Inputs above this many bytes are refused with status "too_large" (None: no limit).
DEFAULT_MAX_BYTES: int | None = 50 * 1024 * 1024
# HTML mode's full-page text rendering (the fallback path) is cut here, at a line break:
# longer than any article, short enough that classifying it stays quick (about 0.4 ms a block).
DEFAULT_MAX_PAGE_TEXT_CHARS: int | None = 500_000
_MODES: tuple[str, ...] = get_args(Mode)
# Learned chrome lines whose lexicon category a Cleaner remembers (forgotten all at once beyond this).
_CATEGORY_MEMO_SIZE = 100_000
_MODE_NAMES: dict[str, Mode] = {"auto": "auto", "html": "html", "text": "text"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Control and bidi formatting characters have no place in a URL given back in the metadata.
_URL_NOISE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|div|p|article|title)\b", re.IGNORECASE)
# Appended to every block reason of a result taken from a front-end's alternative: ";fallback:<why>".
FALLBACK_SUFFIX = ";fallback"


def assemble(blocks: list[Block]) -> str:
    """Kept blocks in order, paragraphs separated by one blank line."""
    return "\n\n".join(b.text for b in blocks if b.kept)


def kept_words(result: Result) -> int:
    return sum(b.words for b in result.blocks if b.kept)


def looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip()
    return head.startswith("<") and _HTML_SNIFF.search(head) is not None


class Cleaner:
    """A configured cleaner; build once, call :meth:`clean` many times.

    Args:
        mode: "auto" (sniff each input), "html" or "text".
        engine: the HTML front-end: "accurate" (trafilatura's main-content
            extraction, the default) or "fast" (one walk over the tree, the
            article found by its container: several times the pages a second,
            less accurate off news articles; figures in docs/benchmarks.md).
            Text dumps always go through the text front-end.
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
        site_model: what was learned of sites from their other pages
            (:class:`cleaner.learn.SiteModel`): a page of a site in it first has
            that site's repeated blocks dropped, before the generic classifier.
        timeout: seconds allowed to clean one document (None or 0: no limit);
            a document that takes longer gives status ``timeout``. Works in any
            thread and process (no signals; see ``cleaner._timeout``).
        cache_dir: where the compiled pattern database is cached (default: the
            ``CLEANER_CACHE_DIR`` environment variable, else ``~/.cache/cleaner``).
        include_comments: also put the page's reader comments into ``text``,
            after the article (a blank line between). Either way they are in
            ``Result.comments``.

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
        engine: str = DEFAULT_ENGINE,
        site_rules: bool = True,
        rules_dirs: Sequence[str | Path] = (),
        site: str | None = None,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        lexicon: Lexicon | None = None,
        list_all_removed: bool = False,
        max_page_text_chars: int | None = DEFAULT_MAX_PAGE_TEXT_CHARS,
        site_model: SiteModel | None = None,
        timeout: float | None = None,
        cache_dir: str | Path | None = None,
        include_comments: bool = False,
    ) -> None:
        mode = _as_mode(mode) or mode
        if mode not in _MODES:
            raise ValueError(f"mode must be 'auto', 'html' or 'text', not {mode!r}")
        engine = check_engine(engine)
        # kept so that a pickled Cleaner (Spark, multiprocessing) is rebuilt rather than copied:
        # compiled pattern sets and scan databases do not pickle
        self._config: dict[str, Any] = {
            "mode": mode,
            "engine": engine,
            "site_rules": site_rules,
            "rules_dirs": tuple(str(d) for d in rules_dirs),
            "site": site,
            "max_bytes": max_bytes,
            "lexicon": lexicon,
            "list_all_removed": list_all_removed,
            "max_page_text_chars": max_page_text_chars,
            "site_model": site_model,
            "timeout": timeout,
            "cache_dir": None if cache_dir is None else str(cache_dir),
            "include_comments": bool(include_comments),
        }
        if timeout is not None and not (isinstance(timeout, int | float) and timeout >= 0):
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        self.timeout: float | None = timeout or None
        self.mode: Mode = mode
        self.engine = engine
        self.max_bytes = max_bytes
        self.site = site
        self.list_all_removed = list_all_removed
        self.include_comments = bool(include_comments)
        self.max_page_text_chars = max_page_text_chars
        self._settings = Settings(max_page_text_chars=max_page_text_chars)
        if site_model is not None and not isinstance(site_model, SiteModel):
            raise TypeError(f"site_model must be a SiteModel, not {type(site_model).__name__}")
        self.site_model = site_model
        self._learned_categories: dict[str, str | None] = {}
        self.lexicon = lexicon or default_lexicon()
        self.matcher = chrome_matcher(self.lexicon, cache_dir)
        load_public_suffixes()
        if mode != "text":
            frontend(engine).load()  # configured once: the first HTML page should not pay the imports
        else:
            load_url_dates()
        missing = [str(d) for d in rules_dirs if not Path(d).is_dir()]
        if site_rules and missing:  # as --rules and CLEANER_RULES: a typo must not silently mean "no rules"
            raise ValueError(f"rules_dirs: not a folder: {', '.join(missing)}")
        self.rulebook: RuleBook | None = RuleBook.load(rules_dirs) if site_rules else None
        if self.rulebook is not None and site:
            self.rulebook.require(site)  # an unknown forced site is a setup error, not a per-page one

    def with_site_model(self, site_model: SiteModel | None) -> Cleaner:
        """This Cleaner with another site model, sharing everything already built (lexicons, rules):
        what ``--learn`` cleans with once its first pass has learned the model."""
        if site_model is not None and not isinstance(site_model, SiteModel):
            raise TypeError(f"site_model must be a SiteModel, not {type(site_model).__name__}")
        other = object.__new__(Cleaner)  # not copy.copy: __reduce__ rebuilds from the settings, as pickling must
        other.__dict__.update(self.__dict__)
        other._config = {**self._config, "site_model": site_model}
        other.site_model = site_model
        other._learned_categories = {}
        return other

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
        timeout: float | None = None,
        include_comments: bool | None = None,
    ) -> Result:
        """Clean one document (HTML or a plain-text dump; bytes may be gzip-compressed).

        Never raises on bad input: a wrong-typed ``data`` gives a Result with
        status "empty" (None) or "invalid"; a ``url`` or ``charset`` that is not
        a string is ignored (bytes are decoded), and so is an unknown charset label.
        ``mode`` is read case-insensitively; an unknown one gives status "invalid".
        A URL that does not parse ("http://[/") is not used for cleaning but is
        given back in the metadata; lone surrogates in str input become U+FFFD.
        ``timeout`` (seconds) overrides the Cleaner's for this call: past it the
        result has status "timeout" and no text. ``include_comments`` overrides the
        Cleaner's for this call (a missing value: the Cleaner's).
        """
        url = _as_url(url)
        given: object = mode  # a caller's value, of any type (a data frame's NA)
        if not _missing(given) and given != "" and _as_mode(given) is None:  # missing or "": the Cleaner's own
            return _failed(STATUS_INVALID, f"mode must be one of {', '.join(_MODES)}, not {mode!r}", url, self.mode)
        mode = _as_mode(mode) or self.mode
        site = _as_site(site)
        if site is not None and self.rulebook is not None and self.rulebook.find(site) is None:
            return _failed(STATUS_INVALID, f"no rule file for site {site!r}", url, mode)
        seconds = self.timeout if timeout is None else _as_seconds(timeout)
        include = self.include_comments if _missing(include_comments) else bool(include_comments)
        if not seconds:
            return self._clean(data, url, mode, charset, site, include)
        result, late = call_with_timeout(seconds, lambda: self._clean(data, url, mode, charset, site, include))
        if result is None or late:
            return _failed(STATUS_TIMEOUT, f"cleaning took longer than {seconds:g} s", url, mode)
        return result

    def _clean(
        self, data: object, url: str | None, mode: Mode, charset: object, site: str | None, include: bool = False
    ) -> Result:
        try:
            text = self._decode(_as_document(data), mode, _as_label(charset))
        except _Refused as refused:
            return _failed(refused.status, str(refused), url, mode)
        if url is not None and not _parses(url):
            # "http://[/" breaks urlsplit in every stage that reads the host or path (site rules,
            # trafilatura, dates): clean without it, and give it back in the metadata as it came
            result = self._clean_text(text, None, mode, site, include)
            result.metadata.url = url
        else:
            result = self._clean_text(text, url, mode, site, include)
        tidy_metadata(result.metadata)  # whatever the page, a rule or an extractor put there
        return result

    def _clean_text(self, text: str, url: str | None, mode: Mode, site: str | None, include: bool = False) -> Result:
        """Clean decoded ``text`` (stages 2 onwards)."""
        if mode == "auto":
            mode = "html" if looks_like_html(text) else "text"
        if mode == "text":
            # a dump is all text: repaired whole, before its fingerprints are looked up. Markup is
            # not; an HTML front-end repairs the text it extracts (cheaper)
            text = repair_text(text)
        rules = self.resolve_site(url, text, site or self.site)
        page = frontend(TEXT if mode == "text" else self.engine).segment(
            text, url=url, rules=rules, settings=self._settings
        )
        profile = self._profile(url or self._declared_url(page), rules, site or self.site)
        return self._run(page, url=url, mode=mode, rules=rules, profile=profile, include=include)

    def _declared_url(self, page: Page) -> str | None:
        """A page that came without a URL is filed under the one it gives for itself (a folder of saved
        pages), as the learning pass filed it; only looked for when a model could use it."""
        if self.site_model is None or not len(self.site_model):
            return None
        return _as_url(page_url(page.tree))

    def _profile(self, url: str | None, rules: SiteRules | None, site: str | None) -> SiteProfile | None:
        if self.site_model is None:
            return None
        return self.site_model.get(site_key(url, rules.name if rules is not None else None, site))

    def lexicon_category(self, text: str, words: int) -> str | None:
        """The lexicon's category of a line (``words`` long), or None; remembered, since the lines a site
        model drops recur page after page."""
        memo = self._learned_categories
        if text in memo:
            return memo[text]
        if len(memo) >= _CATEGORY_MEMO_SIZE:
            memo.clear()
        found = self.matcher.match_short(text, words)
        memo[text] = category = found.category if found is not None else None
        return category

    def learning_view(
        self,
        data: object,
        *,
        url: object = None,
        mode: str | None = None,
        charset: object = None,
        site: str | None = None,
    ) -> tuple[str | None, list[str]]:
        """A page as site statistics see it: its site key and its blocks' texts.

        A text dump gives its lines; HTML its full-page rendering (what the
        fallback path cleans, and a superset of what an extractor keeps). A page
        that cannot be read gives no blocks.
        """
        clean_url = _as_url(url)
        mode_ = _as_mode(mode) or self.mode
        site = _as_site(site)
        try:
            text = self._decode(_as_document(data), mode_, _as_label(charset))
        except _Refused:
            return None, []
        if clean_url is not None and not _parses(clean_url):
            clean_url = None
        if mode_ == "auto":
            mode_ = "html" if looks_like_html(text) else "text"
        forced = site or self.site
        key = site_key(clean_url, None, forced)
        if mode_ == "text":
            # not repaired as a dump to clean is (see page_lines); its rules name its site only when
            # neither a URL's host nor a forced site does
            if key is None:
                rules = self.resolve_site(clean_url, text, forced)
                key = rules.name if rules is not None else None
            return key, split_lines(text)
        # they prune the page before it is rendered; a forced name without a rule file (``rules learn
        # --site NEW``) only names the statistics' site
        known = forced if forced and self.rulebook is not None and self.rulebook.find(forced) else None
        rules = self.resolve_site(clean_url, text, known)
        lines, declared = page_lines(text, rules)
        if key is None:  # the URL the page gives for itself, else the site its rules name
            given = _as_url(declared) if clean_url is None else None
            key = site_key(given if given is not None and _parses(given) else None, rules.name if rules else None)
        return key, lines

    def _run(
        self,
        page: Page,
        *,
        url: str | None,
        mode: str,
        rules: SiteRules | None,
        profile: SiteProfile | None = None,
        include: bool = False,
    ) -> Result:
        """Stages on the page's blocks, its alternatives, finishing, and what the front-end left out."""
        result = self.clean_blocks(
            page.blocks, url=url, mode=mode, rules=rules, use_region=page.use_region, profile=profile
        )
        result = self._alternatives(page, result, url=url, mode=mode, rules=rules, profile=profile)
        opinion = page.reading
        # articles only (declared, or shown), where the primary blocks stood: the text engine's reading
        # of the whole page challenges link lines at the extraction's ends and completes a cut article
        # (rendering and reading the page is about 10 ms, a fifth of HTML mode's time: only when either may act)
        if opinion is not None and result.ok and result.blocks is page.blocks and opinion.applies():
            disputed = may_challenge(result.blocks, opinion.link_share)
            incomplete = may_complete(result.blocks, opinion.prose_words)
            if disputed or incomplete:
                reading = self._fallback(opinion.render(), PREFIX, url=url, mode=mode, rules=rules, profile=profile)
                challenged = disputed and challenge(result.blocks, reading.blocks, opinion.link_share)
                completed = complete(result.blocks, reading.blocks) if incomplete else None
                if completed is not None:
                    result.blocks = completed
                if challenged or completed is not None:
                    result.text = assemble(result.blocks)
        if page.metadata is not None:
            self._finish(result, page.metadata, page, rules)
        # comments from the markup where there is one, else from the lines after a comments heading
        chrome = self.lexicon_category
        # On a forum thread or Q&A page (as it declares itself) the replies are the content: its posts go
        # into the text whether or not comments were asked for
        thread = declares_thread(page.tree)
        posts = thread_posts(page.tree, chrome) if thread else []
        found = posts or tree_comments(page.tree, chrome) or block_comments(result.blocks, chrome)
        place(result, found, include=include or thread)
        if self.list_all_removed and page.outside is not None:
            add_outside_blocks(result, page.outside(), self.matcher)
        if page.limit:
            # the front-end saw only part of the document: never silently
            result.truncated = True
            if not result.ok:
                result.error = f"{result.error}; {page.limit}"
        return result

    def _alternatives(
        self,
        page: Page,
        primary: Result,
        *,
        url: str | None,
        mode: str,
        rules: SiteRules | None,
        profile: SiteProfile | None,
    ) -> Result:
        """The first alternative that applies decides: it replaces ``primary`` when it keeps enough words."""
        words = kept_words(primary)
        for alt in page.alternatives:
            needed = alt.needed(words)
            if needed is None:
                continue
            result = self._alternative(alt, needed, url=url, mode=mode, rules=rules, profile=profile)
            won = (alt.replaces_empty and not words) or kept_words(result) >= needed
            return result if won else primary
        return primary

    def _alternative(
        self,
        alt: Alternative,
        needed: int,
        *,
        url: str | None,
        mode: str,
        rules: SiteRules | None,
        profile: SiteProfile | None,
    ) -> Result:
        """``alt`` rendered and cleaned; its wider rendering when the first keeps under ``needed`` words and it keeps more."""
        result = self._fallback(alt.render(), alt.why, url=url, mode=mode, rules=rules, profile=profile)
        if alt.wider is not None and kept_words(result) < needed:
            whole = self._fallback(alt.wider(), alt.why, url=url, mode=mode, rules=rules, profile=profile)
            if kept_words(whole) > kept_words(result):
                return whole
        return result

    def _fallback(
        self,
        rendering: Rendering,
        why: str,
        *,
        url: str | None,
        mode: str,
        rules: SiteRules | None,
        profile: SiteProfile | None,
    ) -> Result:
        """A full-page rendering cleaned like a text dump (main-text search on), every reason marked."""
        result = self.clean_blocks(rendering.blocks, url=url, mode=mode, rules=rules, use_region=True, profile=profile)
        result.truncated = rendering.truncated
        for b in result.blocks:
            b.reason = f"{b.reason}{FALLBACK_SUFFIX}:{why}"
        return result

    def _finish(self, result: Result, declared_meta: Metadata, page: Page, rules: SiteRules | None) -> None:
        """What the markup declares merged over the text's metadata, the language settled,
        an article's leading headline and dek moved to metadata, site rules last."""
        declared, detected = declared_meta.language, result.metadata.language
        declared_meta.merge_missing(result.metadata)  # the markup's metadata first; the text fills the gaps
        result.metadata = declared_meta
        if declared:
            result.metadata.language = settle_language(declared, detected, result.blocks, self.lexicon)
        if page.article and drop_lead(result.blocks, result.metadata):
            result.text = assemble(result.blocks)
        if rules is not None:
            # site rules have the last word, with their XPaths run on the page's tree
            rules.apply_metadata(result.blocks, result.metadata, page.tree)
        if not result.text:
            result.status = STATUS_EMPTY
            result.error = result.error or no_article(result.blocks, result.mode)

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
            return decode_html(data, charset)  # <meta charset> beats detection
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
        profile: SiteProfile | None = None,
    ) -> Result:
        """Site rules, what was learned of the site, generic classifier, assembly and metadata over ``blocks``.

        ``use_region=False`` skips the main-text search (for blocks that an
        extractor already cut to the article) and only drops chrome.
        """
        if not blocks:
            return _failed(STATUS_EMPTY, "no text in input", url, mode)
        language = compute_features(blocks, self.lexicon)
        stopwords = self.lexicon.stopwords.get(language or "")
        if rules is not None:
            rules.apply_text(blocks)
        seen = blocks
        if profile is not None and profile.apply(blocks, self.lexicon_category):
            # the site's repeated blocks leave the page before the classifier reads it: its region search
            # then finds the article (and the comments under it) as one run, no longer cut by chrome
            seen = [b for b in blocks if not b.reason.startswith("site-model:")]
        tree = use_region and has_tree(seen)
        if tree:
            label_link_text(seen)
        classify(seen, self.matcher, has_stopwords=bool(stopwords), use_region=use_region)
        if tree:
            refine_by_container(seen, has_stopwords=bool(stopwords))
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
    if _missing(data):
        raise _Refused(STATUS_EMPTY, f"no input ({data!r})")
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


def _missing(value: object) -> bool:
    """None, or a data frame's missing value (a NaN, pandas' NA or NaT), without importing pandas."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def _as_site(site: object) -> str | None:
    """A forced site name, or None: a missing value or one that is not a name is no site."""
    if isinstance(site, bytes | bytearray):
        site = bytes(site).decode("utf-8", errors="replace")
    return site.strip() or None if isinstance(site, str) else None


def _as_seconds(value: object) -> float | None:
    """A per-call timeout: a positive number of seconds, else no limit (a NaN from a data frame too)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        return None
    return float(value)


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
def _shared_cleaner(list_all_removed: bool, engine: str) -> Cleaner:
    """One Cleaner per distinct setting: building one compiles lexicons and loads rules."""
    return Cleaner(list_all_removed=list_all_removed, engine=engine)


def warm(cache_dir: str | Path | None = None) -> Path | None:
    """Compile the pattern database into the cache folder now (``cleaner warm``): its path, or None
    without Hyperscan (nothing to cache). OSError when the folder cannot be written.

    A process that finds the database cached loads it in milliseconds instead of compiling it for
    seconds: warm an image, or a cluster's shared folder, before the workers start.
    """
    matcher = chrome_matcher(default_lexicon(), cache_dir)
    if not matcher.scan_expressions:
        return None
    return ensure_cached(matcher.scan_expressions, cache_dir)


def clean(
    data: str | bytes | bytearray | memoryview | None,
    *,
    url: str | None = None,
    mode: Mode = "auto",
    charset: str | None = None,
    site: str | None = None,
    list_all_removed: bool = False,
    engine: str = DEFAULT_ENGINE,
    timeout: float | None = None,
    include_comments: bool = False,
) -> Result:
    """Clean one document with default settings (a shared Cleaner); see :class:`Cleaner`.

    An unknown ``engine`` raises ValueError, as it does for a Cleaner: it is a setup error.
    """
    cleaner = _shared_cleaner(bool(list_all_removed), check_engine(engine))
    return cleaner.clean(
        data, url=url, mode=mode, charset=charset, site=site, timeout=timeout, include_comments=include_comments
    )
