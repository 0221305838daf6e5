"""Readable texts for a model's fingerprints: the second pass over a site's pages.

Statistics keep 64-bit fingerprints only, but a rule file (or a person reading
a saved model) needs each repeated line as text. :class:`TextCollector` sees
the pages again and keeps, for each fingerprint the model holds, its most
common text.

Two lines with one fingerprint differ only in case, spacing or digits. Digits
change from page to page ("Updated 10:32"), so texts are counted by their
*form* (digit runs folded) and a form is shown by its smallest text: the
choice depends on the set of pages alone, never on their order. Memory is
bounded by the model: only its fingerprints are looked at, with at most
``MAX_FORMS`` forms each (case variants; more than that on one site is not
a real page layout, and the extra forms are left uncounted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._model import MAX_TEXT_CHARS, SiteModel
from ._stats import MAX_BLOCKS_PER_PAGE, fingerprints

MAX_FORMS = 8
_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class _Form:
    count: int
    smallest: str


class TextCollector:
    """Counts the texts of a model's fingerprints page by page; :meth:`fill` writes them into its profiles.

    >>> collector = TextCollector(model)
    >>> for site, lines in pages:
    ...     collector.add(site, lines)
    >>> collector.fill()   # model.profiles[site].texts[fingerprint] -> text
    """

    def __init__(self, model: SiteModel) -> None:
        self.model = model
        self._wanted = {site: set(p.chrome) | set(p.tails) for site, p in model.profiles.items()}
        self._forms: dict[str, dict[int, dict[str, _Form]]] = {site: {} for site in model.profiles}

    def wants(self, site: str | None) -> bool:
        return site is not None and site in self._wanted

    def add(self, site: str, texts: list[str]) -> None:
        """One page of ``site`` as its blocks' texts, in page order."""
        wanted = self._wanted.get(site)
        if not wanted:
            return
        forms = self._forms[site]
        texts = texts[:MAX_BLOCKS_PER_PAGE]  # what the statistics looked at
        for h, text in zip(fingerprints(texts), texts, strict=True):
            if h not in wanted or len(text) > MAX_TEXT_CHARS:
                continue
            seen = forms.setdefault(h, {})
            form = _DIGITS.sub("0", text)
            found = seen.get(form)
            if found is not None:
                found.count += 1
                found.smallest = min(found.smallest, text)
            elif len(seen) < MAX_FORMS:
                seen[form] = _Form(1, text)

    def fill(self) -> int:
        """Set each profile's ``texts`` to the most common form's smallest text (ties: the smallest); how many."""
        filled = 0
        for site, by_hash in self._forms.items():
            texts = self.model.profiles[site].texts
            for h, forms in by_hash.items():
                best = min(forms.values(), key=lambda f: (-f.count, f.smallest))
                texts[h] = best.smallest
                filled += 1
        return filled
