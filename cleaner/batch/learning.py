"""The passes of ``cleaner clean --learn`` and ``cleaner rules learn`` over the inputs, before any
document is cleaned: site statistics (:func:`learn_pass`), then the texts of what was learned
(:func:`collect_texts`).

They read the same documents the cleaning pass will (same readers, same limits)
and never fail a run: a document one cannot read or that overruns its time is
left out and counted; the cleaning pass then reports it as it would without
learning.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .._pipeline import Cleaner
from ..learn import LearnSettings, SiteLearner, SiteModel
from ..learn._texts import TextCollector
from .document import Document
from .readers import Reader
from .worker import DocumentTimeout, InputTooLarge, deadline, load


@dataclass(slots=True)
class LearnStats:
    """What the learning pass saw."""

    documents: int = 0  # documents offered
    learned: int = 0  # filed under a site
    unsited: int = 0  # no URL, no fingerprint, no forced site
    unreadable: int = 0  # skipped, failed to read, too large or timed out
    sites: int = 0  # sites with pages
    learned_sites: int = 0  # sites the model holds (enough pages, something repeated)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"learned {self.learned_sites} of {self.sites} sites from {self.learned} documents "
            f"({self.unsited} without a site, {self.unreadable} unreadable) in {self.seconds:.1f} s"
        )


def documents(readers: Iterable[Reader]) -> Iterator[Document]:
    for reader in readers:
        yield from reader.read()


def read_document(doc: Document, max_bytes: int | None) -> str | bytes | None:
    """A document's data, or None when it has none to learn from (skipped, unreadable, too large)."""
    if doc.error is not None or doc.skip is not None:
        return None
    if doc.data is not None:
        return doc.data
    if doc.source is None:
        return None
    try:
        return load(doc.source, max_bytes)
    except (OSError, InputTooLarge, EOFError, ValueError):
        return None


def learn_pass(
    readers: Sequence[Reader],
    cleaner: Cleaner,
    *,
    settings: LearnSettings | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    site: str | None = None,
) -> tuple[SiteModel, LearnStats]:
    """A SiteModel learned from every document of ``readers``, and what the pass saw.

    ``site`` files every page under that site (text dumps without URLs).
    """
    started = time.perf_counter()
    learner = SiteLearner(cleaner, settings=settings)
    stats = LearnStats()
    for doc in documents(readers):
        stats.documents += 1
        data = read_document(doc, max_bytes)
        if data is None:
            stats.unreadable += 1
            continue
        try:
            with deadline(timeout):
                key = learner.add(data, url=doc.url, mode=doc.mode, charset=doc.charset, site=site)
        except DocumentTimeout:
            stats.unreadable += 1
            continue
        except Exception:  # a page the cleaner cannot read is reported by the cleaning pass, not here
            stats.unreadable += 1
            continue
        if key is not None:
            stats.learned += 1
    model = learner.model()
    stats.unsited = learner.unsited
    stats.sites = len(learner.stats.sites)
    stats.learned_sites = len(model)
    stats.seconds = time.perf_counter() - started
    return model, stats


# Called with each page of a learned site during collect_texts: its site key and its lines.
PageHook = Callable[[str, list[str]], None]


def collect_texts(
    readers: Sequence[Reader],
    cleaner: Cleaner,
    model: SiteModel,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    site: str | None = None,
    on_page: PageHook | None = None,
) -> int:
    """The second pass: fill each profile's ``texts`` (a readable text per learned fingerprint).

    Reads the documents again as :func:`learn_pass` did (same ``site``, limits and
    view of each page); ``on_page`` also sees each page of a site in the model
    (``cleaner rules learn`` picks its test pages there). Returns the number of
    texts found. Memory is bounded by the model (see :class:`TextCollector`).
    """
    collector = TextCollector(model)
    for doc in documents(readers):
        data = read_document(doc, max_bytes)
        if data is None:
            continue
        try:
            with deadline(timeout):
                key, texts = cleaner.learning_view(data, url=doc.url, mode=doc.mode, charset=doc.charset, site=site)
        except (DocumentTimeout, Exception):  # left out of the statistics by the first pass too
            continue
        if key is None or not texts or not collector.wants(key):
            continue
        collector.add(key, texts)
        if on_page is not None:
            on_page(key, texts)
    return collector.fill()
