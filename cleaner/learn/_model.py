"""What is learned of a site, how it is applied to a page, and how it is saved.

A :class:`SiteProfile` holds, for one site, the fingerprints of the blocks
seen on many of its pages (its chrome) and of the repeated headings that open
a chrome tail (a "Most Popular" heading followed by headlines that change from
page to page). Applying it drops those blocks before the generic classifier
runs, each with the category the lexicon gives its text (else ``site-chrome``)
and a reason that says how often it was seen.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .._files import share
from .._model import Block
from ._stats import PageSketch, SiteSample, fingerprints

# A site needs this many distinct pages before anything is learned of it.
DEFAULT_MIN_PAGES = 5
# A block is chrome when it occurs on at least this share of the site's pages ...
DEFAULT_MIN_SHARE = 0.3
# ... and on at least this many of them (a quote carried by two stories is not chrome).
DEFAULT_MIN_COUNT = 3
# A block of this many words or more that is not repeated is the page's own prose.
PROSE_WORDS = 15
# A repeated line of at most this many words can open a chrome tail ...
TAIL_HEADING_MAX_WORDS = 8
# ... when, on at least this share of the pages it occurs on, it comes after the page's article and
# is followed by unrepeated blocks all shorter than this (headlines, not reader comments).
TAIL_SHARE = 0.8
TAIL_MAX_WORDS = 25
SITE_CHROME = "site-chrome"
# Lines the lexicon reads as a dateline or a byline are left to the generic engine, however often they
# recur: folded digits make "July 24, 2012 12:11 AM" the same line on every page of a month, and the
# metadata stage reads the date and the author there.
LEFT_TO_THE_ENGINE = frozenset({"date", "byline"})
FORMAT = "cleaner-site-model"
FORMAT_VERSION = 1
# A model file is data read from disk: its size and its entries are bounded before it is trusted.
MAX_MODEL_BYTES = 256 * 1024 * 1024
MAX_TEXT_CHARS = 2000


@dataclass(frozen=True, slots=True)
class LearnSettings:
    """When a site is learned, and when a block counts as its chrome (see the constants above)."""

    min_pages: int = DEFAULT_MIN_PAGES
    min_share: float = DEFAULT_MIN_SHARE
    min_count: int = DEFAULT_MIN_COUNT

    def __post_init__(self) -> None:
        if self.min_pages < 2 or self.min_count < 2:
            raise ValueError("min_pages and min_count must be at least 2: a block seen once is not repeated")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], not {self.min_share}")

    def needed(self, pages: int) -> int:
        """On how many of ``pages`` pages a block must occur to be chrome."""
        return max(self.min_count, math.ceil(self.min_share * pages - 1e-9))


@dataclass(slots=True)
class SiteProfile:
    """What was learned of one site: its repeated blocks and the headings that open its chrome tails."""

    site: str
    pages: int  # distinct pages the statistics come from (the sample)
    pages_seen: int  # pages of the site in the input, duplicates included
    chrome: dict[int, int] = field(default_factory=dict)  # fingerprint -> pages it occurs on
    tails: dict[int, int] = field(default_factory=dict)  # fingerprint -> pages where it opens a chrome tail
    texts: dict[int, str] = field(default_factory=dict)  # a readable text per fingerprint, when known
    # "site-model:...:seen-on-N-of-M-pages" by N, made once: one string shared by every block it names
    _reasons: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def apply(self, blocks: list[Block], category_of: Callable[[str, int], str | None] | None = None) -> int:
        """Drop this site's chrome among the undecided ``blocks``; how many were dropped.

        ``category_of(text, words)`` names a block's category (the lexicon's), or None.
        """
        dropped = 0
        in_tail = False
        chrome, tails, reasons = self.chrome, self.tails, self._reasons
        tail_reason = f"site-model:{self.site}:tail-after-repeated-heading"
        for b, h in zip(blocks, fingerprints([b.text for b in blocks]), strict=True):
            seen = chrome.get(h)
            if seen is not None:
                # a tail goes on through the short repeated lines inside it (comment counts, "More")
                in_tail = h in tails or (in_tail and b.words <= TAIL_HEADING_MAX_WORDS)
                if b.decision is None:
                    category = _category(b, category_of)
                    if category not in LEFT_TO_THE_ENGINE:
                        reason = reasons.get(seen)
                        if reason is None:
                            reason = reasons[seen] = f"site-model:{self.site}:seen-on-{seen}-of-{self.pages}-pages"
                        b.drop(category, reason)
                        dropped += 1
            elif in_tail and b.words < TAIL_MAX_WORDS:
                if b.decision is None:
                    b.drop(SITE_CHROME, tail_reason)
                    dropped += 1
            else:
                in_tail = False
        return dropped

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "pages_seen": self.pages_seen,
            "chrome": {f"{h:016x}": n for h, n in sorted(self.chrome.items())},
            "tails": {f"{h:016x}": n for h, n in sorted(self.tails.items())},
            "texts": {f"{h:016x}": t for h, t in sorted(self.texts.items())},
        }

    @classmethod
    def from_json(cls, site: str, data: Any) -> SiteProfile:
        if not isinstance(data, dict):
            raise ValueError(f"site {site!r}: not an object")
        pages, seen = data.get("pages"), data.get("pages_seen")
        if (
            not isinstance(pages, int)
            or not isinstance(seen, int)
            or isinstance(pages, bool)  # JSON's true is no count
            or isinstance(seen, bool)
            or pages < 1
            or seen < pages
        ):
            raise ValueError(f"site {site!r}: pages and pages_seen must be counts, pages_seen >= pages >= 1")
        return cls(
            site,
            pages,
            seen,
            _counts(site, "chrome", data.get("chrome", {})),
            _counts(site, "tails", data.get("tails", {})),
            _texts(site, data.get("texts", {})),
        )


def _category(block: Block, category_of: Callable[[str, int], str | None] | None) -> str:
    found = category_of(block.text, block.words) if category_of is not None else None
    return found or SITE_CHROME


def learn_profile(site: str, sample: SiteSample, settings: LearnSettings) -> SiteProfile | None:
    """The profile of one site from its sampled pages; None when it has too few pages to learn from."""
    pages = sample.sorted_pages()
    if len(pages) < settings.min_pages:
        return None
    counts: Counter[int] = Counter()
    for page in pages:
        counts.update(set(page.hashes))
    needed = settings.needed(len(pages))
    chrome = {h: n for h, n in counts.items() if n >= needed}
    tails = _tails(pages, chrome, counts, needed)
    return SiteProfile(site, len(pages), sample.pages_seen, chrome, tails)


def _tails(
    pages: list[PageSketch], chrome: Mapping[int, int], counts: Mapping[int, int], needed: int
) -> dict[int, int]:
    """Repeated short lines that, on most pages where they occur, open a run of unrepeated short blocks
    after the page's article: "Most Popular" over headlines that change from day to day.

    The article is the page's longest unrepeated block; a run is what follows the line up to the next
    repeated block. A run that holds a long block (reader comments) never counts, nor one that reads
    like the page's own short entries: a list of other stories either recurs from page to page (the
    same stories are "most read" for days) or is headlines, which do not end as sentences do; a
    reference page's entries under a repeated heading ("Instance properties") are neither.
    """
    opens: Counter[int] = Counter()
    for page in pages:
        hashes, words = page.hashes, page.words
        repeated = [h in chrome for h in hashes]
        unique = [i for i, r in enumerate(repeated) if not r]
        if not unique:
            continue
        article = max(unique, key=words.__getitem__)  # the first of the longest
        # the runs between consecutive repeated blocks after the article, each opened by the first of them
        marks = [i for i in range(article + 1, len(hashes)) if repeated[i]] + [len(hashes)]
        seen: set[int] = set()
        for i, j in pairwise(marks):
            h = hashes[i]
            if j == i + 1 or h in seen or words[i] > TAIL_HEADING_MAX_WORDS:
                continue
            seen.add(h)
            run = j - i - 1
            recurring = sum(counts[hashes[k]] > 1 for k in range(i + 1, j))
            headlines = run - sum(page.sentences[i + 1 : j])
            if max(words[i + 1 : j]) < TAIL_MAX_WORDS and (2 * recurring >= run or 4 * headlines >= 3 * run):
                opens[h] += 1
    return {h: n for h, n in opens.items() if n >= needed and n >= TAIL_SHARE * chrome[h]}


class SiteModel:
    """Site profiles by site key (a URL's host without ``www.``, a rule file's site name, or a forced site).

    Learn one with :func:`cleaner.learn_site_model` (or ``cleaner clean --learn``),
    save it with :meth:`save`, load it with :meth:`load`, and pass it to
    ``Cleaner(site_model=...)``. Sites not in the model are cleaned as without it.
    """

    def __init__(self, profiles: Iterable[SiteProfile] = (), settings: LearnSettings | None = None) -> None:
        self.settings = settings or LearnSettings()
        self.profiles: dict[str, SiteProfile] = {p.site: p for p in profiles}

    def __len__(self) -> int:
        return len(self.profiles)

    def __repr__(self) -> str:
        return f"<SiteModel sites={len(self.profiles)} chrome={sum(len(p.chrome) for p in self.profiles.values())}>"

    def get(self, site: str | None) -> SiteProfile | None:
        return self.profiles.get(site) if site else None

    def to_json(self) -> dict[str, Any]:
        s = self.settings
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "settings": {"min_pages": s.min_pages, "min_share": s.min_share, "min_count": s.min_count},
            "sites": {name: self.profiles[name].to_json() for name in sorted(self.profiles)},
        }

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (gzip-compressed when the name ends in ``.gz``), atomically."""
        path = Path(path)
        data = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        if path.suffix == ".gz":
            data = gzip.compress(data, mtime=0)
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            share(tmp)  # mkstemp's 0600 would hide the model from a shared cluster's workers
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> SiteModel:
        """Read a model written by :meth:`save`; ValueError naming the file when it is not one."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_MODEL_BYTES:
                raise ValueError(f"larger than {MAX_MODEL_BYTES} bytes")
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
                    raw = fh.read(MAX_MODEL_BYTES + 1)
                if len(raw) > MAX_MODEL_BYTES:
                    raise ValueError(f"decompresses to more than {MAX_MODEL_BYTES} bytes")
            return cls.from_json(json.loads(raw.decode("utf-8")))
        # ValueError covers bad UTF-8 and bad JSON; zlib.error is a gzip header over broken data, and
        # RecursionError JSON nested too deep to parse
        except (OSError, ValueError, EOFError, zlib.error, RecursionError) as exc:
            raise ValueError(f"{path}: not a site model: {exc}") from None

    @classmethod
    def from_json(cls, data: Any) -> SiteModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"no 'format': {FORMAT!r} field")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"version {data.get('version')!r}, this cleaner reads version {FORMAT_VERSION}")
        raw = data.get("settings", {})
        if not isinstance(raw, dict):
            raise ValueError("settings must be an object")
        try:
            settings = LearnSettings(**{k: raw[k] for k in ("min_pages", "min_share", "min_count") if k in raw})
        except TypeError as exc:
            raise ValueError(f"settings: {exc}") from None
        sites = data.get("sites", {})
        if not isinstance(sites, dict):
            raise ValueError("sites must be an object")
        return cls((SiteProfile.from_json(str(name), value) for name, value in sites.items()), settings)


def _counts(site: str, name: str, value: Any) -> dict[int, int]:
    if not isinstance(value, dict):
        raise ValueError(f"site {site!r}: {name} must be an object")
    out: dict[int, int] = {}
    for key, n in value.items():
        try:
            h = int(key, 16)
        except (TypeError, ValueError):
            raise ValueError(f"site {site!r}: {name}: {key!r} is not a fingerprint") from None
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or not 0 <= h < 1 << 64:
            raise ValueError(f"site {site!r}: {name}: {key!r} needs a positive count")
        out[h] = n
    return out


def _texts(site: str, value: Any) -> dict[int, str]:
    if not isinstance(value, dict):
        raise ValueError(f"site {site!r}: texts must be an object")
    out: dict[int, str] = {}
    for key, text in value.items():
        try:
            out[int(key, 16)] = str(text)[:MAX_TEXT_CHARS]
        except (TypeError, ValueError):
            raise ValueError(f"site {site!r}: texts: {key!r} is not a fingerprint") from None
    return out


def site_key(url: str | None, detected: str | None = None, forced: str | None = None) -> str | None:
    """The site a page is filed under: the forced site, else its URL's host (without ``www.``),
    else the site its rule fingerprints named; None when none of them is known."""
    if forced:
        return forced
    if url:
        host = _host(url)
        if host:
            return host
    return detected or None


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host
