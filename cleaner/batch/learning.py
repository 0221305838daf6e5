"""The first pass of ``cleaner clean --learn`` (and of ``cleaner rules learn``): site statistics
over every readable document of the inputs, before any is cleaned.

It reads the same documents the cleaning pass will (same readers, same limits)
and never fails a run: a document it cannot read or that overruns its time is
left out of the statistics and counted; the cleaning pass then reports it as
it would without learning.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .._pipeline import Cleaner
from ..learn import LearnSettings, SiteLearner, SiteModel
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
) -> tuple[SiteModel, LearnStats]:
    """A SiteModel learned from every document of ``readers``, and what the pass saw."""
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
                key = learner.add(data, url=doc.url, mode=doc.mode, charset=doc.charset)
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
