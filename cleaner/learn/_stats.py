"""Site statistics: on how many of a site's pages each block occurs, in bounded memory.

A page is reduced to its blocks' fingerprints: each block's text normalised
(lower-cased, runs of digits and of whitespace folded) and hashed to 64 bits,
in page order, with each block's word count. Nothing else of a page is kept.

Memory is bounded by a per-site sample of pages, not by the size of the crawl:
a site keeps the pages whose own digest is below a threshold, and the
threshold halves whenever the site holds more than ``max_pages`` of them. The
sample is therefore the same whatever order the pages come in (it is "every
page whose digest is below the final threshold", and the final threshold
depends only on the set of digests), and so are the counts taken from it.
Identical pages (the same digest) count once: a page crawled twice must not
make its own prose look repeated.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from dataclasses import dataclass, field

# A site keeps at most this many pages for its statistics (a sample, chosen by page digest).
MAX_PAGES_PER_SITE = 2000
# Only the first this-many blocks of a page are fingerprinted (a page of 50,000 list items
# must not cost 50,000 entries).
MAX_BLOCKS_PER_PAGE = 1500
_FULL = 1 << 64
# A block ending in one of these ends as a sentence does; a headline mostly does not.
_SENTENCE_END = frozenset([b".", b"!", b"?", b":", b";", b'"', b")"])
_DIGITS = re.compile(r"[0-9]+")
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_SPACES = re.compile(rb"[ \t\r]+")
# Whitespace that normalise (str.split) folds but the bytes pass below does not; segmenters have
# already turned these into spaces or line breaks, so a page holds them only from other callers.
_ODD_ASCII_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f"
_ODD_SPACES = (
    _ODD_ASCII_SPACES + "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
)


def normalise(text: str) -> str:
    """What two occurrences of the same chrome line share: lower-cased, runs of ASCII digits
    and of spaces folded to one ("12 comments" and "3 comments" are one line)."""
    return _DIGITS.sub("0", " ".join(text.lower().split()))


def fingerprint(text: str) -> int:
    """64 bits of the normalised text, the same in every process, platform and Python version."""
    return fingerprints([text])[0]


def fingerprints(texts: list[str]) -> list[int]:
    """``fingerprint`` of each text: the page normalised as one string, then hashed line by line."""
    return _hashes(_normalised_lines(texts))


def _hashes(lines: list[bytes]) -> list[int]:
    # CRC-32 and Adler-32 side by side: deterministic everywhere and cheap from Python (this runs on
    # every block of every page). A false match needs both to collide with one of a site's chrome
    # lines: about 2^-50 a block for 10,000 of them.
    crc32, adler32 = zlib.crc32, zlib.adler32
    return [crc32(line) << 32 | adler32(line) for line in lines]


def _normalised_lines(texts: list[str]) -> list[bytes]:
    """Each text as ``normalise`` makes it, UTF-8 encoded, the whole page at once.

    This runs on every block of every page, twice with ``--learn``: one lower(), one translation
    and a few replacements a page, rather than a regular expression a block.
    """
    if not texts:
        return []
    joined = "\n".join(texts)
    ascii_only = joined.isascii()
    # lower() rather than casefold(): a third quicker, and a site prints its chrome in one spelling;
    # bytes.lower() is lower() on ASCII, five times quicker still
    data = joined.encode("ascii").lower() if ascii_only else joined.lower().encode("utf-8", "surrogatepass")
    odd = _ODD_ASCII_SPACES if ascii_only else _ODD_SPACES
    if data.count(b"\n") != len(texts) - 1 or any(map(joined.__contains__, odd)):
        # a line break or an odd space inside a block: each folded as normalise folds it
        return [normalise(t).encode("utf-8", "surrogatepass") for t in texts]
    if b"  " in data or b"\t" in data or b"\r" in data:  # segmenters fold spaces; other callers may not
        data = _SPACES.sub(b" ", data)
    data = data.replace(b"\n ", b"\n").replace(b" \n", b"\n").strip(b" ")
    # a run of digits to one "0": every digit to "0", then "00" to "0" until no pair is left
    # (each pass halves the runs; several times quicker than substituting a pattern)
    data = data.translate(_DIGITS_TO_ZERO)
    while b"00" in data:
        data = data.replace(b"00", b"0")
    return data.split(b"\n")


@dataclass(slots=True)
class PageSketch:
    """A page as its blocks' fingerprints and word counts, in page order."""

    hashes: array[int]  # "Q": 64-bit fingerprints
    words: array[int]  # "I": words of the normalised block (spaces + 1)
    sentences: array[int]  # "B": 1 where the block ends as a sentence does

    @classmethod
    def of(cls, texts: list[str]) -> PageSketch:
        lines = _normalised_lines(texts[:MAX_BLOCKS_PER_PAGE])
        return cls(
            array("Q", _hashes(lines)),
            array("I", [line.count(b" ") + 1 for line in lines]),
            array("B", [line[-1:] in _SENTENCE_END for line in lines]),
        )

    @property
    def digest(self) -> int:
        return int.from_bytes(hashlib.blake2b(self.hashes.tobytes(), digest_size=8).digest(), "big")


@dataclass(slots=True)
class SiteSample:
    """The sampled pages of one site, and how many pages the site had in all."""

    pages_seen: int = 0  # every page added, duplicates included
    threshold: int = _FULL  # pages whose digest is at or above it are out of the sample
    pages: dict[int, PageSketch] = field(default_factory=dict)
    max_pages: int = MAX_PAGES_PER_SITE

    def add(self, page: PageSketch) -> None:
        self.pages_seen += 1
        if not page.hashes:
            return
        digest = page.digest
        if digest >= self.threshold or digest in self.pages:
            return
        self.pages[digest] = page
        while len(self.pages) > self.max_pages:
            self.threshold //= 2
            self.pages = {d: p for d, p in self.pages.items() if d < self.threshold}

    def merge(self, other: SiteSample) -> None:
        """Add another sample of the same site (from another worker); the result is as if one had seen all."""
        self.pages_seen += other.pages_seen - len(other.pages)  # add() counts the ones passed on
        self.threshold = min(self.threshold, other.threshold)
        self.pages = {d: p for d, p in self.pages.items() if d < self.threshold}
        for page in other.pages.values():
            self.add(page)

    def sorted_pages(self) -> list[PageSketch]:
        """The sampled pages in digest order: every later step sees them in the same order."""
        return [self.pages[d] for d in sorted(self.pages)]


@dataclass(slots=True)
class SiteStats:
    """Site samples by site key; add pages in any order, from any number of workers."""

    max_pages: int = MAX_PAGES_PER_SITE
    sites: dict[str, SiteSample] = field(default_factory=dict)

    def add(self, site: str, page: PageSketch) -> None:
        sample = self.sites.get(site)
        if sample is None:
            sample = self.sites[site] = SiteSample(max_pages=self.max_pages)
        sample.add(page)

    def merge(self, other: SiteStats) -> None:
        for site, sample in other.sites.items():
            mine = self.sites.get(site)
            if mine is None:  # a sample of our own: the other learner may go on adding to its own
                mine = self.sites[site] = SiteSample(max_pages=self.max_pages)
            mine.merge(sample)
