"""Learning a :class:`SiteModel` from pages: the first of ``--learn``'s two passes.

Each page is decoded and segmented as the cleaner would (a text dump line by
line; HTML as its full-page rendering, which is also what HTML mode's fallback
cleans), reduced to a :class:`PageSketch` and filed under its site key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._model import LearnSettings, SiteModel, learn_profile
from ._stats import MAX_PAGES_PER_SITE, PageSketch, SiteStats

if TYPE_CHECKING:
    from .._pipeline import Cleaner


class SiteLearner:
    """Collects site statistics page by page; :meth:`model` turns them into a SiteModel.

    >>> learner = SiteLearner()
    >>> for url, html in pages:
    ...     learner.add(html, url=url)
    >>> model = learner.model()

    Pages may come in any order and from several learners (:meth:`merge`): the
    model is the same. Memory is bounded per site (``max_pages`` sampled pages,
    about 1.2 KB each for a page of 120 blocks).
    """

    def __init__(
        self,
        cleaner: Cleaner | None = None,
        *,
        settings: LearnSettings | None = None,
        max_pages: int = MAX_PAGES_PER_SITE,
    ) -> None:
        if cleaner is None:
            from .._pipeline import Cleaner

            cleaner = Cleaner()
        self.cleaner = cleaner
        self.settings = settings or LearnSettings()
        self.stats = SiteStats(max_pages=max_pages)
        self.pages = 0  # pages offered
        self.unsited = 0  # pages without a site key (no URL, no fingerprint, no forced site)

    def add(
        self,
        data: str | bytes | None,
        *,
        url: Any = None,
        mode: str | None = None,
        charset: str | None = None,
        site: str | None = None,
    ) -> str | None:
        """File one page under its site; the site key, or None when the page has none (or no text)."""
        self.pages += 1
        key, lines = self.cleaner.learning_view(data, url=url, mode=mode, charset=charset, site=site)
        if key is None or not lines:
            self.unsited += key is None
            return None
        self.add_sketch(key, PageSketch.of(lines))
        return key

    def add_sketch(self, site: str, sketch: PageSketch) -> None:
        self.stats.add(site, sketch)

    def merge(self, other: SiteLearner) -> None:
        self.pages += other.pages
        self.unsited += other.unsited
        self.stats.merge(other.stats)

    def model(self) -> SiteModel:
        profiles = []
        for site in sorted(self.stats.sites):
            profile = learn_profile(site, self.stats.sites[site], self.settings)
            if profile is not None and (profile.chrome or profile.tails):
                profiles.append(profile)
        return SiteModel(profiles, self.settings)


def learn_site_model(
    pages: Iterable[tuple[str | bytes, str | None]],
    *,
    cleaner: Cleaner | None = None,
    settings: LearnSettings | None = None,
) -> SiteModel:
    """A SiteModel from ``(document, url)`` pairs (HTML or text dumps, str or bytes)."""
    learner = SiteLearner(cleaner, settings=settings)
    for data, url in pages:
        learner.add(data, url=url)
    return learner.model()
